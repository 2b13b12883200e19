"""The text report of ``corsguard check``: verdict, console message, exchanges, diagnosis."""

from __future__ import annotations

import re
import textwrap
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from corsguard.browser import Exchange
from corsguard.check.needs import needs
from corsguard.check.result import CheckResult
from corsguard.cookies import CookieVerdict
from corsguard.cookies.messages import fix, send_sentence, set_sentence
from corsguard.findings import Finding

MARK = "  <-- decisive"
CORS_PREFIX = "access-control-"


def render_text(result: CheckResult, browser: dict[str, Any] | None = None) -> str:
    verdict = result.verdict
    request = result.request
    lines: list[str] = []
    outcome = "ALLOWED" if verdict.allowed else "BLOCKED"
    lines.append(
        f"{outcome}: {request.method} {request.url} from {request.origin} "
        f"(credentials: {request.credentials})"
    )
    if verdict.allowed:
        lines.append(f"  the page's script gets the response (status {verdict.status})")
        if verdict.readable_headers:
            lines.append(f"  readable headers: {', '.join(verdict.readable_headers)}")
    elif verdict.cors_error:
        lines.append(f"  Chrome's error: {verdict.cors_error}")
    elif verdict.blocked_reason:
        reason = verdict.network_error or verdict.blocked_reason
        lines.append(f"  blocked before CORS: {verdict.blocked_reason} ({reason})")
    elif verdict.network_error:
        lines.append(f"  network error: {verdict.network_error}")
    if browser is not None:
        lines += _browser_lines(result, browser)
    if verdict.console_message:
        lines += ["", "Chrome's console says:", *_wrap(verdict.console_message, "  ")]
    for index, exchange in enumerate(verdict.exchanges):
        decisive = verdict.decisive_header if index == verdict.decisive_exchange else None
        lines += ["", *_exchange_lines(exchange, decisive)]
    if not verdict.exchanges:
        lines += [
            "",
            "nothing was sent: the browser blocks this request before any network traffic",
        ]
    elif result.preflight is not None and result.actual is None:
        lines += ["", "actual request: not sent, because the preflight failed"]
    if result.cookies:
        lines += ["", *cookie_lines(result.cookies)]
    wanted = needs(request, verdict)
    if wanted is not None:
        lines += ["", "For Chrome to allow it, the server must answer:"]
        if wanted.preflight is not None:
            lines.append("  the preflight (OPTIONS):")
            lines += [f"    {name}: {value}" for name, value in wanted.preflight]
        lines.append(f"  the {request.method} request (every response, redirects and errors too):")
        lines += [f"    {name}: {value}" for name, value in wanted.actual]
    if result.probes:
        lines += [
            "",
            "Extra preflights the diagnosis sent (OPTIONS only: no handler runs for them):",
        ]
        for probe in result.probes:
            lines += [f"  {line}" for line in _exchange_lines(probe, None, brief=True)]
    if result.findings:
        lines += ["", "Diagnosis:"]
        for item in result.findings:
            lines += _finding_lines(item)
    lines += [
        "",
        f"({len(verdict.exchanges) + len(result.probes)} request(s), "
        f"{result.elapsed_ms:.1f} ms, {result.transport})",
    ]
    return "\n".join(lines) + "\n"


def cookie_lines(cookies: tuple[CookieVerdict, ...]) -> list[str]:
    """Each Set-Cookie's fate, with DevTools' sentence for the reason and the fix."""
    lines = [f"Cookies (Set-Cookie in the responses, under {_setting(cookies)}):"]
    for cookie in cookies:
        name = cookie.name or "(no name)"
        storing, sending = cookie.storing, cookie.sending
        if storing.reason is not None:
            lines.append(f"  {name}: NOT STORED ({', '.join(storing.reasons)})")
            lines += _wrap(f"DevTools: {set_sentence(storing.reason)}", "    ", "      ")
        elif sending is not None and sending.reason is not None:
            lines.append(
                f"  {name}: stored; NOT SENT on the next request ({', '.join(sending.reasons)})"
            )
            lines += _wrap(f"DevTools: {send_sentence(sending.reason)}", "    ", "      ")
        else:
            lines.append(f"  {name}: stored; sent again on the next request")
            lines += _document_cookie(cookie)
            continue
        remedy = fix(cookie)
        if remedy:
            lines += _wrap(f"fix: {remedy}", "    ", "         ")
    return lines


def _document_cookie(cookie: CookieVerdict) -> list[str]:
    """The API's cookie is not the page's: say so before anyone looks in document.cookie."""
    owner = cookie.storing.domain.lstrip(".")
    page = urlsplit(cookie.context.page_origin).hostname or ""
    if owner == page or page.endswith(f".{owner}"):
        return []
    return _wrap(
        f"(kept for {owner}: the page's document.cookie and its storage panel never show it; "
        "DevTools' Network panel does)",
        "    ",
    )


def _setting(cookies: tuple[CookieVerdict, ...]) -> str:
    setting = cookies[0].context.third_party_cookies
    return "third-party cookies allowed" if setting == "allow" else "third-party cookies blocked"


