"""``corsguard scan``: probe deployed APIs for CORS misconfigurations an attacker would use."""

from __future__ import annotations

import argparse
from typing import Any

from corsguard.cli import exitcodes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("scan", help="scan APIs for CORS misconfigurations")
    parser.add_argument("urls", nargs="*", metavar="URL")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    return exitcodes.USAGE
