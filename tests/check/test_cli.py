"""``corsguard check`` end to end: a real uvicorn server, the CLI, JSON shape and exit codes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corsguard.browser import FetchRequest
from corsguard.check import run_check
from corsguard.cli.main import main
from tests.support.servers import free_port, serve_asgi

from .apps import scripted

ORIGIN = "https://app.example.com"
ROOT = Path(__file__).resolve().parents[2]
ACAO = ("access-control-allow-origin", ORIGIN)
ACAC = ("access-control-allow-credentials", "true")
GOOD_PREFLIGHT = (
    204,
    [
        ACAO,
        ACAC,
        ("access-control-allow-methods", "PUT, patch"),
        ("access-control-allow-headers", "x-token"),
        ("vary", "Origin"),
    ],
    b"",
)

pytestmark = pytest.mark.uvicorn


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Any]]:
    app = scripted(
        GOOD_PREFLIGHT,
        (200, [ACAO, ACAC, ("vary", "Origin"), ("x-total", "3")], b"[]"),
        by_path={
            "/broken": (500, [("content-type", "text/plain")], b"Internal Server Error"),
            "/twice": (200, [ACAO, ACAO], b""),
        },
    )
    with serve_asgi(app) as base:
        yield base, app


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_allowed_exits_0_with_the_json_shape(
    server: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    code, out, _ = cli(
        capsys,
        f"{base}/items",
        "--origin",
        ORIGIN,
        "-X",
        "PUT",
        "-H",
        "X-Token: 1",
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert {"allowed", "cors_error", "console_message", "preflight", "actual", "findings"} <= set(
        doc
    )
    assert (doc["allowed"], doc["cors_error"], doc["console_message"]) == (True, None, None)
    assert doc["preflight"]["request"]["method"] == "OPTIONS"
    assert ["Access-Control-Request-Headers", "x-token"] in doc["preflight"]["request"]["headers"]
    assert doc["preflight"]["response"]["status"] == 204
    assert doc["actual"]["request"]["method"] == "PUT"
    assert doc["actual"]["response"]["status"] == 200
    # A public https page calling loopback is a local check: no CG215, whose prompt changes
    # nothing there.
    assert doc["findings"] == []


def test_blocked_exits_1_and_names_the_cause(
    server: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    code, out, _ = cli(capsys, f"{base}/broken", "--origin", ORIGIN, "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert (doc["allowed"], doc["cors_error"]) == (False, "MissingAllowOriginHeader")
    assert doc["console_message"].startswith(f"Access to fetch at '{base}/broken' from origin")
    assert doc["preflight"] is None
    finding = doc["findings"][0]
    assert finding["code"] == "CG201"
    assert set(finding) >= {"code", "severity", "message", "fix"}


def test_blocked_reports_say_what_the_server_must_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = scripted((405, [], b""))
    with serve_asgi(app) as base:
        code, out, _ = cli(
            capsys, f"{base}/x", "--origin", ORIGIN, "-X", "PUT", "-H", "X-Token: 1",
            "--credentials", "include", "--format", "json",
        )  # fmt: skip
    needs = json.loads(out)["needs"]
    assert code == 1
    assert ["Access-Control-Allow-Methods", "PUT"] in needs["preflight"]
    assert ["Access-Control-Allow-Headers", "x-token"] in needs["preflight"]
    assert needs["actual"] == [
        ["Access-Control-Allow-Origin", ORIGIN],
        ["Access-Control-Allow-Credentials", "true"],
        ["Vary", "Origin"],
    ]


def test_a_failed_preflight_has_no_actual(capsys: pytest.CaptureFixture[str]) -> None:
    app = scripted((404, [], b""))
    with serve_asgi(app) as base:
        code, out, _ = cli(
            capsys, f"{base}/x", "--origin", ORIGIN, "-X", "DELETE", "--format", "json"
        )
    doc = json.loads(out)
    assert (code, doc["cors_error"], doc["actual"]) == (
        1,
        "PreflightMissingAllowOriginHeader",
        None,
    )
    assert doc["preflight"]["response"]["status"] == 404


def test_duplicate_header_lines_survive_the_http_client(
    server: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    code, out, _ = cli(capsys, f"{base}/twice", "--origin", ORIGIN, "--format", "json")
    doc = json.loads(out)
    assert (code, doc["cors_error"]) == (1, "MultipleAllowOriginValues")
    assert doc["findings"][0]["code"] == "CG207"


def test_methods_go_on_the_wire_as_fetch_sends_them(
    server: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base, app = server
    app.seen.clear()
    code, _, _ = cli(capsys, f"{base}/items", "--origin", ORIGIN, "-X", "patch")
    assert code == 0
    # The browser's two requests, then the diagnosis's preflight from a made-up origin, sent
    # because credentials are allowed: does the server grant them to any origin?
    assert [s["method"] for s in app.seen] == ["OPTIONS", "patch", "OPTIONS"]
    headers = dict(app.seen[0]["headers"])
    assert headers[b"access-control-request-method"] == b"patch"
    probe = dict(app.seen[2]["headers"])
    assert probe[b"origin"] == b"https://corsguard-probe.example"
    assert probe[b"access-control-request-method"] == b"patch"


def test_no_cookies_on_the_preflight(
    server: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base, app = server
    app.seen.clear()
    cli(
        capsys,
        f"{base}/items",
        "--origin",
        ORIGIN,
        "-X",
        "PUT",
        "--credentials",
        "include",
        "--cookie",
        "session=1",
    )
    preflight, actual, probe = (dict(s["headers"]) for s in app.seen)
    assert b"cookie" not in preflight
    assert actual[b"cookie"] == b"session=1"
    assert b"cookie" not in probe  # the diagnosis's extra preflight carries none either


def test_text_report_marks_the_decisive_header(
    server: tuple[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    code, out, _ = cli(capsys, f"{base}/broken", "--origin", ORIGIN)
    assert code == 1
    assert out.startswith(f"BLOCKED: GET {base}/broken from {ORIGIN}")
    assert "MissingAllowOriginHeader" in out
    assert "(no Access-Control-Allow-Origin header)  <-- decisive" in out
    assert "CG201" in out
    assert "fix:" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["http://127.0.0.1:1/x", "--origin", "https://app.example.com/"],
        ["http://127.0.0.1:1/x", "--origin", ORIGIN, "-H", "no colon"],
        ["ftp://example.com/x", "--origin", ORIGIN],
        ["/x", "--origin", ORIGIN, "--app", "nonexistent_module_xyz:app"],
        ["/x", "--origin", ORIGIN, "--app", "no-colon"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, *argv)
    assert code == 2
    assert err.startswith("corsguard check: ")


def test_what_fetch_refuses_is_a_blocked_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "https://api.example.com/x", "--origin", ORIGIN, "-X", "TRACE", "--format", "json"
    )
    doc = json.loads(out)
    assert (code, doc["allowed"], doc["cors_error"], doc["blocked_reason"]) == (
        1,
        False,
        None,
        "invalid-request",
    )
    assert doc["console_message"] == (
        "TypeError: Failed to execute 'fetch' on 'Window': 'TRACE' HTTP method is unsupported."
    )


def test_network_errors_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(
        capsys, f"http://127.0.0.1:{free_port()}/x", "--origin", ORIGIN, "--timeout", "2"
    )
    assert code == 3
    assert "Failed to fetch" in err
    code, out, _ = cli(
        capsys, f"http://127.0.0.1:{free_port()}/x", "--origin", ORIGIN, "--format", "json"
    )
    doc = json.loads(out)
    assert (code, doc["allowed"], doc["cors_error"], doc["blocked_reason"]) == (
        3,
        False,
        None,
        "network-error",
    )


def test_in_process_demo_app(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("DEMO_DATABASE_URL", raising=False)
    code, out, _ = cli(
        capsys,
        "/items",
        "--app",
        "examples.demo_app:app",
        "--origin",
        ORIGIN,
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "--credentials",
        "include",
        "--data",
        '{"name": "x"}',
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert (code, doc["cors_error"]) == (1, "MissingAllowOriginHeader")
    assert doc["findings"][0]["code"] == "CG201"
    assert "KeyError: 'DEMO_DATABASE_URL'" in doc["findings"][0]["message"]
    assert "demo_app.py" in doc["findings"][0]["message"]


def test_a_check_against_a_local_server_is_fast(server: tuple[str, Any]) -> None:
    base, _ = server
    request = FetchRequest(f"{base}/items", ORIGIN, "PUT", (("X-Token", "1"),))
    run_check(request)  # warm up imports
    times = [run_check(request).elapsed_ms for _ in range(10)]
    assert statistics.median(times) < 100, times


def test_the_console_script_runs(server: tuple[str, Any]) -> None:
    base, _ = server
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "corsguard",
            "check",
            f"{base}/broken",
            "--origin",
            ORIGIN,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["cors_error"] == "MissingAllowOriginHeader"


class FakeChromium(types.ModuleType):
    """Stands in for corsguard.chromium to test how --browser reports and decides."""

    class ChromiumUnavailable(RuntimeError):
        pass

    def __init__(self, verdict: dict[str, Any] | None) -> None:
        super().__init__("corsguard.chromium")
        self.verdict = verdict

    def check_in_chromium(
        self, request: FetchRequest, *, timeout: float = 15.0, third_party_cookies: str = "allow"
    ) -> Any:
        if self.verdict is None:
            raise self.ChromiumUnavailable("install Debian's chromium: apt-get install chromium")
        data = self.verdict
        return types.SimpleNamespace(to_json=lambda: data, **data)


@pytest.mark.parametrize(
    ("real", "code", "agreement"),
    [
        ({"allowed": False, "cors_error": "MissingAllowOriginHeader", "version": "156"}, 1, True),
        ({"allowed": True, "cors_error": None, "version": "156"}, 0, False),
    ],
)
def test_browser_flag_compares_and_follows_chromium(
    real: dict[str, Any],
    code: int,
    agreement: bool,
    server: tuple[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, _ = server
    monkeypatch.setitem(sys.modules, "corsguard.chromium", FakeChromium(real))
    got, out, err = cli(
        capsys, f"{base}/broken", "--origin", ORIGIN, "--browser", "--format", "json"
    )
    doc = json.loads(out)
    assert got == code
    assert doc["browser"] == real
    assert doc["agreement"] is agreement
    assert ("DISAGREEMENT" in err) is (not agreement)
    got, out, _ = cli(capsys, f"{base}/broken", "--origin", ORIGIN, "--browser")
    assert ("DISAGREEMENT" in out) is (not agreement)
    assert "real Chromium 156" in out


def test_browser_flag_without_chromium_exits_2(
    server: tuple[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = server
    monkeypatch.setitem(sys.modules, "corsguard.chromium", FakeChromium(None))
    code, _, err = cli(capsys, f"{base}/broken", "--origin", ORIGIN, "--browser")
    assert code == 2
    assert "apt-get install chromium" in err
