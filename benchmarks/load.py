"""Load test: each app under uvicorn on loopback, driven by wrk, servers measured alternately.

The three servers run side by side (idle while another is measured); every round runs wrk
against each in a shuffled order, and the figure is the median over rounds of each server's
requests per second divided by the no-middleware server's in the same round.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks import apps

ROOT = Path(__file__).resolve().parents[1]
FACTORIES = {
    "none": "benchmarks.apps:fastapi_none",
    "starlette": "benchmarks.apps:fastapi_starlette",
    "corsguard": "benchmarks.apps:fastapi_corsguard",
}
_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")


@dataclass(frozen=True)
class LoadResult:
    rps: dict[str, float]  # median over rounds
    ratios: dict[str, float]  # median over rounds of rps / rps of "none" in the same round
    command: str


def wrk_path() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(factory: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"uvicorn did not start for {factory}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/hello"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wrk(wrk: str, url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Origin: {apps.ORIGIN}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = _RPS.search(out)
    if found is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{out}")
    return float(found.group(1))


def run(
    rounds: int, seconds: int, connections: int = 16, progress: Callable[[str], None] = print
) -> LoadResult:
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(_server(f)) for name, f in FACTORIES.items()}
        for url in urls.values():  # warm-up: imports, JIT-free but cache-warm
            _wrk(wrk, url, 1, connections)
        samples: dict[str, list[float]] = {name: [] for name in urls}
        for number in range(rounds):
            order = list(urls)
            random.shuffle(order)
            for name in order:
                samples[name].append(_wrk(wrk, urls[name], seconds, connections))
            progress(f"load round {number + 1}/{rounds}")
    rps = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {
        name: statistics.median(v / b for v, b in zip(values, samples["none"], strict=True))
        for name, values in samples.items()
    }
    command = f"wrk -t1 -c{connections} -d{seconds}s -H 'Origin: {apps.ORIGIN}' URL"
    return LoadResult(rps, ratios, command)
