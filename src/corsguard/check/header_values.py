"""Causes in the CORS header values of an answer: one rule per Chromium error name.

The last part of ``causes.CAUSES``: the response got through the status checks, and one of
``Access-Control-Allow-Origin``, ``-Allow-Credentials``, ``-Allow-Methods`` or
``-Allow-Headers`` is missing, repeated, or does not allow the request.
"""

from __future__ import annotations

from corsguard.browser.differences import finding
from corsguard.check.error_pages import proxy_name
from corsguard.check.evidence import Evidence
from corsguard.codes import diagnosis as codes
from corsguard.findings import Finding
from corsguard.protocol.origin import comparable_origin


def duplicate_allow_origin(e: Evidence) -> Finding | None:
    """CG207: two layers add Access-Control-Allow-Origin, or one lists several origins."""
    if not e.error.endswith("MultipleAllowOriginValues"):
        return None
    url, lines = e.url, e.response.header_lines("access-control-allow-origin")
    if len(lines) > 1:
        proxy = proxy_name(e.response)
        layers = (
            f"two layers, the reverse proxy ({proxy}) and the app behind it, both add it"
            if proxy
            else "two layers, typically the reverse proxy and the app, both add it"
        )
        return finding(
            codes.DUPLICATE_ALLOW_ORIGIN,
            f"{url}: Access-Control-Allow-Origin is sent {len(lines)} times "
            f"({', '.join(repr(v) for v in lines)}); {layers}",
            "Set CORS in exactly one layer. To keep the app's headers, remove nginx's "
            "'add_header Access-Control-*' lines; to keep nginx's, add "
            "'proxy_hide_header Access-Control-Allow-Origin;' (and the same for the other "
            "Access-Control-* headers) in the location that proxies to the app.",
            url,
            values=lines,
        )
    return finding(
        codes.DUPLICATE_ALLOW_ORIGIN,
        f"{url}: Access-Control-Allow-Origin lists several origins ({lines[0]!r}); it may "
        "name exactly one",
        "Send the one origin that made the request, chosen from an allow-list, with Vary: "
        f"Origin: corsguard.install(app, CORSPolicy(allow_origins=['{e.request.origin}', ...])).",
        url,
        values=lines,
    )


def credentialed_wildcard(e: Evidence) -> Finding | None:
    """CG208: '*' never answers a credentialed request."""
    if not e.error.endswith("WildcardOriginNotAllowed"):
        return None
    return finding(
        codes.CREDENTIALED_WILDCARD,
        f"{e.url}: {e.where} is credentialed (fetch credentials: 'include' or axios "
        "withCredentials: true) and the server answered Access-Control-Allow-Origin: *",
        "List the origins explicitly and allow credentials: corsguard.install(app, "
        f"CORSPolicy(allow_origins=['{e.request.origin}'], allow_credentials=True)); in nginx "
        "send the checked origin (a map of $http_origin) and Access-Control-Allow-Credentials: "
        "true. Or, if the API needs no cookies, drop credentials from the client.",
        e.url,
    )


def origin_mismatch(e: Evidence) -> Finding | None:
    """CG225/CG209/CG220: Access-Control-Allow-Origin names another origin."""
    if not e.error.endswith("AllowOriginMismatch"):
        return None
    url, value, origin = e.url, e.verdict.failed_parameter or "", e.request.origin
    if e.verdict.tainted_origin and value == origin:
        return finding(
            codes.TAINTED_ORIGIN,
            f"{url}: after a cross-origin redirect the browser sent Origin: null, and the server "
            f"allowed {value!r}",
            f"Call {url} directly instead of going through the redirect from "
            f"{e.verdict.exchanges[0].request.url}.",
            url,
        )
    if comparable_origin(value) == comparable_origin(origin) and value != origin:
        return finding(
            codes.ALLOW_ORIGIN_NEAR_MISS,
            f"{url}: Access-Control-Allow-Origin is {value!r} but the page's origin is "
            f"{origin!r}; browsers compare them byte for byte (trailing slash, case and "
            "default port count)",
            f"Configure the origin exactly as browsers send it: allow_origins=['{origin}'] "
            "(pydantic's AnyHttpUrl adds a trailing slash: convert it with str(url).rstrip('/')).",
            url,
            allow_origin=value,
        )
    return finding(
        codes.ORIGIN_NOT_ALLOWED,
        f"{url}: the server allows {value!r}, not the page's origin {origin!r}",
        f"Add the page's origin: CORSPolicy(allow_origins=['{origin}', ...]).",
        url,
        allow_origin=value,
    )


def invalid_allow_origin(e: Evidence) -> Finding | None:
    """CG227: Access-Control-Allow-Origin is not an origin."""
    if not e.error.endswith("InvalidAllowOriginValue"):
        return None
    return finding(
        codes.INVALID_ALLOW_ORIGIN,
        f"{e.url}: Access-Control-Allow-Origin is {e.verdict.failed_parameter!r}, which is not "
        "an origin",
        f"Send '{e.request.origin}' (the request's origin, from an allow-list) or '*'.",
        e.url,
    )