def _browser_lines(result: CheckResult, browser: dict[str, Any]) -> list[str]:
    version = browser.get("version", "?")
    if browser.get("allowed"):
        said = "ALLOWED"
    else:
        why = (
            browser.get("cors_error") or browser.get("blocked_reason") or browser.get("error_text")
        )
        said = f"BLOCKED ({why})"
    lines = [f"  real Chromium {version}: {said}"]
    if not cors_agrees(result, browser):
        lines += [
            "  !!! DISAGREEMENT: the model predicted "
            f"{'ALLOWED' if result.allowed else result.verdict.cors_error or 'BLOCKED'}, "
            "real Chromium disagrees; trust Chromium and please report this case",
        ]
    for cookie in browser.get("cookies") or ():
        lines.append(f"  real Chromium, cookie {cookie.get('name')!r}: {_observed(cookie)}")
    lines += [
        f"  !!! DISAGREEMENT on cookies: {problem}; trust Chromium and please report this case"
        for problem in cookie_disagreements(result, browser)
    ]
    return lines


def _observed(cookie: dict[str, Any]) -> str:
    if not cookie.get("stored"):
        reasons = ", ".join(cookie.get("reasons") or ()) or "no reason given"
        return f"not stored ({reasons})"
    if cookie.get("sent"):
        return "stored, sent on a repeat of the request"
    reasons = ", ".join(cookie.get("send_reasons") or ()) or "not considered"
    return f"stored, not sent on a repeat of the request ({reasons})"


def agrees(result: CheckResult, browser: dict[str, Any]) -> bool:
    """The model and real Chromium give the same verdict and the same CorsError, and treat
    every cookie Chromium was watched for alike."""
    return cors_agrees(result, browser) and not cookie_disagreements(result, browser)


def cors_agrees(result: CheckResult, browser: dict[str, Any]) -> bool:
    """The model and real Chromium give the same verdict and the same CorsError."""
    return bool(browser.get("allowed")) == result.allowed and (
        browser.get("cors_error") == result.verdict.cors_error
    )


def cookie_disagreements(result: CheckResult, browser: dict[str, Any]) -> list[str]:
    """How Chromium's ``cookies`` differ from the model's, line by line in response order;
    empty when Chromium's cookies were not observed."""
    observed = browser.get("cookies")
    if observed is None:
        return []
    from corsguard.chromium.cookies import cookie_disagreements as differences

    if len(observed) != len(result.cookies):
        return [
            f"the model judged {len(result.cookies)} Set-Cookie line(s), real Chromium saw "
            f"{len(observed)}"
        ]
    return [
        f"{model.name!r}: {problem}"
        for model, real in zip(result.cookies, observed, strict=True)
        for problem in differences(model, real)
    ]


def _exchange_lines(exchange: Exchange, decisive: str | None, *, brief: bool = False) -> list[str]:
    request, response = exchange
    title = "preflight" if request.is_preflight else "request"
    lines = [f"{title}: {request.method} {request.url}"]
    for name, value in request.headers:
        if brief and not name.lower().startswith(("access-control-", "origin")):
            continue
        lines.append(f"  > {name}: {value}")
    if brief:
        cors = [(k, v) for k, v in response.headers if k.lower().startswith(CORS_PREFIX)]
        lines.append(f"  < {response.status} {_reason(response.status)}".rstrip())
        lines += [f"  < {name}: {value}" for name, value in cors]
        return lines
    status_line = f"  < {response.status} {_reason(response.status)}".rstrip()
    lines.append(status_line)
    marked = False
    for name, value in response.headers:
        mark = ""
        if decisive and name.lower() == decisive and not marked:
            mark, marked = MARK, True
        lines.append(f"  < {name}: {value}{mark}")
    if decisive == ":status":
        lines[lines.index(status_line)] += MARK
    elif decisive and not marked:
        lines.append(f"  < (no {_title_case(decisive)} header){MARK}")
    if response.body and response.status >= 300:
        text = " ".join(response.body[:200].decode("utf-8", "replace").split())
        lines.append(f"  < body: {text}")
    return lines


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _title_case(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _finding_lines(item: Finding) -> list[str]:
    lines = _wrap(f"{item.code} [{item.severity}] {item.message}", "  ", "      ")
    lines += _wrap(f"fix: {item.fix}", "      ", "           ")
    return lines


# A quoted value that starts or ends with a space (' https://app.example.com', from splitting
# "a, b" on ","): the space is part of the value, so a line must not break there.
_QUOTED_EDGE_SPACE = re.compile(r"(?<![^\s(\[])' (?=\S)|(?<=\S) '(?=$|[,.;:)\]])")
_KEPT_SPACE = "\0"


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    kept = _QUOTED_EDGE_SPACE.sub(lambda m: m.group().replace(" ", _KEPT_SPACE), text)
    lines = textwrap.wrap(
        kept,
        width=100,
        initial_indent=first,
        subsequent_indent=rest or first,
        break_on_hyphens=False,
    ) or [first]
    return [line.replace(_KEPT_SPACE, " ") for line in lines]
