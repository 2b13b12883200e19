"""Cookies the app's routes set, judged for the cross-site frontends its CORS policy allows.

The in-process probe runs GET routes (and unsafe ones only with ``--probe-unsafe``) from each
origin the policy allows; with credentials allowed, every ``Set-Cookie`` of those answers has
been judged by the cookie model as ``corsguard check`` judges it, with the API on another site
than the page (the probe's API host is fictional). A cookie that is not stored, or stored and
never sent back, becomes one CG412 finding per route, method and cookie, naming the origins.
Origins on loopback are left out: a local frontend usually calls a local API, which is
same-site with it whatever the ports. Deleting a cookie (``Max-Age=0``) is not a failure.
A cookie with a ``Domain`` attribute can only be set by a host under that domain, so it is
judged as set by that host rather than by the probe's fictional one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from corsguard.codes import audit as codes
from corsguard.cookies import CookieVerdict, SetCookie, judge
from corsguard.cookies.messages import SAME_SITE_REASONS, fix, send_sentence, set_sentence
from corsguard.cookies.sites import registrable_domain
from corsguard.cookies.store import EXPIRED
from corsguard.findings import Finding
from corsguard.protocol.origin import is_loopback_host, origin_of_url

# The reasons that depend on the page and the API being on different sites.
SITE_REASONS = frozenset({*SAME_SITE_REASONS, "UserPreferences"})
Checked = tuple[str, str, Any]  # (method, path, CheckResult of a full check)


def cookie_findings(target: str, checked: Iterable[Checked]) -> list[Finding]:
    """CG412 for each cookie a route sets that a cross-site frontend never gets back."""
    failing: dict[tuple[str, str, str], list[tuple[str, CookieVerdict]]] = {}
    for method, path, result in checked:
        request = result.request
        if request.credentials != "include" or _on_loopback(request.origin):
            continue
        for judged in result.cookies:
            cookie = as_deployed(judged)
            if cannot_work(cookie):
                failing.setdefault((method, path, cookie.name), []).append((request.origin, cookie))
    return [
        _finding(target, method, path, name, judged)
        for (method, path, name), judged in failing.items()
    ]


def as_deployed(cookie: CookieVerdict) -> CookieVerdict:
    """The cookie judged as set by a host named like its ``Domain`` attribute, if it has a
    plausible one (the API must be under it); an invalid one stays invalid there too."""
    parsed = cookie.storing.cookie
    if not isinstance(parsed, SetCookie) or not parsed.domain:
        return cookie
    host = parsed.domain
    if any(character in host for character in ":/[]@") or registrable_domain(host) is None:
        # A scheme, a port or an IPv6 literal is invalid wherever it is set; a public suffix
        # (github.io) is refused on every host under it.
        return cookie
    context = cookie.context
    url = urlsplit(context.url)._replace(netloc=host).geturl()
    return judge(parsed.line, replace(context, url=url))


def cannot_work(cookie: CookieVerdict) -> bool:
    """Not stored, or stored and not sent back; a deletion (``Max-Age=0``) is intended."""
    if not cookie.stored:
        return cookie.storing.reason != EXPIRED
    return cookie.sent is False


def outcome(cookie: CookieVerdict) -> str:
    """``not stored (SameSiteLax)`` or ``stored but not sent back (…)``, and DevTools' words."""
    if not cookie.stored:
        reason = cookie.storing.reason or "?"
        return f"is not stored ({reason}): DevTools says '{set_sentence(reason)}'"
    reason = (cookie.sending.reason if cookie.sending is not None else None) or "?"
    return f"is stored but not sent back ({reason}): DevTools says '{send_sentence(reason)}'"


def _finding(
    target: str, method: str, path: str, name: str, judged: list[tuple[str, CookieVerdict]]
) -> Finding:
    origins = [origin for origin, _ in judged]
    first = judged[0][1]
    where = f"{target} {method} {path}"
    message = (
        f"{where}: the cookie {name!r} {outcome(first)}, on a credentialed fetch() from "
        f"{', '.join(origins)}"
    )
    reason = first.storing.reason or (first.sending.reason if first.sending else None)
    if reason in SITE_REASONS:
        message += " when the API is served on another site"
    return Finding(
        code=codes.COOKIE_CANNOT_WORK.code,
        severity=codes.COOKIE_CANNOT_WORK.severity,
        message=message,
        fix=fix(first) or codes.COOKIE_CANNOT_WORK.fix,
        location=where,
        evidence={
            "method": method,
            "path": path,
            "cookie": name,
            "origins": origins,
            "judged": [cookie.to_json() for _, cookie in judged],
        },
    )


def _on_loopback(origin: str) -> bool:
    parsed = origin_of_url(origin)
    return parsed is not None and is_loopback_host(parsed.host)
