"""``corsguard check --app`` and ``corsguard audit`` on an app file, in-process and as a command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corsguard.cli.main import main
from tests.compat.apps import APP, EVIL, app_source, write_module

STARLETTE_CORS = f"""\
    from starlette.middleware.cors import CORSMiddleware

    app.add_middleware(CORSMiddleware, allow_origins=["{APP}"], allow_methods=["GET"])
    """
CORSGUARD_CORS = f"""\
    app.add_middleware(corsguard.CORSMiddleware, allow_origins=["{APP}"], allow_methods=["GET"])
    """
DANGEROUS_STARLETTE_CORS = """\
    from starlette.middleware.cors import CORSMiddleware

    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    """


def check(capsys: pytest.CaptureFixture[str], target: str, *argv: str) -> Any:
    """``corsguard check --format json`` in this process; the exit code and the report."""
    code = main(["check", *argv, "--app", target, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def codes(report: Any) -> list[str]:
    return [finding["code"] for finding in report["findings"]]


def command(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m corsguard`` run from the app's directory, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-m", "corsguard", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("cors", [STARLETTE_CORS, CORSGUARD_CORS], ids=["starlette", "corsguard"])
def test_check_app_allows_a_listed_origin(
    framework: str,
    cors: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    module = write_module(tmp_path, app_source(framework, cors))
    code, report = check(capsys, f"{module}:app", "/health", "--origin", APP)
    assert code == 0
    assert report["allowed"] is True
    assert report["status"] == 200


@pytest.mark.parametrize("cors", [STARLETTE_CORS, CORSGUARD_CORS], ids=["starlette", "corsguard"])
def test_check_app_blocks_an_unlisted_origin(
    framework: str,
    cors: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    module = write_module(tmp_path, app_source(framework, cors))
    code, report = check(capsys, f"{module}:app", "/health", "--origin", EVIL)
    assert code == 1
    assert report["allowed"] is False
    assert report["cors_error"] == "MissingAllowOriginHeader"
    assert codes(report)
    assert "CG206" not in codes(report)


def test_check_app_names_corsguard_refusing_a_method(
    framework: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A preflight corsguard refuses is corsguard's policy, not authentication (CG206)."""
    monkeypatch.chdir(tmp_path)
    module = write_module(tmp_path, app_source(framework, CORSGUARD_CORS))
    code, report = check(capsys, f"{module}:app", "/health", "-X", "PUT", "--origin", APP)
    assert code == 1
    assert "CG206" not in codes(report)
    assert any("allow_methods" in finding["fix"] for finding in report["findings"])


def test_check_command_runs_an_app_file(framework: str, tmp_path: Path) -> None:
    module = write_module(tmp_path, app_source(framework, STARLETTE_CORS))
    allowed = command(tmp_path, "check", "/health", "--app", f"{module}:app", "--origin", APP)
    assert allowed.returncode == 0, allowed.stderr
    blocked = command(tmp_path, "check", "/health", "--app", f"{module}:app", "--origin", EVIL)
    assert blocked.returncode == 1, blocked.stderr
    assert "No 'Access-Control-Allow-Origin' header is present" in blocked.stdout


def test_audit_command_reads_the_app_configuration(framework: str, tmp_path: Path) -> None:
    module = write_module(tmp_path, app_source(framework, DANGEROUS_STARLETTE_CORS))
    audited = command(tmp_path, "audit", f"{module}:app", "--format", "json")
    assert audited.returncode == 1, audited.stderr
    found = [finding["code"] for finding in json.loads(audited.stdout)["findings"]]
    assert "CG101" in found
    assert "CG138" not in found
