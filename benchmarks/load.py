"""Load test: each app under uvicorn on loopback, driven by wrk, servers measured alternately.

The three apps are served by one uvicorn process (``benchmarks.apps:fastapi_all_three``, one
path prefix each), so they differ only in their middleware; every round runs wrk against
each in a shuffled order. Two figures per app, each the median over rounds of the ratio to
the no-middleware app in the same round:

- requests per second as wrk counts them (wall clock: on a shared machine this moves with
  whatever else runs);
- requests per CPU second of the server process (requests served / CPU time the server used,
  read from /proc): the server's capacity, which other processes' load does not change.
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
FACTORY = "benchmarks.apps:fastapi_all_three"
PATHS = {
    "none": "/none/hello",
    "starlette": "/star/hello",
    "corsguard": "/cors/hello",
    # For reference: every header a response carries costs the server CPU to validate and
    # write (uvicorn's h11 does it in Python), whatever middleware added it.
    "floor": "/flor/hello",
    "corsguard-minimal": "/cmin/hello",
}
_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_TOTAL = re.compile(r"([0-9]+) requests in ")


@dataclass(frozen=True)
class LoadResult:
    rps: dict[str, float]  # median over rounds
    ratios: dict[str, float]  # median over rounds of rps / rps of "none" in the same round
    per_cpu: dict[str, float]  # requests per CPU second of the server, median over rounds
    cpu_ratios: dict[str, float]  # median over rounds of per_cpu / per_cpu of "none"
    command: str


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc/PID/stat, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk_path() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(factory: str, http: str) -> Iterator[tuple[str, int]]:
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
            "--lifespan",
            "off",
            "--http",
            http,
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
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wrk(wrk: str, url: str, seconds: int, connections: int) -> tuple[float, int]:
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Origin: {apps.ORIGIN}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate, total = _RPS.search(out), _TOTAL.search(out)
    if rate is None or total is None:
        raise RuntimeError(f"wrk printed no request counts:\n{out}")
    return float(rate.group(1)), int(total.group(1))


def run(
    rounds: int,
    seconds: int,
    connections: int = 16,
    progress: Callable[[str], None] = print,
    http: str = "h11",
) -> LoadResult:
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    with contextlib.ExitStack() as stack:
        base, pid = stack.enter_context(_server(FACTORY, http))
        servers = {name: (base + path, pid) for name, path in PATHS.items()}
        for url, _ in servers.values():  # warm-up
            _wrk(wrk, url, 1, connections)
        samples: dict[str, list[float]] = {name: [] for name in servers}
        per_cpu: dict[str, list[float]] = {name: [] for name in servers}
        for number in range(rounds):
            order = list(servers)
            random.shuffle(order)
            for name in order:
                url, pid = servers[name]
                before = _cpu_seconds(pid)
                rate, total = _wrk(wrk, url, seconds, connections)
                used = _cpu_seconds(pid) - before
                samples[name].append(rate)
                per_cpu[name].append(total / used if used > 0 else float("nan"))
            progress(f"load round {number + 1}/{rounds}")
    command = (
        f"wrk -t1 -c{connections} -d{seconds}s -H 'Origin: {apps.ORIGIN}' URL"
        f" against uvicorn --http {http}"
    )
    return LoadResult(
        {name: statistics.median(values) for name, values in samples.items()},
        _ratios(samples),
        {name: statistics.median(values) for name, values in per_cpu.items()},
        _ratios(per_cpu),
        command,
    )


def _ratios(samples: dict[str, list[float]]) -> dict[str, float]:
    return {
        name: statistics.median(v / b for v, b in zip(values, samples["none"], strict=True))
        for name, values in samples.items()
    }
