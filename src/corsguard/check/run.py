"""``run_check``: perform one ``fetch()`` the way Chrome would and judge it with the model."""

from __future__ import annotations

import time
from typing import Any

from corsguard.browser import BrowserFetch, FetchRequest
from corsguard.check.configuration import CorsConfiguration, read_configuration
from corsguard.check.cookies import judge_cookies
from corsguard.check.diagnosis import diagnose
from corsguard.check.exchange import AppError, ASGIApp, AsgiSender, HttpSender, Sender
from corsguard.check.probes import Probes
from corsguard.check.resolve import Resolve
from corsguard.check.result import CheckResult, by_severity
from corsguard.cookies import ThirdPartyCookies

DEFAULT_TIMEOUT = 10.0


def run_check(
    request: FetchRequest,
    *,
    app: ASGIApp | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cookie: str | None = None,
    verify: bool = True,
    served: Any = None,
    app_errors: list[AppError] | None = None,
    third_party_cookies: ThirdPartyCookies = "allow",
    resolve: Resolve | None = None,
) -> CheckResult:
    """Send the preflight and the actual request as Chrome would, and diagnose the verdict.

    With ``app`` the requests go to the ASGI app in-process; otherwise over HTTP. ``served``
    is the app answering at the URL when it is served on loopback for the check (its CORS
    configuration is read as with ``app``), and ``app_errors`` the list its server records
    exceptions into. ``third_party_cookies`` is the browser's setting the cookies are judged
    under (``allow``: Chrome's default; ``block``: Safari, Chrome with the setting on).
    ``resolve`` maps ``(host, port)`` to the address to connect to over HTTP (``--resolve``).
    Raises ``InvalidFetchRequest`` where ``fetch()`` would throw and ``CheckNetworkError`` when
    the target cannot be reached.
    """
    started = time.perf_counter()
    fetch = BrowserFetch(request)
    sender: Sender = (
        AsgiSender(request, app, timeout=timeout, cookie=cookie)
        if app is not None
        else HttpSender(request, timeout=timeout, cookie=cookie, verify=verify, resolve=resolve)
    )
    if app_errors is not None:
        sender.app_errors = app_errors
    target = app if app is not None else served

    def configuration() -> CorsConfiguration | None:
        return read_configuration(target, request.url) if target is not None else None

    probes = Probes(sender, sender.app_errors)
    try:
        while (outgoing := fetch.next_request()) is not None:
            fetch.receive(sender(outgoing))
        verdict = fetch.verdict
        cookies = judge_cookies(request, verdict, third_party_cookies)
        # Diagnosed before the sender closes: a rule may send extra preflights through it.
        diagnosis = diagnose(
            request,
            verdict,
            sender.app_errors,
            probes=probes,
            configuration=configuration,
            cookies=cookies,
        )
    finally:
        sender.close()
    return CheckResult(
        request=request,
        verdict=verdict,
        findings=by_severity([*diagnosis, *verdict.findings]),
        elapsed_ms=(time.perf_counter() - started) * 1000,
        transport="asgi" if app is not None else "http",
        app_errors=tuple(sender.app_errors),
        probes=tuple(probes.sent),
        cookies=cookies,
    )
