"""``corsguard scan``: probe deployed APIs for CORS misconfigurations an attacker would use.

The report goes to standard output (or ``--output``); progress and the summary go to standard
error, so ``corsguard scan ... --format json | jq`` stays clean.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from corsguard.cli import exitcodes
from corsguard.cli.app_options import add_app_arguments
from corsguard.cli.colour import write_report
from corsguard.codes import Severity
from corsguard.report.model import FORMATS, get_formatter


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="scan APIs for CORS misconfigurations an attacker would use",
        description=(
            "Send attacker-controlled origins, derived from the origins the API trusts, as "
            "simple requests and preflights, with and without credentials, and report every "
            "misconfiguration class with its severity, an exploit sketch and the fix."
        ),
    )
    parser.add_argument(
        "urls",
        nargs="*",
        metavar="URL",
        help="URLs to scan; '-' reads a list from standard input, '@FILE' from a file",
    )
    parser.add_argument(
        "--origin",
        action="append",
        default=[],
        metavar="TRUSTED",
        help="an origin the API is meant to trust, e.g. https://app.example.com or "
        "https://*.example.com (repeatable)",
    )
    parser.add_argument(
        "--input",
        "-i",
        action="append",
        default=[],
        metavar="FILE",
        help="read URLs from FILE, one per line (repeatable)",
    )
    parser.add_argument(
        "--openapi",
        metavar="SPEC",
        help="OpenAPI document (URL or file, JSON or YAML): scan every path and "
        "method under each URL, or under the document's servers",
    )
    parser.add_argument(
        "--method",
        action="append",
        default=[],
        metavar="METHOD",
        help="methods to test on every URL without --openapi (default GET)",
    )
    parser.add_argument("--format", "-f", choices=FORMATS, default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--concurrency",
        type=_positive,
        default=50,
        metavar="N",
        help="requests in flight overall (default 50)",
    )
    parser.add_argument(
        "--per-host",
        type=_positive,
        default=6,
        metavar="N",
        help="requests in flight per host (default 6)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds per request attempt (default 10)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help="retries after a network error (default 2)",
    )
    parser.add_argument(
        "--fail-on",
        type=_severity,
        default=Severity.LOW,
        metavar="SEVERITY",
        help="exit 1 if a finding is at or above: info, low (default), medium, high, critical",
    )
    parser.add_argument(
        "--app",
        metavar="MODULE:ATTR",
        help="scan this ASGI app in-process instead of over the network",
    )
    add_app_arguments(parser, scope="with --app: ")
    parser.add_argument(
        "--header",
        "-H",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra header on every request (repeatable)",
    )
    parser.add_argument(
        "--insecure", "-k", action="store_true", help="do not verify TLS certificates"
    )
    parser.add_argument("--proxy", metavar="URL", help="send every request through this HTTP proxy")
    parser.add_argument("--token", help="attacker label used in probe origins (default random)")
    parser.set_defaults(handler=run)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _usage(message: str) -> int:
    print(f"corsguard scan: error: {message}", file=sys.stderr)
    return exitcodes.USAGE


def _headers(values: list[str]) -> tuple[tuple[str, str], ...]:
    headers = []
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not name.strip():
            raise ValueError(f"--header {value!r}: write it as 'Name: value'.")
        headers.append((name.strip(), rest.strip()))
    return tuple(headers)


async def _fetch_text(url: str, app: Any, timeout: float, verify: bool) -> str:
    import httpx

    transport = httpx.ASGITransport(app=app) if app is not None else None
    async with httpx.AsyncClient(transport=transport, timeout=timeout, verify=verify) as client:
        response = await client.get(url)
        response.raise_for_status()
        return response.text


def _spec_url(spec: str, urls: list[str]) -> str | None:
    """The OpenAPI document's URL, or ``None`` for a file.

    A path such as ``/openapi.json`` that is not a file names the document on the first URL's
    server, which is where FastAPI serves it.
    """
    if "://" in spec:
        return spec
    if spec.startswith("/") and not Path(spec).exists() and urls:
        return urljoin(urls[0], spec)
    return None


def run(args: argparse.Namespace) -> int:
    from corsguard.scan.probes import parse_trusted
    from corsguard.scan.targets import (
        TargetError,
        collect_targets,
    )

    try:
        trusted = [parse_trusted(value) for value in args.origin]
        extra = _headers(args.header)
        methods = tuple(m.upper() for m in args.method) or ("GET",)
        targets = collect_targets(args.urls, args.input, sys.stdin, methods)
    except (ValueError, TargetError) as error:
        return _usage(str(error))
    if not args.app:
        return _scan_targets(args, targets, trusted, extra, None)
    from corsguard.app_loader import AppLoadError, config_error, load_app
    from corsguard.lifespan import LifespanError, running
    from corsguard.policy import ConfigError

    try:
        app = load_app(args.app, factory=args.factory)
    except AppLoadError as error:
        return _usage(str(error))
    context = running(app, args.lifespan)
    try:
        served = context.__enter__()
    except LifespanError as error:
        return _usage(f"--app: {error}")
    except ConfigError as error:
        return _usage(str(config_error("--app: starting the app", error)))
    try:
        return _scan_targets(args, targets, trusted, extra, served)
    finally:
        context.__exit__(None, None, None)


def _scan_targets(
    args: argparse.Namespace, targets: list[Any], trusted: list[Any], extra: Any, app: Any
) -> int:
    """Scan ``targets`` (expanded from ``--openapi``), over the network or in ``app``."""
    from corsguard.scan.runner import ScanOptions
    from corsguard.scan.targets import TargetError, expand_spec, parse_spec, spec_base_urls

    if args.openapi:
        spec_url = _spec_url(args.openapi, [t.url for t in targets])
        try:
            if spec_url is not None:
                text = asyncio.run(_fetch_text(spec_url, app, args.timeout, not args.insecure))
            else:
                text = Path(args.openapi).read_text(encoding="utf-8")
            spec = parse_spec(text, args.openapi)
        except OSError as error:
            return _usage(f"{args.openapi}: cannot read the OpenAPI document: {error}.")
        except TargetError as error:
            return _usage(str(error))
        except Exception as error:  # httpx errors: the document's server is unreachable
            print(f"corsguard scan: {args.openapi}: cannot fetch: {error}", file=sys.stderr)
            return exitcodes.NETWORK
        bases = [t.url for t in targets] or spec_base_urls(spec, spec_url)
        if not bases:
            return _usage(
                f"{args.openapi}: the document names no absolute server URL; pass the API's "
                "base URL as an argument, for example: "
                "corsguard scan https://api.example.com --openapi SPEC."
            )
        targets = expand_spec(spec, bases)
    if not targets and app is not None:
        return _usage(
            "no URL to scan; with --app, pass the app's base URL and --openapi /openapi.json to "
            "scan every route, for example: corsguard scan https://api.example.com --openapi "
            f"/openapi.json --app {args.app}."
        )
    if not targets:
        return _usage("no URL to scan; pass URLs, '-' to read them from standard input, or @FILE.")
    if not trusted and any(t.trusted is None for t in targets):
        print(
            "corsguard scan: note: no --origin given; probes derive from each scanned host only. "
            "Pass the origin the API trusts (--origin https://app.example.com) for full coverage.",
            file=sys.stderr,
        )
    options = ScanOptions(
        concurrency=args.concurrency,
        per_host=args.per_host,
        timeout=args.timeout,
        retries=max(0, args.retries),
        verify=not args.insecure,
        app=app,
        headers=extra,
        token=args.token,
        proxy=args.proxy,
    )
    return _scan(args, targets, trusted, options)


def _scan(args: argparse.Namespace, targets: list[Any], trusted: list[Any], options: Any) -> int:
    from corsguard.scan.matrix import to_report
    from corsguard.scan.progress import Progress
    from corsguard.scan.runner import scan

    progress = Progress(sys.stderr)
    started = time.perf_counter()
    try:
        results = scan(targets, trusted, options, on_progress=progress.update)
    finally:
        progress.close()
    elapsed = time.perf_counter() - started
    info = {
        "trusted_origins": [t.text for t in trusted],
        "requests": sum(result.requests_sent for result in results),
        "seconds": round(elapsed, 3),
    }
    report = to_report(results, info)
    rendered = get_formatter(args.format).render(report)
    if args.output:
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as error:
            return _usage(f"{args.output}: cannot write the report: {error.strerror}.")
    elif args.format == "text":
        write_report(rendered)
        sys.stdout.flush()
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    counts = Counter(str(f.severity) for f in report.findings)
    unreachable = [r for r in results if r.error]
    summary = ", ".join(f"{counts[str(s)]} {s}" for s in reversed(Severity) if counts[str(s)])
    line = (
        f"corsguard scan: {len(results)} targets, {info['requests']} requests in {elapsed:.2f} s: "
        f"{summary or 'no findings'}"
    )
    if unreachable:
        line += f"; {len(unreachable)} unreachable"
    print(line, file=sys.stderr)
    for result in unreachable:
        print(f"corsguard scan: {result.error}", file=sys.stderr)
    if any(f.severity >= args.fail_on for f in report.findings):
        return exitcodes.FAILED
    if unreachable:
        return exitcodes.NETWORK
    return exitcodes.OK
