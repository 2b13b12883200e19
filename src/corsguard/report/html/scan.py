"""The scan report: a summary, the endpoints × probes matrix, then the findings per endpoint.

The matrix scrolls inside its own box with the endpoint column sticky; probe labels are
horizontal and wrap, so they never run over other text. Each endpoint's row starts with its
worst finding, so that a finding only preflights revealed never hides behind a clean row.
"""

from __future__ import annotations

import json

from corsguard.findings import Finding
from corsguard.report.html.page import anchor, e, finding_block, fix_first, page, severity_counts
from corsguard.report.model import VERDICTS, Report

STYLE = """
.matrix-wrap{overflow:auto;max-width:100%;border:1px solid #ccc;max-height:80vh}
table.matrix{border-collapse:separate;border-spacing:0;font-size:12px}
.matrix th,.matrix td{border-right:1px solid #ddd;border-bottom:1px solid #ddd;padding:3px 5px}
.matrix thead th{position:sticky;top:0;background:#f8f9fa;font-weight:normal;z-index:1;
 min-width:88px;max-width:140px;vertical-align:bottom;text-align:left}
.matrix th.target{position:sticky;left:0;background:#fff;text-align:left;z-index:2;
 min-width:160px;max-width:260px;font-weight:normal}
.matrix thead th.target{z-index:3;background:#f8f9fa}
.matrix td{text-align:center;min-width:28px}
td.credentialed{background:#b3001b;color:#fff}td.granted{background:#f08c00}
td.wildcard{background:#ffd43b}td.baseline{background:#74c0fc}td.refused{background:#d3f9d8}
td.error{background:#adb5bd}td.none{background:#fff}
.legend{display:flex;flex-wrap:wrap;gap:6px;padding:0;list-style:none}
.legend li{border:1px solid #ccc;padding:1px 8px}
.kind{display:block;color:#555;font-size:11px}
@media (max-width:600px){.matrix th.target{min-width:110px;max-width:150px}}
@media print{.matrix-wrap{overflow:visible;max-height:none}.matrix thead th{position:static}}
"""

SYMBOL = {
    "credentialed": "C",
    "granted": "G",
    "wildcard": "*",
    "baseline": "B",
    "refused": "·",
    "error": "!",
}

MEANING = {
    "credentialed": "the probe origin reads with the user's cookies",
    "granted": "the probe origin reads anonymously",
    "wildcard": "'*': anyone reads anonymously",
    "baseline": "the trusted origin is granted, as intended",
    "refused": "the probe origin cannot read",
    "error": "no answer",
}


def render(report: Report) -> str:
    numbered: list[tuple[int, Finding]] = list(enumerate(report.findings))
    findings = [finding for _, finding in numbered]
    errors = sum(1 for target in report.targets if target.error)
    body = [f"<h1>{e(report.tool)} report</h1>", "<section class='summary'>"]
    body.append(
        f"<p><b>{len(report.targets)}</b> endpoints, <b>{len(findings)}</b> findings"
        + (f", <b>{errors}</b> without an answer" if errors else "")
        + "</p>"
    )
    body.append(severity_counts(findings))
    body += fix_first(numbered)
    body += _facts(report)
    body.append("</section>")
    if report.columns:
        body += _matrix(report, numbered)
    body.append("<h2>Findings</h2>")
    index = 0
    for target in report.targets:
        body.append(f"<h3 id='target-{report.targets.index(target)}'>{e(target.target)}</h3>")
        if target.error:
            body.append(f"<p><b>error:</b> {e(target.error)}</p>")
        if not target.findings and not target.error:
            body.append("<p class='muted'>No findings.</p>")
        for finding in target.findings:
            body.append(finding_block(index, finding))
            index += 1
    return page(f"{report.tool} report", body, STYLE)


def _facts(report: Report) -> list[str]:
    if not report.info:
        return []
    rows = ["<dl class='facts'>"]
    for key, value in report.info.items():
        if isinstance(value, list):
            shown = ", ".join(str(item) for item in value) or "none"
        elif isinstance(value, str | int | float):
            shown = str(value)
        else:
            shown = json.dumps(value)
        rows.append(f"<dt>{e(key.replace('_', ' '))}</dt><dd>{e(shown)}</dd>")
    rows.append("</dl>")
    return rows


def _matrix(report: Report, numbered: list[tuple[int, Finding]]) -> list[str]:
    legend = "".join(
        f"<li><b>{e(SYMBOL[v])}</b> {e(v)}: {e(MEANING[v])}</li>" for v in VERDICTS if v in SYMBOL
    )
    rows = [
        "<h2>Endpoints × probes</h2>",
        "<p>Each cell is how the endpoint answered a request from the probe origin (the simple "
        "request, the preflight and the credentialed request together); the first column names "
        "the endpoint's worst finding, including those only preflights revealed.</p>",
        f"<ul class='legend'>{legend}</ul>",
        "<div class='matrix-wrap'><table class='matrix'><thead><tr>"
        "<th class='target' scope='col'>endpoint</th>",
    ]
    rows += [
        f"<th scope='col' title='{e(c.kind)}: {e(c.label)}'>{e(c.label)}"
        f"<span class='kind'>{e(c.kind)}</span></th>"
        for c in report.columns
    ]
    rows.append("</tr></thead><tbody>")
    start = 0
    for position, target in enumerate(report.targets):
        cells = {cell.column: cell for cell in target.cells}
        worst = max(target.findings, key=lambda f: int(f.severity), default=None)
        mark = ""
        if worst is not None:
            first = start + target.findings.index(worst)
            mark = (
                f"<br><a href='#{anchor(first)}'><span class='sev sev-{e(worst.severity)}'>"
                f"{e(worst.severity)}</span> {len(target.findings)} finding"
                f"{'s' if len(target.findings) != 1 else ''}</a>"
            )
        start += len(target.findings)
        rows.append(
            f"<tr><th class='target' scope='row'><a href='#target-{position}'>"
            f"{e(target.target)}</a>{mark}</th>"
        )
        for column in report.columns:
            cell = cells.get(column.key)
            if cell is None:
                rows.append("<td class='none'></td>")
                continue
            verdict = cell.verdict if cell.verdict in SYMBOL else "error"
            title = f"{column.label}: {verdict}" + (f" ({cell.detail})" if cell.detail else "")
            rows.append(f"<td class='{verdict}' title='{e(title)}'>{e(SYMBOL[verdict])}</td>")
        rows.append("</tr>")
    rows.append("</tbody></table></div>")
    return rows
