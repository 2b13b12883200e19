"""CORS assertions for your own test suite, judged exactly as Chrome judges them.

    from corsguard.testing import assert_cors

    def test_frontend_can_update_items():
        assert_cors(app, "PUT", "/items", origin="https://app.example.com",
                    headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
                    credentials="include")

    def test_login_cookie_reaches_the_frontend():
        assert_cookie(app, "POST", "/login", name="session", origin="https://app.example.com")

``app`` may be any ASGI app (FastAPI, Starlette) or a Starlette/FastAPI ``TestClient``. The
requests go to the app in-process, exactly as the browser would send them (preflight first),
and the verdict is the one ``corsguard check`` prints. The app is called at ``testserver``,
another site than any page; give ``path`` as a full URL (``https://api.example.com/login``)
to judge a cookie for an API served same-site with the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from corsguard.browser import BrowserFetch, Credentials, FetchRequest, Verdict
from corsguard.check.configuration import CorsConfiguration, read_configuration
from corsguard.check.diagnosis import diagnose
from corsguard.check.exchange import ASGIApp, AsgiSender
from corsguard.check.probes import Probes
from corsguard.cookies import CookieVerdict, ThirdPartyCookies

__all__ = [
    "CORSAssertionError",
    "CookieAssertionError",
    "acors_verdict",
    "assert_cookie",
    "assert_cors",
    "cookie_verdicts",
    "cors_verdict",
]

HeadersArg = Mapping[str, str] | Iterable[tuple[str, str]] | None


class CORSAssertionError(AssertionError):
    """The browser's verdict is not the expected one; the message says why and how to fix it."""

    def __init__(self, message: str, verdict: Verdict) -> None:
        super().__init__(message)
        self.verdict = verdict


class CookieAssertionError(AssertionError):
    """A cookie is not stored or not sent as expected; the message says why and how to fix it."""

    def __init__(self, message: str, cookies: tuple[CookieVerdict, ...]) -> None:
        super().__init__(message)
        self.cookies = cookies


def cors_verdict(
    app: Any,
    method: str,
    path: str,
    *,
    origin: str,
    headers: HeadersArg = None,
    credentials: Credentials = "same-origin",
    body: bytes | str | None = None,
    cookie: str | None = None,
) -> Verdict:
    """What Chrome does with ``fetch(path, {method, headers, credentials, body})``."""
    __tracebackhide__ = True  # a failing test shows the caller's line, not corsguard's frames
    request, sender, fetch = _start(app, method, path, origin, headers, credentials, body, cookie)
    try:
        _exchange(fetch, sender)
        # The diagnosis may send extra preflights to find which part of a policy refused.
        return _with_diagnosis(request, fetch.verdict, sender, Probes(sender, sender.app_errors))
    finally:
        sender.close()


async def acors_verdict(
    app: Any,
    method: str,
    path: str,
    *,
    origin: str,
    headers: HeadersArg = None,
    credentials: Credentials = "same-origin",
    body: bytes | str | None = None,
    cookie: str | None = None,
) -> Verdict:
    """``cors_verdict`` for async tests (it runs the app in the current event loop).

    The diagnosis sends no extra preflights here (they would need a second event loop), so
    a refusal whose answer does not say why is diagnosed from the app's configuration only.
    """
    __tracebackhide__ = True
    request, sender, fetch = _start(app, method, path, origin, headers, credentials, body, cookie)
    try:
        while (outgoing := fetch.next_request()) is not None:
            fetch.receive(await sender.send_async(outgoing))
    finally:
        sender.close()
    return _with_diagnosis(request, fetch.verdict, sender)


