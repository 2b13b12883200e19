"""Every ``Set-Cookie`` in the exchanges, judged by the cookie model in response order.

Each line is judged against the URL of the response that carried it (a redirect's cookies
against the redirecting URL) and the page's origin and credentials mode; a preflight never
stores cookies. Whether the CORS check passed does not matter: browsers store the cookie even
when the script gets "Failed to fetch".
"""

from __future__ import annotations

from corsguard.browser import FetchRequest, Verdict
from corsguard.cookies import CookieContext, CookieVerdict, ThirdPartyCookies, judge


def judge_cookies(
    request: FetchRequest, verdict: Verdict, third_party_cookies: ThirdPartyCookies = "allow"
) -> tuple[CookieVerdict, ...]:
    judged: list[CookieVerdict] = []
    for sent, response in verdict.exchanges:
        context = CookieContext(
            request.origin,
            sent.url,
            request.credentials,
            third_party_cookies,
            preflight=sent.is_preflight,
        )
        judged += [judge(line, context) for line in response.header_lines("set-cookie")]
    return tuple(judged)
