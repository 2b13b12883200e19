"""Interleaved CPU-time measurement of ASGI calls, made directly without a server.

Each round measures every variant once, in a shuffled order, over a batch of calls run in
one coroutine; the figures are medians over rounds, and ratios are taken within a round, so
load from other processes on a shared machine hits all variants alike.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Scope = dict[str, Any]


def http_scope(method: str, path: str, headers: Sequence[tuple[str, str]]) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"api.example.com")]
        + [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: dict[str, Any]) -> None:
    return None


async def _batch(app: Any, scopes: Sequence[Scope], calls: int, fresh: bool = False) -> float:
    count = len(scopes)
    start = time.process_time()
    for index in range(calls):
        # A fresh scope dict per call, as a server makes one: apps may write into it.
        scope = dict(scopes[index % count])
        if fresh:
            # New bytes objects too, as a server parses them from each request: a bytes
            # object caches its hash, and a reused one would hide the cost of hashing it.
            scope["headers"] = [
                (bytes(bytearray(n)), bytes(bytearray(v))) for n, v in scope["headers"]
            ]
        await app(scope, _receive, _send)
    return time.process_time() - start


@dataclass(frozen=True)
class Variant:
    name: str
    app: Any
    scopes: Sequence[Scope]
    fresh: bool = False  # rebuild the header bytes on every call (counted in the time)


@dataclass(frozen=True)
class Timings:
    per_call_ns: dict[str, float]  # median over rounds
    ratios: dict[str, float]  # median over rounds of (variant / baseline) within a round
    samples: dict[str, list[float]]  # ns per call, one per round, in round order

    def paired_ratio(self, name: str, other: str) -> float:
        """Median over rounds of name / other, both measured in the same round."""
        return statistics.median(
            a / o for a, o in zip(self.samples[name], self.samples[other], strict=True)
        )

    def added_ratio(self, name: str, other: str, baseline: str) -> float:
        """Median over rounds of (name - baseline) / (other - baseline): cost added vs other's."""
        base = self.samples[baseline]
        return statistics.median(
            (a - b) / (o - b)
            for a, o, b in zip(self.samples[name], self.samples[other], base, strict=True)
        )


def measure(
    variants: Sequence[Variant],
    *,
    calls: int,
    rounds: int,
    baseline: str,
    progress: Callable[[str], None] = lambda _: None,
) -> Timings:
    loop = asyncio.new_event_loop()
    try:
        for variant in variants:  # warm up caches, memos and lazily built stacks
            loop.run_until_complete(
                _batch(variant.app, variant.scopes, max(calls // 10, 50), variant.fresh)
            )
        samples: dict[str, list[float]] = {v.name: [] for v in variants}
        for round_number in range(rounds):
            order = list(variants)
            random.shuffle(order)
            for variant in order:
                gc.collect()
                gc.disable()
                try:
                    seconds = loop.run_until_complete(
                        _batch(variant.app, variant.scopes, calls, variant.fresh)
                    )
                finally:
                    gc.enable()
                samples[variant.name].append(seconds / calls * 1e9)
            progress(f"round {round_number + 1}/{rounds}")
    finally:
        loop.close()
    per_call = {name: statistics.median(values) for name, values in samples.items()}
    base = samples[baseline]
    ratios = {
        name: statistics.median(v / b for v, b in zip(values, base, strict=True))
        for name, values in samples.items()
    }
    return Timings(per_call, ratios, samples)
