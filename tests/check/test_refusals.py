"""A preflight a CORS middleware refused: the part that refused is named, never authentication."""

from __future__ import annotations

import json
import sys
import types
from typing import Any

import pytest
from fastapi import FastAPI

from corsguard import CORSPolicy, install
from corsguard.browser import FetchRequest
from corsguard.check import run_check
from corsguard.cli.main import main
from tests.support.servers import serve_asgi

from .apps import auth_in_front, refusing, scripted

ORIGIN = "https://app.example.com"
EVIL = "https://evil.example"


def corsguard_app(*, debug: bool = False) -> FastAPI:
    app = FastAPI()

    @app.put("/items")
    def put_items() -> dict[str, str]:
        return {}

    install(
        app,
        CORSPolicy(
            allow_origins=[ORIGIN],
            allow_methods=["GET", "PUT"],
            allow_headers=["content-type"],
            debug=debug,
        ),
    )
    return app


def put(origin: str = ORIGIN, url: str = "https://testserver/items", **kw: Any) -> FetchRequest:
    return FetchRequest(url, origin, "PUT", **kw)


TRACE = (("X-Trace-Id", "1"),)

# (rule, request, code, phrases the message and fix must contain)
CORSGUARD_CASES = [
    pytest.param(
        put(headers=TRACE),
        "CG218",
        ["corsguard's CORSMiddleware refused the preflight", "'x-trace-id' is not allowed",
         "allow_headers ['content-type']",
         "CORSPolicy(allow_headers=['content-type', 'x-trace-id'])"],
        id="a header not allowed",
    ),
    pytest.param(
        FetchRequest("https://testserver/items", ORIGIN, "DELETE"),
        "CG217",
        ["the method 'DELETE' is not allowed", "allow_methods ['GET', 'PUT']",
         "CORSPolicy(allow_methods=['GET', 'PUT', 'DELETE'])"],
        id="a method not allowed",
    ),
    pytest.param(
        put(EVIL),
        "CG221",
        ["the origin 'https://evil.example' is not allowed",
         "'https://evil.example' is not in allow_origins ['https://app.example.com']"],
        id="an origin not allowed",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("request_", "code", "says"), CORSGUARD_CASES)
@pytest.mark.parametrize("debug", [False, True], ids=["plain body", "debug body"])
def test_corsguard_refusal_names_the_part_in_process(
    request_: FetchRequest, code: str, says: list[str], debug: bool
) -> None:
    result = run_check(request_, app=corsguard_app(debug=debug))
    assert not result.allowed
    cause = result.findings[0]
    assert cause.code == code
    assert "CG206" not in [f.code for f in result.findings]
    text = cause.message + " " + cause.fix
    for phrase in says:
        assert phrase in text
    if debug:
        assert "its debug body says so" in cause.message
        assert result.probes == ()
    else:
        # Found with extra preflights only, and the message says how.
        assert "extra preflights show it" in cause.message
        assert {p.request.method for p in result.probes} == {"OPTIONS"}


@pytest.mark.uvicorn
def test_corsguard_refusal_over_http_is_found_with_preflights_only() -> None:
    app = corsguard_app()
    with serve_asgi(app) as base:
        header = run_check(put(url=f"{base}/items", headers=TRACE))
        method = run_check(FetchRequest(f"{base}/items", ORIGIN, "DELETE"))
        origin = run_check(put(EVIL, url=f"{base}/items"))
    assert header.findings[0].code == "CG218"
    assert "a preflight for PUT with no request headers got 200" in header.findings[0].message
    assert "CORSPolicy(allow_headers=['x-trace-id', ...])" in header.findings[0].fix
    assert method.findings[0].code == "CG217"
    assert origin.findings[0].code == "CG221"
    assert "a preflight for GET with no request headers got 403" in origin.findings[0].message
    for result in (header, method, origin):
        assert all(p.request.method == "OPTIONS" for p in result.probes)


@pytest.mark.uvicorn
def test_cli_json_lists_the_extra_preflights(capsys: pytest.CaptureFixture[str]) -> None:
    with serve_asgi(corsguard_app()) as base:
        code = main(["check", f"{base}/items", "--origin", ORIGIN, "-X", "PUT", "-H",
                     "X-Trace-Id: 1", "--format", "json"])  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert doc["findings"][0]["code"] == "CG218"
    assert [p["request"]["method"] for p in doc["probes"]] == ["OPTIONS", "OPTIONS"]
    assert doc["preflight"]["response"]["status"] == 403


def test_the_refused_preflight_body_marks_corsguard() -> None:
    result = run_check(put(EVIL), app=corsguard_app())
    assert result.verdict.exchanges[0].response.body == b"CORS preflight refused"


def test_a_private_network_refusal_says_how_to_enable_it() -> None:
    body = (
        b"CORS preflight refused: the preflight asks for private network access, which is not "
        b"enabled.\nPass allow_private_network=True if public websites may call this server.\n"
    )
    result = run_check(put(), app=scripted((403, [], body)))
    cause = result.findings[0]
    assert cause.code == "CG232"
    assert "allow_private_network=True" in cause.fix


def test_without_probes_a_plain_refusal_still_is_corsguard_s() -> None:
    # The async test helper diagnoses without extra preflights: corsguard is still named.
    import asyncio

    from corsguard.testing import acors_verdict

    verdict = asyncio.run(
        acors_verdict(corsguard_app(), "PUT", "/items", origin=ORIGIN, headers=dict(TRACE))
    )
    assert verdict.findings[0].code == "CG218"  # from the app's configuration


@pytest.mark.parametrize(
    ("app", "code", "likely", "says"),
    [
        pytest.param(
            refusing(ORIGIN, ("GET", "HEAD", "POST", "PUT")),
            "CG218",
            None,
            "the CORS middleware most likely refused it",
            id="empty 403, the same preflight without the header granted: the header",
        ),
        pytest.param(
            refusing(ORIGIN, ("GET", "HEAD", "POST"), ("x-trace-id",)),
            "CG217",
            None,
            "not an authentication layer",
            id="empty 403, the same preflight for GET granted: the method",
        ),
        pytest.param(
            refusing("https://other.example", ("GET", "PUT"), ("x-trace-id",)),
            "CG233",
            "cors-policy",
            "most likely the CORS middleware does not allow the origin",
            id="empty 403 to every preflight, plain OPTIONS passes: the origin first",
        ),
        pytest.param(
            auth_in_front,
            "CG233",
            "authentication",
            "most likely an authentication layer runs before CORS",
            id="empty 403 to every OPTIONS: authentication first",
        ),
    ],
)
def test_an_empty_403_is_ranked_never_blamed_outright(
    app: Any, code: str, likely: str | None, says: str
) -> None:
    result = run_check(put(headers=TRACE), app=app)
    codes = [f.code for f in result.findings]
    assert "CG206" not in codes
    cause = result.findings[0]
    assert cause.code == code
    assert says in cause.message
    if likely is not None:
        assert cause.evidence["likely"] == likely
        assert "otherwise" in cause.message  # the other possibility is named too


def test_a_401_is_still_authentication() -> None:
    result = run_check(put(), app=scripted((401, [("www-authenticate", "Bearer")], b"")))
    assert result.findings[0].code == "CG206"
    assert result.probes == ()


@pytest.fixture
def app_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("refusal_app")
    module.app = corsguard_app()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "refusal_app", module)
    return module


