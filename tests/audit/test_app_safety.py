"""The audit runs no handler for an unsafe method unless told to: preflights only, as scan."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from corsguard.audit import audit_app_target
from corsguard.audit.safety import UnsafeMethodGuard, is_unsafe
from corsguard.cli.main import main
from tests.audit import apps


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    apps.CALLS.clear()


def test_default_audit_runs_no_unsafe_handler() -> None:
    result = audit_app_target("tests.audit.apps:recording_app", factory=True)
    assert apps.CALLS
    assert set(apps.CALLS) == {"GET listed"}
    assert (
        "3 unsafe route(s) checked by preflight only; --probe-unsafe runs their handlers"
        in result.notes
    )
    # Nothing needed the guard: the audit itself never sent the actual requests.
    assert not any("answered 405 by the audit" in note for note in result.notes)


def test_probe_unsafe_runs_the_handlers() -> None:
    result = audit_app_target("tests.audit.apps:recording_app", factory=True, probe_unsafe=True)
    assert {"POST order placed", "PUT replaced", "PATCH amended", "DELETE deleted"} <= set(
        apps.CALLS
    )
    assert not any("preflight only" in note for note in result.notes)


def test_cli_default_and_opt_in(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", "tests.audit.apps:recording_app", "--factory"])
    assert "preflight only" in capsys.readouterr().out
    assert set(apps.CALLS) == {"GET listed"}
    main(["audit", "tests.audit.apps:recording_app", "--factory", "--probe-unsafe"])
    capsys.readouterr()
    assert "DELETE deleted" in apps.CALLS


def test_probe_unsafe_help_warns() -> None:
    import contextlib
    import io

    from corsguard.cli.main import build_parser

    help_text = io.StringIO()
    with contextlib.redirect_stdout(help_text), contextlib.suppress(SystemExit):
        build_parser().parse_args(["audit", "--help"])
    text = " ".join(help_text.getvalue().split())
    assert "RUN THEIR HANDLERS" in text


@pytest.mark.parametrize(
    ("method", "unsafe"),
    [
        ("GET", False),
        ("head", False),
        ("OPTIONS", False),
        ("POST", True),
        ("PUT", True),
        ("PATCH", True),
        ("DELETE", True),
        ("PROPFIND", True),
        ("QUERY", True),
    ],
)
def test_only_get_head_options_are_safe(method: str, unsafe: bool) -> None:
    assert is_unsafe(method) is unsafe


def test_guard_answers_unsafe_requests_itself() -> None:
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["method"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    guard = UnsafeMethodGuard(app)
    statuses = [asyncio.run(_call(guard, method)) for method in ("GET", "OPTIONS", "DELETE")]
    assert statuses == [200, 200, 405]
    assert reached == ["GET", "OPTIONS"]
    assert guard.refused == [("DELETE", "/x")]


async def _call(app: Any, method: str) -> int:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "http", "method": method, "path": "/x", "headers": []}, receive, send)
    return int(sent[0]["status"])
