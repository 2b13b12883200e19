"""Real servers for tests: uvicorn on loopback in a background thread, and tool lookup."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_binary(name: str, *candidates: str) -> str:
    """The path of a program the test needs.

    Locally a missing program skips the test; under CI (``CI`` set) it fails, because the CI
    script installs every program and a skip there would hide a broken install.
    """
    for candidate in (name, *candidates):
        found = shutil.which(candidate) or (candidate if os.access(candidate, os.X_OK) else None)
        if found:
            return found
    message = f"{name} is not installed (scripts/bootstrap installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def serve_asgi(app: Any, *, port: int | None = None, **config: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 and yield its base URL, e.g. ``http://127.0.0.1:PORT``."""
    import uvicorn

    port = port or free_port()
    # h11 by default, whatever else is installed: it accepts every token as a method (fetch()
    # sends `patch` as written), where httptools refuses methods it does not know.
    config.setdefault("http", "h11")
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", **config
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
