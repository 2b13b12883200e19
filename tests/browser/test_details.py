"""The details around the verdict: exact preflights, redirect rewriting, messages, exposure."""

from __future__ import annotations

import pytest

from corsguard.browser import FetchRequest
from corsguard.browser.errors import CorsError, console_message, encode_hint

from .helpers import API, ORIGIN, resp, run

B = "https://b.example.net/items"


def test_preflight_request_is_exact() -> None:
    # [verified] Chromium 156: lower-case, sorted, comma-joined names; no cookies.
    request = FetchRequest(
        API,
        ORIGIN,
        "PUT",
        (
            ("X-Foo", "1"),
            ("Content-Type", "application/json"),
            ("Accept", "a" * 129),
            ("X-Bar", "2"),
        ),
        "include",
    )
    _, sent = run(request, resp())
    preflight = sent[0]
    assert (preflight.method, preflight.url, preflight.is_preflight) == ("OPTIONS", API, True)
    assert preflight.header("Access-Control-Request-Method") == "PUT"
    assert preflight.header("Access-Control-Request-Headers") == "accept,content-type,x-bar,x-foo"
    assert preflight.header("Origin") == ORIGIN
    assert preflight.header("Accept") == "*/*"
    assert preflight.header("Cookie") is None
    assert preflight.header("X-Foo") is None
    # [verified] Chromium 156 sends Sec-Fetch-Site on the preflight as on the actual request.
    assert preflight.header("Sec-Fetch-Site") == "same-site"
    assert [name for name, _ in preflight.headers][-3:] == [
        "Sec-Fetch-Mode",
        "Sec-Fetch-Site",
        "Sec-Fetch-Dest",
    ]


@pytest.mark.parametrize(
    ("origin", "site"),
    [("https://app.example.com", "same-site"), ("https://other.example.org", "cross-site")],
)
def test_preflight_carries_sec_fetch_site(origin: str, site: str) -> None:
    _, sent = run(FetchRequest(API, origin, "PUT"), resp())
    assert sent[0].is_preflight
    assert sent[0].header("Sec-Fetch-Site") == site


def test_over_1024_bytes_of_safelisted_headers_lists_them_all() -> None:
    # [verified] 9 Chromium-safelisted headers of 128 bytes each: all of them in ACRH.
    digits = "1" * 128
    headers = (
        ("Accept", "a" * 128),
        ("Accept-Language", "b" * 128),
        ("Content-Language", "c" * 128),
        ("Downlink", digits),
        ("DPR", digits),
        ("Intervention", "i" * 128),
        ("RTT", digits),
        ("Viewport-Width", digits),
        ("Width", digits),
    )
    _, sent = run(FetchRequest(API, ORIGIN, headers=headers), resp())
    assert sent[0].header("Access-Control-Request-Headers") == (
        "accept,accept-language,content-language,downlink,dpr,intervention,rtt,viewport-width,width"
    )
    _, sent = run(FetchRequest(API, ORIGIN, headers=headers[:8]), actual=resp(acao=ORIGIN))
    assert not sent[0].is_preflight


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("patch", "patch"),
        ("delete", "DELETE"),
        ("Put", "PUT"),
        ("options", "OPTIONS"),
        ("get", "GET"),
        ("Custom", "Custom"),
    ],
)
def test_method_normalization_like_fetch(given: str, sent: str) -> None:
    verdict, requests = run(
        FetchRequest(API, ORIGIN, given), resp(acao=ORIGIN, acam=sent), resp(acao=ORIGIN)
    )
    assert requests[-1].method == sent
    if requests[0].is_preflight:
        assert requests[0].header("Access-Control-Request-Method") == sent
    assert verdict.allowed


@pytest.mark.parametrize(
    ("method", "headers", "body"),
    [
        ("CONNECT", (), None),
        ("TRACE", (), None),
        ("bad method", (), None),
        ("GET", (("bad name", "x"),), None),
        ("GET", (), b"x"),
        ("GET", (("X-Price", "5 \u20ac"),), None),
    ],
)
def test_what_fetch_throws_on(
    method: str, headers: tuple[tuple[str, str], ...], body: bytes | None
) -> None:
    verdict, sent = run(FetchRequest(API, ORIGIN, method, headers, body=body))
    assert (verdict.allowed, verdict.cors_error, verdict.blocked_reason) == (
        False,
        None,
        "invalid-request",
    )
    assert (verdict.console_message or "").startswith("TypeError: Failed to execute 'fetch'")
    assert sent == []


