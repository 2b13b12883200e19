"""Is a ``Set-Cookie`` stored? A table of small rules, walked in Chromium's order.

Each rule returns Chromium's ``SetCookieBlockedReason`` name or ``None``. The order, and which
rules stop the walk, follow ``CanonicalCookie::Create`` then the cookie store and the user's
settings:

1. the request did not include credentials (``CredentialsNotIncluded``, corsguard's name: the
   browser drops the line silently, no DevTools trace);
2. the line does not parse (``DisallowedCharacter``, ``NoCookieContent``,
   ``NameValuePairExceedsMaxSize``);
3. ``Domain`` (``InvalidDomain``);
4. the ``__Secure-`` / ``__Host-`` prefixes (``InvalidPrefix``);
5. ``Partitioned`` without ``Secure`` over a secure URL (``InvalidPartitioned``, corsguard's
   name: Chromium drops it silently);
6. third-party cookies blocked and the response cross-site, the cookie not partitioned
   (``UserPreferences``; then the only reason Chromium reports).

Rules 1-6 stop at the first that applies. The last ones are all reported together, in the
order DevTools' protocol lists them (``SameSiteNoneInsecure`` and a SameSite exclusion never
come together):

7. ``Secure`` over a URL that is not secure (``SecureOnly``; localhost and loopback count as
   secure);
8. ``SameSite=None`` without ``Secure`` (``SameSiteNoneInsecure``);
9. a cross-site response and SameSite ``Strict``, ``Lax`` or unspecified (treated as ``Lax``):
   ``SameSiteStrict``, ``SameSiteLax``, ``SameSiteUnspecifiedTreatedAsLax``, or their
   ``Schemeful…`` variant when only the scheme differs. ``fetch()`` never gets the Lax
   exception, which is for top-level navigations.

A line that passes every rule with ``Max-Age`` zero or less deletes the cookie instead
(``Expired``, corsguard's name). A failed CORS check does not matter: the cookie is stored
even when the script gets "Failed to fetch".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from corsguard.cookies.context import CookieContext
from corsguard.cookies.parse import InvalidSetCookie, SetCookie, parse_set_cookie
from corsguard.cookies.sites import Site, registrable_domain
from corsguard.policy.hosts import normalize_host
from corsguard.protocol.origin import is_ip_literal

# The names corsguard gives to drops that Chromium reports nowhere.
CREDENTIALS_NOT_INCLUDED = "CredentialsNotIncluded"
INVALID_PARTITIONED = "InvalidPartitioned"
EXPIRED = "Expired"


@dataclass(frozen=True, slots=True)
class StoreDecision:
    """The outcome for one ``Set-Cookie`` line, and where the cookie lives if stored."""

    cookie: SetCookie | InvalidSetCookie
    reasons: tuple[str, ...]  # empty when stored
    domain: str = ""  # the host (host-only) or ".example.com"
    path: str = "/"
    partition: Site | None = None  # the top-level site of a Partitioned cookie

    @property
    def name(self) -> str:
        return self.cookie.name

    @property
    def stored(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str | None:
        return self.reasons[0] if self.reasons else None

    @property
    def host_only(self) -> bool:
        return not self.domain.startswith(".")


Rule = Callable[[SetCookie, CookieContext], str | None]


def store(line: str, context: CookieContext) -> StoreDecision:
    """Judge one ``Set-Cookie`` value received from ``context.url``."""
    cookie = parse_set_cookie(line)
    if not context.includes_credentials:
        return StoreDecision(cookie, (CREDENTIALS_NOT_INCLUDED,))
    if isinstance(cookie, InvalidSetCookie):
        return StoreDecision(cookie, (cookie.reason,))
    for rule in STOPPING_RULES:
        reason = rule(cookie, context)
        if reason is not None:
            return StoreDecision(cookie, (reason,))
    reasons = tuple(r for rule in COLLECTED_RULES if (r := rule(cookie, context)) is not None)
    if not reasons and cookie.deletes:
        reasons = (EXPIRED,)
    return StoreDecision(
        cookie,
        reasons,
        domain=cookie_domain(cookie, context.host) or context.host,
        path=cookie.path or default_path(context.url),
        partition=context.page_site if cookie.partitioned else None,
    )


def cookie_domain(cookie: SetCookie, host: str) -> str | None:
    """``.example.com`` for a domain cookie, the host for a host-only one, ``None`` if invalid.

    RFC 6265bis 5.6.3 and Chromium's ``GetCookieDomainWithString``: the Domain must name the
    host or a parent of it with the same registrable domain; a host without a registrable
    domain (an IP, ``localhost``, a public suffix) accepts only its own name, as host-only.
    """
    wanted = cookie.domain
    if not wanted or (is_ip_literal(host) and wanted == host):
        return host
    normalized, _, _ = normalize_host(wanted)
    if normalized is None:  # "http://localhost:3000", a port, a path, stray characters
        return None
    registrable = registrable_domain(host)
    if registrable is None:
        return host if normalized == host else None
    if registrable_domain(normalized) != registrable:  # a foreign domain or a public suffix
        return None
    if host != normalized and not host.endswith("." + normalized):
        return None
    return "." + normalized


def default_path(url: str) -> str:
    """RFC 6265bis 5.1.4: the request path up to, not including, its last ``/``."""
    path = urlsplit(url).path
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rindex("/")]


def invalid_domain(cookie: SetCookie, context: CookieContext) -> str | None:
    return "InvalidDomain" if cookie_domain(cookie, context.host) is None else None


def invalid_prefix(cookie: SetCookie, context: CookieContext) -> str | None:
    """RFC 6265bis 4.1.3: ``__Secure-`` needs Secure; ``__Host-`` also Path=/ and no Domain."""
    name = cookie.name.lower()
    if not name:  # a nameless cookie may not fake a prefixed one through its value
        value = cookie.value.lower()
        return "InvalidPrefix" if value.startswith(("__secure-", "__host-")) else None
    secure = cookie.secure and context.secure
    if name.startswith("__secure-") and not secure:
        return "InvalidPrefix"
    if name.startswith("__host-") and (
        not secure or cookie.domain is not None or cookie.path != "/"
    ):
        return "InvalidPrefix"
    return None


def invalid_partitioned(cookie: SetCookie, context: CookieContext) -> str | None:
    if cookie.partitioned and not (cookie.secure and context.secure):
        return INVALID_PARTITIONED
    return None


def third_party_blocked(cookie: SetCookie, context: CookieContext) -> str | None:
    # A Partitioned cookie is kept under the top-level site instead (CHIPS).
    if context.third_party_blocked and not cookie.partitioned:
        return "UserPreferences"
    return None


def secure_only(cookie: SetCookie, context: CookieContext) -> str | None:
    return "SecureOnly" if cookie.secure and not context.secure else None


def same_site_none_insecure(cookie: SetCookie, context: CookieContext) -> str | None:
    return "SameSiteNoneInsecure" if cookie.same_site == "none" and not cookie.secure else None


def same_site_cross_site(cookie: SetCookie, context: CookieContext) -> str | None:
    if not context.cross_site or cookie.same_site == "none":
        return None
    return same_site_reason(cookie, context)


def same_site_reason(cookie: SetCookie, context: CookieContext) -> str:
    """The reason name for a SameSite exclusion; ``Schemeful…`` when only schemes differ."""
    name = {
        "strict": "SameSiteStrict",
        "lax": "SameSiteLax",
        None: "SameSiteUnspecifiedTreatedAsLax",
    }[cookie.same_site]
    return f"Schemeful{name}" if context.cross_scheme_only else name


STOPPING_RULES: tuple[Rule, ...] = (
    invalid_domain,
    invalid_prefix,
    invalid_partitioned,
    third_party_blocked,
)
COLLECTED_RULES: tuple[Rule, ...] = (secure_only, same_site_none_insecure, same_site_cross_site)
