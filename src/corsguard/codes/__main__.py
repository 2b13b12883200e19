"""The code reference for the documentation.

``python -m corsguard.codes > docs/codes.md`` prints every code on one page;
``python -m corsguard.codes --pages DIR`` writes one page per code into DIR/codes/, citing the
guides of ``--docs`` (default ``docs``), as the site's build does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from corsguard.codes import render_markdown
from corsguard.codes.pages import render_pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m corsguard.codes", description=__doc__)
    parser.add_argument("--pages", type=Path, metavar="DIR", help="write one page per code")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the guides to cite")
    args = parser.parse_args(argv)
    if args.pages is None:
        print(render_markdown(), end="")
        return
    for name, text in render_pages(args.docs).items():
        path = args.pages / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
