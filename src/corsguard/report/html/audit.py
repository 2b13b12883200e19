"""The audit report: counts and what to fix first, then findings by root cause and by file.

An nginx finding's ``file:line`` is quoted from the file audited, so the reader sees the
directive without opening the configuration.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from corsguard.codes import get
from corsguard.codes.links import code_url
from corsguard.findings import Finding
from corsguard.report.html.page import anchor, e, finding_block, fix_first, page, severity_counts

if TYPE_CHECKING:
    from corsguard.audit import AuditResult

_LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::\d+)?$")


def quoted_line(location: str) -> str | None:
    """The line ``file:line`` points at, or None when it names no readable file."""
    match = _LOCATION.match(location)
    if match is None:
        return None
    try:
        lines = Path(match["file"]).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    number = int(match["line"])
    return lines[number - 1].strip() if 0 < number <= len(lines) else None


def file_of(finding: Finding) -> str:
    match = _LOCATION.match(finding.location)
    return match["file"] if match else (finding.location or "(the app)")


def render(result: AuditResult) -> str:
    numbered = list(enumerate(result.findings))
    what = "app" if result.kind == "app" else "nginx configuration"
    body = [
        f"<h1>corsguard audit of {e(what)} {e(result.target)}</h1>",
        "<section class='summary'>",
    ]
    body.append(
        f"<p><b>{len(result.findings)}</b> findings in {len(result.files) or 1} file(s)</p>"
    )
    body.append(severity_counts(result.findings))
    body += fix_first(numbered)
    body.append("</section>")
    if result.findings:
        body += _by_cause(numbered)
        body += _by_file(numbered)
    else:
        body.append("<p>No CORS problems found.</p>")
    for note in result.notes:
        body.append(f"<p class='muted'>note: {e(note)}</p>")
    if result.fix is not None and result.findings:
        body.append("<h2>Equivalent corsguard configuration</h2>")
        body.append(f"<pre>{e(result.fix.code)}</pre>")
    return page(f"corsguard audit of {result.target}", body)


def _by_cause(numbered: list[tuple[int, Finding]]) -> list[str]:
    groups: dict[str, list[tuple[int, Finding]]] = {}
    for index, finding in numbered:
        groups.setdefault(finding.code, []).append((index, finding))
    lines = ["<h2>By root cause</h2><ul>"]
    for code, members in sorted(
        groups.items(), key=lambda kv: -max(int(f.severity) for _, f in kv[1])
    ):
        try:
            title = get(code).title
        except (KeyError, AttributeError):
            title = code
        links = ", ".join(
            f"<a href='#{anchor(i)}'>{e(f.location or 'finding')}</a>" for i, f in members
        )
        lines.append(
            f"<li><a href='{e(code_url(code))}'><code>{e(code)}</code></a> {e(title)} "
            f"({len(members)}): {links}</li>"
        )
    lines.append("</ul>")
    return lines


def _by_file(numbered: list[tuple[int, Finding]]) -> list[str]:
    groups: dict[str, list[tuple[int, Finding]]] = {}
    for index, finding in numbered:
        groups.setdefault(file_of(finding), []).append((index, finding))
    lines = ["<h2>By file</h2>"]
    for name, members in groups.items():
        lines.append(f"<h3>{e(name)}</h3>")
        for index, finding in members:
            line = quoted_line(finding.location)
            extra = [f"<pre>{e(line)}</pre>"] if line else []
            lines.append(finding_block(index, finding, extra))
    return lines
