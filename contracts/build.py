"""Build the OpenAPI contracts from the vendor reference documents.

    python contracts/build.py           # rewrite the generated files
    python contracts/build.py --check   # exit 1 if any generated file is out of date

Inputs: contracts/source/*.txt (verbatim vendor references).
Outputs: contracts/openapi/{torrent,hub}.yaml (for people and tools),
mockserver/openapi/{torrent,hub}.json (the same documents, loaded by the mock at start-up),
contracts/DRIFT.md (every place where a reference contradicts itself and what the contract chose).
"""
from __future__ import annotations

import sys
from pathlib import Path

from mockserver import generated
from mockserver.contractgen import render_outputs

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    return generated.main(__doc__.splitlines()[0], ROOT, lambda: render_outputs(ROOT / "contracts" / "source"),
                          "python contracts/build.py", argv)


if __name__ == "__main__":
    sys.exit(main())
