"""Generated files kept in the repository: write them, or check that the committed ones are up to date."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def sync(root: Path, outputs: dict[str, str], check: bool, command: str) -> int:
    """Write each ``outputs`` file (paths relative to ``root``) that differs, or with ``check`` only report them.
    → the exit status: 1 when ``check`` found a stale file, else 0."""
    stale = []
    for relative, text in outputs.items():
        path = root / relative
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(relative)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print(f"out of date (run {command}): " + ", ".join(stale), file=sys.stderr)
        return 1
    for relative in stale:
        print(f"wrote {relative}")
    return 0


def main(description: str, root: Path, render: Callable[[], dict[str, str]], command: str,
         argv: list[str] | None = None) -> int:
    """The command line both generator scripts share: ``[--check]``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    return sync(root, render(), args.check, command)
