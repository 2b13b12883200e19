"""The shell every HTML report shares: the page, its stylesheet, the summary and a finding.

The pages are built with the standard library (``html.escape`` and string joins): they are a
few hundred lines of fixed markup, and a template engine would add a dependency and a second
escaping model without making the markup safer. Every value that came from a target, a file or
the network goes through :func:`e`. The page has no scripts and no external resources, so it
can be attached to a ticket, archived by CI or printed.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from corsguard.codes.links import code_url
from corsguard.findings import Finding
from corsguard.report.model import class_of

SEVERITIES = ("critical", "high", "medium", "low", "info")

STYLE = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;
 background:#fff}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px}
h3{font-size:16px;margin:18px 0 6px}
h1,h2,h3,p,li,dt,dd,td,th,code,pre{overflow-wrap:anywhere}
a{color:#0b57d0}
code,pre{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f1f3f5}
code{padding:0 3px}
pre{padding:8px;white-space:pre-wrap;margin:4px 0}
.summary{border:1px solid #ccc;border-radius:6px;padding:12px;margin:12px 0}
.counts{display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:0;list-style:none}
.counts li{border-radius:4px;padding:2px 10px;border:1px solid #ccc}
.verdict{font-size:18px;font-weight:bold;padding:8px 12px;border-radius:6px;display:inline-block}
.verdict.ok{background:#d3f9d8;color:#0b5e1f}.verdict.bad{background:#ffe3e3;color:#8a0014}
.sev{font-weight:bold;text-transform:uppercase;font-size:12px;padding:1px 6px;border-radius:3px;
 white-space:nowrap}
.sev-critical,.sev-high{background:#b3001b;color:#fff}.sev-medium{background:#f08c00;color:#000}
.sev-low{background:#d0ebff;color:#0b3d91}.sev-info{background:#e9ecef;color:#333}
.finding{border-left:4px solid #ccc;padding:4px 12px;margin:10px 0}
.finding.critical,.finding.high{border-color:#b3001b}.finding.medium{border-color:#f08c00}
.finding.low{border-color:#74c0fc}
.finding p{margin:4px 0}
.fixfirst li{margin:4px 0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
.facts dt{font-weight:bold}.facts dd{margin:0;min-width:0}
.muted{color:#555}
@media (max-width:600px){main{padding:10px}.facts{grid-template-columns:1fr}
 .facts dd{margin-left:8px}}
@media print{a{color:#000}main{max-width:none}.matrix-wrap{overflow:visible}
 .finding,.step{break-inside:avoid}}
"""


def e(value: object) -> str:
    """``value`` as HTML text or attribute, whatever it holds."""
    return html.escape(str(value), quote=True)


def anchor(index: int) -> str:
    return f"finding-{index}"


def page(title: str, body: Iterable[str], style: str = "") -> str:
    head = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(title)}</title><style>{STYLE}{style}</style></head><body><main>"
    )
    return head + "\n".join(body) + "\n</main></body></html>\n"


def severity_counts(findings: Sequence[Finding]) -> str:
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[str(finding.severity)] = counts.get(str(finding.severity), 0) + 1
    items = "".join(
        f"<li><span class='sev sev-{name}'>{name}</span> {count}</li>"
        for name, count in counts.items()
    )
    return f"<ul class='counts' aria-label='findings by severity'>{items}</ul>"


def fix_first(findings: Sequence[tuple[int, Finding]], limit: int = 5) -> list[str]:
    """The worst findings, one line each, linking to their details below."""
    if not findings:
        return ["<p>Nothing to fix.</p>"]
    ranked = sorted(findings, key=lambda pair: (-int(pair[1].severity), pair[0]))
    lines = ["<h3>What to fix first</h3><ol class='fixfirst'>"]
    for index, finding in ranked[:limit]:
        where = f" <span class='muted'>{e(finding.location)}</span>" if finding.location else ""
        lines.append(
            f"<li><span class='sev sev-{e(finding.severity)}'>{e(finding.severity)}</span> "
            f"<a href='#{anchor(index)}'>{e(finding.message)}</a>{where}</li>"
        )
    lines.append("</ol>")
    if len(ranked) > limit:
        lines.append(f"<p class='muted'>and {len(ranked) - limit} more below.</p>")
    return lines


def finding_block(index: int, finding: Finding, extra: Sequence[str] = ()) -> str:
    severity = str(finding.severity)
    parts = [
        f"<section class='finding {e(severity)}' id='{anchor(index)}'>",
        f"<p><span class='sev sev-{e(severity)}'>{e(severity)}</span> "
        f"<a href='{e(code_url(finding.code))}'><code>{e(finding.code)}</code></a> "
        f"<code>{e(class_of(finding))}</code></p>",
        f"<p>{e(finding.message)}</p>",
    ]
    if finding.location:
        parts.append(f"<p class='muted'>at {e(finding.location)}</p>")
    for label in ("why", "exploit"):
        text = finding.evidence.get(label)
        if isinstance(text, str):
            parts.append(f"<p><b>{label}:</b> {e(text)}</p>")
    parts += extra
    parts.append(f"<p><b>fix:</b> {e(finding.fix)}</p></section>")
    return "\n".join(parts)
