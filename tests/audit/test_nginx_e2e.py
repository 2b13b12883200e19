"""End to end: Debian's nginx in front of uvicorn serving a FastAPI app with corsguard's CORS.

The same nginx configurations that ``corsguard audit`` reads are run for real, and
``corsguard check`` is pointed at them through nginx, as a browser on the frontend would be.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from corsguard import CORSPolicy, install
from corsguard.cli.main import main
from tests.audit.nginx_server import EXAMPLES, example_config, run_nginx
from tests.support.servers import free_port, serve_asgi

pytestmark = [pytest.mark.nginx, pytest.mark.uvicorn]

FRONTEND = "https://app.example.com"


def make_app() -> object:
    app = FastAPI()

    @app.get("/api/items")
    async def items() -> list[str]:
        return ["one"]

    @app.put("/api/items")
    async def replace_items(items: list[str]) -> list[str]:
        return items

    @app.get("/api/slow")
    async def slow() -> list[str]:
        await asyncio.sleep(1.5)
        return []

    install(
        app,
        CORSPolicy(
            allow_origins=[FRONTEND],
            allow_credentials=True,
            allow_methods=["GET", "PUT"],
            allow_headers=["Content-Type"],
        ),
    )
    return app


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serve_asgi(make_app()) as base:
        yield base.removeprefix("http://")


def check(url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", url, "--origin", FRONTEND, "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def audit(conf: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["audit", conf, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def line_of(conf: Path, text: str) -> int:
    return next(i for i, line in enumerate(conf.read_text().splitlines(), 1) if text in line)


def test_nginx_adding_allow_origin_too_is_caught_by_check_and_by_audit(
    upstream: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    config = example_config("broken.conf", upstream=upstream, port=port)
    with run_nginx(config, tmp_path / "nginx", port) as base:
        code, result = check(f"{base}/api/items", capsys)
    assert code == 1
    assert result["allowed"] is False
    assert result["cors_error"] == "MultipleAllowOriginValues"
    [cause] = [f for f in result["findings"] if f["code"] == "CG207"]
    assert "proxy" in cause["message"]
    assert "proxy_hide_header Access-Control-Allow-Origin;" in cause["fix"]

    # The configuration that produced it: audit names the same location and the same fix.
    conf = tmp_path / "nginx" / "nginx.conf"
    code, report = audit(str(conf), capsys)
    assert code == 1
    [duplicate] = [f for f in report["findings"] if f["code"] == "CG501"]
    assert duplicate["location"] == f"{conf}:{line_of(conf, 'location /api/')}"
    assert duplicate["message"].startswith("location /api/:")
    assert "proxy_hide_header Access-Control-Allow-Origin;" in duplicate["fix"]


@pytest.mark.parametrize(
    ("path", "status", "read_timeout", "upstream_down"),
    [("/api/items", 502, "30s", True), ("/api/slow", 504, "300ms", False)],
    ids=["upstream-down-502", "upstream-slow-504"],
)
def test_proxy_error_page_is_explained_as_an_upstream_problem(
    upstream: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    status: int,
    read_timeout: str,
    upstream_down: bool,
) -> None:
    target = f"127.0.0.1:{free_port()}" if upstream_down else upstream
    port = free_port()
    config = example_config("fixed.conf", upstream=target, port=port, read_timeout=read_timeout)
    with run_nginx(config, tmp_path / "nginx", port) as base:
        code, result = check(f"{base}{path}", capsys)
    assert code == 1
    assert result["allowed"] is False
    assert result["cors_error"] == "MissingAllowOriginHeader"
    assert result["actual"]["response"]["status"] == status
    [cause] = [f for f in result["findings"] if f["code"] == "CG212"]
    assert f"got {status}" in cause["message"]
    assert "error page has no CORS headers" in cause["message"]
    assert "the real problem" in cause["message"]
    assert "upstream" in cause["fix"]


def test_fixed_configuration_passes_audit_and_check(
    upstream: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(EXAMPLES / "fixed.conf")]) == 0
    capsys.readouterr()
    port = free_port()
    config = example_config("fixed.conf", upstream=upstream, port=port)
    with run_nginx(config, tmp_path / "nginx", port) as base:
        code, simple = check(f"{base}/api/items", capsys, "--credentials", "include")
        put_code, preflighted = check(
            f"{base}/api/items",
            capsys,
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/json",
            "--credentials",
            "include",
        )
    assert (code, simple["allowed"], simple["cors_error"]) == (0, True, None)
    assert (put_code, preflighted["allowed"]) == (0, True)
    assert preflighted["preflight"]["response"]["status"] == 204
    assert not [f for f in simple["findings"] if f["severity"] in ("high", "critical")]
