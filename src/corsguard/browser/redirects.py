"""Following a redirect of the actual request (fetch.bs #http-redirect-fetch).

Chromium's ``CorsURLLoader::OnReceiveRedirect`` does, in order: the CORS check on the 3xx
response itself (in ``fetch.py``), the redirect limit, the location checks below, the origin
taint, then a restart with a new preflight at the new URL when the request still needs one.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from corsguard.browser.errors import CorsError
from corsguard.browser.request import Headers, HttpResponse
from corsguard.browser.urls import has_userinfo
from corsguard.protocol.origin import Origin, origin_of_url, same_origin

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# services/network/url_loader.cc IsSafeRedirectTarget: net::ERR_UNSAFE_REDIRECT, no CORS error.
UNSAFE_REDIRECT_SCHEMES = frozenset({"about", "blob", "data", "file", "filesystem", "javascript"})
# fetch.bs #http-redirect-fetch step 5; Chromium's redirect_limit_.
MAX_REDIRECTS = 20
# fetch.bs #request-body-header-name: removed when a redirect turns the request into a GET.
REQUEST_BODY_HEADERS = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)


def redirect_location(response: HttpResponse, current_url: str) -> str | None:
    """The absolute URL a 3xx response points to, or ``None`` if it is not a redirect."""
    if response.status not in REDIRECT_STATUSES:
        return None
    location = response.header("location")
    if location is None or not location.strip():
        return None  # net::HttpResponseHeaders::IsRedirect needs a non-empty Location
    try:
        return urljoin(current_url, location.strip())
    except ValueError:
        return location


def method_after_redirect(status: int, method: str) -> str:
    """301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET."""
    if status in (301, 302) and method == "POST":
        return "GET"
    if status == 303 and method not in ("GET", "HEAD"):
        return "GET"
    return method


def is_unsafe_redirect(new_url: str) -> bool:
    """The network service refuses these targets before CORS sees the redirect at all."""
    return urlsplit(new_url).scheme.lower() in UNSAFE_REDIRECT_SCHEMES


def location_error(new_url: str, initiator: Origin | None, *, tainted: bool) -> CorsError | None:
    """Chromium's ``CheckRedirectLocation``: scheme and userinfo of the new location.

    fetch() requests are in mode "cors", so a hop to a non-HTTP(S) scheme fails as
    CorsDisabledScheme even when the request was same-origin so far.
    """
    scheme = urlsplit(new_url).scheme.lower()
    if scheme not in ("http", "https"):
        return CorsError.CORS_DISABLED_SCHEME
    if has_userinfo(new_url) and (tainted or not same_origin(initiator, origin_of_url(new_url))):
        return CorsError.REDIRECT_CONTAINS_CREDENTIALS
    return None


def taints_origin(current_url: str, new_url: str, initiator: Origin | None) -> bool:
    """fetch.bs #concept-request-tainted-origin, as cors_url_loader.cc sets ``tainted_``."""
    current = origin_of_url(current_url)
    return not same_origin(current, origin_of_url(new_url)) and not same_origin(initiator, current)


def headers_after_redirect(
    headers: Headers, *, cross_origin: bool, method_changed: bool
) -> tuple[Headers, list[str]]:
    """Headers kept for the next hop, and the lower-case names removed."""
    kept: list[tuple[str, str]] = []
    removed: list[str] = []
    for name, value in headers:
        lower = name.lower()
        # fetch.bs step 13: a cross-origin hop drops Authorization.
        if (cross_origin and lower == "authorization") or (
            method_changed and lower in REQUEST_BODY_HEADERS
        ):
            removed.append(lower)
            continue
        kept.append((name, value))
    return tuple(kept), removed
