"""The app's CORS behaviour, in-process: every route × method from each configured origin.

Each request goes through the browser model of ``corsguard.check`` (preflight included) against
the app object itself, with no server; a configured origin the browser would block becomes a
CG408 finding carrying the check's diagnosis, and findings with one root cause are reported once
with the routes they affect; the cookies set by the routes that ran are judged for the allowed
cross-site origins (CG412, ``corsguard.audit.app_cookies``). Routes with an unsafe method are
checked by their preflight only unless ``probe_unsafe`` is set: the audit never runs a handler
that changes data by default. A short in-process ``corsguard.scan`` then probes the classes an
attacker tries first, reported with the scan's own codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from corsguard.audit.app_cookies import cookie_findings
from corsguard.audit.grouping import group_blocked
from corsguard.audit.introspect import AppNode, CorsSetup
from corsguard.audit.route_walk import FRAMEWORK_ROUTES, Route
from corsguard.audit.safety import UnsafeMethodGuard, is_unsafe
from corsguard.codes import audit as codes
from corsguard.findings import Finding
from corsguard.protocol.origin import origin_of_url

BASE_URL = "https://api.example.test"
REPRESENTATIVE_ORIGIN = "https://app.example.com"
MAX_ORIGINS = 3
MAX_CHECKS = 300
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE", "QUERY"})


@dataclass
class ProbeOutcome:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def probe_app(target: str, app: Any, root: AppNode, *, probe_unsafe: bool = False) -> ProbeOutcome:
    """Check every route and method in-process; scan for the most dangerous classes.

    Without ``probe_unsafe`` no request with an unsafe method reaches ``app``: those routes are
    judged by their preflight, and a guard answers anything else that would run a handler.
    """
    outcome = ProbeOutcome()
    guard = None if probe_unsafe else UnsafeMethodGuard(app)
    served: Any = app if guard is None else guard
    setup = next(
        (layer.cors for node in root.walk() for layer in node.cors_layers if layer.cors), None
    )
    origins = probe_origins(setup)
    credentials = bool(setup and setup.options.get("allow_credentials"))
    planned = list(_requests(root, origins, credentials))
    checks = planned[:MAX_CHECKS]
    if len(planned) > len(checks):
        outcome.notes.append(
            f"in-process: {len(planned)} route × method × origin requests planned, only the "
            f"first {MAX_CHECKS} sent"
        )
    blocked: list[Finding] = []
    ran: list[tuple[str, str, Any]] = []  # full checks: their Set-Cookie lines were judged
    from corsguard.browser import InvalidFetchRequest
    from corsguard.check import CheckNetworkError

    for route, method, request in checks:
        preflight_only = guard is not None and is_unsafe(method)
        try:
            result = _preflight_only(request, served) if preflight_only else _full(request, served)
        except (CheckNetworkError, InvalidFetchRequest) as error:
            outcome.notes.append(f"in-process: {method} {route.path} not checked: {error}")
            continue
        finding = _check(target, route, method, request, result, preflight_only)
        if finding is not None:
            blocked.append(finding)
        if not preflight_only:
            ran.append((method, route.path, result))
    outcome.findings += group_blocked(target, blocked)
    outcome.findings += cookie_findings(target, ran)
    outcome.notes.append(
        f"in-process: {len(checks)} route × method × origin request(s) checked with the browser "
        f"model, {len(blocked)} blocked"
    )
    unsafe = {route.path for route, method, _ in checks if is_unsafe(method)}
    if guard is not None and unsafe:
        outcome.notes.append(
            f"{len(unsafe)} unsafe route(s) checked by preflight only; --probe-unsafe runs "
            "their handlers"
        )
    scanned = _scan(target, served, root, origins, probe_unsafe=probe_unsafe)
    outcome.findings += scanned.findings
    outcome.notes += scanned.notes
    if guard is not None and guard.refused:
        # Defence in depth: nothing above should have tried; say so if something did.
        outcome.notes.append(
            f"{len(guard.refused)} request(s) with an unsafe method were answered 405 by the "
            "audit and never reached the app"
        )
    return outcome


PORT_STAND_IN = "3000"  # a port for patterns that allow any port


def probe_origins(setup: CorsSetup | None) -> list[str]:
    """The origins the configuration means to allow, one stand-in for '*' and for patterns."""
    if setup is None:
        return [REPRESENTATIVE_ORIGIN]
    raw = setup.options.get("allow_origins", ())
    entries = [raw] if isinstance(raw, str) else list(raw or ())
    origins: list[str] = []
    for entry in entries:
        text = str(entry).strip()
        if text == "*":
            candidate = REPRESENTATIVE_ORIGIN
        elif "*" in text and setup.implementation == "corsguard":
            # corsguard's patterns: 'https://*.example.com', 'http://localhost:*' (any port).
            candidate = text.replace("*.", "app.", 1)
            if candidate.endswith(":*"):
                candidate = candidate[:-1] + PORT_STAND_IN
            if "*" in candidate or not candidate.startswith(("http://", "https://")):
                continue
        elif "*" in text or not text.lower().startswith(("http://", "https://")):
            continue
        else:
            candidate = text.rstrip("/")
        # What a browser sends: 'https://localhost:443' is sent as 'https://localhost'.
        origin = origin_of_url(candidate)
        if origin is None:
            continue
        candidate = origin.serialize()
        if candidate not in origins:
            origins.append(candidate)
    return origins[:MAX_ORIGINS] or [REPRESENTATIVE_ORIGIN]


def _requests(
    root: AppNode, origins: list[str], credentials: bool
) -> Iterator[tuple[Route, str, Any]]:
    from corsguard.browser import FetchRequest

    for node in root.walk():
        paths = {route.path for route in node.routes}
        for route in node.routes:
            if route.websocket or route.name in FRAMEWORK_ROUTES:
                continue
            urls = [BASE_URL + route.request_path]
            twin = route.path.rstrip("/")
            if node.redirect_slashes and route.path.endswith("/") and twin and twin not in paths:
                # Frontends often call the other spelling; redirect_slashes answers it 307.
                urls.append(BASE_URL + route.request_path.rstrip("/"))
            for url, method in ((u, m) for u in urls for m in route.methods):
                if method in ("HEAD", "OPTIONS"):
                    continue
                has_body = method in _BODY_METHODS
                for origin in origins:
                    yield (
                        replace(route, path=url.removeprefix(BASE_URL)),
                        method,
                        FetchRequest(
                            url=url,
                            origin=origin,
                            method=method,
                            # A JSON body, as frontends send: not safelisted, so it is preflighted.
                            headers=(("Content-Type", "application/json"),) if has_body else (),
                            credentials="include" if credentials else "same-origin",
                            body=b"{}" if has_body else None,
                        ),
                    )


def _check(
    target: str, route: Route, method: str, request: Any, result: Any, preflight_only: bool
) -> Finding | None:
    if result is None:
        return None
    verdict = result.verdict
    if verdict.allowed:
        return None
    # A configuration mistake behind the block (CG1xx) or a diagnosis (CG2xx) names the cause.
    diagnosis = [f for f in result.findings if f.code.startswith(("CG1", "CG2"))]
    cause = diagnosis[0] if diagnosis else None
    where = f"{target} {method} {route.path}"
    reason = verdict.cors_error or verdict.blocked_reason
    message = f"{where}: fetch() from {request.origin} is blocked ({reason})"
    if cause is not None:
        message += f"; {cause.message}"
    return Finding(
        code=codes.ROUTE_BLOCKED.code,
        severity=codes.ROUTE_BLOCKED.severity,
        message=message,
        fix=cause.fix if cause is not None else codes.ROUTE_BLOCKED.fix,
        location=where,
        evidence={
            "origin": request.origin,
            "method": method,
            "path": route.path,
            "url": request.url,
            "credentials": request.credentials,
            "cors_error": verdict.cors_error,
            "console_message": verdict.console_message,
            "diagnosis": [f.to_json() for f in diagnosis],
            "app_errors": [error.summary for error in result.app_errors],
            "preflight_only": preflight_only,
        },
    )


def _full(request: Any, app: Any) -> Any:
    from corsguard.check import run_check

    return run_check(request, app=app)


def _preflight_only(request: Any, app: Any) -> Any:
    """The check up to the preflight: ``None`` when it passes, the blocked result when not.

    The actual request would run the route's handler, so it is never sent: a passing preflight
    is all the audit can say about an unsafe route without side effects.
    """
    from corsguard.browser import BrowserFetch
    from corsguard.check.configuration import read_configuration
    from corsguard.check.diagnosis import diagnose
    from corsguard.check.exchange import AsgiSender
    from corsguard.check.result import CheckResult, by_severity
    from corsguard.check.run import DEFAULT_TIMEOUT

    fetch = BrowserFetch(request)
    sender = AsgiSender(request, app, timeout=DEFAULT_TIMEOUT)
    try:
        while (outgoing := fetch.next_request()) is not None:
            if not outgoing.is_preflight:
                return None
            fetch.receive(sender(outgoing))
    finally:
        sender.close()
    verdict = fetch.verdict

    def configuration() -> Any:
        # As a full check does: the app's CORS options name the entry behind a refusal.
        return read_configuration(app, request.url)

    diagnosis = diagnose(request, verdict, sender.app_errors, configuration=configuration)
    findings = [*diagnosis, *verdict.findings]
    return CheckResult(
        request=request,
        verdict=verdict,
        findings=by_severity(findings),
        elapsed_ms=0.0,
        transport="asgi",
        app_errors=tuple(sender.app_errors),
    )


def _scan(
    target: str, app: Any, root: AppNode, origins: list[str], *, probe_unsafe: bool
) -> ProbeOutcome:
    from corsguard.audit.app_scan import scan_in_process

    return scan_in_process(target, app, root, origins, probe_unsafe=probe_unsafe)
