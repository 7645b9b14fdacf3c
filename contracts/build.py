"""Build the OpenAPI contracts from the vendor reference documents.

    python contracts/build.py           # rewrite the generated files
    python contracts/build.py --check   # exit 1 if any generated file is out of date

Inputs: contracts/source/*.txt (verbatim vendor references).
Outputs: contracts/openapi/{torrent,hub}.yaml (for people and tools),
mockserver/openapi/{torrent,hub}.json (the same documents, loaded by the mock at start-up),
contracts/DRIFT.md (every place where a reference contradicts itself and what the contract chose).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mockserver.contractgen import render_outputs

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    outputs = render_outputs(ROOT / "contracts" / "source")
    stale = []
    for relative, text in outputs.items():
        path = ROOT / relative
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(relative)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run python contracts/build.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    for relative in stale:
        print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
