"""From the browser's symptom to the real cause and its fix.

The console names what failed (a missing header); a developer needs why (a 500 page, a
trailing-slash redirect, an auth layer in front of CORS, two layers adding the header) and
the change that fixes it, in corsguard, FastAPI or nginx terms.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from corsguard.browser import FetchRequest, HttpRequest, HttpResponse, Verdict
from corsguard.browser.differences import finding
from corsguard.check.error_pages import error_without_cors, proxy_name, snippet, status_line
from corsguard.check.exchange import AppError
from corsguard.check.hazards import hazards
from corsguard.codes import diagnosis as codes
from corsguard.findings import Finding
from corsguard.protocol.origin import DEFAULT_PORTS


def diagnose(
    request: FetchRequest, verdict: Verdict, app_errors: list[AppError] | tuple[AppError, ...] = ()
) -> list[Finding]:
    """Root causes for a blocked verdict, plus hazards seen in an allowed one."""
    found: list[Finding] = []
    if verdict.cors_error is not None and verdict.exchanges:
        cause = _cause(request, verdict, list(app_errors))
        if cause is not None:
            found.append(cause)
    found += hazards(request, verdict)
    if verdict.allowed and not verdict.decisive_header and verdict.exchanges:
        found.append(
            finding(
                codes.SAME_ORIGIN,
                f"{verdict.url}: same-origin as {request.origin}; the browser does not apply CORS",
                location=verdict.url,
            )
        )
    return found


def _cause(request: FetchRequest, verdict: Verdict, app_errors: list[AppError]) -> Finding | None:
    index = verdict.decisive_exchange if verdict.decisive_exchange is not None else -1
    exchange = verdict.exchanges[index]
    response = exchange.response
    url = exchange.request.url
    error = verdict.cors_error or ""
    preflight = exchange.request.is_preflight
    where = "the preflight (OPTIONS)" if preflight else f"the {exchange.request.method} request"
    status = status_line(response.status)

    if error == "PreflightDisallowedRedirect":
        return _preflight_redirect(url, response)
    if error.endswith("MissingAllowOriginHeader") or error == "PreflightInvalidStatus":
        if response.status == 405 and preflight:
            return finding(
                codes.PREFLIGHT_NOT_HANDLED,
                f"{url}: {where} got {status}; nothing in front of the routes answers preflights, "
                "so the router refuses OPTIONS",
                "Install the CORS middleware so it answers preflights before routing: "
                f"corsguard.install(app, {suggested_policy(request, exchange.request)}). "
                "Behind nginx, make sure OPTIONS is passed to the app (no 'limit_except').",
                url,
                status=response.status,
            )
        if response.status in (401, 403) and preflight:
            return finding(
                codes.PREFLIGHT_AUTH,
                f"{url}: {where} got {status}; authentication runs before CORS, and browsers never "
                "send cookies or Authorization on a preflight",
                "Put CORS outermost so it answers preflights before authentication: "
                "corsguard.install(app, policy) after adding the auth middleware, or skip "
                "authentication for OPTIONS requests (in FastAPI, check credentials in a "
                "dependency of the route, not in a middleware).",
                url,
                status=response.status,
            )
    if error.endswith("MissingAllowOriginHeader"):
        body = snippet(response)
        if preflight and body.startswith("Disallowed CORS"):
            return finding(
                codes.NO_CORS_HEADERS,
                f"{url}: the CORS middleware refused the preflight ({status}, {body!r}), so it "
                "sent no Access-Control-Allow-Origin",
                f"Allow what it names: allow_origins=['{request.origin}'], the method and the "
                "headers of the request.",
                url,
                status=response.status,
                body=body,
            )
        if response.status >= 400:
            return error_without_cors(url, where, status, response, app_errors)
        return finding(
            codes.NO_CORS_HEADERS,
            f"{url}: {where} got {status} without Access-Control-Allow-Origin; either no CORS "
            f"middleware runs for this URL or it does not allow {request.origin}",
            f"Allow the page's origin: corsguard.install(app, "
            f"{suggested_policy(request, exchange.request)}); with Starlette's middleware add "
            "it to allow_origins.",
            url,
        )
    if error == "PreflightInvalidStatus":
        body = snippet(response)
        said = f" and says {body!r}" if body else ""
        return finding(
            codes.PREFLIGHT_REJECTED,
            f"{url}: the preflight got {status}{said}; the CORS headers are there but the status "
            "must be 200-299",
            "Allow what the body names (Starlette answers refused preflights with 400 'Disallowed "
            "CORS origin/method/headers'); corsguard's middleware answers a valid preflight with "
            "204.",
            url,
            status=response.status,
            body=body,
        )
    if error.endswith("MultipleAllowOriginValues"):
        lines = response.header_lines("access-control-allow-origin")
        if len(lines) > 1:
            proxy = proxy_name(response)
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
            f"Origin: corsguard.install(app, CORSPolicy(allow_origins=['{request.origin}', ...])).",
            url,
            values=lines,
        )
    if error.endswith("WildcardOriginNotAllowed"):
        return finding(
            codes.CREDENTIALED_WILDCARD,
            f"{url}: {where} is credentialed (fetch credentials: 'include' or axios "
            "withCredentials: true) and the server answered Access-Control-Allow-Origin: *",
            "List the origins explicitly and allow credentials: corsguard.install(app, "
            f"CORSPolicy(allow_origins=['{request.origin}'], allow_credentials=True)); in nginx "
            "send the checked origin (a map of $http_origin) and Access-Control-Allow-Credentials: "
            "true. Or, if the API needs no cookies, drop credentials from the client.",
            url,
        )
    if error.endswith("AllowOriginMismatch"):
        return _mismatch(request, verdict, url, response)
    if error.endswith("InvalidAllowOriginValue"):
        return finding(
            codes.INVALID_ALLOW_ORIGIN,
            f"{url}: Access-Control-Allow-Origin is {verdict.failed_parameter!r}, which is not an "
            "origin",
            f"Send '{request.origin}' (the request's origin, from an allow-list) or '*'.",
            url,
        )
    if error.endswith("InvalidAllowCredentials"):
        value = response.header("access-control-allow-credentials")
        if value is None:
            return finding(
                codes.MISSING_ALLOW_CREDENTIALS,
                f"{url}: {where} is credentialed but the response has no "
                "Access-Control-Allow-Credentials: true",
                "Allow credentials for the listed origins: CORSPolicy(allow_origins=["
                f"'{request.origin}'], allow_credentials=True); in nginx add "
                "'add_header Access-Control-Allow-Credentials true always;'.",
                url,
            )
        return finding(
            codes.CREDENTIALS_VALUE,
            f"{url}: Access-Control-Allow-Credentials is {value!r}; only 'true' is accepted",
            "Send exactly 'Access-Control-Allow-Credentials: true' (lower-case).",
            url,
        )
    if error in ("InvalidAllowMethodsPreflightResponse", "InvalidAllowHeadersPreflightResponse"):
        name = "Methods" if "Methods" in error else "Headers"
        return finding(
            codes.INVALID_ALLOW_LIST,
            f"{url}: Access-Control-Allow-{name} is {verdict.failed_parameter!r}, which is not a "
            "comma-separated list of tokens",
            "Separate the names with commas, for example 'GET, PUT, DELETE'.",
            url,
        )
    if error == "MethodDisallowedByPreflightResponse":
        return _method(request, url, response, verdict.failed_parameter or "")
    if error == "HeaderDisallowedByPreflightResponse":
        name = verdict.failed_parameter or ""
        allowed = response.header("access-control-allow-headers")
        wildcard = allowed is not None and "*" in [v.strip() for v in allowed.split(",")]
        detail = (
            "; '*' is not a wildcard for credentialed requests"
            if wildcard and request.credentials == "include"
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
            f"{url}: {said}{detail}",
            f"Add it: CORSPolicy(allow_headers=['{name}', ...]); with Starlette's middleware "
            f"allow_headers=['{name}'].",
            url,
            header=name,
        )
    if error == "RedirectContainsCredentials":
        return finding(
            codes.REDIRECT_WITH_USERINFO,
            f"{url}: redirects to {response.header('location')!r}, which contains user:password@",
            location=url,
        )
    return None


def suggested_policy(request: FetchRequest, sent: HttpRequest) -> str:
    """The smallest corsguard policy that allows this request, as Python source."""
    options = [f"allow_origins=[{request.origin!r}]"]
    method = sent.header("Access-Control-Request-Method") or sent.method
    if method not in ("GET", "HEAD", "POST"):
        options.append(f"allow_methods=[{method!r}]")
    requested = sent.header("Access-Control-Request-Headers")
    if requested:
        names = [name.strip() for name in requested.split(",") if name.strip()]
        options.append(f"allow_headers={names!r}")
    if request.credentials == "include":
        options.append("allow_credentials=True")
    return f"CORSPolicy({', '.join(options)})"


def _preflight_redirect(url: str, response: HttpResponse) -> Finding:
    location = response.header("location") or ""
    old, new = urlsplit(url), urlsplit(location)
    if (old.scheme, old.netloc) == (new.scheme, new.netloc) and old.path.rstrip(
        "/"
    ) == new.path.rstrip("/"):
        return finding(
            codes.PREFLIGHT_SLASH_REDIRECT,
            f"{url}: the preflight got {response.status} to {location}; FastAPI/Starlette "
            "redirect_slashes adds or removes the trailing slash, and browsers never follow a "
            "redirected preflight",
            f"Call the canonical URL {location} from the page (exactly as the route is "
            "declared), or declare the route for both spellings.",
            url,
            redirect_to=location,
        )
    if old.scheme == "https" and new.scheme == "http" and old.hostname == new.hostname:
        return finding(
            codes.PREFLIGHT_SCHEME_REDIRECT,
            f"{url}: the preflight got {response.status} to {location}; the app behind a "
            "TLS-terminating proxy thinks the request was http",
            "Run uvicorn with --proxy-headers --forwarded-allow-ips='<proxy IP>' (or "
            "forwarded_allow_ips in uvicorn.run) and have the proxy send "
            "'proxy_set_header X-Forwarded-Proto $scheme;'.",
            url,
            redirect_to=location,
        )
    return finding(
        codes.PREFLIGHT_REDIRECT,
        f"{url}: the preflight got {response.status} to {location}; browsers never follow a "
        "redirected preflight",
        f"Call {location} directly, or answer OPTIONS at {url} without redirecting.",
        url,
        redirect_to=location,
    )


def _mismatch(request: FetchRequest, verdict: Verdict, url: str, response: HttpResponse) -> Finding:
    value = verdict.failed_parameter or ""
    if verdict.tainted_origin and value == request.origin:
        return finding(
            codes.TAINTED_ORIGIN,
            f"{url}: after a cross-origin redirect the browser sent Origin: null, and the server "
            f"allowed {value!r}",
            f"Call {url} directly instead of going through the redirect from "
            f"{verdict.exchanges[0].request.url}.",
            url,
        )
    if _near(value) == _near(request.origin) and value != request.origin:
        return finding(
            codes.ALLOW_ORIGIN_NEAR_MISS,
            f"{url}: Access-Control-Allow-Origin is {value!r} but the page's origin is "
            f"{request.origin!r}; browsers compare them byte for byte (trailing slash, case and "
            "default port count)",
            f"Configure the origin exactly as browsers send it: allow_origins=['{request.origin}'] "
            "(pydantic's AnyHttpUrl adds a trailing slash: convert it with str(url).rstrip('/')).",
            url,
            allow_origin=value,
        )
    return finding(
        codes.ORIGIN_NOT_ALLOWED,
        f"{url}: the server allows {value!r}, not the page's origin {request.origin!r}",
        f"Add the page's origin: CORSPolicy(allow_origins=['{request.origin}', ...]).",
        url,
        allow_origin=value,
    )


def _near(origin: str) -> str:
    parts = urlsplit(origin.strip().rstrip("/").lower())
    try:
        port = parts.port
    except ValueError:
        return origin
    host = parts.hostname or ""
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def _method(request: FetchRequest, url: str, response: HttpResponse, method: str) -> Finding:
    allowed = response.header("access-control-allow-methods")
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
    elif "*" in listed and request.credentials == "include":
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
    return finding(
        codes.METHOD_NOT_ALLOWED,
        f"{url}: {said}{detail}",
        fix,
        url,
        method=method,
    )
