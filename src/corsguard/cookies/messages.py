"""What DevTools says for each reason, and the fix in FastAPI/Starlette terms.

The sentences are the ones Chromium's DevTools shows in the Network panel's cookie tooltips
(``core/sdk/NetworkRequest.ts``), so that a report reads like the browser. Reasons DevTools has
no sentence for (the drops corsguard names) get corsguard's own, marked as such.
"""

from __future__ import annotations

from corsguard.cookies.judge import CookieVerdict
from corsguard.cookies.sites import registrable_domain
from corsguard.policy.publicsuffix import rules
from corsguard.protocol.origin import is_loopback_host

_SET_LAX = (
    "This attempt to set a cookie via a `Set-Cookie` header was blocked because it had the "
    '"{0}" attribute but came from a cross-site response which was not the response to a '
    "top-level navigation."
)
_SET_SCHEMEFUL = (
    "This attempt to set a cookie via a `Set-Cookie` header was blocked because it had the "
    '"{0}" attribute but came from a cross-site response which was not the response to a '
    "top-level navigation. This response is considered cross-site because the URL has a "
    "different scheme than the current site."
)

SET_SENTENCES: dict[str, str] = {
    "SecureOnly": (
        "This attempt to set a cookie via a `Set-Cookie` header was blocked because it had the "
        '"Secure" attribute but was not received over a secure connection.'
    ),
    "SameSiteStrict": _SET_LAX.format("SameSite=Strict"),
    "SameSiteLax": _SET_LAX.format("SameSite=Lax"),
    "SameSiteUnspecifiedTreatedAsLax": (
        'This `Set-Cookie` header didn\'t specify a "SameSite" attribute and was defaulted to '
        '"SameSite=Lax," and was blocked because it came from a cross-site response which was '
        "not the response to a top-level navigation. The `Set-Cookie` had to have been set "
        'with "SameSite=None" to enable cross-site usage.'
    ),
    "SchemefulSameSiteStrict": _SET_SCHEMEFUL.format("SameSite=Strict"),
    "SchemefulSameSiteLax": _SET_SCHEMEFUL.format("SameSite=Lax"),
    "SchemefulSameSiteUnspecifiedTreatedAsLax": (
        'This `Set-Cookie` header didn\'t specify a "SameSite" attribute, was defaulted to '
        '"SameSite=Lax", and was blocked because it came from a cross-site response which was '
        "not the response to a top-level navigation. This response is considered cross-site "
        "because the URL has a different scheme than the current site."
    ),
    "SameSiteNoneInsecure": (
        "This attempt to set a cookie via a `Set-Cookie` header was blocked because it had the "
        '"SameSite=None" attribute but did not have the "Secure" attribute, which is required '
        'in order to use "SameSite=None".'
    ),
    "UserPreferences": (
        "This attempt to set a cookie via a `Set-Cookie` header was blocked due to user "
        "preferences."
    ),
    "InvalidDomain": (
        "This attempt to set a cookie via a `Set-Cookie` header was blocked because its Domain "
        "attribute was invalid with regards to the current host url."
    ),
    "InvalidPrefix": (
        "This attempt to set a cookie via a `Set-Cookie` header was blocked because it used "
        'the "__Secure-" or "__Host-" prefix in its name and broke the additional rules '
        "applied to cookies with these prefixes."
    ),
    "DisallowedCharacter": (
        "This `Set-Cookie` header contained a disallowed character (a forbidden ASCII control "
        "character, or the tab character if it appears in the middle of the cookie name, "
        "value, an attribute name, or an attribute value)."
    ),
    "NameValuePairExceedsMaxSize": (
        "This attempt to set a cookie via a `Set-Cookie` header was blocked because the cookie "
        "was too large. The combined size of the name and value must be less than or equal to "
        "4096 characters."
    ),
    "NoCookieContent": "This `Set-Cookie` header contained no cookie content.",
    # corsguard's names: DevTools shows nothing at all for these.
    "CredentialsNotIncluded": (
        "(corsguard; DevTools shows nothing) The request did not include credentials, so the "
        "browser ignored this `Set-Cookie` header without a trace."
    ),
    "InvalidPartitioned": (
        "(corsguard; DevTools shows nothing) The cookie was Partitioned without being Secure "
        "over a secure connection, so the browser dropped it without a trace."
    ),
    "Expired": (
        "(corsguard) This `Set-Cookie` header expires the cookie at once: it deletes any "
        "stored cookie of that name instead of storing one."
    ),
}

SEND_SENTENCES: dict[str, str] = {
    "SecureOnly": (
        'This cookie was blocked because it had the "Secure" attribute and the connection was '
        "not secure."
    ),
    "NotOnPath": (
        "This cookie was blocked because its path was not an exact match for or a "
        "superdirectory of the request url's path."
    ),
    "DomainMismatch": (
        "This cookie was blocked because neither did the request URL's domain exactly match "
        "the cookie's domain, nor was the request URL's domain a subdomain of the cookie's "
        "Domain attribute value."
    ),
    "UserPreferences": "This cookie was blocked due to user preferences.",
    "CredentialsNotIncluded": (
        "(corsguard; DevTools shows nothing) The request does not include credentials, so no "
        "cookie goes with it."
    ),
    "OtherPartition": (
        "(corsguard; DevTools shows nothing) The cookie is partitioned under another top-level "
        "site, so this page's requests never see it."
    ),
}
for _name, _attribute in (("Strict", "SameSite=Strict"), ("Lax", "SameSite=Lax")):
    SEND_SENTENCES[f"SameSite{_name}"] = (
        f'This cookie was blocked because it had the "{_attribute}" attribute and the request '
        "was made from a different site"
        + (
            ". This includes top-level navigation requests initiated by other sites."
            if _name == "Strict"
            else " and was not initiated by a top-level navigation."
        )
    )
