"""In-process runs start the app's lifespan (--lifespan auto|on|off) and accept --factory."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import httpx
import pytest

from corsguard.cli.main import main
from corsguard.lifespan import LifespanError, running
from corsguard.policy import ConfigError
from tests import lifespan_apps

APPS = "tests.lifespan_apps"
ORIGIN = lifespan_apps.ORIGIN


@pytest.fixture(autouse=True)
def _fresh_events() -> None:
    lifespan_apps.EVENTS.clear()


def _get(app: Any, path: str) -> httpx.Response:
    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(path)

    return asyncio.run(get())


# -- the runner -----------------------------------------------------------------------------------


def test_startup_runs_before_requests_and_shutdown_after() -> None:
    app = lifespan_apps.pool_app(routes=1)
    with running(app) as served:
        assert lifespan_apps.EVENTS == ["startup"]
        # Each request runs in another event loop here; the pool still sees its own.
        assert _get(served, "/api/r0").json() == {"row": "row"}
        assert _get(served, "/api/r0").json() == {"row": "row"}
    assert lifespan_apps.EVENTS == ["startup", "shutdown"]


def test_off_skips_the_lifespan() -> None:
    app = lifespan_apps.pool_app(routes=1)
    with running(app, "off") as served:
        assert served is app
        assert _get(served, "/api/r0").status_code == 500
    assert lifespan_apps.EVENTS == []


def test_lifespan_state_reaches_every_request() -> None:
    with running(lifespan_apps.state_app) as served:
        assert _get(served, "/").text == "hello"


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_a_failed_startup_is_an_error_with_the_apps_message(mode: Any) -> None:
    with (
        pytest.raises(LifespanError, match="startup failed: RuntimeError: DATABASE_URL is not set"),
        running(lifespan_apps.broken_startup, mode),
    ):
        pass  # pragma: no cover - never entered


def test_auto_serves_an_app_without_lifespan_support_as_it_is() -> None:
    with running(lifespan_apps.no_lifespan_support, "auto") as served:
        assert served is lifespan_apps.no_lifespan_support


def test_on_requires_lifespan_support() -> None:
    with (
        pytest.raises(LifespanError, match="raised RuntimeError: unsupported scope lifespan"),
        running(lifespan_apps.no_lifespan_support, "on"),
    ):
        pass  # pragma: no cover - never entered


def test_corsguard_refusing_its_policy_at_startup_is_a_config_error_in_auto_too() -> None:
    with pytest.raises(ConfigError, match="CG101"), running(lifespan_apps.corsguard_refused()):
        pass  # pragma: no cover - never entered


# -- the commands ---------------------------------------------------------------------------------


def test_check_app_runs_the_lifespan(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "/api/r3", "--origin", ORIGIN, "--app", f"{APPS}:pool_app", "--factory"]
    assert main(argv) == 0
    assert lifespan_apps.EVENTS == ["startup", "shutdown"]
    assert main([*argv, "--lifespan", "off"]) == 1
    assert "'State' object has no attribute 'pool'" in " ".join(capsys.readouterr().out.split())


def test_scan_app_runs_the_lifespan(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["scan", "https://t/api/r0", "--origin", ORIGIN, "--app", f"{APPS}:app"]
    assert main([*argv, "--format", "json"]) == 0
    capsys.readouterr()
    assert lifespan_apps.EVENTS == ["startup", "shutdown"]


def test_audit_runs_the_lifespan_and_groups_one_cause(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", f"{APPS}:pool_app", "--factory", "--format", "json"]) in (0, 1)
    out = capsys.readouterr().out
    assert "CG408" not in out
    assert lifespan_apps.EVENTS == ["startup", "shutdown"]
    main(["audit", f"{APPS}:pool_app", "--factory", "--lifespan", "off"])
    out = capsys.readouterr().out
    # Nineteen routes fail for one reason: one finding, listing them.
    assert out.count("CG408") == 1
    assert "is blocked on 19 routes for one reason" in out
    assert "'State' object has no attribute 'pool'" in out
    assert "GET /api/r0, GET /api/r1" in out


@pytest.mark.parametrize("command", ["check", "scan", "audit"])
def test_failed_startup_is_a_usage_error(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = f"{APPS}:broken_startup"
    argv = {
        "check": ["check", "/", "--origin", ORIGIN, "--app", target],
        "scan": ["scan", "https://t/", "--app", target],
        "audit": ["audit", target],
    }[command]
    assert main(argv) == 2
    assert "startup failed: RuntimeError: DATABASE_URL is not set" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "scan", "audit"])
def test_factory(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = f"{APPS}:create_app"
    argv = {
        "check": ["check", "/api/r1", "--origin", ORIGIN, "--app", target],
        "scan": ["scan", "https://t/api/r1", "--origin", ORIGIN, "--app", target],
        "audit": ["audit", target],
    }[command]
    expected = (0, 1) if command == "audit" else (0,)
    assert main([*argv, "--factory"]) in expected
    capsys.readouterr()
    assert main(argv) == 2
    assert "pass --factory" in capsys.readouterr().err


def test_factory_failure_names_the_exception_and_the_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["check", "/", "--origin", ORIGIN, "--app", f"{APPS}:failing_factory", "--factory"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "the app factory raised KeyError at tests/lifespan_apps.py:" in err
    assert "in failing_factory: 'APP_TITLE'" in err


def test_config_error_in_the_factory_shows_codes_and_hints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["audit", f"{APPS}:refused_policy_factory", "--factory"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "corsguard refused the app's CORS policy" in err
    assert "CG101" in err
    assert "raised" not in err.split("CG101")[0]


@pytest.mark.parametrize("command", ["check", "audit"])
def test_config_error_at_startup_is_a_usage_error(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"{APPS}:corsguard_refused"
    argv = {
        "check": ["check", "/", "--origin", ORIGIN, "--app", target, "--factory"],
        "audit": ["audit", target, "--factory"],
    }[command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "corsguard refused the app's CORS policy" in err
    assert "CG101" in err


def test_import_failure_names_the_file_and_line(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "settings_at_import.py").write_text(
        "import os\n\nTITLE = os.environ['APP_TITLE_FOR_CORSGUARD_TEST']\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "settings_at_import", raising=False)
    assert main(["check", "/", "--origin", ORIGIN, "--app", "settings_at_import:app"]) == 2
    err = capsys.readouterr().err
    assert "settings_at_import.py:3 in <module>: 'APP_TITLE_FOR_CORSGUARD_TEST'" in err


@pytest.mark.uvicorn
def test_the_started_app_can_be_served_on_loopback_for_a_real_browser() -> None:
    # check --app --browser serves the app with uvicorn in a thread of its own; requests still
    # run on the loop the lifespan opened the pool on.
    from corsguard.check.serve import serve_on_loopback

    with (
        running(lifespan_apps.pool_app(routes=1)) as served,
        serve_on_loopback(served) as (
            base,
            errors,
        ),
    ):
        response = httpx.get(f"{base}/api/r0", headers={"Origin": ORIGIN})
    assert response.json() == {"row": "row"}
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert errors == []


async def _never_listens(scope: Any, receive: Any, send: Any) -> None:
    await asyncio.sleep(3600)


def test_auto_serves_an_app_that_never_awaits_its_lifespan_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("corsguard.lifespan.LISTEN_GRACE", 0.05)
    with running(_never_listens, "auto") as served:
        assert served is _never_listens
    with (
        pytest.raises(LifespanError, match=r"did not finish within 0\.2 s"),
        running(_never_listens, "on", startup_timeout=0.2),
    ):
        pass  # pragma: no cover - never entered


async def _reports_failure(scope: Any, receive: Any, send: Any) -> None:
    # A failure reported with a message of several lines that is not a traceback: kept whole.
    await receive()
    await send(
        {
            "type": "lifespan.startup.failed",
            "message": "invalid CORS policy: 1 problem\n  CG101 allow_origins: '*' here",
        }
    )


def test_a_reported_failure_keeps_its_whole_message() -> None:
    with pytest.raises(LifespanError) as raised, running(_reports_failure):
        pass  # pragma: no cover - never entered
    assert "invalid CORS policy: 1 problem\n  CG101 allow_origins" in str(raised.value)


# -- a policy corsguard refuses, whatever the lifespan mode ---------------------------------------


@pytest.mark.parametrize("mode", ["auto", "on", "off"])
def test_a_refused_policy_is_a_config_error_in_every_mode_and_no_lifespan_runs(mode: Any) -> None:
    # Starlette before 0.24 builds the stack, and refuses, in add_middleware already.
    with (
        pytest.raises(ConfigError, match="CG101"),
        running(lifespan_apps.corsguard_refused_with_lifespan(), mode),
    ):
        pass  # pragma: no cover - never entered
    assert lifespan_apps.EVENTS == []


@pytest.mark.parametrize("command", ["check", "scan", "audit"])
def test_a_refused_policy_under_lifespan_off_is_a_usage_error_with_its_codes(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"{APPS}:corsguard_refused_with_lifespan"
    argv = {
        "check": ["check", "/", "--origin", ORIGIN, "--app", target],
        "scan": ["scan", "https://t/", "--app", target],
        "audit": ["audit", target],
    }[command]
    assert main([*argv, "--factory", "--lifespan", "off"]) == 2
    err = capsys.readouterr().err
    assert "corsguard refused the app's CORS policy" in err
    assert "CG101" in err
    # Neither blamed on the app (a 500 it raised) nor on its startup.
    assert "--lifespan off" not in err
    assert "raised" not in err


def test_a_failed_startup_message_ends_its_sentence_once() -> None:
    with pytest.raises(LifespanError) as raised, running(lifespan_apps.broken_with_a_sentence):
        pass  # pragma: no cover - never entered
    assert "the pool is closed at tests/lifespan_apps.py:" in str(raised.value)
    assert ".." not in str(raised.value)


def test_a_failed_startup_names_the_line_of_the_app_that_raised() -> None:
    with pytest.raises(LifespanError) as raised, running(lifespan_apps.broken_startup):
        pass  # pragma: no cover - never entered
    message = str(raised.value)
    assert "DATABASE_URL is not set at tests/lifespan_apps.py:" in message
    assert " in _broken. Fix what it names" in message
