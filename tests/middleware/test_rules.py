"""Policy × request → exact response: one row per rule of the CORS protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from corsguard import CORSMiddleware

from .asgi import call, endpoint

APP = "https://app.example.com"
EVIL = "https://evil.example"
VARY_PREFLIGHT = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
# Access-Control-Allow-Headers for STRICT: the safelisted four and the policy's, sorted.
STRICT_HEADERS = "Accept, Accept-Language, Authorization, Content-Language, Content-Type, X-Token"
SAFELISTED = "Accept, Accept-Language, Content-Language, Content-Type"


@dataclass(frozen=True)
class Row:
    rule: str
    policy: dict[str, Any]
    method: str
    headers: tuple[tuple[str, str], ...]
    status: int
    cors: dict[str, str]
    reaches_app: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def preflight(
    origin: str, method: str, request_headers: str | None = None
) -> tuple[tuple[str, str], ...]:
    headers = [("origin", origin), ("access-control-request-method", method)]
    if request_headers is not None:
        headers.append(("access-control-request-headers", request_headers))
    return tuple(headers)


STRICT = {
    "allow_origins": [APP],
    "allow_methods": ["GET", "PUT", "DELETE"],
    "allow_headers": ["X-Token", "Authorization"],
    "allow_credentials": True,
    "expose_headers": ["X-Total", "X-Page"],
}

ROWS = [
    # Actual requests (Fetch "CORS check"): ACAO, ACAC, ACEH only for allowed origins.
    Row(
        "allowed origin gets its origin back, credentials and exposed headers",
        STRICT,
        "GET",
        (("origin", APP),),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-expose-headers": "X-Total, X-Page",
            "vary": "Origin",
        },
    ),
    Row(
        "allowed origin without credentials gets no allow-credentials",
        {"allow_origins": [APP]},
        "GET",
        (("origin", APP),),
        200,
        {"access-control-allow-origin": APP, "vary": "Origin"},
    ),
    Row(
        "disallowed origin learns nothing about the policy, only Vary",
        STRICT,
        "GET",
        (("origin", EVIL),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "request without Origin gets Vary because the answer depends on Origin",
        STRICT,
        "GET",
        (),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "wildcard policy answers '*' to a request with Origin, and varies on Origin",
        {"allow_origins": ["*"]},
        "GET",
        (("origin", EVIL),),
        200,
        {"access-control-allow-origin": "*", "vary": "Origin"},
    ),
    Row(
        "wildcard policy adds nothing but Vary to a request without Origin, as Starlette",
        {"allow_origins": ["*"], "expose_headers": ["X-Total"]},
        "GET",
        (),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "subdomain pattern allows a subdomain",
        {"allow_origins": ["https://*.example.com"]},
        "GET",
        (("origin", "https://a.b.example.com"),),
        200,
        {"access-control-allow-origin": "https://a.b.example.com", "vary": "Origin"},
    ),
    Row(
        "subdomain pattern never allows the apex",
        {"allow_origins": ["https://*.example.com"]},
        "GET",
        (("origin", "https://example.com"),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "subdomain pattern does not allow a look-alike suffix",
        {"allow_origins": ["https://*.example.com"]},
        "GET",
        (("origin", "https://evilexample.com"),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "regex is matched against the whole origin",
        {"allow_origin_regex": r"https://[a-z]+\.example\.org"},
        "GET",
        (("origin", "https://preview.example.org"),),
        200,
        {"access-control-allow-origin": "https://preview.example.org", "vary": "Origin"},
    ),
    Row(
        "regex does not match an origin with a suffix appended",
        {"allow_origin_regex": r"https://[a-z]+\.example\.org"},
        "GET",
        (("origin", "https://preview.example.org.evil.example"),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "origin is compared byte for byte: other case is refused",
        STRICT,
        "GET",
        (("origin", "HTTPS://APP.EXAMPLE.COM"),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "origin with a trailing slash is refused",
        STRICT,
        "GET",
        (("origin", APP + "/"),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "an Origin longer than any browser sends is refused",
        STRICT,
        "GET",
        (("origin", "https://" + "a" * 65536 + ".example"),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "the null origin is refused",
        STRICT,
        "GET",
        (("origin", "null"),),
        200,
        {"vary": "Origin"},
    ),
    Row(
        "OPTIONS without Access-Control-Request-Method is not a preflight: the app answers",
        STRICT,
        "OPTIONS",
        (("origin", APP),),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-expose-headers": "X-Total, X-Page",
            "vary": "Origin",
        },
    ),
    Row(
        "OPTIONS with Access-Control-Request-Method but no Origin is not a preflight",
        STRICT,
        "OPTIONS",
        (("access-control-request-method", "PUT"),),
        200,
        {"vary": "Origin"},
    ),
    # Preflights (Fetch "CORS-preflight fetch"): 200 "OK" echoing the method and listing the
    # allowed headers (echoing the requested ones for "*"), or 403.
    Row(
        "preflight allowed: 200 echoing the method, listing the allowed headers",
        STRICT,
        "OPTIONS",
        preflight(APP, "PUT", "authorization,x-token"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-allow-methods": "PUT",
            "access-control-allow-headers": STRICT_HEADERS,
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "several Access-Control-Request-Headers lines are combined",
        STRICT,
        "OPTIONS",
        (
            *preflight(APP, "PUT", "x-token"),
            ("access-control-request-headers", "authorization"),
        ),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-allow-methods": "PUT",
            "access-control-allow-headers": STRICT_HEADERS,
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "preflight without request headers still lists the allowed headers, as Starlette",
        {"allow_origins": [APP], "allow_methods": ["DELETE"]},
        "OPTIONS",
        preflight(APP, "DELETE"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-methods": "DELETE",
            "access-control-allow-headers": SAFELISTED,
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "preflight for a safelisted method passes whatever allow_methods says",
        {"allow_origins": [APP], "allow_headers": ["X-Token"]},
        "OPTIONS",
        preflight(APP, "POST", "x-token"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-methods": "POST",
            "access-control-allow-headers": SAFELISTED + ", X-Token",
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "preflight for Content-Type passes as in Starlette (JSON bodies)",
        {"allow_origins": [APP]},
        "OPTIONS",
        preflight(APP, "POST", "content-type"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-methods": "POST",
            "access-control-allow-headers": SAFELISTED,
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "preflight method is echoed in the exact case the browser sent",
        {"allow_origins": [APP], "allow_methods": ["patch"]},
        "OPTIONS",
        preflight(APP, "patch"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-methods": "patch",
            "access-control-allow-headers": SAFELISTED,
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "preflight method is compared case-sensitively",
        {"allow_origins": [APP], "allow_methods": ["PATCH"]},
        "OPTIONS",
        preflight(APP, "patch"),
        403,
        {"vary": VARY_PREFLIGHT},
        reaches_app=False,
    ),
    Row(
        "preflight from a disallowed origin: 403 with only Vary, no CORS header",
        STRICT,
        "OPTIONS",
        preflight(EVIL, "PUT", "x-token"),
        403,
        {"vary": VARY_PREFLIGHT},
        reaches_app=False,
    ),
    Row(
        "preflight for a method not allowed: 403 with only Vary, no CORS header",
        STRICT,
        "OPTIONS",
        preflight(APP, "PATCH"),
        403,
        {"vary": VARY_PREFLIGHT},
        reaches_app=False,
    ),
    Row(
        "preflight for a header not allowed: 403 with only Vary, no CORS header",
        STRICT,
        "OPTIONS",
        preflight(APP, "PUT", "x-token,x-other"),
        403,
        {"vary": VARY_PREFLIGHT},
        reaches_app=False,
    ),
    Row(
        "preflight with a malformed header list is refused",
        {"allow_origins": [APP], "allow_headers": ["*"]},
        "OPTIONS",
        preflight(APP, "GET", "x-token,x y"),
        403,
        {"vary": VARY_PREFLIGHT},
        reaches_app=False,
    ),
    Row(
        "wildcard methods echo a standard method as sent (with credentials '*' is literal)",
        {"allow_origins": [APP], "allow_methods": ["*"], "allow_credentials": True},
        "OPTIONS",
        preflight(APP, "patch"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-allow-methods": "patch",
            "access-control-allow-headers": SAFELISTED,
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "wildcard methods do not cover a made-up method, as in Starlette",
        {"allow_origins": [APP], "allow_methods": ["*"]},
        "OPTIONS",
        preflight(APP, "PURGE"),
        403,
        {"vary": VARY_PREFLIGHT},
        reaches_app=False,
    ),
    Row(
        "wildcard headers echo the requested headers, Authorization included",
        {"allow_origins": [APP], "allow_headers": ["*"], "allow_credentials": True},
        "OPTIONS",
        preflight(APP, "GET", "authorization,x-anything"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
            "access-control-allow-methods": "GET",
            "access-control-allow-headers": "authorization,x-anything",
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "wildcard origins answer a preflight with '*', varying on Origin as Starlette does",
        {"allow_origins": ["*"], "allow_methods": ["PUT"]},
        "OPTIONS",
        preflight(EVIL, "PUT"),
        200,
        {
            "access-control-allow-origin": "*",
            "access-control-allow-methods": "PUT",
            "access-control-allow-headers": SAFELISTED,
            "access-control-max-age": "600",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "max_age from the policy, 0 included",
        {"allow_origins": [APP], "allow_methods": ["PUT"], "max_age": 0},
        "OPTIONS",
        preflight(APP, "PUT"),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-methods": "PUT",
            "access-control-allow-headers": SAFELISTED,
            "access-control-max-age": "0",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "private network access is granted when asked for and enabled",
        {"allow_origins": [APP], "allow_methods": ["PUT"], "allow_private_network": True},
        "OPTIONS",
        (*preflight(APP, "PUT"), ("access-control-request-private-network", "true")),
        200,
        {
            "access-control-allow-origin": APP,
            "access-control-allow-methods": "PUT",
            "access-control-allow-headers": SAFELISTED,
            "access-control-max-age": "600",
            "access-control-allow-private-network": "true",
            "vary": VARY_PREFLIGHT,
        },
        reaches_app=False,
    ),
    Row(
        "private network access asked for but not enabled: 403, varying on the request for it",
        {"allow_origins": [APP], "allow_methods": ["PUT"]},
        "OPTIONS",
        (*preflight(APP, "PUT"), ("access-control-request-private-network", "true")),
        403,
        {"vary": VARY_PREFLIGHT},
        reaches_app=False,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.rule for row in ROWS])
def test_rule(row: Row) -> None:
    response = call(CORSMiddleware(endpoint, **row.policy), row.method, "/items", row.headers)
    assert response.status == row.status
    assert response.cors == row.cors
    names = [name for name, _ in response.headers]
    assert len(names) == len(set(names)), f"a header is sent twice: {response.headers}"
    assert (response.body == b"ok") is row.reaches_app
    if not row.reaches_app and row.status == 200:
        # A granted preflight is answered as Starlette answers it.
        assert response.body == b"OK"
        assert response.get("content-type") == "text/plain; charset=utf-8"
        assert response.get("content-length") == "2"
