"""Where Firefox, Safari or the Fetch standard would judge the same exchange differently.

The verdict is Chrome's. These findings say where another browser differs, so a fix that
works in Chrome works everywhere.
"""

from __future__ import annotations

from corsguard.browser.blocking import is_secure_context, local_network_target
from corsguard.browser.preflight import MAX_AGE, PreflightResult
from corsguard.browser.request import Headers, HttpResponse
from corsguard.codes import Code, diagnosis
from corsguard.findings import Finding

# Preflight cache caps in seconds (preflight_result.cc, nsCORSListenerProxy.cpp,
# CrossOriginPreflightResultCache.cpp).
MAX_AGE_CAPS = (("Safari", 600), ("Chrome", 7200), ("Firefox", 86400))


def finding(
    code: Code, message: str, fix: str = "", location: str = "", **evidence: object
) -> Finding:
    return Finding(code.code, code.severity, message, fix or code.fix, location, dict(evidence))


def authorization_under_wildcard(
    result: PreflightResult, unsafe_names: list[str], url: str
) -> Finding | None:
    """Chrome lets ``Access-Control-Allow-Headers: *`` cover Authorization; the standard not."""
    if "authorization" not in unsafe_names or "authorization" in result.headers:
        return None
    if result.include_credentials or "*" not in result.headers:
        return None
    return finding(
        diagnosis.AUTHORIZATION_UNDER_WILDCARD,
        f"{url}: Authorization passes only through 'Access-Control-Allow-Headers: *'; Chrome and "
        "Safari accept it, the Fetch standard does not, Firefox warns that it is deprecated, and "
        "Chrome never caches this preflight, so every request costs a second round trip",
        "List Authorization explicitly, for example allow_headers=['Authorization', "
        "'Content-Type'].",
        url,
    )


def max_age_caps(response: HttpResponse, url: str) -> Finding | None:
    raw = response.header(MAX_AGE)
    if raw is None or not raw.strip().isdigit():
        return None
    seconds = int(raw.strip())
    capped = [f"{name} to {cap} s" for name, cap in MAX_AGE_CAPS if seconds > cap]
    if not capped:
        return None
    return finding(
        diagnosis.MAX_AGE_CAPPED,
        f"{url}: Access-Control-Max-Age {seconds} is shortened by " + ", ".join(capped),
        "Send Access-Control-Max-Age: 600 (max_age=600) for the same preflight caching in "
        "every browser.",
        url,
        max_age=seconds,
    )


def chromium_only_safelist(
    headers: Headers, chromium: list[str], spec: list[str], url: str
) -> Finding | None:
    """Names Firefox and Safari put in a preflight that Chrome does not send one for."""
    extra = [name for name in spec if name not in chromium]
    if not extra:
        return None
    names = ", ".join(extra)
    return finding(
        diagnosis.CHROMIUM_ONLY_SAFELIST,
        f"{url}: Chrome treats {names} as safelisted; Firefox and Safari send a preflight for "
        "this request and need the server to allow these headers",
        f"Allow {names} in the preflight answer, for example allow_headers={extra!r}.",
        url,
        headers=extra,
    )


def local_network_access(page_origin: str, url: str) -> Finding | None:
    """Only where Local Network Access changes what the user sees.

    An insecure page is blocked outright, and a secure page calling a private address gets a
    permission prompt its users may deny. A secure page calling loopback is a developer's
    local check (in deployment the API is not on the user's own machine): the prompt is
    granted once and changes nothing, so it is not reported.
    """
    space = local_network_target(page_origin, url)
    if space is None:
        return None
    if space == "loopback" and is_secure_context(page_origin):
        return None
    insecure = page_origin.startswith("http://")
    consequence = (
        "Chrome blocks it outright because the page is not a secure context (InsecureLocalNetwork)"
        if insecure
        else "Chrome asks the user for permission first and blocks it if denied "
        "(LocalNetworkAccessPermissionDenied)"
    )
    fix = (
        "Serve the page over https (Chrome blocks insecure pages from calling more private "
        "addresses), or reach the API through a public hostname."
        if insecure
        else "Expect Chrome's local network access prompt (fine in development); in production "
        "reach the API through a public hostname. This verdict assumes the permission is granted."
    )
    return finding(
        diagnosis.LOCAL_NETWORK_ACCESS,
        f"{url}: a page on {page_origin} calls the `{space}` address space; {consequence}",
        fix,
        url,
        address_space=space,
    )
