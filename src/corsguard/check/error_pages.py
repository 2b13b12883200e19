"""Error responses without CORS headers: the real problem is the error, not CORS.

A crash, a missing route or a proxy that cannot reach the app answers without the app's CORS
headers, so the browser shows a CORS error and hides the status and body that explain it.
"""

from __future__ import annotations

from http import HTTPStatus

from corsguard.browser import HttpResponse
from corsguard.browser.differences import finding
from corsguard.check.exchange import AppError
from corsguard.codes import diagnosis as codes
from corsguard.findings import Finding

PROXY_SERVERS = ("nginx", "apache", "envoy", "cloudflare", "traefik", "haproxy", "caddy", "awselb")


def status_line(code: int) -> str:
    """``404 Not Found``: the status with its reason phrase when it has one."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def error_without_cors(
    url: str, where: str, status: str, response: HttpResponse, app_errors: list[AppError]
) -> Finding:
    server = (response.header("server") or "").lower()
    code = response.status
    if code in (502, 503, 504) and (
        any(p in server for p in PROXY_SERVERS) or response.header("via") is not None
    ):
        return finding(
            codes.PROXY_ERROR_PAGE,
            f"{url}: {where} got {status} from the proxy ({response.header('server') or 'Via'}), "
            "whose error page has no CORS headers; the real problem is that the proxy cannot "
            "reach the app",
            "Fix the upstream: is the app running and listening where proxy_pass points? Check "
            "the proxy's error log. To see the real status in the browser next time, add CORS "
            "headers to error pages too: add_header Access-Control-Allow-Origin $cors_origin "
            "always;",
            url,
            status=code,
            server=response.header("server"),
        )
    crash = next((e for e in reversed(app_errors) if e.url == url), None)
    body = snippet(response)
    detail = f"; the app raised {crash.summary} at {crash.where}" if crash else ""
    if not crash and body:
        detail = f"; the body says {body!r}"
    if code >= 500:
        fix = (
            "Fix the error first. Then make errors readable in the browser: under "
            "app.add_middleware(CORSMiddleware), Starlette's ServerErrorMiddleware sits outside "
            "CORS and answers 500s without CORS headers; corsguard.install(app, policy) puts "
            "CORS outermost so that even 500s carry them."
        )
    elif code == 404:
        fix = (
            "Check the URL: no route matches it. Install CORS outermost "
            "(corsguard.install(app, policy)) so even 404s carry CORS headers."
        )
    elif code in (401, 403):
        fix = (
            "Send valid credentials (cookies need credentials: 'include', tokens an "
            "Authorization header), and install CORS outermost so the error is readable."
        )
    else:
        fix = (
            "Fix the request the error describes, and install CORS outermost "
            "(corsguard.install(app, policy)) so error responses carry CORS headers."
        )
    return finding(
        codes.ERROR_WITHOUT_CORS,
        f"{url}: the real problem is {where}'s {status}{detail}; the error response has no "
        "CORS headers, so the browser reports a CORS error instead",
        fix,
        url,
        status=code,
        body=body,
        exception=crash.summary if crash else None,
    )


def snippet(response: HttpResponse, limit: int = 200) -> str:
    """The start of a response body, on one line, for messages."""
    text = response.body[:limit].decode("utf-8", "replace").strip()
    return " ".join(text.split())