def test_fetch_refuses_urls_with_credentials() -> None:
    verdict, _ = run(FetchRequest("https://u:p@api.example.com/", ORIGIN))
    assert verdict.blocked_reason == "invalid-request"
    assert "includes credentials" in (verdict.console_message or "")


def test_tainted_origin_after_cross_origin_redirect() -> None:
    # [verified] O -> B(302, ACAO O) -> C: C sees Origin null; the console still names O.
    c = "https://c.example.org/x"
    verdict, sent = run(
        FetchRequest(API, ORIGIN),
        actual={
            API: resp(302, acao=ORIGIN, location=B),
            B: resp(302, acao="null", location=c),
            c: resp(acao=ORIGIN),
        },
    )
    assert [r.header("Origin") for r in sent] == [ORIGIN, "null", "null"]
    assert verdict.cors_error == "AllowOriginMismatch"
    assert verdict.tainted_origin
    assert verdict.console_message == (
        f"Access to fetch at '{c}' (redirected from '{API}') from origin '{ORIGIN}' has been "
        "blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value "
        f"'{ORIGIN}' that is not equal to the supplied origin. Have the server send the header "
        "with a valid value."
    )


def test_same_origin_to_cross_origin_redirect_keeps_origin() -> None:
    page = "https://app.example.com/api"
    verdict, sent = run(
        FetchRequest(page, ORIGIN), actual={page: resp(302, location=B), B: resp(acao=ORIGIN)}
    )
    assert sent[0].header("Origin") is None  # same-origin GET sends no Origin
    assert sent[1].header("Origin") == ORIGIN
    assert verdict.allowed


@pytest.mark.parametrize(
    ("status", "method", "after"),
    [
        (301, "POST", "GET"),
        (302, "POST", "GET"),
        (303, "PUT", "GET"),
        (303, "HEAD", "HEAD"),
        (307, "POST", "POST"),
        (308, "PUT", "PUT"),
        (302, "PUT", "PUT"),
    ],
)
def test_redirect_method_rewriting(status: int, method: str, after: str) -> None:
    target = API + "?next"
    request = FetchRequest(
        API,
        ORIGIN,
        method,
        (("Content-Type", "text/plain"),),
        body=None if method == "HEAD" else b"x",
    )
    ok = resp(acao=ORIGIN, acam=method)
    verdict, sent = run(
        request, ok, {API: resp(status, acao=ORIGIN, location=target), target: resp(acao=ORIGIN)}
    )
    final = sent[-1]
    assert final.method == after
    if after != method:
        assert final.body is None
        assert final.header("Content-Type") is None
    assert verdict.allowed


def test_authorization_is_dropped_on_a_cross_origin_hop() -> None:
    request = FetchRequest(API, ORIGIN, headers=(("Authorization", "Bearer t"),))
    ok = resp(acao=ORIGIN, acah="authorization")
    verdict, sent = run(
        request, ok, {API: resp(307, acao=ORIGIN, location=B), B: resp(acao="null")}
    )
    actuals = [r for r in sent if not r.is_preflight]
    assert actuals[0].header("Authorization") == "Bearer t"
    assert actuals[1].header("Authorization") is None
    # Without Authorization a GET needs no second preflight.
    assert [r.is_preflight for r in sent] == [True, False, False]
    assert verdict.allowed


def test_a_redirected_put_is_preflighted_at_each_url() -> None:
    # [verified] PUT 307 B->C: OPTIONS+PUT at B, OPTIONS+PUT at C, both with Origin null at C.
    verdict, sent = run(
        FetchRequest(API, ORIGIN, "PUT"),
        {API: resp(acao=ORIGIN, acam="PUT"), B: resp(acao="null", acam="PUT")},
        {API: resp(307, acao=ORIGIN, location=B), B: resp(acao="null")},
    )
    assert [(r.method, r.url, r.header("Origin")) for r in sent] == [
        ("OPTIONS", API, ORIGIN),
        ("PUT", API, ORIGIN),
        ("OPTIONS", B, "null"),
        ("PUT", B, "null"),
    ]
    assert verdict.allowed


@pytest.mark.parametrize(("hops", "allowed"), [(20, True), (21, False)])
def test_twenty_redirects_at_most(hops: int, allowed: bool) -> None:
    urls = [f"{API}?{i}" for i in range(hops + 1)]
    table = {urls[i]: resp(302, acao=ORIGIN, location=urls[i + 1]) for i in range(hops)}
    table[urls[-1]] = resp(acao=ORIGIN)
    verdict, _ = run(FetchRequest(urls[0], ORIGIN), actual=table)
    assert verdict.allowed is allowed
    if not allowed:
        assert (verdict.cors_error, verdict.network_error) == (None, "net::ERR_TOO_MANY_REDIRECTS")


