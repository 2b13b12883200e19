"""Why a cookie is not stored or not sent: a table of small rules over the judged cookies.

Every judged ``Set-Cookie`` (``Evidence.cookies``) goes to the first rule in ``COOKIE_CAUSES``
that selects it; the cookies a rule selects make one finding, naming them all. The order
follows the cookie model's (``corsguard.cookies.store``):

1. the request did not include credentials (CG240);
2. the line itself is rejected: prefixes, Partitioned, syntax (CG249);
3. an invalid Domain (CG244);
4. third-party cookies blocked (CG246);
5. Secure over plain http (CG243);
6. ``SameSite=None`` without Secure (CG242);
7. SameSite Lax (Starlette's default), Strict or unspecified on a cross-site API (CG241);
8. stored, but its Path keeps it from the request, or no Path was given and the default
   path is narrower than ``/`` (CG245).

Then ``COOKIE_HAZARDS``, each reported when it applies: a cookie that works only while
third-party cookies are allowed (CG247), and cookies stored although the CORS check failed
(CG248), so that nobody chases a cookie that works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corsguard.browser.differences import finding
from corsguard.check.evidence import Evidence
from corsguard.codes import Code
from corsguard.codes import diagnosis as codes
from corsguard.cookies import CookieVerdict, SetCookie
from corsguard.cookies.messages import CROSS_SITE_FIX, SAME_SITE_REASONS, same_site_deployment
from corsguard.findings import Finding

Describe = Callable[[Evidence, list[CookieVerdict]], Finding]


@dataclass(frozen=True)
class CookieRule:
    code: Code
    selects: Callable[[CookieVerdict], bool]
    describe: Describe


def cookie_findings(e: Evidence) -> list[Finding]:
    """One finding per cause that applies (naming its cookies), then the hazards."""
    chosen: dict[CookieRule, list[CookieVerdict]] = {}
    for cookie in e.cookies:
        rule = next((rule for rule in COOKIE_CAUSES if rule.selects(cookie)), None)
        if rule is not None:
            chosen.setdefault(rule, []).append(cookie)
    found = [rule.describe(e, cookies) for rule, cookies in chosen.items()]
    found += [f for hazard in COOKIE_HAZARDS if (f := hazard(e)) is not None]
    return found


def _names(cookies: list[CookieVerdict]) -> str:
    names = [repr(c.name) if c.name else "(a cookie without a name)" for c in cookies]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _cookie(verdict: CookieVerdict) -> SetCookie | None:
    cookie = verdict.storing.cookie
    return cookie if isinstance(cookie, SetCookie) else None


def _stored_because(*reasons: str) -> Callable[[CookieVerdict], bool]:
    return lambda cookie: cookie.storing.reason in reasons


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _where(cookies: list[CookieVerdict]) -> str:
    return cookies[0].context.url


# 1. credentials


def _credentials(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    mode = e.request.credentials
    how = f"credentials: {mode!r}" + (" to another origin" if mode == "same-origin" else "")
    return finding(
        codes.COOKIE_CREDENTIALS_NOT_INCLUDED,
        f"{_where(cookies)}: the response sets {_names(cookies)}, but the request was made with "
        f"{how}, so the browser ignores Set-Cookie without a trace (nothing in the console, "
        "nothing in DevTools)",
        "Call fetch(url, {credentials: 'include'}) (axios: withCredentials: true), and allow "
        f"credentials for {e.request.origin}: corsguard.install(app, CORSPolicy(allow_origins="
        f"[{e.request.origin!r}], allow_credentials=True)).",
        _where(cookies),
        cookies=[c.name for c in cookies],
        credentials=mode,
    )


def _is_credentials(cookie: CookieVerdict) -> bool:
    # A preflight never stores cookies, whatever the mode: that is not a mistake to report.
    return cookie.storing.reason == "CredentialsNotIncluded" and not cookie.context.preflight


# 2. rejected lines

REJECTED = (
    "InvalidPrefix",
    "InvalidPartitioned",
    "DisallowedCharacter",
    "NoCookieContent",
    "NameValuePairExceedsMaxSize",
)


def _rejected(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    reasons = sorted({c.storing.reason or "" for c in cookies})
    return finding(
        codes.COOKIE_REJECTED,
        f"{_where(cookies)}: the browser rejects the Set-Cookie of {_names(cookies)} "
        f"({', '.join(reasons)})",
        location=_where(cookies),
        cookies=[c.name for c in cookies],
        reasons=reasons,
    )


# 3. Domain


def _invalid_domain(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    first = _cookie(cookies[0])
    domain = first.domain if first is not None else ""
    host = cookies[0].context.host
    bare = "" if domain and "/" not in domain and ":" not in domain else " (a bare host name)"
    return finding(
        codes.COOKIE_INVALID_DOMAIN,
        f"{_where(cookies)}: {_names(cookies)} has Domain={domain}, which is not {host} or a "
        "parent domain of it, so the browser rejects the cookie",
        f"Leave domain out for a cookie of {host} only, or give the parent domain the hosts "
        f'share{bare}: response.set_cookie(..., domain="example.com"); never a scheme, a port, '
        "a public suffix or another site's domain.",
        _where(cookies),
        cookies=[c.name for c in cookies],
        domain=domain,
    )


# 4. third-party blocking


def _third_party(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    context = cookies[0].context
    return finding(
        codes.COOKIE_THIRD_PARTY_BLOCKED,
        f"{_where(cookies)}: {context.host} is cross-site with {e.request.origin}, and with "
        f"third-party cookies blocked the browser neither stores nor sends {_names(cookies)}",
        f"{_capitalized(same_site_deployment(cookies[0]))}, or make the cookie partitioned: "
        'response.set_cookie(..., samesite="none", secure=True, partitioned=True) (Python '
        "3.14), kept per top-level site.",
        _where(cookies),
        cookies=[c.name for c in cookies],
    )


# 5. Secure over http


def _secure_over_http(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    host = cookies[0].context.host
    return finding(
        codes.COOKIE_SECURE_OVER_HTTP,
        f"{_where(cookies)}: {_names(cookies)} is Secure but came over plain http from {host}, "
        "which is not localhost, so the browser drops it",
        "Serve the API over https; in development call it as http://localhost or "
        "http://127.0.0.1, where Secure cookies work over http.",
        _where(cookies),
        cookies=[c.name for c in cookies],
    )


# 6. SameSite=None without Secure


def _none_insecure(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    return finding(
        codes.COOKIE_SAMESITE_NONE_INSECURE,
        f"{_where(cookies)}: {_names(cookies)} is SameSite=None without Secure, so the browser "
        "rejects it",
        f"Add secure=True: {CROSS_SITE_FIX}.",
        _where(cookies),
        cookies=[c.name for c in cookies],
    )


# 7. SameSite on a cross-site API


def _same_site(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    first = _cookie(cookies[0])
    same_site = first.same_site if first is not None else None
    if same_site == "lax":
        attribute = "SameSite=Lax (Starlette's default for response.set_cookie)"
    elif same_site == "strict":
        attribute = "SameSite=Strict"
    else:
        attribute = "no SameSite attribute, which browsers treat as Lax"
    context = cookies[0].context
    return finding(
        codes.COOKIE_SAMESITE_CROSS_SITE,
        f"{_where(cookies)}: {_names(cookies)} has {attribute}, and {context.host} is cross-site "
        f"with {e.request.origin}, so a fetch() from the page never stores or sends it (the "
        "Lax exception is for top-level navigations only)",
        f"Set it for cross-site use: {CROSS_SITE_FIX} (https, or loopback in development), or "
        f"{same_site_deployment(cookies[0])}.",
        _where(cookies),
        cookies=[c.name for c in cookies],
        reason=cookies[0].storing.reason,
    )


# 8. Path


def _path(e: Evidence, cookies: list[CookieVerdict]) -> Finding:
    first = cookies[0]
    path = first.storing.path
    if _not_on_path(first):
        how = (
            f"is stored with Path={path}, so the browser does not send it back to "
            f"{first.next_url}; fine if only URLs under {path} need it"
        )
    else:
        how = (
            f"has no Path, so its path defaults to {path} (the directory of the URL that set "
            f"it): the browser sends it only to URLs under {path}"
        )
    return finding(
        codes.COOKIE_PATH_MISMATCH,
        f"{_where(cookies)}: {_names(cookies)} {how}",
        'Set path="/" (Starlette\'s default) or a path that covers every URL that needs it.',
        _where(cookies),
        cookies=[c.name for c in cookies],
        path=path,
    )


def _not_on_path(cookie: CookieVerdict) -> bool:
    return cookie.sending is not None and "NotOnPath" in cookie.sending.reasons


def _narrow_default_path(cookie: CookieVerdict) -> bool:
    given = _cookie(cookie)
    return cookie.stored and given is not None and given.path is None and cookie.storing.path != "/"


def _path_keeps_it_back(cookie: CookieVerdict) -> bool:
    return _not_on_path(cookie) or _narrow_default_path(cookie)


COOKIE_CAUSES: tuple[CookieRule, ...] = (
    CookieRule(codes.COOKIE_CREDENTIALS_NOT_INCLUDED, _is_credentials, _credentials),
    CookieRule(codes.COOKIE_REJECTED, _stored_because(*REJECTED), _rejected),
    CookieRule(codes.COOKIE_INVALID_DOMAIN, _stored_because("InvalidDomain"), _invalid_domain),
    CookieRule(codes.COOKIE_THIRD_PARTY_BLOCKED, _stored_because("UserPreferences"), _third_party),
    CookieRule(codes.COOKIE_SECURE_OVER_HTTP, _stored_because("SecureOnly"), _secure_over_http),
    CookieRule(
        codes.COOKIE_SAMESITE_NONE_INSECURE,
        _stored_because("SameSiteNoneInsecure"),
        _none_insecure,
    ),
    CookieRule(codes.COOKIE_SAMESITE_CROSS_SITE, _stored_because(*SAME_SITE_REASONS), _same_site),
    CookieRule(codes.COOKIE_PATH_MISMATCH, _path_keeps_it_back, _path),
)


def third_party_elsewhere(e: Evidence) -> Finding | None:
    """Works in Chrome's default, not where third-party cookies are blocked."""
    cookies = [
        c
        for c in e.cookies
        if c.sent
        and c.context.cross_site
        and c.storing.partition is None
        and c.context.third_party_cookies == "allow"
    ]
    if not cookies:
        return None
    return finding(
        codes.COOKIE_THIRD_PARTY_ELSEWHERE,
        f"{_where(cookies)}: {_names(cookies)} works here because third-party cookies are "
        f"allowed (Chrome's default), but {cookies[0].context.host} is cross-site with "
        f"{e.request.origin}: Safari blocks it and Firefox keeps it apart",
        f"For a cookie that works in every browser, {same_site_deployment(cookies[0])}; or add "
        "partitioned=True (Python 3.14). Check with --third-party-cookies block.",
        _where(cookies),
        cookies=[c.name for c in cookies],
    )


def stored_but_cors_failed(e: Evidence) -> Finding | None:
    if e.verdict.allowed or e.verdict.cors_error is None:
        return None
    cookies = [c for c in e.cookies if c.stored]
    if not cookies:
        return None
    return finding(
        codes.COOKIE_SET_BUT_CORS_FAILED,
        f"{_where(cookies)}: the script gets 'Failed to fetch', yet the browser stores "
        f"{_names(cookies)} and sends it on the next request: the CORS check, not the cookie, "
        "is what fails",
        location=_where(cookies),
        cookies=[c.name for c in cookies],
    )


COOKIE_HAZARDS: tuple[Callable[[Evidence], Finding | None], ...] = (
    third_party_elsewhere,
    stored_but_cors_failed,
)
