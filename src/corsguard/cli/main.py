"""``corsguard`` entry point: parse arguments, hand over to a command module.

Each command lives in its own module (``check``, ``scan``, ``audit``) exposing
``register(subparsers)``, which adds its parser and sets ``handler`` to a function taking the
parsed namespace and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from corsguard._version import __version__
from corsguard.cli import exitcodes

COMMANDS = ("check", "scan", "audit")

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(exitcodes.USAGE, f"corsguard: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="corsguard",
        description="CORS that is correct by construction, and every CORS failure explained.",
    )
    parser.add_argument("--version", action="version", version=f"corsguard {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"corsguard.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return exitcodes.USAGE
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("corsguard: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