def test_redirect_contains_credentials_message_has_an_empty_location() -> None:
    verdict, _ = run(
        FetchRequest(API, ORIGIN),
        actual={API: resp(302, acao=ORIGIN, location="https://u:p@b.example.net/")},
    )
    assert verdict.cors_error == "RedirectContainsCredentials"
    assert "Redirect location '' contains a username and password" in (
        verdict.console_message or ""
    )


PF = "Response to preflight request doesn't pass access control check: "
ACAO = "The 'Access-Control-Allow-Origin' header"
MISSING = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
VALID = " Have the server send the header with a valid value."
INCLUDE = "when the request's credentials mode is 'include'."


@pytest.mark.parametrize(
    ("error", "param", "body"),
    [
        (CorsError.MISSING_ALLOW_ORIGIN_HEADER, "", MISSING),
        (CorsError.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER, "", PF + MISSING),
        (
            CorsError.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES,
            "a, b",
            PF + f"{ACAO} contains multiple values 'a, b', but only one is allowed.{VALID}",
        ),
        (CorsError.PREFLIGHT_INVALID_STATUS, "", PF + "It does not have HTTP ok status."),
        (
            CorsError.PREFLIGHT_DISALLOWED_REDIRECT,
            "",
            PF + "Redirect is not allowed for a preflight request.",
        ),
        (
            CorsError.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE,
            "patch",
            "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.",
        ),
        (
            CorsError.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE,
            "x-foo",
            "Request header field x-foo is not allowed by Access-Control-Allow-Headers in "
            "preflight response.",
        ),
        (
            CorsError.WILDCARD_ORIGIN_NOT_ALLOWED,
            "",
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be "
            f"the wildcard '*' {INCLUDE}",
        ),
        (
            CorsError.INVALID_ALLOW_CREDENTIALS,
            "",
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '' "
            f"which must be 'true' {INCLUDE}",
        ),
        (
            CorsError.INVALID_ALLOW_ORIGIN_VALUE,
            "https://\u00e9.example",
            f"{ACAO} contains the invalid value 'https://\\u00E9.example'.{VALID}",
        ),
    ],
)
def test_console_messages(error: CorsError, param: str, body: str) -> None:
    prefix = f"Access to fetch at '{API}' from origin '{ORIGIN}' has been blocked by CORS policy: "
    assert console_message(error, url=API, origin=ORIGIN, failed_parameter=param) == prefix + body


def test_disabled_scheme_message_names_the_new_location() -> None:
    # Observed in Chromium 156: the refused location, "redirected from" the first URL.
    verdict, _ = run(
        FetchRequest(API, ORIGIN), actual={API: resp(302, acao=ORIGIN, location="ftp://h/x")}
    )
    assert verdict.console_message == (
        f"Access to fetch at 'ftp://h/x' (redirected from '{API}') from origin '{ORIGIN}' has "
        "been blocked by CORS policy: Cross origin requests are only supported for protocol "
        "schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, "
        "chrome-untrusted, data, http, https, isolated-app."
    )


def test_encode_hint() -> None:
    assert encode_hint("a\tb\u00e9") == "a\\u0009b\\u00E9"


@pytest.mark.parametrize(
    ("credentials", "aceh", "readable"),
    [
        ("omit", None, ["content-type", "cache-control"]),
        ("omit", "X-Custom", ["content-type", "x-custom", "cache-control"]),
        (
            "omit",
            "*",
            [
                "content-type",
                "x-custom",
                "x-other",
                "cache-control",
                "access-control-allow-origin",
                "access-control-allow-credentials",
                "access-control-expose-headers",
            ],
        ),
        ("include", "*", ["content-type", "cache-control"]),
        ("omit", "X-Custom, x y", ["content-type", "cache-control"]),
        ("omit", "X-Custom,", ["content-type", "x-custom", "cache-control"]),
        ("omit", "Set-Cookie, X-Other", ["content-type", "x-other", "cache-control"]),
    ],
)
def test_readable_response_headers(credentials: str, aceh: str | None, readable: list[str]) -> None:
    headers = {
        "Content-Type": "text/plain",
        "X-Custom": "1",
        "Set-Cookie": "a=b",
        "X-Other": "2",
        "Cache-Control": "no-store",
    }
    if aceh is not None:
        headers["aceh"] = aceh
    response = resp(acao=ORIGIN, acac="true", **headers)
    verdict, _ = run(FetchRequest(API, ORIGIN, credentials=credentials), actual=response)  # type: ignore[arg-type]
    assert verdict.allowed
    assert sorted(verdict.readable_headers) == sorted(readable)


