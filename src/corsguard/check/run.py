"""``run_check``: perform one ``fetch()`` the way Chrome would and judge it with the model."""

from __future__ import annotations

import time

from corsguard.browser import BrowserFetch, FetchRequest
from corsguard.check.diagnosis import diagnose
from corsguard.check.exchange import ASGIApp, AsgiSender, HttpSender, Sender
from corsguard.check.result import CheckResult, by_severity

DEFAULT_TIMEOUT = 10.0


def run_check(
    request: FetchRequest,
    *,
    app: ASGIApp | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cookie: str | None = None,
    verify: bool = True,
) -> CheckResult:
    """Send the preflight and the actual request as Chrome would, and diagnose the verdict.

    With ``app`` the requests go to the ASGI app in-process; otherwise over HTTP. Raises
    ``InvalidFetchRequest`` where ``fetch()`` would throw and ``CheckNetworkError`` when the
    target cannot be reached.
    """
    started = time.perf_counter()
    fetch = BrowserFetch(request)
    sender: Sender = (
        AsgiSender(request, app, timeout=timeout, cookie=cookie)
        if app is not None
        else HttpSender(request, timeout=timeout, cookie=cookie, verify=verify)
    )
    try:
        while (outgoing := fetch.next_request()) is not None:
            fetch.receive(sender(outgoing))
    finally:
        sender.close()
    verdict = fetch.verdict
    findings = [*diagnose(request, verdict, sender.app_errors), *verdict.findings]
    return CheckResult(
        request=request,
        verdict=verdict,
        findings=by_severity(findings),
        elapsed_ms=(time.perf_counter() - started) * 1000,
        transport="asgi" if app is not None else "http",
        app_errors=tuple(sender.app_errors),
    )
