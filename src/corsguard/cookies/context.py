"""Where a cookie is set or sent: the page, the request, and the browser's settings.

The page is the top-level document whose script calls ``fetch()``; its site is the top-level
site (Chromium's ``site_for_cookies``), and the initiator too. A request is same-site when the
URL's site equals the page's site, schemes included: ``http`` and ``https`` of one domain are
two sites ("schemeful same-site"). A page with an opaque origin (``null``) is same-site with
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from corsguard.browser.request import Credentials
from corsguard.cookies.sites import Site, is_secure_url, site_of_url, url_host
from corsguard.protocol.origin import (
    NULL_ORIGIN,
    origin_of_url,
    parse_serialized_origin,
    same_origin,
)

ThirdPartyCookies = Literal["allow", "block"]
THIRD_PARTY_SETTINGS: tuple[ThirdPartyCookies, ...] = ("allow", "block")


@dataclass(frozen=True, slots=True)
class CookieContext:
    page_origin: str  # serialized, e.g. "https://app.example.com", or "null"
    url: str  # the URL the response came from (or the request goes to)
    credentials: Credentials = "include"
    third_party_cookies: ThirdPartyCookies = "allow"  # Chrome's default; "block": Safari
    preflight: bool = False

    @property
    def host(self) -> str:
        return url_host(self.url)

    @property
    def secure(self) -> bool:
        return is_secure_url(self.url)

    @property
    def page_site(self) -> Site | None:
        return None if self.page_origin == NULL_ORIGIN else site_of_url(self.page_origin)

    @property
    def cross_site(self) -> bool:
        return self.page_site != site_of_url(self.url)

    @property
    def cross_scheme_only(self) -> bool:
        """Cross-site only because the schemes differ (Chromium's ``Schemeful…`` reasons)."""
        page, here = self.page_site, site_of_url(self.url)
        return page is not None and page.domain == here.domain and page.scheme != here.scheme

    @property
    def includes_credentials(self) -> bool:
        """fetch.bs "credentials mode": a preflight never; ``same-origin`` to the page's own."""
        if self.preflight or self.credentials == "omit":
            return False
        if self.credentials == "include":
            return True
        return same_origin(parse_serialized_origin(self.page_origin), origin_of_url(self.url))

    @property
    def third_party_blocked(self) -> bool:
        return self.third_party_cookies == "block" and self.cross_site
