"""The cookie model: whether the browser stores a ``Set-Cookie`` and sends the cookie back.

The other half of credentialed requests, next to the browser model of CORS, with no I/O:
``judge(line, CookieContext(page_origin, url, credentials, third_party_cookies))`` parses the
line as browsers do (RFC 6265bis), decides storage with Chromium's ``SetCookieBlockedReason``
names in Chromium's order, then sending on a repeat of the request with its
``CookieBlockedReason`` names.
"""

from __future__ import annotations

from corsguard.cookies.context import THIRD_PARTY_SETTINGS, CookieContext, ThirdPartyCookies
from corsguard.cookies.judge import CookieVerdict, judge
from corsguard.cookies.parse import InvalidSetCookie, SetCookie, parse_set_cookie

__all__ = [
    "THIRD_PARTY_SETTINGS",
    "CookieContext",
    "CookieVerdict",
    "InvalidSetCookie",
    "SetCookie",
    "ThirdPartyCookies",
    "judge",
    "parse_set_cookie",
]
