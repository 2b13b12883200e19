"""Is a stored cookie sent with a request? Chromium's ``CookieBlockedReason`` names, in order.

Every rule that applies is reported, as Chromium does (``IncludeForRequestURL``), in the
order DevTools' protocol lists them, except the first two, each then the only reason:

1. the request does not include credentials (``CredentialsNotIncluded``, corsguard's name);
2. third-party cookies blocked and the request cross-site, the cookie not partitioned
   (``UserPreferences``);
3. ``Secure`` and a URL that is not secure (``SecureOnly``);
4. the path does not path-match (``NotOnPath``);
5. the host does not domain-match (``DomainMismatch``);
6. a cross-site request and SameSite ``Strict``, ``Lax`` or unspecified (``SameSite…``);
7. a Partitioned cookie asked for under another top-level site (``OtherPartition``,
   corsguard's name: Chromium looks in the current partition only, and reports nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from corsguard.cookies.context import CookieContext
from corsguard.cookies.parse import SetCookie
from corsguard.cookies.sites import url_host
from corsguard.cookies.store import CREDENTIALS_NOT_INCLUDED, StoreDecision, same_site_reason

OTHER_PARTITION = "OtherPartition"


@dataclass(frozen=True, slots=True)
class SendDecision:
    reasons: tuple[str, ...]  # empty when sent

    @property
    def sent(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str | None:
        return self.reasons[0] if self.reasons else None


Rule = Callable[[StoreDecision, SetCookie, CookieContext], str | None]


def send(stored: StoreDecision, context: CookieContext) -> SendDecision:
    """Whether the stored cookie goes with a request to ``context.url`` from the page."""
    cookie = stored.cookie
    if not stored.stored or not isinstance(cookie, SetCookie):
        raise ValueError(f"{stored.name}: not stored, so never sent")
    if not context.includes_credentials:
        return SendDecision((CREDENTIALS_NOT_INCLUDED,))
    if context.third_party_blocked and stored.partition is None:
        return SendDecision(("UserPreferences",))
    return SendDecision(
        tuple(r for rule in RULES if (r := rule(stored, cookie, context)) is not None)
    )


def domain_mismatch(stored: StoreDecision, cookie: SetCookie, context: CookieContext) -> str | None:
    host = url_host(context.url)
    if stored.host_only:
        matches = host == stored.domain
    else:
        matches = host == stored.domain[1:] or host.endswith(stored.domain)
    return None if matches else "DomainMismatch"


def not_on_path(stored: StoreDecision, cookie: SetCookie, context: CookieContext) -> str | None:
    return None if path_matches(urlsplit(context.url).path or "/", stored.path) else "NotOnPath"


def path_matches(request_path: str, cookie_path: str) -> bool:
    """RFC 6265bis 5.1.4 path-match."""
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def secure_only(stored: StoreDecision, cookie: SetCookie, context: CookieContext) -> str | None:
    return "SecureOnly" if cookie.secure and not context.secure else None


def same_site_cross_site(
    stored: StoreDecision, cookie: SetCookie, context: CookieContext
) -> str | None:
    if not context.cross_site or cookie.same_site == "none":
        return None
    return same_site_reason(cookie, context)


def other_partition(stored: StoreDecision, cookie: SetCookie, context: CookieContext) -> str | None:
    if stored.partition is not None and stored.partition != context.page_site:
        return OTHER_PARTITION
    return None


RULES: tuple[Rule, ...] = (
    secure_only,
    not_on_path,
    domain_mismatch,
    same_site_cross_site,
    other_partition,
)