def assert_cors(
    app: Any,
    method: str,
    path: str,
    *,
    origin: str,
    headers: HeadersArg = None,
    credentials: Credentials = "same-origin",
    body: bytes | str | None = None,
    cookie: str | None = None,
    allowed: bool = True,
    cors_error: str | None = None,
    readable: Iterable[str] = (),
) -> Verdict:
    """Assert the verdict: allowed (default), or blocked with ``cors_error`` when given.

    ``readable`` lists response headers the page's script must be able to read.
    """
    __tracebackhide__ = True  # pytest shows the failing assert_cors call, not this frame
    verdict = cors_verdict(
        app,
        method,
        path,
        origin=origin,
        headers=headers,
        credentials=credentials,
        body=body,
        cookie=cookie,
    )
    problems: list[str] = []
    if cors_error is not None:
        if verdict.cors_error != cors_error:
            problems.append(f"expected {cors_error}, got {verdict.cors_error or 'allowed'}")
    elif verdict.allowed is not allowed:
        problems.append(f"expected {'allowed' if allowed else 'blocked'}, got {_outcome(verdict)}")
    missing = [name for name in readable if name.lower() not in verdict.readable_headers]
    if missing:
        problems.append(
            f"script cannot read {', '.join(missing)} (readable: "
            f"{', '.join(verdict.readable_headers) or 'none'}); add them to expose_headers"
        )
    if problems:
        raise CORSAssertionError(_explain(method, path, origin, problems, verdict), verdict)
    return verdict


def cookie_verdicts(
    app: Any,
    method: str,
    path: str,
    *,
    origin: str,
    headers: HeadersArg = None,
    credentials: Credentials = "include",
    body: bytes | str | None = None,
    third_party_cookies: ThirdPartyCookies = "allow",
) -> tuple[Verdict, tuple[CookieVerdict, ...]]:
    """The CORS verdict and every ``Set-Cookie`` of the answer as the browser treats it
    (stored or not, then sent or not on a repeat of the request), in response order."""
    __tracebackhide__ = True
    from corsguard.check.cookies import judge_cookies

    request, sender, fetch = _start(app, method, path, origin, headers, credentials, body, None)
    try:
        _exchange(fetch, sender)
    finally:
        sender.close()
    verdict = fetch.verdict
    return verdict, judge_cookies(request, verdict, third_party_cookies)


def assert_cookie(
    app: Any,
    method: str,
    path: str,
    *,
    name: str,
    origin: str,
    headers: HeadersArg = None,
    credentials: Credentials = "include",
    body: bytes | str | None = None,
    third_party_cookies: ThirdPartyCookies = "allow",
    stored: bool = True,
    sent: bool = True,
) -> CookieVerdict:
    """Assert that the cookie ``name`` the route sets is stored and sent back (by default) when
    a page on ``origin`` calls it with ``fetch()``; ``third_party_cookies="block"`` judges it
    as Safari or Chrome with the setting on. A failure names Chromium's reason, DevTools'
    sentence and the fix."""
    __tracebackhide__ = True
    verdict, cookies = cookie_verdicts(
        app,
        method,
        path,
        origin=origin,
        headers=headers,
        credentials=credentials,
        body=body,
        third_party_cookies=third_party_cookies,
    )
    where = f"cookie {name!r} of {method} {path} from {origin}"
    named = [cookie for cookie in cookies if cookie.name == name]
    if not named:
        others = ", ".join(repr(cookie.name) for cookie in cookies) or "none"
        message = f"{where}: the response sets no such cookie (cookies set: {others})"
        if not verdict.allowed and verdict.status is None:
            message += f"; the request was blocked first ({_outcome(verdict)})"
        elif verdict.status is not None and not 200 <= verdict.status < 400:
            message += f"; the route answered {verdict.status}"
        raise CookieAssertionError(message, cookies)
    cookie = named[-1]  # the last line wins in the browser's jar
    problems = []
    if cookie.stored is not stored:
        problems.append(f"expected {'stored' if stored else 'not stored'}, got {_stored(cookie)}")
    elif stored and cookie.sent is not sent:
        problems.append(f"expected {'sent' if sent else 'not sent'} back, got {_stored(cookie)}")
    if problems:
        raise CookieAssertionError(_explain_cookie(where, problems, cookie, verdict), cookies)
    return cookie


