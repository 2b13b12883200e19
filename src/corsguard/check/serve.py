"""Serving an in-process app on loopback, for checks that need a real socket (``--browser``)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

from corsguard.check.exchange import AppError, ASGIApp, Receive, Scope, Send, app_error


@contextlib.contextmanager
def serve_on_loopback(
    app: ASGIApp, *, startup_timeout: float = 10.0
) -> Iterator[tuple[str, list[AppError]]]:
    """Run ``app`` under uvicorn on 127.0.0.1; yield its base URL and the exceptions it raises."""
    errors: list[AppError] = []

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            if scope.get("type") == "http":
                url = f"http://127.0.0.1:{port}{scope.get('path', '')}"
                errors.append(app_error(url, exc))
            raise

    try:
        import uvicorn
    except ImportError as exc:
        raise RuntimeError(
            "serving the app for a real browser needs uvicorn: pip install uvicorn"
        ) from exc
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    # The exceptions go into the diagnosis; uvicorn's own traceback log would only add noise.
    config = uvicorn.Config(
        recording, host="127.0.0.1", port=port, log_level="critical", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", errors
    finally:
        server.should_exit = True
        thread.join(timeout=10)
