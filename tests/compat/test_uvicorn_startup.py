"""Under ``uvicorn main:app`` with default options, a dangerous configuration stops the server.

Starlette builds its middleware stack lazily (on the first ASGI call, or on every
``add_middleware`` before 0.24), so a ``ConfigError`` raised there reaches uvicorn through the
lifespan protocol: the server must exit at start-up with the codes, and never serve a request.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.compat.apps import APP, app_source, write_module

pytestmark = pytest.mark.uvicorn

STARTUP_DEADLINE = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn(tmp_path: Path, module: str, port: int) -> Iterator[subprocess.Popen[str]]:
    """``python -m uvicorn module:app`` with uvicorn's defaults (lifespan ``auto``)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    port_option = ("--port", str(port))
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", f"{module}:app", "--host", "127.0.0.1", *port_option],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_serving(process: subprocess.Popen[str], port: int) -> bool:
    """True once the port accepts connections; False if the process exits first."""
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def test_a_safe_configuration_serves(framework: str, tmp_path: Path) -> None:
    """The control: the same server set-up starts and answers with CORS headers."""
    cors = f'app.add_middleware(corsguard.CORSMiddleware, allow_origins=["{APP}"])\n'
    module = write_module(tmp_path, app_source(framework, cors))
    port = free_port()
    with uvicorn(tmp_path, module, port) as process:
        assert wait_until_serving(process, port), process.stdout and process.stdout.read()
        response = httpx.get(f"http://127.0.0.1:{port}/health", headers={"Origin": APP})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == APP
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "Application startup complete" in output


def test_a_dangerous_configuration_stops_the_server(framework: str, tmp_path: Path) -> None:
    cors = (
        "app.add_middleware(\n"
        '    corsguard.CORSMiddleware, allow_origins=["*"], allow_credentials=True\n'
        ")\n"
    )
    module = write_module(tmp_path, app_source(framework, cors))
    port = free_port()
    answer = None
    with uvicorn(tmp_path, module, port) as process:
        serving = wait_until_serving(process, port)
        if serving:
            answer = httpx.get(f"http://127.0.0.1:{port}/health").status_code
            process.terminate()
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            pytest.fail(f"uvicorn neither served nor exited within the deadline:\n{output}")
    assert not serving, f"uvicorn served requests (GET /health: {answer}):\n{output}"
    assert process.returncode != 0
    assert "CG101" in output
    assert "Application startup complete" not in output
