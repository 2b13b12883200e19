"""A self-contained HTML page: the endpoints × probes matrix coloured by verdict, then findings.

No scripts, no external resources: the page can be attached to a ticket or archived by CI.
Every value that came from a target or the network is escaped.
"""

from __future__ import annotations

import html
import json

from corsguard.report.model import VERDICTS, Report, class_of

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d1d1f}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table.matrix{border-collapse:collapse;font-size:12px}
.matrix th,.matrix td{border:1px solid #ddd;padding:2px 4px}
.matrix thead th{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;
 font-weight:normal;max-height:260px;vertical-align:bottom}
.matrix th.target{writing-mode:horizontal-tb;transform:none;text-align:left;font-weight:normal}
td.credentialed{background:#b3001b;color:#fff}td.granted{background:#f08c00}
td.wildcard{background:#ffd43b}td.baseline{background:#74c0fc}td.refused{background:#d3f9d8}
td.error{background:#adb5bd}td.none{background:#fff}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #ccc}
.sev-critical,.sev-high{color:#b3001b;font-weight:bold}.sev-medium{color:#e67700;font-weight:bold}
.sev-low{color:#1971c2}.sev-info{color:#495057}
.finding{margin:8px 0 14px 0}.finding p{margin:2px 0 2px 16px}
code{background:#f1f3f5;padding:0 3px}
"""

_SYMBOL = {
    "credentialed": "C",
    "granted": "G",
    "wildcard": "*",
    "baseline": "B",
    "refused": "",
    "error": "!",
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


class HtmlFormatter:
    name = "html"

    def render(self, report: Report) -> str:
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{_e(report.tool)} report</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<h1>{_e(report.tool)} report</h1>",
        ]
        if report.info:
            facts = ", ".join(f"{_e(k)}: {_e(json.dumps(v))}" for k, v in report.info.items())
            parts.append(f"<p>{facts}</p>")
        if report.columns:
            parts += self._matrix(report)
        parts.append("<h2>Findings</h2>")
        for target in report.targets:
            parts.append(f"<h3>{_e(target.target)}</h3>")
            if target.error:
                parts.append(f"<p class='sev-high'>error: {_e(target.error)}</p>")
            if not target.findings and not target.error:
                parts.append("<p>no findings</p>")
            for finding in target.findings:
                severity = str(finding.severity)
                parts.append("<div class='finding'>")
                parts.append(
                    f"<div><span class='sev-{_e(severity)}'>{_e(severity.upper())}</span> "
                    f"<code>{_e(class_of(finding))}</code> ({_e(finding.code)})</div>"
                )
                parts.append(f"<p>{_e(finding.message)}</p>")
                for label in ("why", "exploit"):
                    text = finding.evidence.get(label)
                    if isinstance(text, str):
                        parts.append(f"<p><b>{label}:</b> {_e(text)}</p>")
                parts.append(f"<p><b>fix:</b> {_e(finding.fix)}</p></div>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def _matrix(self, report: Report) -> list[str]:
        legend = " ".join(
            f"<span class='cell'><b>{_e(_SYMBOL[v] or '·')}</b> {_e(v)}</span>" for v in VERDICTS
        )
        rows = [
            "<h2>Endpoints × probes</h2>",
            f"<p class='legend'>{legend}</p>",
            "<table class='matrix'><thead><tr><th class='target'>endpoint</th>",
        ]
        rows += [
            f"<th title='{_e(c.kind)}: {_e(c.label)}'>{_e(c.kind)} · {_e(c.label)}</th>"
            for c in report.columns
        ]
        rows.append("</tr></thead><tbody>")
        for target in report.targets:
            cells = {cell.column: cell for cell in target.cells}
            rows.append(f"<tr><th class='target'>{_e(target.target)}</th>")
            for column in report.columns:
                cell = cells.get(column.key)
                if cell is None:
                    rows.append("<td class='none'></td>")
                    continue
                verdict = cell.verdict if cell.verdict in _SYMBOL else "error"
                title = f"{column.label}: {verdict}" + (f" ({cell.detail})" if cell.detail else "")
                rows.append(
                    f"<td class='{verdict}' title='{_e(title)}'>{_e(_SYMBOL[verdict])}</td>"
                )
            rows.append("</tr>")
        rows.append("</tbody></table>")
        return rows


FORMATTER = HtmlFormatter()