def test_same_origin_responses_show_everything_but_set_cookie() -> None:
    verdict, _ = run(
        FetchRequest(ORIGIN + "/x", ORIGIN), actual=resp(200, X_A="1", Set_Cookie="a=b")
    )
    assert verdict.readable_headers == ("x-a",)


def codes_of(request: FetchRequest, preflight: object = None, actual: object = None) -> list[str]:
    verdict, _ = run(request, preflight, actual)  # type: ignore[arg-type]
    return [f.code for f in verdict.findings]


def test_difference_authorization_under_wildcard() -> None:
    request = FetchRequest(API, ORIGIN, headers=(("Authorization", "x"),))
    assert "CG213" in codes_of(request, resp(acao=ORIGIN, acah="*"), resp(acao=ORIGIN))
    assert "CG213" not in codes_of(
        request, resp(acao=ORIGIN, acah="*, Authorization"), resp(acao=ORIGIN)
    )


@pytest.mark.parametrize(
    ("max_age", "caps"),
    [
        ("600", None),
        ("601", "Safari to 600 s"),
        ("7201", "Safari to 600 s, Chrome to 7200 s"),
        ("86401", "Firefox to 86400 s"),
    ],
)
def test_difference_max_age_caps(max_age: str, caps: str | None) -> None:
    verdict, _ = run(
        FetchRequest(API, ORIGIN, "PUT"),
        resp(acao=ORIGIN, acam="PUT", acma=max_age),
        resp(acao=ORIGIN),
    )
    found = [f for f in verdict.findings if f.code == "CG211"]
    if caps is None:
        assert found == []
    else:
        assert caps in found[0].message


def test_difference_chromium_only_safelisted_headers() -> None:
    request = FetchRequest(API, ORIGIN, headers=(("DPR", "2"), ("Width", "100")))
    verdict, _ = run(request, actual=resp(acao=ORIGIN))
    found = [f for f in verdict.findings if f.code == "CG214"]
    assert found
    assert found[0].evidence["headers"] == ["dpr", "width"]


@pytest.mark.parametrize(
    ("origin", "url", "finding"),
    [
        (ORIGIN, "http://127.0.0.1:8000/", False),  # a local check: the prompt changes nothing
        (ORIGIN, "http://192.168.1.10:8000/", False),  # mixed content blocks first
        (ORIGIN, "https://192.168.1.10/", True),
        ("http://localhost:3000", "http://127.0.0.1:8000/", False),
        (ORIGIN, "https://api.example.com/", False),
    ],
)
def test_local_network_access_is_a_finding_not_the_verdict(
    origin: str, url: str, finding: bool
) -> None:
    verdict, _ = run(FetchRequest(url, origin), actual=resp(acao=origin))
    assert ("CG215" in [f.code for f in verdict.findings]) is finding
    if finding:
        assert verdict.allowed


def test_mixed_content_message() -> None:
    verdict, _ = run(FetchRequest("http://api.example.com/x", ORIGIN))
    assert verdict.console_message == (
        "Mixed Content: The page at 'https://app.example.com/' was loaded over HTTPS, but "
        "requested an insecure resource 'http://api.example.com/x'. This request has been "
        "blocked; the content must be served over HTTPS."
    )
    assert "CG216" in [f.code for f in verdict.findings]


def test_state_machine_interface() -> None:
    from corsguard.browser import BrowserFetch, HttpResponse

    fetch = BrowserFetch(FetchRequest(API, ORIGIN, "PUT"))
    first = fetch.next_request()
    assert first is not None
    assert first.is_preflight
    with pytest.raises(RuntimeError):
        _ = fetch.verdict
    fetch.receive(
        HttpResponse(
            204, (("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "PUT"))
        )
    )
    second = fetch.next_request()
    assert second is not None
    assert second.method == "PUT"
    fetch.receive(HttpResponse(201, (("Access-Control-Allow-Origin", ORIGIN),)))
    assert fetch.next_request() is None
    assert fetch.verdict.allowed
    assert fetch.verdict.status == 201
    assert len(fetch.verdict.exchanges) == 2
