"""``corsguard check``: predict Chrome's CORS verdict for one request, and explain it."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from corsguard import app_loader
from corsguard.browser import CREDENTIALS_MODES, FetchRequest, InvalidFetchRequest
from corsguard.cli import exitcodes
from corsguard.cli.app_options import add_app_arguments
from corsguard.cli.colour import write_report
from corsguard.protocol.origin import NULL_ORIGIN, parse_serialized_origin

# In-process checks of a bare path: the app's host is fictional, so give it the page's scheme
# (an https page calling http would be blocked as mixed content before reaching the app).
IN_PROCESS_HOST = "testserver"


class UsageError(Exception):
    pass


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="predict Chrome's CORS verdict for one request and name the real cause",
        description=(
            "Send the request exactly as Chrome's fetch() would (preflight first when needed, "
            "redirects followed by the browser's rules), judge it as Chrome does, and explain "
            "the result. Exit codes: 0 allowed, 1 blocked, 2 usage error, 3 network error."
        ),
    )
    parser.add_argument("url", help="the URL the page's script fetches (a path with --app)")
    parser.add_argument(
        "--origin", required=True, help="the page's origin, e.g. https://app.example.com, or null"
    )
    parser.add_argument("-X", "--method", help="the method passed to fetch() (default GET)")
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a header the script sets (repeatable)",
    )
    parser.add_argument(
        "--credentials",
        choices=CREDENTIALS_MODES,
        default="same-origin",
        help="fetch()'s credentials mode; 'include' is axios withCredentials: true",
    )
    parser.add_argument("--data", help="the request body (@FILE reads a file); implies POST")
    parser.add_argument("--cookie", help="a Cookie header sent when the browser would send cookies")
    parser.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="report format (default text)",
    )
    parser.add_argument("--app", metavar="MODULE:ATTR", help="check an ASGI app in-process")
    add_app_arguments(parser, scope="with --app: ")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=10.0,
        metavar="S",
        help="seconds per request, a deadline for its whole answer (default 10)",
    )
    parser.add_argument(
        "--insecure", action="store_true", help="do not verify TLS certificates (self-signed)"
    )
    parser.add_argument(
        "--third-party-cookies",
        choices=("allow", "block"),
        default="allow",
        help="the browser's third-party cookie setting the cookies are judged under: allow "
        "(Chrome's default) or block (Safari, Firefox's partitioning, Chrome with the setting on)",
    )
    parser.add_argument(
        "--resolve",
        action="append",
        default=[],
        metavar="HOST:PORT:ADDR",
        help="as curl: connect to ADDR for HOST:PORT, keeping the name in Host and TLS "
        "(repeatable); checks a real host name against a local server",
    )
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also run the fetch in real headless Chromium and compare (corsguard[browser])",
    )
    parser.set_defaults(handler=run)


def positive_seconds(text: str) -> float:
    """An argparse ``type=``: a finite number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return value


