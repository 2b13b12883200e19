"""A scripted server for the browser model: responses by (preflight?, URL)."""

from __future__ import annotations

from collections.abc import Mapping

from corsguard.browser import FetchRequest, HttpRequest, HttpResponse, Verdict, simulate

ORIGIN = "https://app.example.com"
API = "https://api.example.com/items"


def resp(status: int = 200, /, **headers: str | list[str]) -> HttpResponse:
    """``resp(200, acao="*")``: short names for the CORS headers, lists for repeated lines."""
    short = {
        "acao": "Access-Control-Allow-Origin",
        "acac": "Access-Control-Allow-Credentials",
        "acam": "Access-Control-Allow-Methods",
        "acah": "Access-Control-Allow-Headers",
        "aceh": "Access-Control-Expose-Headers",
        "acma": "Access-Control-Max-Age",
        "location": "Location",
    }
    lines: list[tuple[str, str]] = []
    for key, value in headers.items():
        name = short.get(key, key.replace("_", "-"))
        for item in value if isinstance(value, list) else [value]:
            lines.append((name, item))
    return HttpResponse(status, tuple(lines))


def run(
    request: FetchRequest,
    preflight: HttpResponse | Mapping[str, HttpResponse] | None = None,
    actual: HttpResponse | Mapping[str, HttpResponse] | None = None,
) -> tuple[Verdict, list[HttpRequest]]:
    """Simulate ``request``; each argument is one response for every URL or one per URL."""
    sent: list[HttpRequest] = []

    def pick(table: HttpResponse | Mapping[str, HttpResponse] | None, url: str) -> HttpResponse:
        if table is None:
            return HttpResponse(200, ())
        if isinstance(table, HttpResponse):
            return table
        return table.get(url, HttpResponse(404, ()))

    def send(outgoing: HttpRequest) -> HttpResponse:
        sent.append(outgoing)
        return pick(preflight if outgoing.is_preflight else actual, outgoing.url)

    return simulate(request, send), sent
