"""Running one scenario twice: in real Chromium and through the model, over real HTTP."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

from corsguard.browser import FetchRequest, HttpRequest, HttpResponse, Verdict, simulate
from corsguard.chromium import Chromium, ChromiumVerdict
from tests.support.servers import free_port

from .scenario_server import ScenarioServer, Seen
from .scenarios import Scenario


def target_url(server: ScenarioServer, scenario: Scenario) -> str:
    if scenario.start in ("a", "b", "l"):
        return f"{server.base(scenario.slug, scenario.start)}/start"
    port = {"mixed": server.ports[0], "badport": 1, "down": free_port(), "ftp": 21}[scenario.start]
    host = "mixed.corsguard.test" if scenario.start == "mixed" else "127.0.0.1"
    scheme = "ftp" if scenario.start == "ftp" else "http"
    return f"{scheme}://{host}:{port}/{scenario.slug}/start"


def fetch_request(server: ScenarioServer, scenario: Scenario) -> FetchRequest:
    return FetchRequest(
        url=target_url(server, scenario),
        origin=scenario.origin,
        method=scenario.method,
        headers=scenario.headers,
        credentials=scenario.credentials,
        body=scenario.body,
    )


def send_http(request: HttpRequest) -> HttpResponse:
    """The model's ``send``: the exact request it built, over a real socket."""
    parts = urlsplit(request.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.putrequest(request.method, path, skip_accept_encoding=True)
        for name, value in request.headers:
            if name.lower() != "host":
                connection.putheader(name, value)
        if request.body is not None:
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body)
        response = connection.getresponse()
        response.read()
        return HttpResponse(response.status, tuple(response.getheaders()))
    finally:
        connection.close()


@dataclass(frozen=True)
class Run:
    real: ChromiumVerdict
    real_seen: list[Seen]
    model: Verdict | None
    model_seen: list[Seen]


def run(chromium: Chromium, server: ScenarioServer, scenario: Scenario) -> Run:
    request = fetch_request(server, scenario)
    server.forget(scenario.slug)
    real = chromium.fetch(request, timeout=10)
    real_seen = server.log(scenario.slug)
    server.forget(scenario.slug)
    model = None if scenario.start == "down" else simulate(request, send_http)
    model_seen = server.log(scenario.slug)
    server.forget(scenario.slug)
    return Run(real, real_seen, model, model_seen)


def real_outcome(verdict: ChromiumVerdict) -> str:
    if verdict.allowed:
        return "ok"
    return verdict.cors_error or verdict.blocked_reason or verdict.error_text or "blocked"


def model_outcome(verdict: Verdict) -> str:
    if verdict.allowed:
        return "ok"
    return verdict.cors_error or verdict.network_error or verdict.blocked_reason or "blocked"


def seen_key(seen: list[Seen]) -> list[tuple[str, str, str | None, str | None, str | None]]:
    return [(s.method, s.route, s.origin, s.request_method, s.request_headers) for s in seen]


def disagreements(scenario: Scenario, result: Run) -> list[str]:
    """Every way the model differs from real Chromium on this scenario."""
    real, model = result.real, result.model
    if model is None:
        return []
    problems = []
    if (model.allowed, model.cors_error) != (real.allowed, real.cors_error):
        problems.append(f"verdict: chromium {real_outcome(real)}, model {model_outcome(model)}")
    if real.cors_error and (real.failed_parameter or None) != (model.failed_parameter or None):
        problems.append(
            f"failed parameter: chromium {real.failed_parameter!r}, "
            f"model {model.failed_parameter!r}"
        )
    if (
        real.console_message
        and model.console_message
        and real.console_message != model.console_message
    ):
        problems.append(
            f"console message:\n  chromium {real.console_message!r}\n"
            f"  model    {model.console_message!r}"
        )
    if seen_key(result.real_seen) != seen_key(result.model_seen):
        problems.append(
            f"requests the server saw:\n  chromium {seen_key(result.real_seen)}\n"
            f"  model    {seen_key(result.model_seen)}"
        )
    if scenario.readable and real.allowed and model.allowed:
        readable = {name.lower() for name in model.readable_headers}
        if set(real.readable_headers) != readable:
            problems.append(
                f"readable headers: chromium {sorted(real.readable_headers)}, "
                f"model {sorted(readable)}"
            )
    return problems
