"""Colour for the text reports of check, scan and audit, when their output is a terminal.

A layer over the lines the plain renderers already wrote: it styles words in place (severities,
the verdict, the decisive header) and never adds, removes or re-wraps text. It needs the
optional ``rich`` extra; without it, in a pipe, a file or a CI log, or when ``NO_COLOR`` is set
(https://no-color.org), the report is written unchanged.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from corsguard.codes import Severity

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _rules() -> list[tuple[str, str]]:
    """(pattern, style) pairs over the plain renderers' lines."""
    rules = [
        (r"(?m)^BLOCKED\b", "bold red"),  # check's verdict
        (r"(?m)^ALLOWED\b", "bold green"),
        (r"<-- decisive", "bold yellow"),  # check's decisive header
    ]
    for severity, style in SEVERITY_STYLES.items():
        upper, lower = str(severity).upper(), str(severity)
        rules.append((rf"(?m)(?<=^  ){upper}\b", style))  # scan: "  HIGH     name (CG301)"
        rules.append((rf"(?m)(?<=^CG\d\d\d )\[{lower}\]", style))  # audit: "CG101 [critical] …"
    return rules


def styled(report: str) -> Text:
    """The report as rich Text, each styled word at its place in the unchanged text."""
    from rich.text import Text

    text = Text(report, end="")
    for pattern, style in _rules():
        text.highlight_regex(pattern, style)
    return text


def terminal_console(stream: TextIO) -> Console | None:
    """A rich console for ``stream`` when colour is wanted and possible, else None."""
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return None
    try:
        from rich.console import Console
    except ImportError:
        return None
    return Console(file=stream)


def write_report(report: str, stream: TextIO | None = None, console: Console | None = None) -> None:
    """Write a text report: coloured on a terminal with rich, else exactly as rendered."""
    out = stream if stream is not None else sys.stdout
    console = console if console is not None else terminal_console(out)
    if console is None:
        out.write(report)
        return
    console.print(styled(report), end="", soft_wrap=True, markup=False, highlight=False)
