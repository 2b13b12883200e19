"""Debian's nginx as a foreground process on a loopback port, with every path in a temp dir."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.servers import free_port, require_binary

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "nginx"


def example_config(name: str, *, upstream: str, port: int, read_timeout: str = "30s") -> str:
    """An example configuration pointed at ``upstream`` and listening on ``port``."""
    text = (EXAMPLES / name).read_text()
    for old, new in (
        ("server 127.0.0.1:8000;", f"server {upstream};"),
        ("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"),
        ("proxy_read_timeout 30s;", f"proxy_read_timeout {read_timeout};"),
    ):
        if old not in text:
            raise ValueError(f"{name}: expected {old!r} in the example")
        text = text.replace(old, new)
    return text


def _private_paths(text: str, root: Path) -> str:
    # Debian's nginx is built with /var/lib/nginx and /var/log/nginx paths; point every file it
    # writes into the test's own directory so that no system directory is needed or touched.
    paths = "\n".join(
        f"    {name}_temp_path {root / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {", f"http {{\n{paths}\n    access_log {root / 'access.log'};", 1)


@contextlib.contextmanager
def run_nginx(config: str, root: Path, port: int) -> Iterator[str]:
    """Start nginx with ``config`` in the foreground, yield its base URL, stop it after."""
    binary = require_binary("nginx", "/usr/sbin/nginx")
    root.mkdir(parents=True, exist_ok=True)
    conf = root / "nginx.conf"
    conf.write_text(_private_paths(config, root))
    directives = f"daemon off; pid {root / 'nginx.pid'};"
    if os.geteuid() == 0:
        directives += " user root;"  # workers must read the test's private directories
    process = subprocess.Popen(
        [binary, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log"), "-g", directives],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process, root)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def _wait_for(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "error.log").read_text() if (root / "error.log").exists() else ""
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"nginx exited with {process.returncode}: {stderr}{log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise RuntimeError("nginx did not start listening within 10 s")


__all__ = ["example_config", "free_port", "run_nginx"]
