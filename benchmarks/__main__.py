"""``python -m benchmarks``: corsguard's CORSMiddleware vs Starlette's vs no middleware.

Prints a Markdown report to stdout (paste it into ``benchmarks/RESULTS.md``) and progress to
stderr. ``--quick`` runs fewer rounds; ``--no-load`` skips the uvicorn + wrk part,
``--load-only`` runs only that part.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import fastapi
import starlette

from benchmarks import inprocess, load, server
from corsguard import __version__


def _progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier figures)")
    parser.add_argument("--no-load", action="store_true", help="skip the uvicorn + wrk test")
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="only the uvicorn parts (its protocol in-process, then under wrk)",
    )
    parser.add_argument("--rounds", type=int, default=None, help="in-process rounds")
    parser.add_argument(
        "--load-rounds",
        type=int,
        default=None,
        help="load rounds (rounded up to whole rotations of the variants over the servers)",
    )
    parser.add_argument("--load-seconds", type=int, default=5, help="seconds per load round")
    parser.add_argument(
        "--http",
        choices=("h11", "httptools"),
        default="h11",
        help="uvicorn's HTTP implementation for the load test (httptools: uvicorn[standard])",
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 15)
    load_rounds = args.load_rounds or (6 if args.quick else 18)

    started = time.monotonic()
    rows: list[inprocess.Row] = []
    scenarios = (
        ("FastAPI hello endpoint", inprocess.fastapi_hello),
        ("empty ASGI app", inprocess.empty_app),
        ("10,000 origins + 1,000 patterns", inprocess.large_policy),
        ("hostile preflight", inprocess.hostile_preflight),
    )
    for title, scenario in () if args.load_only else scenarios:
        print(f"{title}:", file=sys.stderr, flush=True)
        rows += scenario(rounds, _progress)[1]

    print("uvicorn's protocol in-process:", file=sys.stderr, flush=True)
    server_result = server.run(args.http, 6 if args.quick else 20, progress=_progress)
    rows += _server_rows(server_result)

    load_result: load.LoadResult | None = None
    load_note = "skipped (--no-load)"
    if args.no_load and args.load_only:
        parser.error("--no-load and --load-only leave nothing to run")
    if not args.no_load:
        if load.wrk_path() is None:
            load_note = "skipped: wrk is not installed"
        else:
            print("uvicorn + wrk:", file=sys.stderr, flush=True)
            load_result = load.run(
                load_rounds, args.load_seconds, progress=_progress, http=args.http
            )
            rows += _load_rows(load_result)

    print(f"Command: `python -m benchmarks {' '.join(argv or sys.argv[1:])}`".rstrip())
    print()
    print(
        f"corsguard {__version__}, Starlette {starlette.__version__}, FastAPI "
        f"{fastapi.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average at the end {_loadavg()}; {0 if args.load_only else rounds} in-process rounds"
        + (f", {load_result.rounds} load rounds of {args.load_seconds} s" if load_result else "")
        + f"; {time.monotonic() - started:.0f} s in all."
    )
    print()
    print("| scenario | figures (medians over rounds) | target | met |")
    print("|---|---|---|---|")
    for row in rows:
        met = "n/a" if row.passed is None else "yes" if row.passed else "NO"
        print(f"| {row.scenario} | {row.figures} | {row.target} | {met} |")
    if load_result is not None:
        print()
        print(f"Load test: {load_result.command}, on 127.0.0.1.")
    else:
        print()
        print(f"Load test: {load_note}.")
    print()
    print("Paste this report into benchmarks/RESULTS.md.", file=sys.stderr)
    return 0 if all(row.passed is not False for row in rows) else 1


def _server_rows(result: server.ServerResult) -> list[inprocess.Row]:
    def added(name: str) -> str:
        return f"+{result.added_ns(name):,.0f} ns ({result.ratio(name):.3f})"

    return [
        inprocess.Row(
            f"uvicorn's HTTP protocol in-process (--http {result.http}), FastAPI hello, GET, "
            "allowed Origin: time per request, and requests per second relative to none",
            f"none {result.median_ns('none'):,.0f} ns; Starlette {added('starlette')}, "
            f"corsguard {added('corsguard')}; a middleware with no CORS logic that appends "
            f"the same four headers {added('floor4')}; corsguard with only allow_origins "
            f"{added('corsguard-minimal')}, the same two fixed headers {added('floor')}",
            "information (no sockets; the load test below is the target)",
            None,
        )
    ]


def _load_rows(result: load.LoadResult) -> list[inprocess.Row]:
    rows = []
    for wall, title in (
        (False, "requests per server CPU second"),
        (True, "requests per second (servers sharing one CPU)"),
    ):
        rows.append(
            inprocess.Row(
                f"uvicorn + wrk, FastAPI hello, GET, allowed Origin: {title}",
                f"none {result.median('none', wall=wall):,.0f}, Starlette "
                f"{_load_figure(result, 'starlette', wall)}, corsguard "
                f"{_load_figure(result, 'corsguard', wall)}; for reference, a middleware with "
                f"no CORS logic that appends the same four headers "
                f"{_load_figure(result, 'floor4', wall)}",
                "corsguard ≥ 0.97 of none",
                result.ratio("corsguard", wall=wall) >= 0.97,
            )
        )
    rows.append(
        inprocess.Row(
            "uvicorn + wrk, same runs, requests per server CPU second: two-header configurations",
            f"corsguard with only allow_origins {_load_figure(result, 'corsguard-minimal')}; a "
            f"middleware with no CORS logic that appends the same two headers "
            f"{_load_figure(result, 'floor')}",
            "information",
            None,
        )
    )
    rows.append(
        inprocess.Row(
            "uvicorn + wrk, same runs, requests per server CPU second: corsguard against the "
            "fixed-header middleware that sends the same headers",
            f"four headers {_versus(result, 'corsguard', 'floor4')}; two headers "
            f"{_versus(result, 'corsguard-minimal', 'floor')}",
            "information: the cost of corsguard's decisions under load",
            None,
        )
    )
    return rows


def _load_figure(result: load.LoadResult, name: str, wall: bool = False) -> str:
    """``name``'s median, then its ratio to no middleware and that ratio's quartiles."""
    return f"{result.median(name, wall=wall):,.0f} ({_versus(result, name, 'none', wall)})"


def _versus(result: load.LoadResult, name: str, baseline: str, wall: bool = False) -> str:
    ratio = result.ratio(name, baseline, wall=wall)
    return f"{ratio:.3f}, IQR {result.quartiles(name, baseline, wall=wall)}"


def _loadavg() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