def _stored(cookie: CookieVerdict) -> str:
    if not cookie.stored:
        return f"not stored ({cookie.storing.reason})"
    if cookie.sent:
        return "stored and sent back"
    reason = cookie.sending.reason if cookie.sending is not None else None
    return f"stored, not sent back ({reason})"


def _explain_cookie(
    where: str, problems: list[str], cookie: CookieVerdict, verdict: Verdict
) -> str:
    from corsguard.cookies.messages import fix, send_sentence, set_sentence

    lines = [f"{where}: " + "; ".join(problems)]
    reason = cookie.storing.reason
    if reason is not None:
        lines.append(f"  DevTools: {set_sentence(reason)}")
    elif cookie.sending is not None and cookie.sending.reason is not None:
        lines.append(f"  DevTools: {send_sentence(cookie.sending.reason)}")
    advice = fix(cookie)
    if advice:
        lines.append(f"  fix: {advice}")
    if not verdict.allowed:
        lines.append(f"  note: the CORS check fails too: {_outcome(verdict)}")
    return "\n".join(lines)


def _start(
    app: Any,
    method: str,
    path: str,
    origin: str,
    headers: HeadersArg,
    credentials: Credentials,
    body: bytes | str | None,
    cookie: str | None,
) -> tuple[FetchRequest, AsgiSender, BrowserFetch]:
    """The request, a sender that runs the app, and the browser about to send it."""
    target, request = _prepare(app, method, path, origin, headers, credentials, body)
    sender = AsgiSender(request, target, timeout=30.0, cookie=cookie)
    return request, sender, BrowserFetch(request)


def _exchange(fetch: BrowserFetch, sender: AsgiSender) -> None:
    """Send every request the fetch asks for (preflight, redirects, the request itself)."""
    while (outgoing := fetch.next_request()) is not None:
        fetch.receive(sender(outgoing))


def _prepare(
    app: Any,
    method: str,
    path: str,
    origin: str,
    headers: HeadersArg,
    credentials: Credentials,
    body: bytes | str | None,
) -> tuple[ASGIApp, FetchRequest]:
    target: ASGIApp = app
    base = ("http" if origin.startswith("http://") else "https") + "://testserver"
    inner = getattr(app, "app", None)
    if inner is not None and hasattr(app, "base_url") and hasattr(app, "send"):
        # A Starlette/FastAPI TestClient: call its app directly, at its host.
        target = inner
        base = str(app.base_url).rstrip("/")
        if origin.startswith("https://") and base.startswith("http://"):
            base = "https://" + base[len("http://") :]
    url = path if "://" in path else base + "/" + path.lstrip("/")
    pairs = tuple(headers.items()) if isinstance(headers, Mapping) else tuple(headers or ())
    data = body.encode("utf-8") if isinstance(body, str) else body
    return target, FetchRequest(url, origin, method, pairs, credentials, data)


def _with_diagnosis(
    request: FetchRequest, verdict: Verdict, sender: AsgiSender, probes: Probes | None = None
) -> Verdict:
    from dataclasses import replace

    def configuration() -> CorsConfiguration | None:
        return read_configuration(sender.app, request.url)

    diagnosis = diagnose(
        request, verdict, sender.app_errors, probes=probes, configuration=configuration
    )
    return replace(verdict, findings=(*diagnosis, *verdict.findings))


def _outcome(verdict: Verdict) -> str:
    if verdict.allowed:
        return f"allowed (status {verdict.status})"
    return f"blocked ({verdict.cors_error or verdict.blocked_reason or verdict.network_error})"


def _explain(method: str, path: str, origin: str, problems: list[str], verdict: Verdict) -> str:
    lines = [f"CORS {method} {path} from {origin}: " + "; ".join(problems)]
    if verdict.console_message:
        lines.append(f"  console: {verdict.console_message}")
    for finding in verdict.findings:
        lines.append(f"  {finding.code}: {finding.message}")
        lines.append(f"    fix: {finding.fix}")
    return "\n".join(lines)
