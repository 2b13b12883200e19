"""corsguard.testing: the browser's verdict in a user's own pytest suite."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient and warns when only httpx is installed.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import corsguard
from corsguard.testing import CORSAssertionError, acors_verdict, assert_cors, cors_verdict

FRONTEND = "https://app.example.com"


def make_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[FRONTEND],
        allow_credentials=True,
        allow_methods=["GET", "PUT"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["X-Total-Count"],
    )

    @app.put("/items")
    def put_items(response: Response) -> dict[str, str]:
        response.headers["X-Total-Count"] = "1"
        return {}

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("boom")

    return app


APP = make_app()
AUTH = {"Authorization": "Bearer t", "Content-Type": "application/json"}


@pytest.mark.parametrize("target", [APP, TestClient(APP)], ids=["asgi-app", "test-client"])
def test_assert_cors_passes_for_an_allowed_request(target: object) -> None:
    verdict = assert_cors(
        target,
        "PUT",
        "/items",
        origin=FRONTEND,
        headers=AUTH,
        credentials="include",
        body='{"a": 1}',
        readable=["X-Total-Count"],
    )
    assert verdict.allowed
    assert [e.request.method for e in verdict.exchanges] == ["OPTIONS", "PUT"]


def test_assert_cors_explains_a_block() -> None:
    with pytest.raises(CORSAssertionError) as info:
        assert_cors(APP, "PUT", "/items", origin="https://evil.example", headers=AUTH)
    message = str(info.value)
    assert "expected allowed, got blocked (PreflightMissingAllowOriginHeader)" in message
    assert "console: Access to fetch at 'https://testserver/items'" in message
    assert info.value.verdict.cors_error == "PreflightMissingAllowOriginHeader"


def test_assert_cors_can_expect_a_specific_error() -> None:
    assert_cors(APP, "DELETE", "/items", origin=FRONTEND, cors_error="PreflightInvalidStatus")
    with pytest.raises(CORSAssertionError, match="expected MethodDisallowedByPreflightResponse"):
        assert_cors(
            APP,
            "DELETE",
            "/items",
            origin=FRONTEND,
            cors_error="MethodDisallowedByPreflightResponse",
        )


def test_assert_cors_checks_readable_headers() -> None:
    with pytest.raises(CORSAssertionError, match="script cannot read X-Secret"):
        assert_cors(APP, "PUT", "/items", origin=FRONTEND, headers=AUTH, readable=["X-Secret"])


def test_a_crash_is_diagnosed() -> None:
    verdict = cors_verdict(APP, "GET", "/broken", origin=FRONTEND)
    assert verdict.cors_error == "MissingAllowOriginHeader"
    assert verdict.findings[0].code == "CG201"
    assert "RuntimeError: boom" in verdict.findings[0].message


def test_blocked_expectation() -> None:
    assert_cors(APP, "GET", "/items", origin="https://evil.example", allowed=False)
    with pytest.raises(CORSAssertionError, match="expected blocked"):
        assert_cors(APP, "PUT", "/items", origin=FRONTEND, headers=AUTH, allowed=False)


def test_async_variant() -> None:
    verdict = asyncio.run(
        acors_verdict(APP, "PUT", "/items", origin=FRONTEND, headers=AUTH, credentials="include")
    )
    assert verdict.allowed


def test_with_corsguard_installed_the_browser_sees_the_real_500() -> None:
    # The fix the diagnosis gives for the demo: CORS outermost, so even a crash is readable.
    from corsguard import CORSPolicy, install

    app = FastAPI()

    @app.put("/items")
    def crash() -> None:
        raise RuntimeError("boom")

    install(
        app,
        CORSPolicy(
            allow_origins=[FRONTEND],
            allow_methods=["PUT"],
            allow_headers=["Content-Type"],
            allow_credentials=True,
        ),
    )
    verdict = assert_cors(
        app,
        "PUT",
        "/items",
        origin=FRONTEND,
        headers={"Content-Type": "application/json"},
        credentials="include",
    )
    assert verdict.status == 500


def test_a_failing_assert_cors_shows_the_test_s_line_not_corsguard_s(tmp_path: Path) -> None:
    # pytest hides frames that set __tracebackhide__: the report starts at the user's call.
    test_file = tmp_path / "test_user_cors.py"
    test_file.write_text(
        textwrap.dedent(
            """
            from fastapi import FastAPI
            from corsguard.testing import assert_cors

            def test_frontend() -> None:
                assert_cors(FastAPI(), "PUT", "/items", origin="https://app.example.com")
            """
        )
    )
    source = str(Path(corsguard.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-p", "no:cacheprovider", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "CORSAssertionError: CORS PUT /items from https://app.example.com" in run.stdout
    assert 'assert_cors(FastAPI(), "PUT", "/items"' in run.stdout
    assert "corsguard/testing.py" not in run.stdout
    assert "def assert_cors" not in run.stdout
