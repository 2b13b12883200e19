"""uvicorn's HTTP protocol driven in-process: what each variant costs the server, per request.

The load test measures whole servers under wrk; this measures the same code path without
sockets, to a fraction of a microsecond. One app (``benchmarks.apps:fastapi_variants``) is
served by one uvicorn protocol object per variant, each on a keep-alive connection with an
in-memory transport. Requests are fed one at a time, the variants in a shuffled order in
every round, so whatever else the machine does hits all of them alike; each request is
timed from the bytes arriving to the response written, garbage collection on, as in a
server. Per block of rounds, each variant's mean time is divided into the no-middleware
variant's: a ratio of requests per second. Figures are medians over blocks.

This is uvicorn's own request handling (``uvicorn.protocols.http``, h11 or httptools), so it
counts what the server spends writing each response header, which in-process ASGI calls
do not see.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from benchmarks import apps

VARIANTS = tuple(apps.PREFIXES)
_BLOCK = 500  # rounds per block


class _Transport(asyncio.Transport):
    """A connection that accepts every write at once and keeps the last status line and
    headers written."""

    def __init__(self) -> None:
        super().__init__()
        self.response_start = b""
        self.closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        addresses = {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}
        return addresses.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if data[:5] == b"HTTP/":
            self.response_start = bytes(data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0


@dataclass(frozen=True)
class ServerResult:
    per_request_ns: dict[str, list[float]]  # mean per request, one per block
    blocks: int
    http: str

    def median_ns(self, name: str) -> float:
        return statistics.median(self.per_request_ns[name])

    def added_ns(self, name: str) -> float:
        """Median over blocks of the time ``name`` adds to the no-middleware variant's."""
        pairs = zip(self.per_request_ns[name], self.per_request_ns["none"], strict=True)
        return statistics.median(a - b for a, b in pairs)

    def ratio(self, name: str, baseline: str = "none") -> float:
        """Median over blocks of requests per second relative to ``baseline``."""
        pairs = zip(self.per_request_ns[baseline], self.per_request_ns[name], strict=True)
        return statistics.median(b / a for b, a in pairs)


def run(http: str, blocks: int, progress: Callable[[str], None] = print) -> ServerResult:
    return asyncio.run(_run(http, blocks, progress))


async def _run(http: str, blocks: int, progress: Callable[[str], None]) -> ServerResult:
    app = apps.fastapi_variants()
    connections = {name: _connect(app, http) for name in VARIANTS}
    requests = {
        name: (
            f"GET {apps.PREFIXES[name]}/hello HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
            f"Origin: {apps.ORIGIN}\r\n\r\n"
        ).encode()
        for name in VARIANTS
    }
    order = list(VARIANTS)
    for _ in range(200):  # warm-up
        for name in order:
            await _serve(connections[name], requests[name])
    for name, (_, transport) in connections.items():
        if not transport.response_start.startswith(b"HTTP/1.1 200 "):
            raise RuntimeError(f"variant {name} answered {transport.response_start[:40]!r}")
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for block in range(blocks):
        totals = dict.fromkeys(VARIANTS, 0)
        for _ in range(_BLOCK):
            random.shuffle(order)
            for name in order:
                totals[name] += await _serve(connections[name], requests[name])
        for name, total in totals.items():
            samples[name].append(total / _BLOCK)
        progress(f"server block {block + 1}/{blocks}")
    return ServerResult(samples, blocks, http)


def _connect(app: Any, http: str) -> tuple[Any, _Transport]:
    config = Config(app=app, http=http, lifespan="off", access_log=False, log_level="warning")
    config.load()
    protocol: Any = config.http_protocol_class(  # type: ignore[call-arg]
        config=config, server_state=ServerState(), app_state={}
    )
    transport = _Transport()
    protocol.connection_made(transport)
    return protocol, transport


async def _serve(connection: tuple[Any, _Transport], request: bytes) -> int:
    """Nanoseconds from the request's bytes arriving to its response being written."""
    protocol, _ = connection
    started = time.perf_counter_ns()
    protocol.data_received(request)
    for task in list(protocol.tasks):
        await task
    return time.perf_counter_ns() - started
