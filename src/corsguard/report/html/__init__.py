"""Self-contained HTML reports: ``scan`` (a :class:`Report`), ``audit`` and ``check``.

Each command's page lives in its own module; :mod:`corsguard.report.html.page` holds the
shell, stylesheet and escaping they share.
"""

from __future__ import annotations

from corsguard.report.html import scan
from corsguard.report.model import Report


class HtmlFormatter:
    name = "html"

    def render(self, report: Report) -> str:
        return scan.render(report)


FORMATTER = HtmlFormatter()
