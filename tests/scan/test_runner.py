"""The runner: bounded, never hangs, keeps raw header lines, survives failing apps."""

from __future__ import annotations

import asyncio
import time

from starlette.types import Receive, Scope, Send

from corsguard.scan.probes import parse_trusted
from corsguard.scan.runner import ScanOptions, Target, scan
from tests.scan import zoo


async def never_answers(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(3600)


async def raises(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("boom")


def test_a_server_that_never_answers_times_out_instead_of_hanging() -> None:
    started = time.monotonic()
    (result,) = scan(
        [Target("https://api.example.com/slow")],
        [],
        ScanOptions(app=never_answers, timeout=0.2, retries=1, concurrency=100, per_host=100),
    )
    assert time.monotonic() - started < 10
    assert result.error is not None
    assert "unreachable" in result.error
    assert all(o.status is None and o.error for o in result.observations)
    assert result.findings == ()


def test_an_app_that_raises_is_a_500_not_a_crash() -> None:
    (result,) = scan([Target("https://api.example.com/x")], [], ScanOptions(app=raises))
    assert result.error is None
    assert {o.status for o in result.observations} == {500}


def test_duplicate_allow_origin_lines_are_kept() -> None:
    (result,) = scan(
        [Target(f"{zoo.API}/invalid-allow-origin")],
        [parse_trusted(zoo.TRUSTED)],
        ScanOptions(app=zoo.app, token="cgdup"),
    )
    baseline = next(
        o
        for o in result.observations
        if o.request.probe.origin == zoo.TRUSTED and o.request.kind == "simple"
    )
    assert baseline.values("access-control-allow-origin") == ["*", zoo.TRUSTED]


def test_every_probe_goes_out_as_simple_request_and_the_deciding_ones_as_preflights() -> None:
    (result,) = scan(
        [Target(f"{zoo.API}/strict", ("GET", "PUT"))],
        [parse_trusted(zoo.TRUSTED)],
        ScanOptions(app=zoo.app, token="cgplan"),
    )
    kinds = {
        (o.request.kind, o.request.api_method, o.request.credentials) for o in result.observations
    }
    assert ("simple", "GET", "none") in kinds
    assert ("simple", "GET", "cookie") in kinds
    assert ("simple", "GET", "authorization") in kinds
    assert ("preflight", "PUT", "none") in kinds  # PUT is never sent as an unsafe actual request
    assert ("simple", "PUT", "none") not in kinds
    assert ("private-network", "GET", "none") in kinds
    simple = {o.request.probe.origin for o in result.observations if o.request.kind == "simple"}
    assert simple == {p.origin for p in result.probes}


def test_rate_limited_requests_are_retried() -> None:
    seen: dict[str, int] = {}

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        key = repr(scope["headers"]) + scope["method"]
        seen[key] = seen.get(key, 0) + 1
        status = 429 if seen[key] == 1 else 200
        headers = [(b"retry-after", b"0")] if status == 429 else []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    (result,) = scan([Target("https://api.example.com/x")], [], ScanOptions(app=limited, retries=1))
    assert {o.status for o in result.observations} == {200}
    assert set(seen.values()) == {2}
