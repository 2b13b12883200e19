"""``--factory`` and ``--lifespan``: how commands that run an app in-process load and start it.

Spelled as uvicorn spells them, so that the command line that serves the app also checks it.
"""

from __future__ import annotations

import argparse

from corsguard.lifespan import LIFESPAN_MODES


def add_app_arguments(parser: argparse.ArgumentParser, *, scope: str = "") -> None:
    """Add ``--factory`` and ``--lifespan``; ``scope`` prefixes the help ("apps: ")."""
    parser.add_argument(
        "--factory",
        action="store_true",
        help=f"{scope}the app reference names an app factory, called without arguments "
        "(as uvicorn --factory)",
    )
    parser.add_argument(
        "--lifespan",
        choices=LIFESPAN_MODES,
        default="auto",
        help=f"{scope}run the app's lifespan startup and shutdown around the in-process "
        "requests, as uvicorn --lifespan: auto (default) runs it if the app supports it, on "
        "requires it, off skips it",
    )
