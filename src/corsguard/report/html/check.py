"""The check report: the verdict, then the exchange as a sequence (page, preflight, request).

It reads the same document ``check --format json`` prints, so both formats say the same thing.
The header that decided the verdict (Chrome's failed parameter) is highlighted where it appears.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corsguard.codes import Severity
from corsguard.findings import Finding
from corsguard.report.html.page import e, finding_block, fix_first, page

STYLE = """
.sequence{list-style:none;padding:0;margin:0}
.step{border:1px solid #ccc;border-radius:6px;margin:0 0 18px;padding:8px 12px;position:relative}
.step+.step::before{content:"↓";position:absolute;top:-19px;left:24px;color:#555}
.step h3{margin:0 0 4px}
table.headers{border-collapse:collapse;width:100%;font-size:13px;table-layout:fixed}
.headers td{border-top:1px solid #eee;padding:2px 6px;vertical-align:top;
 font-family:ui-monospace,Menlo,Consolas,monospace}
.headers td:first-child{width:40%}
tr.decisive td{background:#fff3bf;font-weight:bold}
"""


def _finding(data: Mapping[str, Any]) -> Finding:
    return Finding(
        code=str(data.get("code", "")),
        severity=Severity.parse(str(data.get("severity", "info"))),
        message=str(data.get("message", "")),
        fix=str(data.get("fix", "")),
        location=str(data.get("location", "")),
        evidence=dict(data.get("evidence") or {}),
    )


def _headers(headers: Any, decisive: str | None) -> str:
    rows = []
    for pair in headers or []:
        name, value = str(pair[0]), str(pair[1])
        hit = decisive is not None and name.lower() == decisive.lower()
        rows.append(
            f"<tr{' class=decisive' if hit else ''}><td>{e(name)}</td><td>{e(value)}</td></tr>"
        )
    return f"<table class='headers'>{''.join(rows)}</table>" if rows else ""


def _step(title: str, exchange: Mapping[str, Any] | None, decisive: str | None) -> list[str]:
    if not exchange:
        return []
    request = exchange.get("request") or {}
    response = exchange.get("response") or {}
    status = response.get("status", "no answer")
    return [
        "<li class='step'>",
        f"<h3>{e(title)}: {e(request.get('method', ''))} → {e(status)}</h3>",
        f"<p><code>{e(request.get('url', ''))}</code></p>",
        "<p><b>request headers</b></p>",
        _headers(request.get("headers"), decisive),
        "<p><b>response headers</b></p>",
        _headers(response.get("headers"), decisive),
        "</li>",
    ]


def render(document: Mapping[str, Any]) -> str:
    allowed = bool(document.get("allowed"))
    browser = document.get("browser")
    request = document.get("request") or {}
    decisive = document.get("failed_parameter")
    findings = [_finding(f) for f in document.get("findings") or []]
    numbered = list(enumerate(findings))
    verdict = "allowed" if allowed else "blocked"
    body = [
        f"<h1>corsguard check: {e(request.get('method', 'GET'))} {e(request.get('url', ''))}</h1>",
        "<section class='summary'>",
        f"<p class='verdict {'ok' if allowed else 'bad'}'>{verdict}</p>",
    ]
    if document.get("console_message"):
        body.append(f"<p><b>console:</b> {e(document['console_message'])}</p>")
    if document.get("network_error"):
        body.append(f"<p><b>network error:</b> {e(document['network_error'])}</p>")
    if decisive:
        body.append(f"<p><b>decisive header:</b> <code>{e(decisive)}</code></p>")
    if isinstance(browser, Mapping):
        real = "allowed" if browser.get("allowed") else browser.get("cors_error") or "blocked"
        agree = document.get("agreement")
        body.append(
            f"<p><b>real Chromium:</b> {e(real)}"
            + (" (disagrees with the model; Chromium decides)" if agree is False else "")
            + "</p>"
        )
    body += fix_first(numbered)
    body.append("</section><h2>Exchange</h2><ol class='sequence'>")
    body += [
        "<li class='step'><h3>page</h3>",
        f"<p>script on <code>{e(request.get('origin', ''))}</code> calls fetch() with "
        f"credentials <code>{e(request.get('credentials', 'same-origin'))}</code></p></li>",
    ]
    body += _step("preflight", document.get("preflight"), decisive)
    body += _step("request", document.get("actual"), decisive)
    body.append("</ol>")
    cookies = document.get("cookies") or []
    if cookies:
        body.append("<h2>Cookies</h2><ul>")
        body += [f"<li><code>{e(cookie)}</code></li>" for cookie in cookies]
        body.append("</ul>")
    if findings:
        body.append("<h2>Findings</h2>")
        body += [finding_block(index, finding) for index, finding in numbered]
    return page("corsguard check report", body, STYLE)
