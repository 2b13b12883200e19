"""The model against real Chromium: same verdict, same CorsError, same console message.

Three uvicorn servers on loopback: the page's origin (A), the API (B) and a third origin (C)
for cross-origin redirects. Each probe runs ``fetch()`` in a fresh browser context, reads
Chromium's CorsError from the DevTools protocol and compares it with ``run_check``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from corsguard.browser import FetchRequest
from corsguard.check import run_check
from tests.support.servers import require_binary, serve_asgi

pytestmark = [pytest.mark.chromium, pytest.mark.uvicorn]

Answer = tuple[int, list[tuple[str, str]]]
A, ACAC = "{A}", ("access-control-allow-credentials", "true")


def acao(value: str = A) -> tuple[str, str]:
    return ("access-control-allow-origin", value)


@dataclass(frozen=True)
class Probe:
    name: str
    init: dict[str, Any]  # fetch() init: method, headers, credentials, body
    hops: dict[str, dict[str, Answer]] = field(default_factory=dict)  # hop -> OPTIONS/* -> answer


PF_OK = (
    204,
    [
        acao(),
        ("access-control-allow-methods", "PUT, DELETE"),
        ("access-control-allow-headers", "x-foo, authorization"),
    ],
)
PUT = {"method": "PUT"}
PROBES = [
    Probe("missing ACAO", {}, {"0": {"*": (200, [])}}),
    Probe("ACAO *", {}, {"0": {"*": (200, [acao("*")])}}),
    Probe("ACAO * with credentials", {"credentials": "include"}, {"0": {"*": (200, [acao("*")])}}),
    Probe("two ACAO lines", {}, {"0": {"*": (200, [acao(), acao()])}}),
    Probe("ACAO null", {}, {"0": {"*": (200, [acao("null")])}}),
    Probe("ACAO empty", {}, {"0": {"*": (200, [acao("")])}}),
    Probe("ACAO without scheme", {}, {"0": {"*": (200, [acao("127.0.0.1")])}}),
    Probe("ACAO with a trailing slash", {}, {"0": {"*": (200, [acao(A + "/")])}}),
    Probe("ACAO with a bad port", {}, {"0": {"*": (200, [acao("http://127.0.0.1:99999")])}}),
    Probe("ACAO latin-1 byte", {}, {"0": {"*": (200, [acao("http://\xe9.example")])}}),
    Probe("credentials without ACAC", {"credentials": "include"}, {"0": {"*": (200, [acao()])}}),
    Probe(
        "ACAC True",
        {"credentials": "include"},
        {"0": {"*": (200, [acao(), ("access-control-allow-credentials", "True")])}},
    ),
    Probe("credentials allowed", {"credentials": "include"}, {"0": {"*": (200, [acao(), ACAC])}}),
    Probe("a 500 with ACAO", {}, {"0": {"*": (500, [acao()])}}),
    Probe("preflight without ACAO", PUT, {"0": {"OPTIONS": (204, [])}}),
    Probe("preflight 404 with ACAO", PUT, {"0": {"OPTIONS": (404, [acao()])}}),
    Probe("preflight redirect", PUT, {"0": {"OPTIONS": (307, [acao(), ("location", "/x/1")])}}),
    Probe("preflight 302 without Location", PUT, {"0": {"OPTIONS": (302, [acao()])}}),
    Probe(
        "preflight without ACAC",
        {"method": "PUT", "credentials": "include"},
        {"0": {"OPTIONS": PF_OK}},
    ),
    Probe(
        "ACAM not tokens",
        PUT,
        {"0": {"OPTIONS": (204, [acao(), ("access-control-allow-methods", "GET PUT")])}},
    ),
    Probe(
        "ACAH not tokens",
        PUT,
        {
            "0": {
                "OPTIONS": (
                    204,
                    [
                        acao(),
                        ("access-control-allow-methods", "PUT"),
                        ("access-control-allow-headers", "x y"),
                    ],
                )
            }
        },
    ),
    Probe(
        "ACAM case",
        PUT,
        {"0": {"OPTIONS": (204, [acao(), ("access-control-allow-methods", "put")])}},
    ),
    Probe(
        "patch stays lower-case",
        {"method": "patch"},
        {"0": {"OPTIONS": (204, [acao(), ("access-control-allow-methods", "PATCH")])}},
    ),
    Probe(
        "ACAM * with credentials",
        {"method": "PUT", "credentials": "include"},
        {"0": {"OPTIONS": (204, [acao(), ACAC, ("access-control-allow-methods", "*")])}},
    ),
    Probe(
        "header not allowed",
        {"method": "PUT", "headers": [["X-Bar", "1"]]},
        {"0": {"OPTIONS": PF_OK}},
    ),
    Probe(
        "Authorization under ACAH *",
        {"headers": [["Authorization", "x"]]},
        {
            "0": {
                "OPTIONS": (204, [acao(), ("access-control-allow-headers", "*")]),
                "*": (200, [acao()]),
            }
        },
    ),
    Probe(
        "allowed PUT",
        {"method": "PUT", "headers": [["X-Foo", "1"]]},
        {"0": {"OPTIONS": PF_OK, "*": (200, [acao()])}},
    ),
    Probe("redirect without ACAO", {}, {"0": {"*": (302, [("location", "/r/1")])}}),
    Probe(
        "cross-origin redirect taints",
        {},
        {"0": {"*": (302, [acao(), ("location", "{C}/p/1")])}, "1": {"*": (200, [acao()])}},
    ),
    Probe(
        "tainted origin allowed by null",
        {},
        {"0": {"*": (302, [acao(), ("location", "{C}/p/1")])}, "1": {"*": (200, [acao("null")])}},
    ),
    Probe(
        "userinfo in Location",
        {},
        {"0": {"*": (302, [acao(), ("location", "http://u:p@127.0.0.1:1/x")])}},
    ),
    Probe(
        "new preflight after a redirect",
        PUT,
        {
            "0": {"OPTIONS": PF_OK, "*": (307, [acao(), ("location", "{C}/p/1")])},
            "1": {"OPTIONS": PF_OK},
        },
    ),
    Probe(
        "Authorization dropped cross-origin",
        {"headers": [["Authorization", "x"]]},
        {
            "0": {"OPTIONS": PF_OK, "*": (307, [acao(), ("location", "{C}/p/1")])},
            "1": {"OPTIONS": (204, []), "*": (200, [acao("null")])},
        },
    ),
    Probe("redirect loop", {}, {"0": {"*": (302, [acao(), ("location", "/p/0")])}}),
    Probe(
        "nine safelisted headers over 1024 bytes",
        {
            "headers": [
                ["Accept", "a" * 128],
                ["Accept-Language", "b" * 128],
                ["Content-Language", "c" * 128],
                ["Downlink", "1" * 128],
                ["DPR", "1" * 128],
                ["Intervention", "i" * 128],
                ["RTT", "1" * 128],
                ["Viewport-Width", "1" * 128],
                ["Width", "1" * 128],
            ]
        },
        {"0": {"OPTIONS": (204, []), "*": (200, [acao()])}},
    ),
    Probe(
        "combined Accept over 128 bytes",
        {"headers": [["Accept", "a" * 64], ["Accept", "b" * 64]]},
        {"0": {"OPTIONS": (204, []), "*": (200, [acao()])}},
    ),
    Probe(
        "JSON body",
        {"method": "POST", "headers": [["Content-Type", "application/json"]], "body": "{}"},
        {"0": {"OPTIONS": (204, [acao()]), "*": (200, [acao()])}},
    ),
]


@contextlib.contextmanager
def servers() -> Iterator[tuple[str, str, str, dict[str, Probe]]]:
    table: dict[str, Probe] = {}
    ports: dict[str, str] = {}

    async def api(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        probe_id, _, hop = scope["path"].strip("/").partition("/")
        probe = table.get(probe_id)
        answers = probe.hops.get(hop or "0", {}) if probe else {}
        key = "OPTIONS" if scope["method"] == "OPTIONS" else "*"
        status, headers = answers.get(key, answers.get("*", (200, [])))
        lines = []
        for name, value in headers:
            for mark, base in ports.items():
                value = value.replace(mark, base)
            lines.append((name.encode(), value.encode("latin-1")))
        await send({"type": "http.response.start", "status": status, "headers": lines})
        await send({"type": "http.response.body", "body": b"" if status in (204, 304) else b"ok"})

    async def page(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        await send({"type": "http.response.body", "body": b"<!doctype html>probe"})

    with serve_asgi(page) as a, serve_asgi(api) as b, serve_asgi(api) as c:
        ports.update({"{A}": a, "{B}": b, "{C}": c})
        yield a, b, c, table


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    executable = require_binary("chromium", "/usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


FETCH = """async ([url, init]) => {
  try { const r = await fetch(url, init); return "allowed " + r.status }
  catch (e) { return String(e) } }"""


def test_model_agrees_with_chromium(chromium: Any) -> None:
    disagreements = []
    seen: list[tuple[bool, str | None]] = []
    with servers() as (page_url, api_url, _, table):
        for index, probe in enumerate(PROBES):
            probe_id = f"p{index}"
            hops = {hop: dict(answers) for hop, answers in probe.hops.items()}
            # Locations are written relative to the probe: /p/1 means hop 1 of this probe.
            for answers in hops.values():
                for key, (status, headers) in answers.items():
                    answers[key] = (
                        status,
                        [
                            (n, v.replace("/p/", f"/{probe_id}/").replace("/r/", f"/{probe_id}/"))
                            for n, v in headers
                        ],
                    )
            table[probe_id] = Probe(probe.name, probe.init, hops)
            url = f"{api_url}/{probe_id}/0"
            context = chromium.new_context()
            try:
                tab = context.new_page()
                cdp = context.new_cdp_session(tab)
                failures: list[dict[str, Any]] = []
                console: list[str] = []
                cdp.on(
                    "Network.loadingFailed", lambda event, failures=failures: failures.append(event)
                )
                tab.on("console", lambda message, console=console: console.append(message.text))
                cdp.send("Network.enable")
                tab.goto(page_url + "/")
                outcome = tab.evaluate(FETCH, [url, probe.init])
                tab.wait_for_timeout(150)
            finally:
                context.close()
            chrome_error = next(
                (f["corsErrorStatus"]["corsError"] for f in failures if f.get("corsErrorStatus")),
                None,
            )
            chrome_allowed = outcome.startswith("allowed")
            request = FetchRequest(
                url,
                page_url,
                probe.init.get("method", "GET"),
                tuple((n, v) for n, v in probe.init.get("headers", [])),
                probe.init.get("credentials", "same-origin"),
                probe.init["body"].encode() if "body" in probe.init else None,
            )
            model = run_check(request).verdict
            seen.append((chrome_allowed, chrome_error))
            messages = [m for m in console if m.startswith("Access to fetch")]
            same = (model.allowed, model.cors_error) == (
                chrome_allowed,
                None if chrome_allowed else chrome_error,
            )
            if messages and model.console_message != messages[0]:
                same = False
            if not same:
                disagreements.append(
                    (
                        probe.name,
                        (chrome_allowed, chrome_error, messages[:1]),
                        (model.allowed, model.cors_error, model.console_message),
                    )
                )
    assert disagreements == []
    # The probes really ran: Chromium allowed some and named a CorsError for most of the rest.
    assert sum(allowed for allowed, _ in seen) >= 5
    assert sum(error is not None for _, error in seen) >= 25
