"""The scenario table: one row per rule, with the verdict and CorsError Chromium 156 gives.

Rows marked [verified] in the protocol research were observed in Chromium 156; the others
follow from the same code paths (cors.cc CheckAccess, preflight_controller.cc,
cors_url_loader.cc).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from corsguard.browser import FetchRequest, HttpResponse

from .helpers import API, ORIGIN, resp, run

ALLOWED = None
P = "https://api.example.com/items"
B = "https://b.example.net/items"
C = "https://c.example.org/items"
ACAO_O = {"acao": ORIGIN}


@dataclass(frozen=True)
class Row:
    rule: str
    request: FetchRequest
    expect: str | None  # CorsError name, or None when allowed
    preflight: HttpResponse | dict[str, HttpResponse] | None = None
    actual: HttpResponse | dict[str, HttpResponse] | None = None
    preflighted: bool | None = None
    blocked_reason: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def get(**kw: object) -> FetchRequest:
    return FetchRequest(url=str(kw.pop("url", API)), origin=str(kw.pop("origin", ORIGIN)), **kw)  # type: ignore[arg-type]


def put(**kw: object) -> FetchRequest:
    return get(method="PUT", **kw)


INC = "include"
OK_PREFLIGHT = resp(204, acao=ORIGIN, acam="PUT, PATCH, patch, DELETE", acah="x-foo, content-type")

ROWS = [
    # --- the CORS check on actual responses (fetch.bs #concept-cors-check, cors.cc) ---
    Row("no ACAO is MissingAllowOriginHeader", get(), "MissingAllowOriginHeader", actual=resp()),
    Row("ACAO * allows without credentials", get(), ALLOWED, actual=resp(acao="*")),
    Row(
        "ACAO * with credentials",
        get(credentials=INC),
        "WildcardOriginNotAllowed",
        actual=resp(acao="*"),
    ),
    Row("ACAO exact origin allows", get(), ALLOWED, actual=resp(acao=ORIGIN)),
    Row("ACAO padded with whitespace allows", get(), ALLOWED, actual=resp(acao=f"  {ORIGIN} \t")),
    Row("ACAO * padded allows", get(), ALLOWED, actual=resp(acao=" * ")),
    Row(
        "two ACAO lines are joined",
        get(),
        "MultipleAllowOriginValues",
        actual=resp(acao=[ORIGIN, ORIGIN]),
    ),
    Row(
        "ACAO * twice is multiple", get(), "MultipleAllowOriginValues", actual=resp(acao=["*", "*"])
    ),
    Row(
        "ACAO with a comma list",
        get(),
        "MultipleAllowOriginValues",
        actual=resp(acao=f"{ORIGIN}, https://x.example"),
    ),
    Row(
        "ACAO with a space list",
        get(),
        "MultipleAllowOriginValues",
        actual=resp(acao=f"{ORIGIN} https://x.example"),
    ),
    Row(
        "ACAO null never matches a real origin",
        get(),
        "AllowOriginMismatch",
        actual=resp(acao="null"),
    ),
    Row("ACAO empty is invalid", get(), "InvalidAllowOriginValue", actual=resp(acao="")),
    Row(
        "ACAO without scheme is invalid",
        get(),
        "InvalidAllowOriginValue",
        actual=resp(acao="app.example.com"),
    ),
    Row(
        "ACAO latin-1 byte is invalid",
        get(),
        "InvalidAllowOriginValue",
        actual=resp(acao="https://\xe9.example"),
    ),
    Row(
        "ACAO with a tab inside is a valid URL, so mismatch",
        get(),
        "AllowOriginMismatch",
        actual=resp(acao="https://a\tb.example"),
    ),
    Row(
        "ACAO with a percent-escape in the host is a mismatch",
        get(),
        "AllowOriginMismatch",
        actual=resp(acao="https://a%20b.example"),
    ),
    Row(
        "ACAO with UTF-8 bytes is a valid IDN, so mismatch",
        get(),
        "AllowOriginMismatch",
        actual=resp(acao="https://\xc3\xa9.example"),
    ),
    Row(
        "ACAO with an impossible port is invalid",
        get(),
        "InvalidAllowOriginValue",
        actual=resp(acao="https://a.example:99999"),
    ),
    Row(
        "ACAO host:port parses as a scheme, so mismatch",
        get(),
        "AllowOriginMismatch",
        actual=resp(acao="localhost:3000"),
    ),
    Row(
        "an empty ACAO line joined with a good one",
        get(),
        "MultipleAllowOriginValues",
        actual=resp(acao=["", ORIGIN]),
    ),
    Row("ACAO with trailing slash", get(), "AllowOriginMismatch", actual=resp(acao=ORIGIN + "/")),
    Row("ACAO differing in case", get(), "AllowOriginMismatch", actual=resp(acao=ORIGIN.upper())),
    Row("ACAO with default port", get(), "AllowOriginMismatch", actual=resp(acao=ORIGIN + ":443")),
    Row(
        "ACAO of another origin",
        get(),
        "AllowOriginMismatch",
        actual=resp(acao="https://evil.example"),
    ),
    Row(
        "ACAO pattern is a valid URL, so mismatch",
        get(),
        "AllowOriginMismatch",
        actual=resp(acao="https://*.example.com"),
    ),
    Row(
        "credentials need ACAC",
        get(credentials=INC),
        "InvalidAllowCredentials",
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "ACAC is case-sensitive",
        get(credentials=INC),
        "InvalidAllowCredentials",
        actual=resp(acao=ORIGIN, acac="True"),
    ),
    Row(
        "ACAC twice is not true",
        get(credentials=INC),
        "InvalidAllowCredentials",
        actual=resp(acao=ORIGIN, acac=["true", "true"]),
    ),
    Row(
        "ACAC padded true allows",
        get(credentials=INC),
        ALLOWED,
        actual=resp(acao=ORIGIN, acac=" true "),
    ),
    Row(
        "ACAC is ignored without credentials",
        get(credentials="omit"),
        ALLOWED,
        actual=resp(acao=ORIGIN, acac="nope"),
    ),
    Row("a 500 with the right ACAO is shared", get(), ALLOWED, actual=resp(500, acao=ORIGIN)),
    Row("a 500 without ACAO is a CORS error", get(), "MissingAllowOriginHeader", actual=resp(500)),
    # --- when a preflight is needed (fetch.bs #cors-safelisted-request-header) ---
    Row("GET needs no preflight", get(), ALLOWED, actual=resp(acao=ORIGIN), preflighted=False),
    Row(
        "POST text/plain needs no preflight",
        get(method="POST", body=b"x"),
        ALLOWED,
        actual=resp(acao=ORIGIN),
        preflighted=False,
    ),
    Row(
        "PUT needs a preflight",
        put(),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "JSON content type needs a preflight",
        get(method="POST", headers=(("Content-Type", "application/json"),)),
        ALLOWED,
        preflight=OK_PREFLIGHT,
        actual=resp(acao=ORIGIN),
        preflighted=True,
    ),
    Row(
        "TEXT/PLAIN is safelisted",
        get(method="POST", headers=(("Content-Type", "TEXT/PLAIN"),)),
        ALLOWED,
        actual=resp(acao=ORIGIN),
        preflighted=False,
    ),
    Row(
        "quoted charset is unsafe",
        get(method="POST", headers=(("Content-Type", 'text/plain; charset="utf-8"'),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "space before slash fails MIME parsing",
        get(method="POST", headers=(("Content-Type", "text /plain"),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "two Content-Type appends are combined",
        get(
            method="POST",
            headers=(("Content-Type", "application/json"), ("Content-Type", "text/plain")),
        ),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "Accept over 128 bytes",
        get(headers=(("Accept", "a" * 129),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "Accept appends combine past 128 bytes",
        get(headers=(("Accept", "a" * 64), ("Accept", "b" * 64))),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "Range bytes=0-100 is safelisted",
        get(headers=(("Range", "bytes=0-100"),)),
        ALLOWED,
        actual=resp(acao=ORIGIN),
        preflighted=False,
    ),
    Row(
        "suffix Range is not safelisted",
        get(headers=(("Range", "bytes=-100"),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "Last-Event-ID is not safelisted",
        get(headers=(("Last-Event-ID", "1"),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "Chromium safelists DPR: 2",
        get(headers=(("DPR", "2"),)),
        ALLOWED,
        actual=resp(acao=ORIGIN),
        preflighted=False,
    ),
    Row(
        "Chromium does not safelist DPR: 2x",
        get(headers=(("DPR", "2x"),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "Save-Data: off is not safelisted",
        get(headers=(("Save-Data", "off"),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "Authorization always needs a preflight",
        get(headers=(("Authorization", "Bearer x"),)),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(),
        preflighted=True,
    ),
    Row(
        "forbidden headers are dropped, not preflighted",
        get(headers=(("Cookie", "a=b"), ("Sec-Foo", "1"))),
        ALLOWED,
        actual=resp(acao=ORIGIN),
        preflighted=False,
    ),
    # --- validating the preflight response, in Chromium's order ---
    Row(
        "a redirected preflight",
        put(),
        "PreflightDisallowedRedirect",
        preflight=resp(307, acao=ORIGIN, acam="PUT", location=P + "/"),
    ),
    Row(
        "a 302 preflight without ACAO is still a redirect error",
        put(),
        "PreflightDisallowedRedirect",
        preflight=resp(302, location=B),
    ),
    Row(
        "ACAO is checked before the status",
        put(),
        "PreflightMissingAllowOriginHeader",
        preflight=resp(404),
    ),
    Row(
        "a wrong ACAO on a 500 preflight",
        put(),
        "PreflightAllowOriginMismatch",
        preflight=resp(500, acao="https://x.example"),
    ),
    Row(
        "a 404 preflight with ACAO",
        put(),
        "PreflightInvalidStatus",
        preflight=resp(404, acao=ORIGIN),
    ),
    Row("a 304 preflight", put(), "PreflightInvalidStatus", preflight=resp(304, acao=ORIGIN)),
    Row(
        "a 300 preflight with Location is not a redirect",
        put(),
        "PreflightInvalidStatus",
        preflight=resp(300, acao=ORIGIN, location=P),
    ),
    Row(
        "a 302 preflight without Location is not a redirect",
        put(),
        "PreflightInvalidStatus",
        preflight=resp(302, acao=ORIGIN),
    ),
    Row(
        "an empty ACAM refuses PUT",
        put(),
        "MethodDisallowedByPreflightResponse",
        preflight=resp(acao=ORIGIN, acam=""),
    ),
    Row(
        "an unparsable ACAH fails even when unused",
        put(),
        "InvalidAllowHeadersPreflightResponse",
        preflight=resp(acao=ORIGIN, acam="PUT", acah="x/y"),
    ),
    Row(
        "OPTIONS as the fetch method",
        get(method="options"),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam="OPTIONS"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "HEAD needs no preflight",
        get(method="HEAD"),
        ALLOWED,
        actual=resp(acao=ORIGIN),
        preflighted=False,
    ),
    Row(
        "a 200 preflight",
        put(),
        ALLOWED,
        preflight=resp(200, acao=ORIGIN, acam="PUT"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "a 206 preflight is ok",
        put(),
        ALLOWED,
        preflight=resp(206, acao=ORIGIN, acam="PUT"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "preflight * with credentials",
        put(credentials=INC),
        "PreflightWildcardOriginNotAllowed",
        preflight=resp(acao="*", acam="PUT"),
    ),
    Row(
        "preflight duplicate ACAO",
        put(),
        "PreflightMultipleAllowOriginValues",
        preflight=resp(acao=[ORIGIN, ORIGIN], acam="PUT"),
    ),
    Row(
        "preflight invalid ACAO",
        put(),
        "PreflightInvalidAllowOriginValue",
        preflight=resp(acao="foo", acam="PUT"),
    ),
    Row(
        "preflight without ACAC for credentials",
        put(credentials=INC),
        "PreflightInvalidAllowCredentials",
        preflight=resp(acao=ORIGIN, acam="PUT"),
    ),
    Row(
        "ACAM that is not a token list",
        put(),
        "InvalidAllowMethodsPreflightResponse",
        preflight=resp(acao=ORIGIN, acam="GET PUT"),
    ),
    Row(
        "ACAH that is not a token list",
        put(headers=(("X-Foo", "1"),)),
        "InvalidAllowHeadersPreflightResponse",
        preflight=resp(acao=ORIGIN, acam="PUT", acah="x foo"),
    ),
    Row(
        "ACAM parse error comes before the method",
        put(),
        "InvalidAllowMethodsPreflightResponse",
        preflight=resp(acao=ORIGIN, acam='PUT, "DELETE"'),
    ),
    Row(
        "ACAM is case-sensitive",
        put(),
        "MethodDisallowedByPreflightResponse",
        preflight=resp(acao=ORIGIN, acam="put"),
    ),
    Row(
        "fetch sends patch in lower case",
        get(method="patch"),
        "MethodDisallowedByPreflightResponse",
        preflight=resp(acao=ORIGIN, acam="PATCH"),
    ),
    Row(
        "patch allowed when listed as sent",
        get(method="patch"),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam="patch"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "delete is upper-cased by fetch",
        get(method="delete"),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam="DELETE"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "ACAM * without credentials",
        put(),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam="*"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "ACAM * with credentials is literal",
        put(credentials=INC),
        "MethodDisallowedByPreflightResponse",
        preflight=resp(acao=ORIGIN, acac="true", acam="*"),
    ),
    Row(
        "empty ACAM elements are skipped",
        put(),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam=" ,PUT,, "),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "ACAM lines combine",
        put(),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam=["GET", "PUT"]),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "missing ACAM refuses PUT",
        put(),
        "MethodDisallowedByPreflightResponse",
        preflight=resp(acao=ORIGIN),
    ),
    Row(
        "an unlisted header",
        put(headers=(("X-Foo", "1"),)),
        "HeaderDisallowedByPreflightResponse",
        preflight=resp(acao=ORIGIN, acam="PUT"),
    ),
    Row(
        "ACAH is case-insensitive",
        put(headers=(("x-foo", "1"),)),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam="PUT", acah="X-FOO"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "ACAH * without credentials",
        put(headers=(("X-Foo", "1"),)),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam="PUT", acah="*"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "ACAH * with credentials is literal",
        put(credentials=INC, headers=(("X-Foo", "1"),)),
        "HeaderDisallowedByPreflightResponse",
        preflight=resp(acao=ORIGIN, acac="true", acam="PUT", acah="*"),
    ),
    Row(
        "Chromium lets ACAH * cover Authorization",
        put(headers=(("Authorization", "Bearer t"),)),
        ALLOWED,
        preflight=resp(acao=ORIGIN, acam="PUT", acah="*"),
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "the actual response is checked after the preflight",
        put(),
        "MissingAllowOriginHeader",
        preflight=resp(acao=ORIGIN, acam="PUT"),
        actual=resp(),
    ),
    # --- redirects of the actual request (fetch.bs #http-redirect-fetch) ---
    Row(
        "a redirect without ACAO",
        get(),
        "MissingAllowOriginHeader",
        actual={P: resp(302, location=B)},
    ),
    Row(
        "a cross-origin redirect taints the origin",
        get(),
        "AllowOriginMismatch",
        actual={P: resp(302, acao=ORIGIN, location=B), B: resp(acao=ORIGIN)},
    ),
    Row(
        "after a taint ACAO null allows",
        get(),
        ALLOWED,
        actual={P: resp(302, acao=ORIGIN, location=B), B: resp(acao="null")},
    ),
    Row(
        "after a taint ACAO * allows",
        get(),
        ALLOWED,
        actual={P: resp(302, acao=ORIGIN, location=B), B: resp(acao="*")},
    ),
    Row(
        "a same-origin hop keeps the origin",
        get(),
        ALLOWED,
        actual={P: resp(302, acao=ORIGIN, location=P + "?2"), P + "?2": resp(acao=ORIGIN)},
    ),
    Row(
        "userinfo in Location",
        get(),
        "RedirectContainsCredentials",
        actual={P: resp(302, acao=ORIGIN, location="https://u:p@b.example.net/")},
    ),
    Row(
        "a redirected PUT is preflighted again at the new URL",
        put(),
        ALLOWED,
        preflight={P: resp(acao=ORIGIN, acam="PUT"), B: resp(acao="null", acam="PUT")},
        actual={P: resp(307, acao=ORIGIN, location=B), B: resp(acao="null")},
    ),
    Row(
        "the second preflight carries Origin null",
        put(),
        "PreflightAllowOriginMismatch",
        preflight={P: resp(acao=ORIGIN, acam="PUT"), B: resp(acao=ORIGIN, acam="PUT")},
        actual={P: resp(307, acao=ORIGIN, location=B)},
    ),
    Row(
        "a redirect to ftp: is CorsDisabledScheme",
        get(),
        "CorsDisabledScheme",
        actual={P: resp(302, acao=ORIGIN, location="ftp://b.example.net/x")},
    ),
    Row(
        "a redirect to ftp: without ACAO fails the CORS check first",
        get(),
        "MissingAllowOriginHeader",
        actual={P: resp(302, location="ftp://b.example.net/x")},
    ),
    Row(
        "a redirect to data: is refused before CORS",
        get(),
        ALLOWED,
        actual={P: resp(302, location="data:text/plain,hi")},
        blocked_reason="network-error",
    ),
    Row(
        "a redirect loop",
        get(),
        ALLOWED,
        actual={P: resp(302, acao=ORIGIN, location=P)},
        blocked_reason="network-error",
    ),
    # --- blocks before CORS ---
    Row(
        "mixed content",
        get(url="http://api.example.com/items"),
        ALLOWED,
        blocked_reason="mixed-content",
    ),
    Row(
        "http loopback is not mixed content",
        get(url="http://127.0.0.1:8000/items"),
        ALLOWED,
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "http localhost is not mixed content",
        get(url="http://localhost:8000/items"),
        ALLOWED,
        actual=resp(acao=ORIGIN),
    ),
    Row(
        "an unsafe port",
        get(url="https://api.example.com:6000/"),
        ALLOWED,
        blocked_reason="unsafe-port",
    ),
    Row(
        "a non-http scheme",
        get(url="ftp://api.example.com/x"),
        ALLOWED,
        blocked_reason="unsupported-scheme",
    ),
    # --- same origin and opaque origins ---
    Row(
        "same-origin needs no CORS headers",
        get(url=ORIGIN + "/api"),
        ALLOWED,
        actual=resp(),
        preflighted=False,
    ),
    Row(
        "same-origin PUT needs no preflight",
        put(url=ORIGIN + "/api"),
        ALLOWED,
        actual=resp(),
        preflighted=False,
    ),
    Row("a null origin page: ACAO null", get(origin="null"), ALLOWED, actual=resp(acao="null")),
    Row("a null origin page: ACAO *", get(origin="null"), ALLOWED, actual=resp(acao="*")),
    Row(
        "a null origin page: a real ACAO",
        get(origin="null"),
        "AllowOriginMismatch",
        actual=resp(acao=ORIGIN),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.rule for r in ROWS])
def test_scenario(row: Row) -> None:
    verdict, sent = run(row.request, row.preflight, row.actual)
    if row.blocked_reason is not None:
        assert (verdict.allowed, verdict.cors_error) == (False, None)
        assert verdict.blocked_reason == row.blocked_reason
        if row.blocked_reason != "network-error":
            assert sent == []
        return
    assert verdict.cors_error == row.expect, verdict.console_message
    assert verdict.allowed is (row.expect is None)
    assert verdict.blocked_reason is None
    if row.preflighted is not None:
        assert bool(verdict.preflights) is row.preflighted
