"""`python -m bench`: every benchmark, one after another."""

from __future__ import annotations

import sys

from bench import kb_search


def main(argv: list[str]) -> int:
    return kb_search.main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