SEND_SENTENCES["SameSiteUnspecifiedTreatedAsLax"] = (
    'This cookie didn\'t specify a "SameSite" attribute when it was stored and was defaulted '
    'to "SameSite=Lax," and was blocked because the request was made from a different site '
    "and was not initiated by a top-level navigation. The cookie had to have been set with "
    '"SameSite=None" to enable cross-site usage.'
)
for _name in ("Strict", "Lax", "UnspecifiedTreatedAsLax"):
    SEND_SENTENCES[f"SchemefulSameSite{_name}"] = (
        SEND_SENTENCES[f"SameSite{_name}"]
        + " This request is considered cross-site because the URL has a different scheme than "
        "the current site."
    )

SAME_SITE_REASONS = frozenset(
    f"{scheme}SameSite{kind}"
    for scheme in ("", "Schemeful")
    for kind in ("Strict", "Lax", "UnspecifiedTreatedAsLax")
)
CROSS_SITE_FIX = 'response.set_cookie(..., samesite="none", secure=True)'


def set_sentence(reason: str) -> str:
    return SET_SENTENCES.get(reason, f"The cookie was not stored ({reason}).")


def send_sentence(reason: str) -> str:
    return SEND_SENTENCES.get(reason, f"The cookie was not sent ({reason}).")


def same_site_deployment(verdict: CookieVerdict) -> str:
    """How to serve the API same-site with the page, for this page and API."""
    context = verdict.context
    page, api = context.page_site, context.host
    if page is None:
        return "call the API from a page with a real origin (not a sandboxed or file: page)"
    if page.domain == (registrable_domain(api) or api):  # cross-site through the scheme only
        return (
            f"serve the page and the API over the same scheme (the page is {page.scheme}; "
            "https for both)"
        )
    if is_loopback_host(page.domain) and is_loopback_host(api):
        return (
            f"open the page and call the API under the same host name ({page.domain} vs "
            f"{api}: localhost and 127.0.0.1 are different sites; ports do not matter)"
        )
    if registrable_domain(page.domain) is None:
        return "serve the page and the API under one registrable domain"
    advice = f"serve the API same-site with the page, e.g. as api.{page.domain}"
    suffix = rules().public_suffix(page.domain)
    if "." in suffix:  # github.io, vercel.app, but also co.uk
        advice += f" (if {suffix} is a hosting platform's shared domain, use a domain of your own)"
    return advice


def fix(verdict: CookieVerdict) -> str:
    """The change that gets this cookie stored and sent, in FastAPI/Starlette terms."""
    reason = verdict.storing.reason or (verdict.sending.reason if verdict.sending else None)
    if reason is None:
        return ""
    if reason in SAME_SITE_REASONS:
        return (
            f"Set it for cross-site use: {CROSS_SITE_FIX} (https, or loopback in development), "
            f"or {same_site_deployment(verdict)}."
        )
    if reason == "UserPreferences":
        return (
            "Third-party cookies are blocked (Safari, Firefox's partitioning, Chrome with the "
            f"setting on): {same_site_deployment(verdict)}, or make the cookie partitioned: "
            'response.set_cookie(..., samesite="none", secure=True, partitioned=True) '
            "(Python 3.14)."
        )
    return FIXES.get(reason, "")


FIXES: dict[str, str] = {
    "CredentialsNotIncluded": (
        "Send credentials from the page: fetch(url, {credentials: 'include'}), or axios "
        "withCredentials: true; the API must answer with its exact origin and "
        "Access-Control-Allow-Credentials: true."
    ),
    "SameSiteNoneInsecure": f"Add secure=True: {CROSS_SITE_FIX}.",
    "SecureOnly": (
        "Serve the API over https: browsers accept Secure cookies over plain http only from "
        "localhost and 127.0.0.1."
    ),
    "InvalidDomain": (
        "Give domain= a bare host name that the API's host is or is under (no scheme, no "
        'port, no public suffix such as "github.io"), e.g. domain="example.com", or leave '
        "domain out for a cookie of the API's host only."
    ),
    "InvalidPrefix": (
        '__Host- cookies need secure=True, path="/" and no domain; __Secure- cookies need '
        "secure=True; both over https (or loopback)."
    ),
    "InvalidPartitioned": (
        "partitioned=True needs secure=True over https: response.set_cookie(..., "
        'samesite="none", secure=True, partitioned=True) (Python 3.14).'
    ),
    "NotOnPath": (
        'Set path="/" (Starlette\'s default) or a path that covers every URL that needs the cookie.'
    ),
    "DomainMismatch": (
        'Set domain= to the parent domain the hosts share, e.g. domain="example.com".'
    ),
    "Expired": "Nothing to fix if the route logs out (response.delete_cookie does this).",
    "DisallowedCharacter": (
        "Encode the value (for example base64url) so it has no control characters."
    ),
    "NoCookieContent": "Give the cookie a name and a value.",
    "NameValuePairExceedsMaxSize": (
        "Keep the name and value under 4096 bytes together: store a session id, not the session."
    ),
    "OtherPartition": "Partitioned cookies are per top-level site: set it again from this page.",
}
