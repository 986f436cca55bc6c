"""python -m gitops.tools.docs [--out DIR]: rewrite the reference pages (default docs/reference/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gitops.tools.docs.build import REFERENCE_DIR, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gitops.tools.docs", description=__doc__)
    parser.add_argument("--out", type=Path, default=REFERENCE_DIR, help="output directory (default: docs/reference/)")
    args = parser.parse_args(argv)
    changed = write(args.out)
    print(
        f"docs: {len(changed)} reference page(s) rewritten in {args.out}"
        if changed
        else "docs: reference pages up to date"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
