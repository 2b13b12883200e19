"""A short in-process ``corsguard scan`` of an app, kept to the classes an attacker tries first.

The full scan probes every class on every URL; before deploy the question is narrower: can a
hostile origin read what the app returns? A few representative routes are scanned with the
scan's own probes and classifier, and findings from HIGH up are kept, under the scan's codes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from corsguard.audit.app_probe import BASE_URL, ProbeOutcome
from corsguard.audit.introspect import AppNode
from corsguard.audit.route_walk import FRAMEWORK_ROUTES, Route
from corsguard.codes import Severity
from corsguard.findings import Finding

MAX_TARGETS = 3
KEEP_FROM = Severity.HIGH
# In-process requests answer in milliseconds; a handler that takes longer is hung or waits on
# something outside the process, and the audit should not wait on it for long.
SCAN_TIMEOUT = 2.0
# A fixed attacker label keeps the audit's output reproducible from run to run.
ATTACKER_LABEL = "corsguard-audit"


def scan_in_process(
    target: str, app: Any, root: AppNode, origins: list[str], *, probe_unsafe: bool = False
) -> ProbeOutcome:
    """Scan a few routes of ``app``; without ``probe_unsafe`` only requests that run no handler
    with an unsafe method: GET and HEAD as they are, other methods by their preflights."""
    from corsguard.scan.probes import parse_trusted
    from corsguard.scan.runner import ScanOptions, Target, scan

    outcome = ProbeOutcome()
    trusted = [parse_trusted(origin) for origin in origins if _probeable(parse_trusted, origin)]
    outcome.notes += [
        f"in-process scan: the allowed origin {origin!r} is not probed as trusted"
        for origin in origins
        if not _probeable(parse_trusted, origin)
    ]
    if origins and not trusted:
        return outcome
    routes = _representative(
        [
            replace(route, methods=_scanned_methods(route.methods, probe_unsafe))
            for node in root.walk()
            for route in node.routes
            if not route.websocket and route.name not in FRAMEWORK_ROUTES
        ]
    )
    options = ScanOptions(app=app, retries=0, timeout=SCAN_TIMEOUT, token=ATTACKER_LABEL)
    by_code: dict[str, list[Finding]] = {}
    for route in routes:
        methods = tuple(m for m in route.methods if m not in ("HEAD", "OPTIONS")) or ("GET",)
        url = BASE_URL + route.request_path
        try:
            [result] = scan([Target(url, methods)], trusted, options)
        except Exception as error:  # the app raised through the transport: note it, go on
            outcome.notes.append(
                f"in-process scan of {route.path} stopped: the app raised "
                f"{type(error).__name__}: {error}"
            )
            continue
        for finding in result.findings:
            if finding.severity >= KEEP_FROM:
                by_code.setdefault(finding.code, []).append(_located(finding, target, route))
    # One misconfiguration seen on several routes is one finding naming them all.
    merged = [_merged(found) for found in by_code.values()]
    outcome.findings += merged
    outcome.notes.append(
        f"in-process scan: {len(routes)} route(s) probed with hostile origins, "
        f"{len(merged)} finding(s) at or above {KEEP_FROM}"
    )
    return outcome


def _scanned_methods(methods: tuple[str, ...], probe_unsafe: bool) -> tuple[str, ...]:
    """The scan sends POST as a simple request (a form post needs no preflight), which runs the
    handler: without ``probe_unsafe`` it is left out. The other unsafe methods are never
    simple, so the scan only preflights them."""
    if probe_unsafe:
        return methods
    return tuple(method for method in methods if method != "POST")


def _representative(routes: list[Route]) -> list[Route]:
    """A GET route first (what an attacker reads), then routes with other methods."""
    chosen: list[Route] = []
    seen_methods: set[str] = set()
    for route in sorted(routes, key=lambda r: ("GET" not in r.methods, "{" in r.path)):
        fresh = set(route.methods) - seen_methods - {"HEAD", "OPTIONS"}
        if fresh:
            chosen.append(route)
            seen_methods |= fresh
        if len(chosen) == MAX_TARGETS:
            break
    return chosen


def _located(finding: Finding, target: str, route: Route) -> Finding:
    evidence = dict(finding.evidence)
    evidence.setdefault("url", finding.location)
    evidence["route"] = route.path
    return Finding(
        code=finding.code,
        severity=finding.severity,
        message=f"{target} {route.path}: {finding.message}",
        fix=finding.fix,
        location=f"{target} {route.path}",
        evidence=evidence,
    )


def _merged(found: list[Finding]) -> Finding:
    first = found[0]
    routes = list(dict.fromkeys(str(f.evidence.get("route", "")) for f in found))
    if len(routes) == 1:
        return first
    return replace(
        first,
        message=f"{first.message}; the same on {', '.join(routes[1:])}",
        location=f"{first.location} (+{len(routes) - 1} more)",
        evidence={**first.evidence, "routes": routes},
    )


def _probeable(parse_trusted: Any, origin: str) -> bool:
    """The scan can express ``origin`` (not, for example, a port wildcard)."""
    try:
        parse_trusted(origin)
    except ValueError:
        return False
    return True
