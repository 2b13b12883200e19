"""The app's CORS behaviour, in-process: every route × method from each configured origin.

Each request goes through ``corsguard.check`` (the browser model, preflight included) against the
app object itself, with no server; a configured origin the browser would block becomes a CG408
finding carrying the check's diagnosis. A short in-process ``corsguard.scan`` then probes the
classes an attacker tries first, reported with the scan's own codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from corsguard.audit.introspect import AppNode, CorsSetup, Route
from corsguard.codes import audit as codes
from corsguard.findings import Finding

BASE_URL = "https://api.example.test"
REPRESENTATIVE_ORIGIN = "https://app.example.com"
MAX_ORIGINS = 3
MAX_CHECKS = 300
# FastAPI's own documentation routes: not part of the API a frontend calls.
FRAMEWORK_ROUTES = frozenset({"openapi", "swagger_ui_html", "swagger_ui_redirect", "redoc_html"})
_PARAMETER = re.compile(r"\{([^}:]+)(?::([^}]+))?\}")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE", "QUERY"})


@dataclass
class ProbeOutcome:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def probe_app(target: str, app: Any, root: AppNode) -> ProbeOutcome:
    """Check every route and method in-process; scan for the most dangerous classes."""
    outcome = ProbeOutcome()
    setup = next(
        (layer.cors for node in root.walk() for layer in node.cors_layers if layer.cors), None
    )
    origins = probe_origins(setup)
    credentials = bool(setup and setup.options.get("allow_credentials"))
    checks = list(_requests(root, origins, credentials))[:MAX_CHECKS]
    blocked = 0
    from corsguard.browser import InvalidFetchRequest
    from corsguard.check import CheckNetworkError

    for route, method, request in checks:
        try:
            finding = _check(target, app, route, method, request)
        except (CheckNetworkError, InvalidFetchRequest) as error:
            outcome.notes.append(f"in-process: {method} {route.path} not checked: {error}")
            continue
        if finding is not None:
            blocked += 1
            outcome.findings.append(finding)
    outcome.notes.append(
        f"in-process: {len(checks)} route × method × origin request(s) checked with the browser "
        f"model, {blocked} blocked"
    )
    scanned = _scan(target, app, root, origins)
    outcome.findings += scanned.findings
    outcome.notes += scanned.notes
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
        elif "*" in text or not text.startswith(("http://", "https://")):
            continue
        else:
            candidate = text.rstrip("/")
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
            urls = [BASE_URL + concrete_path(route.path)]
            twin = route.path.rstrip("/")
            if node.redirect_slashes and route.path.endswith("/") and twin and twin not in paths:
                # Frontends often call the other spelling; redirect_slashes answers it 307.
                urls.append(BASE_URL + concrete_path(twin))
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


def concrete_path(path: str) -> str:
    """A path a request can use: ``/items/{id:int}`` becomes ``/items/1``."""
    return _PARAMETER.sub(lambda m: "x" if (m.group(2) or "") == "path" else "1", path)


def _check(target: str, app: Any, route: Route, method: str, request: Any) -> Finding | None:
    from corsguard.check import run_check

    result = run_check(request, app=app)
    verdict = result.verdict
    if verdict.allowed:
        return None
    diagnosis = [f for f in result.findings if f.code.startswith("CG2")]
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
            "url": request.url,
            "credentials": request.credentials,
            "cors_error": verdict.cors_error,
            "console_message": verdict.console_message,
            "diagnosis": [f.to_json() for f in diagnosis],
        },
    )


def _scan(target: str, app: Any, root: AppNode, origins: list[str]) -> ProbeOutcome:
    from corsguard.audit.app_scan import scan_in_process

    return scan_in_process(target, app, root, origins)