def allow_credentials(e: Evidence) -> Finding | None:
    """CG219/CG231: Access-Control-Allow-Credentials missing or not exactly 'true'."""
    if not e.error.endswith("InvalidAllowCredentials"):
        return None
    value = e.response.header("access-control-allow-credentials")
    if value is None:
        return finding(
            codes.MISSING_ALLOW_CREDENTIALS,
            f"{e.url}: {e.where} is credentialed but the response has no "
            "Access-Control-Allow-Credentials: true",
            "Allow credentials for the listed origins: CORSPolicy(allow_origins=["
            f"'{e.request.origin}'], allow_credentials=True); in nginx add "
            "'add_header Access-Control-Allow-Credentials true always;'.",
            e.url,
        )
    return finding(
        codes.CREDENTIALS_VALUE,
        f"{e.url}: Access-Control-Allow-Credentials is {value!r}; only 'true' is accepted",
        "Send exactly 'Access-Control-Allow-Credentials: true' (lower-case).",
        e.url,
    )


def invalid_allow_list(e: Evidence) -> Finding | None:
    """CG223: Access-Control-Allow-Methods/-Headers is not a token list."""
    if e.error not in (
        "InvalidAllowMethodsPreflightResponse",
        "InvalidAllowHeadersPreflightResponse",
    ):
        return None
    name = "Methods" if "Methods" in e.error else "Headers"
    return finding(
        codes.INVALID_ALLOW_LIST,
        f"{e.url}: Access-Control-Allow-{name} is {e.verdict.failed_parameter!r}, which is not a "
        "comma-separated list of tokens",
        "Separate the names with commas, for example 'GET, PUT, DELETE'.",
        e.url,
    )


def method_disallowed(e: Evidence) -> Finding | None:
    """CG217: the method is not in Access-Control-Allow-Methods (fetch's 'patch' case too)."""
    if e.error != "MethodDisallowedByPreflightResponse":
        return None
    method, credentials = e.verdict.failed_parameter or "", e.request.credentials
    allowed = e.response.header("access-control-allow-methods")
    listed = [m.strip() for m in (allowed or "").split(",") if m.strip()]
    if method.upper() in listed and method != method.upper():
        detail = (
            f"; fetch() sends {method!r} exactly as written (it upper-cases only DELETE, GET, "
            "HEAD, OPTIONS, POST and PUT) and the comparison is case-sensitive"
        )
        fix = (
            f"Write the method in upper case in the client (method: '{method.upper()}'), or "
            f"allow {method!r} as well."
        )
    elif method in [m.upper() for m in listed]:
        detail = "; the comparison is case-sensitive"
        fix = f"List the method exactly as sent: allow_methods=['{method}', ...]."
    elif "*" in listed and credentials == "include":
        detail = "; '*' is not a wildcard for credentialed requests"
        fix = f"List the methods explicitly: allow_methods=['{method}', ...]."
    else:
        detail = ""
        fix = f"Add it: CORSPolicy(allow_methods=['{method}', ...])."
    said = (
        f"the preflight answer has no Access-Control-Allow-Methods header, so {method!r} is not "
        "allowed"
        if allowed is None
        else f"the preflight allows methods {allowed!r}, not {method!r}"
    )
    return finding(codes.METHOD_NOT_ALLOWED, f"{e.url}: {said}{detail}", fix, e.url, method=method)


def header_disallowed(e: Evidence) -> Finding | None:
    """CG218: a request header is not in Access-Control-Allow-Headers."""
    if e.error != "HeaderDisallowedByPreflightResponse":
        return None
    name = e.verdict.failed_parameter or ""
    allowed = e.response.header("access-control-allow-headers")
    wildcard = allowed is not None and "*" in [v.strip() for v in allowed.split(",")]
    detail = (
        "; '*' is not a wildcard for credentialed requests"
        if wildcard and e.request.credentials == "include"
        else ""
    )
    said = (
        f"the preflight answer has no Access-Control-Allow-Headers header, so {name!r} is "
        "not allowed"
        if allowed is None
        else f"the preflight allows headers {allowed!r}, not {name!r}"
    )
    return finding(
        codes.HEADER_NOT_ALLOWED,
        f"{e.url}: {said}{detail}",
        f"Add it: CORSPolicy(allow_headers=['{name}', ...]); with Starlette's middleware "
        f"allow_headers=['{name}'].",
        e.url,
        header=name,
    )


def redirect_with_userinfo(e: Evidence) -> Finding | None:
    """CG224: a redirect to a URL with user:password@."""
    if e.error != "RedirectContainsCredentials":
        return None
    return finding(
        codes.REDIRECT_WITH_USERINFO,
        f"{e.url}: redirects to {e.response.header('location')!r}, which contains user:password@",
        location=e.url,
    )
