"""Debug mode explains a refused preflight; logs never carry a forged line; hostile input
is cheap."""

from __future__ import annotations

import logging
import time

import pytest

from corsguard import CORSMiddleware, CORSPolicy
from corsguard.middleware import preflight as preflight_module
from corsguard.middleware.logs import MAX_LOGGED_LENGTH, escape

from .asgi import call, endpoint

APP = "https://app.example.com"
EVIL = "https://evil.example"


def preflight_headers(origin: str, method: str, request_headers: str = "") -> list[tuple[str, str]]:
    headers = [("origin", origin), ("access-control-request-method", method)]
    if request_headers:
        headers.append(("access-control-request-headers", request_headers))
    return headers


DEBUG = CORSPolicy(
    allow_origins=[APP], allow_methods=["PUT"], allow_headers=["X-Token"], debug=True
)


@pytest.mark.parametrize(
    ("headers", "names"),
    [
        pytest.param(
            preflight_headers(EVIL, "PUT"),
            ["origin 'https://evil.example' is not allowed", "allow_origins"],
            id="origin",
        ),
        pytest.param(
            preflight_headers(APP, "DELETE"),
            ["method 'DELETE' is not allowed", "Add 'DELETE' to allow_methods"],
            id="method",
        ),
        pytest.param(
            preflight_headers(APP, "PUT", "x-token,x-trace-id"),
            ["request header 'x-trace-id' is not allowed", "Add 'x-trace-id' to allow_headers"],
            id="header",
        ),
        pytest.param(
            preflight_headers(APP, "PUT", "x" * 5000),
            ["Access-Control-Request-Headers is longer than 4096 bytes"],
            id="oversized-header-list",
        ),
    ],
)
def test_debug_mode_names_the_failed_part_and_the_fix(
    headers: list[tuple[str, str]], names: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="corsguard")
    response = call(CORSMiddleware(endpoint, DEBUG), "OPTIONS", "/items", headers)
    assert response.status == 403
    assert response.cors == {  # no CORS header: only the Vary caches need
        "vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network"
    }
    body = response.body.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "corsguard"]
    assert len(logged) == 1
    assert logged[0].startswith("OPTIONS '/items': preflight from origin")
    for name in names:
        assert name in body
        assert name in logged[0]


def test_without_debug_a_refused_preflight_says_only_that_and_logs_only_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="corsguard")
    policy = CORSPolicy(allow_origins=[APP], allow_methods=["PUT"])
    response = call(CORSMiddleware(endpoint, policy), "OPTIONS", "/", preflight_headers(APP, "X"))
    # The body marks the refusal as the CORS middleware's, and says nothing about the policy.
    assert (response.status, response.body) == (403, b"CORS preflight refused")
    assert [r for r in caplog.records if r.name == "corsguard"] == []


def test_the_dev_profile_turns_debug_on() -> None:
    policy = CORSPolicy.profile("dev")
    response = call(
        CORSMiddleware(endpoint, policy), "OPTIONS", "/", preflight_headers(EVIL, "PUT")
    )
    assert response.status == 403
    assert b"is not allowed" in response.body


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example\r\n2026-01-01 INFO corsguard: all good",
        "https://evil.example\nforged",
        "https://evil.example\x1b[31m",
        "https://évil.example\u2028forged",
    ],
)
def test_request_values_cannot_forge_log_lines(
    value: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="corsguard")
    headers = [
        ("origin", value.encode("utf-8").decode("latin-1")),
        *preflight_headers(APP, "PUT")[1:],
    ]
    call(CORSMiddleware(endpoint, DEBUG), "OPTIONS", "/", headers)
    message = caplog.records[-1].getMessage()
    assert "\n" not in message
    assert "\r" not in message
    assert "\x1b" not in message
    assert message.isascii()
    assert message.isprintable()


def test_escape_bounds_the_length_of_a_logged_value() -> None:
    shown = escape("a" * 65536)
    assert len(shown) < MAX_LOGGED_LENGTH + 40
    assert shown.endswith("(65536 characters)")
    assert escape("it's\\") == "'it\\'s\\\\'"


def test_a_64_kib_request_header_list_is_refused_without_being_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[int] = []
    original = preflight_module.parse_token_list  # type: ignore[attr-defined]

    def counting(value: str, *, max_items: int | None = None) -> list[str] | None:
        parsed.append(len(value))
        return original(value, max_items=max_items)

    monkeypatch.setattr(preflight_module, "parse_token_list", counting)
    policy = CORSPolicy(allow_origins=[APP], allow_headers=["*"])
    middleware = CORSMiddleware(endpoint, policy)
    hostile = ",".join(f"x-h{i}" for i in range(12000))[: 64 * 1024]
    headers = preflight_headers(APP, "GET", hostile)
    response = call(middleware, "OPTIONS", "/", headers)
    assert response.status == 403
    assert parsed == []
    assert call(middleware, "OPTIONS", "/", preflight_headers(APP, "GET", "x-a,x-b")).status == 200
    assert parsed == [len("x-a,x-b")]


def test_too_many_header_names_are_refused() -> None:
    policy = CORSPolicy(allow_origins=[APP], allow_headers=["*"])
    many = ",".join(f"x-{i}" for i in range(65))
    response = call(
        CORSMiddleware(endpoint, policy), "OPTIONS", "/", preflight_headers(APP, "GET", many)
    )
    assert response.status == 403


def test_hostile_preflights_cost_microseconds() -> None:
    import asyncio

    from .asgi import scope

    policy = CORSPolicy(allow_origins=[APP], allow_headers=["*"])
    middleware = CORSMiddleware(endpoint, policy)
    hostile = ",".join(f"x-h{i}" for i in range(12000))[: 64 * 1024]
    request = scope("OPTIONS", "/", preflight_headers(APP, "GET", hostile))

    async def send(message: object) -> None:
        return None

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    async def many() -> float:
        start = time.process_time()
        for _ in range(1000):
            # New header bytes each time, as a server makes them: a bytes object caches its
            # hash, so reusing one would hide the cost of hashing 64 KiB.
            fresh = [(bytes(bytearray(n)), bytes(bytearray(v))) for n, v in request["headers"]]
            await middleware({**request, "headers": fresh}, receive, send)
        return time.process_time() - start

    # 1,000 hostile preflights in well under a second: a few microseconds each even on a
    # loaded machine (parsing the header would cost milliseconds each).
    assert asyncio.run(many()) < 1.0
