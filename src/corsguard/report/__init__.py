"""Reports shared by every command: text, JSON, SARIF 2.1.0 and a self-contained HTML page.

A report is findings grouped by target (a URL, an app, a configuration file). Each format is a
:class:`Formatter`; ``get_formatter(name)`` returns the one the ``--format`` option names.

from corsguard.report import Report, TargetReport, get_formatter
"""

from __future__ import annotations

from corsguard.report.model import (
    FORMATS,
    Cell,
    Column,
    Formatter,
    Report,
    TargetReport,
    class_of,
    get_formatter,
)

__all__ = [
    "FORMATS",
    "Cell",
    "Column",
    "Formatter",
    "Report",
    "TargetReport",
    "class_of",
    "get_formatter",
]
