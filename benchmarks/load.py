"""Load test: every variant under uvicorn on loopback, driven by wrk, all at the same time.

On a shared virtual machine a CPU's speed moves by ±15 % from one second to the next (one
app on one server, consecutive one-second wrk runs: 4,344 to 6,123 requests per CPU
second). Variants measured one after another therefore see different machines, and that
noise swamps the few per cent being measured. So the variants are measured together:

- one uvicorn process per variant, each serving every variant
  (``benchmarks.apps:fastapi_variants``, one path prefix each), all pinned to one CPU; the
  wrk processes, one per server, pinned to the other CPUs;
- every round runs all the wrk processes at once for the same number of seconds, so every
  variant sees the same machine; the kernel shares the server CPU among the busy servers;
- variants rotate over the processes (round r: process i serves variant (i + r) mod n), so
  each variant runs on each process equally often and differences between processes cancel;
- per server and round: requests served (wrk's count) per CPU second the process used (read
  from /proc), and wrk's requests per second. Each figure is divided by the no-middleware
  variant's in the same round; the result is the median over rounds.

Before measuring, one response of each variant is read to check that the reference
middlewares send exactly the headers corsguard sends, so the comparison is like for like.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
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
from urllib.parse import urlsplit

from benchmarks import apps

ROOT = Path(__file__).resolve().parents[1]
FACTORY = "benchmarks.apps:fastapi_variants"
VARIANTS = tuple(apps.PREFIXES)
CONNECTIONS = 16
_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_TOTAL = re.compile(r"([0-9]+) requests in ")
# The CORS headers each variant must send to an allowed origin (checked before measuring).
_EXPECTED_HEADERS = {
    "corsguard": apps.FOUR_HEADERS,
    "floor4": apps.FOUR_HEADERS,
    "corsguard-minimal": apps.TWO_HEADERS,
    "floor": apps.TWO_HEADERS,
}


@dataclass(frozen=True)
class LoadResult:
    per_cpu: dict[str, list[float]]  # requests per server CPU second, one per round
    rps: dict[str, list[float]]  # wrk's requests per second, one per round
    rounds: int
    command: str

    def median(self, name: str, *, wall: bool = False) -> float:
        return statistics.median((self.rps if wall else self.per_cpu)[name])

    def ratio(self, name: str, baseline: str = "none", *, wall: bool = False) -> float:
        """Median over rounds of ``name``'s figure divided by ``baseline``'s in that round."""
        return statistics.median(self._ratios(name, baseline, wall))

    def quartiles(self, name: str, baseline: str = "none", *, wall: bool = False) -> str:
        """The interquartile range of the per-round ratios, such as ``0.955–0.971``."""
        low, _, high = statistics.quantiles(self._ratios(name, baseline, wall), n=4)
        return f"{low:.3f}–{high:.3f}"

    def _ratios(self, name: str, baseline: str, wall: bool) -> list[float]:
        samples = self.rps if wall else self.per_cpu
        return [a / b for a, b in zip(samples[name], samples[baseline], strict=True)]


def wrk_path() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)


def run(
    rounds: int,
    seconds: int,
    progress: Callable[[str], None] = print,
    http: str = "h11",
) -> LoadResult:
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    count = len(VARIANTS)
    rounds = max(1, math.ceil(rounds / count)) * count  # whole rotations only
    server_cpus, client_cpus = _cpu_sets()
    with contextlib.ExitStack() as stack:
        with _affinity(server_cpus):
            servers = [stack.enter_context(_server(http)) for _ in VARIANTS]
        _check_headers(servers[0][0])
        with _affinity(client_cpus):
            for shift in range(count):  # warm-up: every process serves every variant
                _round(wrk, servers, shift, 1)
            per_cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
            rps: dict[str, list[float]] = {name: [] for name in VARIANTS}
            for number in range(rounds):
                for name, (rate, served) in _round(wrk, servers, number, seconds).items():
                    per_cpu[name].append(served)
                    rps[name].append(rate)
                progress(f"load round {number + 1}/{rounds}")
    pinned = (
        f"servers pinned to CPU {_cpu_list(server_cpus)}, wrk to CPU {_cpu_list(client_cpus)}"
        if server_cpus and client_cpus
        else "no CPU pinning (one CPU)"
    )
    command = (
        f"{count} × `uvicorn --http {http}` ({pinned}); per round {count} × "
        f"`wrk -t1 -c{CONNECTIONS} -d{seconds}s -H 'Origin: {apps.ORIGIN}' URL` at once"
    )
    return LoadResult(per_cpu, rps, rounds, command)


def _round(
    wrk: str, servers: list[tuple[str, int]], shift: int, seconds: int
) -> dict[str, tuple[float, float]]:
    """One round: every server under wrk at once, variant (i + shift) mod n on server i.

    For each variant: (wrk's requests per second, requests per server CPU second).
    """
    count = len(VARIANTS)
    assigned = [(VARIANTS[(i + shift) % count], servers[i]) for i in range(count)]
    before = [_cpu_seconds(pid) for _, (_, pid) in assigned]
    clients = [
        subprocess.Popen(
            [
                wrk,
                "-t1",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "-H",
                f"Origin: {apps.ORIGIN}",
                f"{base}{apps.PREFIXES[name]}/hello",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (base, _) in assigned
    ]
    outputs = [client.communicate() for client in clients]
    figures: dict[str, tuple[float, float]] = {}
    for (name, (_, pid)), started, client, (out, err) in zip(
        assigned, before, clients, outputs, strict=True
    ):
        used = _cpu_seconds(pid) - started
        rate, total = _RPS.search(out), _TOTAL.search(out)
        if client.returncode != 0 or rate is None or total is None:
            raise RuntimeError(f"wrk failed for {name}:\n{out}{err}")
        figures[name] = (float(rate.group(1)), int(total.group(1)) / used if used > 0 else 0.0)
    return figures


def _check_headers(base: str) -> None:
    """Refuse to measure unless each variant sends the CORS headers it is meant to."""
    address = urlsplit(base)
    for name in VARIANTS:
        if name == "starlette":
            continue  # Starlette's own choice of headers is part of what is measured
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
        try:
            connection.request(
                "GET", f"{apps.PREFIXES[name]}/hello", headers={"Origin": apps.ORIGIN}
            )
            response = connection.getresponse()
            response.read()
            cors = {
                (key.lower().encode(), value.encode())
                for key, value in response.getheaders()
                if key.lower().startswith("access-control-") or key.lower() == "vary"
            }
        finally:
            connection.close()
        expected = set(_EXPECTED_HEADERS.get(name, ()))
        if response.status != 200 or cors != expected:
            raise RuntimeError(
                f"variant {name} answered {response.status} with CORS headers {sorted(cors)}; "
                f"expected {sorted(expected)}"
            )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc/PID/stat, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_sets() -> tuple[set[int] | None, set[int] | None]:
    """The CPU for the servers (the last one) and the CPUs for wrk (the others)."""
    getaffinity = getattr(os, "sched_getaffinity", None)
    cpus = sorted(getaffinity(0)) if getaffinity else []
    if len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


def _cpu_list(cpus: set[int] | None) -> str:
    return ",".join(str(cpu) for cpu in sorted(cpus or ()))


@contextlib.contextmanager
def _affinity(cpus: set[int] | None) -> Iterator[None]:
    """Processes started inside the block run on ``cpus`` (children inherit affinity)."""
    if not cpus:
        yield
        return
    saved = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, saved)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(http: str) -> Iterator[tuple[str, int]]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            FACTORY,
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
                raise RuntimeError(f"uvicorn did not start ({FACTORY}, --http {http})")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
