"""What an attacker gains from each class, and the finding that says so.

Severity follows the read an attacker gets: when the server lets credentials through
(``Access-Control-Allow-Credentials: true`` with the origin named), a page the attacker
controls reads the logged-in user's data: high or critical. Without credentials it reads only
what anyone could fetch, except services reachable only from the user's network: low.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corsguard.codes import Severity
from corsguard.codes.scan import BY_CLASS
from corsguard.findings import Finding
from corsguard.scan import sentences
from corsguard.scan.classify import Hit

# class id -> (severity with credentials, severity without)
_SEVERITY: dict[str, tuple[Severity, Severity]] = {
    "origin-reflection": (Severity.CRITICAL, Severity.LOW),
    "null-origin": (Severity.CRITICAL, Severity.LOW),
    "credential-conditional-reflection": (Severity.CRITICAL, Severity.LOW),
    "prefix-match": (Severity.HIGH, Severity.LOW),
    "suffix-match": (Severity.HIGH, Severity.LOW),
    "substring-match": (Severity.HIGH, Severity.LOW),
    "unescaped-dot": (Severity.HIGH, Severity.LOW),
    "special-char-bypass": (Severity.HIGH, Severity.LOW),
    "third-party-origin": (Severity.HIGH, Severity.LOW),
    "insecure-origin": (Severity.HIGH, Severity.LOW),
    # Trusting every subdomain of one's own site is often deliberate and exploitable only by
    # whoever already controls a subdomain (an XSS, a dangling DNS record): reported so the
    # owner can confirm it is intended, never rated as an open door. Pass the pattern itself
    # (--origin 'https://*.example.com') to declare it trusted.
    "any-subdomain": (Severity.INFO, Severity.INFO),
    "localhost-origin": (Severity.MEDIUM, Severity.LOW),
    "any-port": (Severity.MEDIUM, Severity.LOW),
    "static-foreign-origin": (Severity.MEDIUM, Severity.LOW),
    "wildcard-origin": (Severity.INFO, Severity.INFO),
    "wildcard-with-credentials": (Severity.MEDIUM, Severity.MEDIUM),
    "invalid-allow-origin": (Severity.LOW, Severity.LOW),
    "preflight-permissive": (Severity.MEDIUM, Severity.LOW),
    "missing-vary": (Severity.MEDIUM, Severity.MEDIUM),
    "private-network-any": (Severity.MEDIUM, Severity.MEDIUM),
}

# One line each: how an attacker uses it. {url} is the target, {origin} the granted probe.
_READ = "fetch('{url}', {{credentials: 'include'}})"
_EXPLOITS: dict[str, str] = {
    "origin-reflection": f"from any site: {_READ} and read the answer",
    "null-origin": f"a sandboxed iframe (Origin: null) on any site runs {_READ}",
    "credential-conditional-reflection": (
        f"from any site a logged-in user visits: {_READ} is echoed with credentials"
    ),
    "prefix-match": f"register {{origin}} and run {_READ} from it",
    "suffix-match": f"register {{origin}} and run {_READ} from it",
    "substring-match": f"register {{origin}} and run {_READ} from it",
    "unescaped-dot": f"register {{origin}} and run {_READ} from it",
    "special-char-bypass": (
        f"serve a page at {{origin}} (wildcard DNS on your domain) and run {_READ} from it "
        "in a browser that accepts the character"
    ),
    "third-party-origin": f"publish a page on {{origin}} and run {_READ} from it",
    "insecure-origin": (
        f"on the victim's network, inject script into {{origin}} over plain http and run {_READ}"
    ),
    "any-subdomain": (
        f"use an XSS or a dangling DNS record on any subdomain, e.g. {{origin}}, to run {_READ}"
    ),
    "localhost-origin": (
        f"any local program serving {{origin}} (a dev server, a malicious package) runs {_READ}"
    ),
    "any-port": f"a service on {{origin}} (same host, other port) runs {_READ}",
    "static-foreign-origin": f"whoever controls {{origin}} runs {_READ} in the user's browser",
    "wildcard-origin": "any site reads '{url}' anonymously, also from inside the user's network",
    "wildcard-with-credentials": (
        "credentialed calls fail; look for the origin being echoed once a cookie is present"
    ),
    "invalid-allow-origin": (
        "every browser blocks the response: legitimate clients break (often proxy plus app)"
    ),
    "preflight-permissive": (
        "from {origin}: send PUT/DELETE or JSON requests with custom headers to '{url}' "
        "that the policy meant to forbid"
    ),
    "missing-vary": (
        "a cache serves one origin's Allow-Origin to another: intermittent failures, or grants "
        "the policy refuses"
    ),
    "private-network-any": "a public page at {origin} reaches '{url}' on the user's network",
}


def rate(hit: Hit) -> Severity:
    with_credentials, without = _SEVERITY[hit.class_id]
    severity = with_credentials if hit.credentialed else without
    return min(severity, hit.cap) if hit.cap is not None else severity


def _cors_lines(hit: Hit) -> list[list[str]]:
    wanted = ("access-control-", "vary", "cache-control", "age", "expires")
    return [
        [name, value] for name, value in hit.observation.headers if name.lower().startswith(wanted)
    ]


def build_finding(
    url: str, class_id: str, hits: Sequence[Hit], also_granted: Sequence[str]
) -> Finding:
    """One finding per class and target: the worst hit leads, the others are listed."""
    code = BY_CLASS[class_id]
    lead = max(hits, key=rate)
    severity = rate(lead)
    request = lead.observation.request
    origin = request.probe.origin
    exploit = _EXPLOITS[class_id].format(url=url, origin=origin)
    granted = sorted({h.probe.origin for h in hits})
    message = sentences.message(url, code.title, request, lead.detail)
    reason = sentences.reason(
        class_id,
        credentialed=lead.credentialed,
        preflight_only=lead.preflight_only,
        failed=bool(lead.failed),
    )
    evidence: dict[str, Any] = {
        "class": class_id,
        "probe_origin": origin,
        "method": request.api_method,
        "credentials": lead.credentialed,
        "request": {
            "method": request.method,
            "kind": request.kind,
            "headers": [list(h) for h in request.headers],
        },
        "response": {"status": lead.observation.status, "headers": _cors_lines(lead)},
        "why": code.why + reason,
        "exploit": exploit,
    }
    if lead.failed:
        statuses = sorted({s for s in lead.failed if s is not None})
        evidence["failed_requests"] = {"count": len(lead.failed), "statuses": statuses}
        if None in lead.failed:
            evidence["failed_requests"]["unanswered"] = lead.failed.count(None)
    if len(granted) > 1:
        evidence["granted_origins"] = granted[:20]
    if also_granted:
        evidence["also_granted"] = sorted(set(also_granted))[:20]
        evidence["also_granted_count"] = len(set(also_granted))
    return Finding(code.code, severity, message, code.fix, location=url, evidence=evidence)
