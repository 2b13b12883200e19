"""``python -m benchmarks``: corsguard's CORSMiddleware vs Starlette's vs no middleware.

Prints a Markdown report to stdout (paste it into ``benchmarks/RESULTS.md``) and progress to
stderr. ``--quick`` runs fewer rounds; ``--no-load`` skips the uvicorn + wrk part.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import fastapi
import starlette

from benchmarks import inprocess, load
from corsguard import __version__


def _progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier figures)")
    parser.add_argument("--no-load", action="store_true", help="skip the uvicorn + wrk test")
    parser.add_argument("--rounds", type=int, default=None, help="in-process rounds")
    parser.add_argument("--load-rounds", type=int, default=None, help="wrk rounds per server")
    parser.add_argument("--load-seconds", type=int, default=2, help="seconds per wrk run")
    parser.add_argument(
        "--http",
        choices=("h11", "httptools"),
        default="h11",
        help="uvicorn's HTTP implementation for the load test (httptools: uvicorn[standard])",
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 15)
    load_rounds = args.load_rounds or (5 if args.quick else 20)

    started = time.monotonic()
    rows: list[inprocess.Row] = []
    for title, scenario in (
        ("FastAPI hello endpoint", inprocess.fastapi_hello),
        ("empty ASGI app", inprocess.empty_app),
        ("10,000 origins + 1,000 patterns", inprocess.large_policy),
        ("hostile preflight", inprocess.hostile_preflight),
    ):
        print(f"{title}:", file=sys.stderr, flush=True)
        rows += scenario(rounds, _progress)[1]

    load_result: load.LoadResult | None = None
    load_note = "skipped (--no-load)"
    if not args.no_load:
        if load.wrk_path() is None:
            load_note = "skipped: wrk is not installed"
        else:
            print("uvicorn + wrk:", file=sys.stderr, flush=True)
            load_result = load.run(
                load_rounds, args.load_seconds, progress=_progress, http=args.http
            )
            result = load_result
            rows.append(
                inprocess.Row(
                    "uvicorn + wrk, FastAPI hello, GET, allowed Origin: requests per server "
                    "CPU second",
                    _load_figures(result.per_cpu, result.cpu_ratios),
                    "corsguard ≥ 0.97 of none",
                    result.cpu_ratios["corsguard"] >= 0.97,
                )
            )
            rows.append(
                inprocess.Row(
                    "uvicorn + wrk, same runs: requests per wall-clock second",
                    _load_figures(result.rps, result.ratios),
                    "corsguard ≥ 0.97 of none (noisy on a shared machine)",
                    result.ratios["corsguard"] >= 0.97,
                )
            )

    print(f"Command: `python -m benchmarks {' '.join(argv or sys.argv[1:])}`".rstrip())
    print()
    print(
        f"corsguard {__version__}, Starlette {starlette.__version__}, FastAPI "
        f"{fastapi.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average at the end {_loadavg()}; {rounds} in-process rounds"
        + (f", {load_rounds} wrk rounds of {args.load_seconds} s" if load_result else "")
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
        print(f"Load generator: `{load_result.command}` on 127.0.0.1.")
    else:
        print()
        print(f"Load test: {load_note}.")
    print()
    print("Paste this report into benchmarks/RESULTS.md.", file=sys.stderr)
    return 0 if all(row.passed is not False for row in rows) else 1


def _load_figures(values: dict[str, float], ratios: dict[str, float]) -> str:
    return (
        f"none {values['none']:,.0f}, Starlette {values['starlette']:,.0f} "
        f"({ratios['starlette']:.3f}), corsguard {values['corsguard']:,.0f} "
        f"({ratios['corsguard']:.3f}); two fixed headers, no CORS logic "
        f"{values['floor']:,.0f} ({ratios['floor']:.3f}); corsguard with only allow_origins "
        f"(two headers) {values['corsguard-minimal']:,.0f} "
        f"({ratios['corsguard-minimal']:.3f})"
    )


def _loadavg() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
