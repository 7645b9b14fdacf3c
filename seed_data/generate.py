"""Rebuild seed_data/<api>/*.json deterministically.

    python seed_data/generate.py           # rewrite
    python seed_data/generate.py --check   # exit 1 if a file is out of date
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mockserver.contract import load
from mockserver.seedgen import hub, torrent

ROOT = Path(__file__).resolve().parent


def render() -> dict[Path, str]:
    outputs: dict[Path, str] = {}
    for api, rows_by_resource in (("torrent", torrent.generate(load("torrent"))), ("hub", hub.generate())):
        for resource, rows in rows_by_resource.items():
            text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
            outputs[ROOT / api / f"{resource}.json"] = text
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for path, text in render().items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.relative_to(ROOT.parent))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run python seed_data/generate.py): " + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
