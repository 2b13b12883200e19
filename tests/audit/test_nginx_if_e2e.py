"""Real nginx confirms what the 'if' rules claim about responses, on the configuration audited.

One nginx, three locations: an 'if' in a proxied location (the application's Allow-Origin and
nginx's both go out, CG501), a preflight 'if' that wins over the 'if' adding Allow-Origin (204
without it, CG513), and a 'return' written before the add_header lines (nginx still adds them,
so no CG502).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.audit.nginx_expect import expected, found, pairs
from tests.audit.nginx_server import run_nginx
from tests.support.servers import free_port, serve_asgi

pytestmark = [pytest.mark.nginx, pytest.mark.uvicorn]

FRONTEND = "https://app.example.com"
CONFIG = """\
events {}
http {
    server {
        listen 127.0.0.1:PORT;
        location /proxied/ {
            if ($http_origin ~ '^https://app\\.example\\.com$') {
                add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG501
                add_header Vary Origin always;
            }
            proxy_pass http://UPSTREAM;
        }
        location /two-ifs/ {
            if ($http_origin ~ '^https://app\\.example\\.com$') {
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Vary Origin always;
            }
            if ($request_method = OPTIONS) {  # expect: CG513
                add_header Access-Control-Allow-Methods "GET, PUT";
                return 204;
            }
            return 200 ok;
        }
        location /return-first/ {
            if ($request_method = OPTIONS) {
                return 204;
                add_header Access-Control-Allow-Origin https://app.example.com;
                add_header Access-Control-Allow-Methods "GET, PUT";
            }
            return 404;
        }
    }
}
"""


async def app_with_cors(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An application that answers every request with its own Allow-Origin."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"access-control-allow-origin", FRONTEND.encode())],
        }
    )
    await send({"type": "http.response.body", "body": b"app"})


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("nginx-if")
    port = free_port()
    with serve_asgi(app_with_cors) as upstream:
        text = CONFIG.replace("PORT", str(port)).replace("UPSTREAM", upstream[len("http://") :])
        with run_nginx(text, root, port) as base:
            yield base, root / "nginx.conf"


def send(base: str, method: str, path: str, **headers: str) -> tuple[int, list[str]]:
    """Status and every Access-Control-Allow-Origin value of one response."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, headers={"Origin": FRONTEND, **headers})
        response = connection.getresponse()
        response.read()
        values = [v for k, v in response.getheaders() if k.lower() == "access-control-allow-origin"]
        return response.status, values
    finally:
        connection.close()


def test_the_audit_reports_exactly_the_marked_lines(nginx: tuple[str, Path]) -> None:
    _, conf = nginx
    assert pairs(found(conf)) == expected(conf)


def test_an_if_keeps_the_location_proxy_pass_so_both_allow_origins_go_out(
    nginx: tuple[str, Path],
) -> None:
    base, _ = nginx
    assert send(base, "GET", "/proxied/items") == (200, [FRONTEND, FRONTEND])


def test_the_last_matching_if_wins_and_the_preflight_loses_allow_origin(
    nginx: tuple[str, Path],
) -> None:
    base, _ = nginx
    status, values = send(base, "OPTIONS", "/two-ifs/x", **{"Access-Control-Request-Method": "PUT"})
    assert (status, values) == (204, [])
    assert send(base, "GET", "/two-ifs/x") == (200, [FRONTEND])  # the origin 'if' alone


def test_add_header_after_return_still_applies(nginx: tuple[str, Path]) -> None:
    base, _ = nginx
    status, values = send(
        base, "OPTIONS", "/return-first/x", **{"Access-Control-Request-Method": "PUT"}
    )
    assert (status, values) == (204, [FRONTEND])