def run(args: argparse.Namespace) -> int:
    from corsguard.check import CheckNetworkError, run_check
    from corsguard.check.render import agrees, render_text

    try:
        request = _fetch_request(args)
        resolve = _resolve(args)
        app = load_app(args.app, factory=args.factory) if args.app else None
        with started(app, args.lifespan) as served:
            if args.browser and served is not None:
                return _run_served(args, request, served)
            result = run_check(
                request,
                app=served,
                timeout=args.timeout,
                cookie=args.cookie,
                verify=not args.insecure,
                third_party_cookies=args.third_party_cookies,
                resolve=resolve,
            )
            browser = (
                _real_browser(request, args.timeout, args.third_party_cookies)
                if args.browser
                else None
            )
    except UsageError as exc:
        print(f"corsguard check: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    except InvalidFetchRequest as exc:
        print(f"corsguard check: fetch() would throw TypeError: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    except CheckNetworkError as exc:
        _network_error(args, exc)
        return exitcodes.NETWORK
    return _report(args, result, browser, agrees, render_text)


def _report(args: argparse.Namespace, result: Any, browser: Any, agrees: Any, render: Any) -> int:
    browser_json = browser.to_json() if browser is not None else None
    agreement = agrees(result, browser_json) if browser_json is not None else None
    if args.format == "json":
        document = result.to_json()
        if browser_json is not None:
            document["browser"] = browser_json
            document["agreement"] = agreement
        print(json.dumps(document, indent=2))
    elif args.format == "html":
        from corsguard.report.html.check import render as render_html

        document = result.to_json()
        if browser_json is not None:
            document["browser"] = browser_json
            document["agreement"] = agreement
        sys.stdout.write(render_html(document))
    else:
        write_report(render(result, browser_json))
    if agreement is False and browser_json is not None:
        model = "allowed" if result.allowed else result.verdict.cors_error or "blocked"
        real = "allowed" if browser_json["allowed"] else browser_json.get("cors_error") or "blocked"
        from corsguard.check.render import cookie_disagreements, cors_agrees

        if not cors_agrees(result, browser_json):
            print(
                f"corsguard check: DISAGREEMENT between the model ({model}) and real Chromium "
                f"({real}); Chromium's verdict decides the exit code",
                file=sys.stderr,
            )
        for problem in cookie_disagreements(result, browser_json):
            print(
                f"corsguard check: DISAGREEMENT on cookies between the model and real "
                f"Chromium: {problem}",
                file=sys.stderr,
            )
    allowed = bool(browser_json["allowed"]) if browser_json is not None else result.allowed
    return exitcodes.OK if allowed else exitcodes.FAILED


def _network_error(args: argparse.Namespace, exc: Exception) -> None:
    """The browser sees a network error (no CORS message): say so, in JSON too."""
    if args.format == "json":
        document: dict[str, Any] = {
            "allowed": False,
            "cors_error": None,
            "console_message": None,
            "blocked_reason": "network-error",
            "network_error": str(exc),
            "preflight": None,
            "actual": None,
            "findings": [],
        }
        print(json.dumps(document, indent=2))
    advice = (
        "The app hung or returned without sending a response: look at the route's code (a "
        "missing return, an await that never completes), or raise --timeout if it is only slow."
        if args.app
        else "Check that the server is running and the URL is right."
    )
    print(
        f"corsguard check: {exc}; in the browser this is 'TypeError: Failed to fetch' with no "
        f"CORS message. {advice}",
        file=sys.stderr,
    )


def _run_served(args: argparse.Namespace, request: FetchRequest, app: Any) -> int:
    """``--browser --app``: serve the app on loopback so that Chromium can reach it."""
    from dataclasses import replace

    from corsguard.check import CheckNetworkError, run_check
    from corsguard.check.render import agrees, render_text
    from corsguard.check.serve import serve_on_loopback

    try:
        with serve_on_loopback(app) as (base, app_errors):
            parts, served = urlsplit(request.url), urlsplit(base)
            url = urlunsplit((served.scheme, served.netloc, parts.path, parts.query, ""))
            request = replace(request, url=url)
            browser = _real_browser(request, args.timeout, args.third_party_cookies)
            # The diagnosis reads the served app's configuration and the exceptions it raised
            # (uvicorn records one after its 500 is sent: Chromium's run has recorded it by now).
            result = run_check(
                request,
                timeout=args.timeout,
                cookie=args.cookie,
                served=app,
                app_errors=app_errors,
                third_party_cookies=args.third_party_cookies,
            )
    except (UsageError, RuntimeError) as exc:
        print(f"corsguard check: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    except CheckNetworkError as exc:
        _network_error(args, exc)
        return exitcodes.NETWORK
    return _report(args, result, browser, agrees, render_text)


def _real_browser(request: FetchRequest, timeout: float, third_party_cookies: str) -> Any:
    try:
        chromium = importlib.import_module("corsguard.chromium")
    except ImportError as exc:
        raise UsageError(
            f"--browser needs the browser extra ({exc}): pip install 'corsguard[browser]' and "
            "Debian's chromium (apt-get install chromium)"
        ) from exc
    try:
        return chromium.check_in_chromium(
            request, timeout=max(timeout, 15.0), third_party_cookies=third_party_cookies
        )
    except chromium.ChromiumUnavailable as exc:
        raise UsageError(str(exc)) from exc


def _resolve(args: argparse.Namespace) -> dict[tuple[str, int], str]:
    from corsguard.check.resolve import ResolveError, parse_resolve

    if args.resolve and (args.app or args.browser):
        raise UsageError("--resolve applies to checks over HTTP, without --app or --browser")
    try:
        return parse_resolve(args.resolve)
    except ResolveError as exc:
        raise UsageError(str(exc)) from exc


def _fetch_request(args: argparse.Namespace) -> FetchRequest:
    origin = args.origin.strip()
    if origin != NULL_ORIGIN and parse_serialized_origin(origin) is None:
        raise UsageError(
            f"--origin {args.origin!r}: not a serialized origin; write it as the browser sends "
            "it, scheme://host[:port] in lower case, without path or trailing slash, e.g. "
            "https://app.example.com"
        )
    url = args.url
    if args.app and url.startswith("/"):
        scheme = "http" if origin.startswith("http://") else "https"
        url = f"{scheme}://{IN_PROCESS_HOST}{url}"
    if not _is_http_url(url):
        raise UsageError(
            f"{args.url!r}: not an http(s) URL; give one such as https://api.example.com/items"
        )
    headers: list[tuple[str, str]] = []
    for line in args.header:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"-H {line!r}: write headers as 'Name: value'")
        headers.append((name.strip(), value.strip()))
    body: bytes | None = None
    if args.data is not None:
        body = _read_data(args.data)
    method = args.method or ("POST" if body is not None else "GET")
    return FetchRequest(
        url=url,
        origin=origin,
        method=method,
        headers=tuple(headers),
        credentials=args.credentials,
        body=body,
    )


def _is_http_url(url: str) -> bool:
    """An http(s) URL with a host and, if any, a port number in range."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _read_data(data: str) -> bytes:
    if not data.startswith("@"):
        return data.encode("utf-8")
    try:
        with open(data[1:], "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"--data {data!r}: {exc.strerror}") from exc


def load_app(spec: str, *, factory: bool = False) -> Any:
    """Import ``module:attr``; a failure is a usage error whose message has the fix."""
    try:
        return app_loader.load_app(spec, factory=factory)
    except app_loader.AppLoadError as exc:
        raise UsageError(f"--app {exc}") from exc


@contextlib.contextmanager
def started(app: Any, mode: Any) -> Iterator[Any]:
    """The app with its lifespan started (``None`` without ``--app``); a failed startup is a
    usage error naming the app's message."""
    if app is None:
        yield None
        return
    from corsguard.lifespan import LifespanError, running
    from corsguard.policy import ConfigError

    context = running(app, mode)
    try:
        served = context.__enter__()
    except LifespanError as exc:
        raise UsageError(f"--app: {exc}") from exc
    except ConfigError as exc:
        raise UsageError(str(app_loader.config_error("--app: starting the app", exc))) from exc
    try:
        yield served
    except BaseException:
        if not context.__exit__(*sys.exc_info()):
            raise
    else:
        context.__exit__(None, None, None)
