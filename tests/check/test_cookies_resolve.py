"""``--resolve HOST:PORT:ADDR``: a real host name checked against a local uvicorn server."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from corsguard.check.resolve import ResolveError, parse_resolve, resolved
from corsguard.cli.main import main
from tests.support.servers import require_binary, serve_asgi

from .cookie_apps import login_app

pytestmark = pytest.mark.uvicorn


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with serve_asgi(login_app()) as base:
        yield int(base.rsplit(":", 1)[1])


def test_secure_over_plain_http_on_a_real_name(
    port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "check",
            f"http://api.example.com:{port}/login-cross-site",
            "--resolve",
            f"api.example.com:{port}:127.0.0.1",
            # The page is served by the API itself over plain http: same-origin, no CORS.
            "--origin",
            f"http://api.example.com:{port}",
            "--credentials",
            "include",
            "--format",
            "json",
        ]
    )
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["exchanges"][0]["request"]["url"].startswith("http://api.example.com:")
    assert document["cookies"][0]["reason"] == "SecureOnly"
    found = next(f for f in document["findings"] if f["code"] == "CG243")
    assert "api.example.com, which is not localhost" in found["message"]


def test_the_host_header_keeps_the_name(port: int, capsys: pytest.CaptureFixture[str]) -> None:
    # The app answers Starlette's 400 "Invalid host header" unless it sees the real name.
    from starlette.applications import Starlette
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=["api.example.com"])
    with serve_asgi(app) as base:
        other = int(base.rsplit(":", 1)[1])
        main(
            [
                "check", f"http://api.example.com:{other}/", "--origin", "http://api.example.com",
                "--resolve", f"api.example.com:{other}:127.0.0.1", "--format", "json",
            ]
        )  # fmt: skip
    assert json.loads(capsys.readouterr().out)["status"] == 200


def test_over_tls_with_the_real_server_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openssl = require_binary("openssl")
    key, cert = str(tmp_path / "key.pem"), str(tmp_path / "cert.pem")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", "/CN=api.example.com"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with serve_asgi(login_app(), ssl_keyfile=key, ssl_certfile=cert) as base:
        tls = int(base.rsplit(":", 1)[1])
        code = main(
            [
                "check", f"https://api.example.com:{tls}/login-cross-site", "--insecure",
                "--resolve", f"api.example.com:{tls}:127.0.0.1",
                "--origin", "https://app.example.com", "--credentials", "include",
                "--format", "json",
            ]
        )  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    # Secure and SameSite=None over https from another site: stored and sent (Chrome's default).
    assert document["cookies"][0] == {
        "name": "session", "stored": True, "reason": None, "sent": True, "send_reason": None
    }  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "table"),
    [
        ("api.example.com:443:127.0.0.1", {("api.example.com", 443): "127.0.0.1"}),
        ("API.example.com:8443:::1", {("api.example.com", 8443): "[::1]"}),
        ("h:80:[::1]", {("h", 80): "[::1]"}),
    ],
)
def test_parse_resolve(entry: str, table: dict[tuple[str, int], str]) -> None:
    assert parse_resolve([entry]) == table


@pytest.mark.parametrize("entry", ["api.example.com:443", "api:x:1.2.3.4", ":443:1.2.3.4", "h:0:a"])
def test_parse_resolve_refuses(entry: str) -> None:
    with pytest.raises(ResolveError, match="--resolve"):
        parse_resolve([entry])


def test_resolved_keeps_name_for_host_and_tls() -> None:
    table = parse_resolve(["api.example.com:443:127.0.0.1"])
    assert resolved("https://api.example.com/login?x=1", table) == (
        "https://127.0.0.1:443/login?x=1",
        "api.example.com",
        "api.example.com",
    )
    assert resolved("https://api.example.com:8443/", table) is None


@pytest.mark.parametrize("extra", [["--app", "tests.check.cookie_apps:app"], ["--browser"]])
def test_resolve_is_for_http_checks_only(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["check", "http://api.example.com/login", "--origin", "http://app.example.com",
         "--resolve", "api.example.com:80:127.0.0.1", *extra]
    )  # fmt: skip
    assert code == 2
    assert "--resolve applies to checks over HTTP" in capsys.readouterr().err