def test_cli_app_names_the_header_never_cg206(
    app_module: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "/items", "--app", "refusal_app:app", "--origin", ORIGIN, "-X", "PUT",
                 "-H", "X-Trace-Id: 1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "CG218" in out
    assert "CG206" not in out
    assert "Extra preflights the diagnosis sent" in out


@pytest.mark.uvicorn
def test_an_empty_403_over_http_is_ranked() -> None:
    with serve_asgi(refusing(ORIGIN, ("GET", "HEAD", "POST"), ("x-trace-id",))) as base:
        method = run_check(put(url=f"{base}/items", headers=TRACE))
    with serve_asgi(auth_in_front) as base:
        auth = run_check(put(url=f"{base}/items", headers=TRACE))
    assert method.findings[0].code == "CG217"
    assert "most likely" in method.findings[0].message
    assert auth.findings[0].code == "CG233"
    assert auth.findings[0].evidence["likely"] == "authentication"
    assert "CG206" not in [f.code for f in (*method.findings, *auth.findings)]


@pytest.mark.uvicorn
def test_a_server_answering_for_a_refused_configuration_is_named_over_http() -> None:
    # Served without a lifespan, an app whose policy corsguard refused answers every request
    # 500: the fix is the CORS options, not the error page's CORS headers.
    from corsguard import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    with serve_asgi(app) as base:
        result = run_check(FetchRequest(f"{base}/items", ORIGIN))
    cause = result.findings[0]
    assert cause.code == "CG201"
    assert "corsguard's CORSMiddleware refused the app's CORS configuration (CG101)" in (
        cause.message
    )
    assert "CORS options the server log lists" in cause.fix
    assert "ServerErrorMiddleware" not in cause.fix
