"""Each root cause behind a CORS error is recognised, and its fix is stated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from corsguard.browser import FetchRequest
from corsguard.check import run_check

from .apps import scripted

ORIGIN = "https://app.example.com"
URL = "https://api.example.com/items"
ACAO = ("access-control-allow-origin", ORIGIN)
ACAO_CREDS = [ACAO, ("access-control-allow-credentials", "true")]
OK_PUT = (204, [ACAO, ("access-control-allow-methods", "PUT"), ("vary", "Origin")], b"")


def fastapi_without_cors() -> FastAPI:
    app = FastAPI()

    @app.put("/items")
    def put_items() -> dict[str, str]:
        return {}

    @app.put("/reports/")
    def put_reports() -> dict[str, str]:
        return {}

    return app


def fastapi_that_raises() -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware, allow_origins=[ORIGIN], allow_methods=["*"], allow_headers=["*"]
    )

    @app.put("/items")
    def broken() -> dict[str, str]:
        raise ZeroDivisionError("division by zero")

    return app


@dataclass(frozen=True)
class Case:
    rule: str
    app: Any
    request: FetchRequest
    cors_error: str
    code: str
    says: str  # a phrase the message or the fix must contain


def put(url: str = URL, **kw: Any) -> FetchRequest:
    return FetchRequest(url, ORIGIN, "PUT", **kw)


CASES = [
    Case(
        "a 500 without CORS headers: the real problem is the 500",
        fastapi_that_raises(),
        put(),
        "MissingAllowOriginHeader",
        "CG201",
        "ZeroDivisionError: division by zero",
    ),
    Case(
        "a 404 without CORS headers",
        scripted(OK_PUT, (404, [], b'{"detail":"Not Found"}')),
        put(),
        "MissingAllowOriginHeader",
        "CG201",
        "no route matches",
    ),
    Case(
        "FastAPI redirect_slashes on a preflight",
        fastapi_without_cors(),
        put("https://api.example.com/reports"),
        "PreflightDisallowedRedirect",
        "CG202",
        "https://api.example.com/reports/",
    ),
    Case(
        "https to http redirect behind a TLS proxy",
        scripted((307, [("location", "http://api.example.com/items")], b"")),
        put(),
        "PreflightDisallowedRedirect",
        "CG203",
        "--proxy-headers",
    ),
    Case(
        "another redirect of the preflight",
        scripted((301, [("location", "https://new.example.com/items")], b"")),
        put(),
        "PreflightDisallowedRedirect",
        "CG204",
        "https://new.example.com/items",
    ),
    Case(
        "405 on OPTIONS: nothing handles preflights",
        fastapi_without_cors(),
        put(),
        "PreflightMissingAllowOriginHeader",
        "CG205",
        "corsguard.install(app",
    ),
    Case(
        "401 on the preflight: authentication before CORS",
        scripted((401, [("www-authenticate", "Bearer")], b"")),
        put(),
        "PreflightMissingAllowOriginHeader",
        "CG206",
        "OPTIONS",
    ),
    Case(
        "403 with CORS headers on the preflight",
        scripted((403, [ACAO], b"")),
        put(),
        "PreflightInvalidStatus",
        "CG206",
        "authentication",
    ),
    Case(
        "two layers both set Allow-Origin",
        scripted(actual=(200, [ACAO, ACAO], b"")),
        FetchRequest(URL, ORIGIN),
        "MultipleAllowOriginValues",
        "CG207",
        "proxy_hide_header Access-Control-Allow-Origin",
    ),
    Case(
        "* with credentials",
        scripted(actual=(200, [("access-control-allow-origin", "*")], b"")),
        FetchRequest(URL, ORIGIN, credentials="include"),
        "WildcardOriginNotAllowed",
        "CG208",
        "withCredentials",
    ),
    Case(
        "Allow-Origin with a trailing slash",
        scripted(actual=(200, [("access-control-allow-origin", ORIGIN + "/")], b"")),
        FetchRequest(URL, ORIGIN),
        "AllowOriginMismatch",
        "CG209",
        "trailing slash",
    ),
    Case(
        "Allow-Origin in another case",
        scripted(actual=(200, [("access-control-allow-origin", "https://App.Example.com")], b"")),
        FetchRequest(URL, ORIGIN),
        "AllowOriginMismatch",
        "CG209",
        "byte for byte",
    ),
    Case(
        "Allow-Origin with the default port",
        scripted(actual=(200, [("access-control-allow-origin", ORIGIN + ":443")], b"")),
        FetchRequest(URL, ORIGIN),
        "AllowOriginMismatch",
        "CG209",
        "default port",
    ),
    Case(
        "another origin allowed",
        scripted(actual=(200, [("access-control-allow-origin", "https://other.example")], b"")),
        FetchRequest(URL, ORIGIN),
        "AllowOriginMismatch",
        "CG220",
        "allow_origins=['https://app.example.com'",
    ),
    Case(
        "a proxy error page",
        scripted(actual=(502, [("server", "nginx/1.22.1")], b"<html>502 Bad Gateway</html>")),
        FetchRequest(URL, ORIGIN),
        "MissingAllowOriginHeader",
        "CG212",
        "upstream",
    ),
    Case(
        "credentials without Allow-Credentials",
        scripted(actual=(200, [ACAO], b"")),
        FetchRequest(URL, ORIGIN, credentials="include"),
        "InvalidAllowCredentials",
        "CG219",
        "allow_credentials=True",
    ),
    Case(
        "fetch sends patch in lower case",
        scripted((204, [ACAO, ("access-control-allow-methods", "GET, PATCH")], b"")),
        FetchRequest(URL, ORIGIN, "patch"),
        "MethodDisallowedByPreflightResponse",
        "CG217",
        "method: 'PATCH'",
    ),
    Case(
        "a header not allowed",
        scripted((204, [ACAO, ("access-control-allow-methods", "PUT")], b"")),
        put(headers=(("X-Request-Id", "1"),)),
        "HeaderDisallowedByPreflightResponse",
        "CG218",
        "x-request-id",
    ),
    Case(
        "no Access-Control-Allow-Methods at all",
        scripted((204, [ACAO], b"")),
        put(),
        "MethodDisallowedByPreflightResponse",
        "CG217",
        "the preflight answer has no Access-Control-Allow-Methods header",
    ),
    Case(
        "no Access-Control-Allow-Headers at all",
        scripted((204, [ACAO, ("access-control-allow-methods", "PUT")], b"")),
        put(headers=(("X-Request-Id", "1"),)),
        "HeaderDisallowedByPreflightResponse",
        "CG218",
        "the preflight answer has no Access-Control-Allow-Headers header",
    ),
    Case(
        "Starlette refusing a preflight with 400",
        scripted((400, [ACAO], b"Disallowed CORS headers")),
        put(),
        "PreflightInvalidStatus",
        "CG222",
        "Disallowed CORS headers",
    ),
    Case(
        "an allow list that is not a token list",
        scripted((204, [ACAO, ("access-control-allow-methods", "GET PUT")], b"")),
        put(),
        "InvalidAllowMethodsPreflightResponse",
        "CG223",
        "commas",
    ),
    Case(
        "no CORS headers on a 200",
        scripted(actual=(200, [], b"")),
        FetchRequest(URL, ORIGIN),
        "MissingAllowOriginHeader",
        "CG221",
        "allow_origins=['https://app.example.com']",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_root_cause(case: Case) -> None:
    result = run_check(case.request, app=case.app)
    assert result.verdict.cors_error == case.cors_error
    cause = result.findings[0]
    assert cause.code == case.code
    assert case.says in cause.message + " " + cause.fix
    assert "None" not in cause.message
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, reverse=True)


def test_reflected_origin_without_vary() -> None:
    result = run_check(FetchRequest(URL, ORIGIN), app=scripted(actual=(200, [ACAO], b"")))
    assert result.allowed
    assert [f.code for f in result.findings] == ["CG210"]
    with_vary = scripted(actual=(200, [ACAO, ("vary", "Accept, Origin")], b""))
    assert run_check(FetchRequest(URL, ORIGIN), app=with_vary).findings == ()


def test_max_age_above_a_browser_cap() -> None:
    preflight = (204, [*OK_PUT[1], ("access-control-max-age", "86400")], b"")
    result = run_check(put(), app=scripted(preflight, (200, [ACAO, ("vary", "Origin")], b"")))
    assert result.allowed
    assert "CG211" in [f.code for f in result.findings]


def test_starlette_preflight_refusing_the_origin() -> None:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://other.example"], allow_methods=["*"])
    result = run_check(put(), app=app)
    assert result.verdict.cors_error == "PreflightMissingAllowOriginHeader"
    assert result.findings[0].code == "CG221"
    assert "Disallowed CORS origin" in result.findings[0].message


def test_findings_are_listed_highest_severity_first() -> None:
    # A redirect loop whose answers echo the origin without Vary: CG210 (medium) is found
    # before the browser's CG226 (high), and is listed after it.
    loop = "https://api.example.com/loop"
    answer = (302, [("location", loop), ("access-control-allow-origin", ORIGIN)], b"")
    result = run_check(FetchRequest(loop, ORIGIN), app=scripted(actual=answer))
    assert [f.code for f in result.findings] == ["CG226", "CG210"]
