"""A zoo of CORS configurations: one misconfigured endpoint per scan class, and correct ones.

The layout is the common one: the API on ``https://api.example.com`` is meant to trust the
single-page app on ``https://app.example.com``. Every misconfigured endpoint also grants the
trusted origin, as real ones do. Hand-written endpoints mimic what proxies and hand-rolled
middleware do; the correct endpoints use Starlette's and corsguard's middleware.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.middleware.cors import CORSMiddleware as StarletteCORS
from starlette.types import Receive, Scope, Send

from corsguard.middleware import CORSMiddleware
from corsguard.policy import CORSPolicy

TRUSTED = "https://app.example.com"
API = "https://api.example.com"

Headers = list[tuple[str, str]]
# (origin, request headers, is_preflight) -> the CORS header lines to send
Decide = Callable[[str, dict[str, str], bool], Headers]


def _allow(origin: str, *, credentials: bool = True, vary: bool = True) -> Headers:
    lines = [("access-control-allow-origin", origin)]
    if credentials:
        lines.append(("access-control-allow-credentials", "true"))
    if vary:
        lines.append(("vary", "Origin"))
    return lines


def _preflight_extras(headers: dict[str, str]) -> Headers:
    # What a permissive proxy recipe sends: whatever method and headers were asked for.
    method = headers.get("access-control-request-method", "GET")
    lines = [("access-control-allow-methods", method)]
    if "access-control-request-headers" in headers:
        lines.append(("access-control-allow-headers", headers["access-control-request-headers"]))
    return lines


_FIXED_PREFLIGHT: Headers = [
    ("access-control-allow-methods", "GET, POST"),
    ("access-control-allow-headers", "content-type"),
]


def allow_if(rule: Callable[[str], bool], **kwargs: bool) -> Decide:
    """Grant the origin (echoed) when ``rule`` accepts it, as a hand-written check does."""

    def decide(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
        if not (origin == TRUSTED or rule(origin)):
            return [("vary", "Origin")] if kwargs.get("vary", True) else []
        lines = _allow(origin, **kwargs)
        return lines + (_FIXED_PREFLIGHT if preflight else [])

    return decide


def _host_prefix(origin: str) -> str:
    # A host "parser" that stops at the first character outside [a-z0-9.-], as some do.
    match = re.match(r"https://[a-z0-9.-]+", origin)
    return match.group(0) if match else ""


def _credential_conditional(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
    # Starlette before 0.21 with allow_origins=["*"], allow_credentials=True: '*' until a Cookie.
    if "cookie" in headers or "authorization" in headers:
        return _allow(origin)
    return [("access-control-allow-origin", "*"), ("access-control-allow-credentials", "true")]


def _invalid(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
    # A proxy adds '*' and the app adds the trusted origin: two header lines.
    lines = [("access-control-allow-origin", "*")]
    if origin == TRUSTED:
        lines += _allow(origin)
    return lines


def _preflight_permissive(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
    # An nginx "if ($request_method = OPTIONS)" recipe answers every preflight itself.
    if preflight:
        return _allow(origin) + _preflight_extras(headers)
    return _allow(origin) if origin == TRUSTED else [("vary", "Origin")]


def _missing_vary(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
    if origin != TRUSTED:
        return [("cache-control", "public, max-age=600")]
    return [*_allow(origin, vary=False), ("cache-control", "public, max-age=600")]


def _private_network(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
    lines = [("access-control-allow-origin", "*")]
    if preflight:
        lines += _FIXED_PREFLIGHT
        if headers.get("access-control-request-private-network") == "true":
            lines.append(("access-control-allow-private-network", "true"))
    return lines


def _static_foreign(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
    return _allow("https://partner-analytics.net", vary=False)


def _strict(origin: str, headers: dict[str, str], preflight: bool) -> Headers:
    # Exact allowlist, Vary on every answer, explicit methods and headers.
    if origin != TRUSTED:
        return [("vary", "Origin")]
    return _allow(origin) + (_FIXED_PREFLIGHT if preflight else [])


MISCONFIGURED: dict[str, Decide] = {
    "origin-reflection": allow_if(lambda o: True),
    "null-origin": allow_if(lambda o: o == "null"),
    "prefix-match": allow_if(lambda o: o.startswith(TRUSTED)),
    "suffix-match": allow_if(lambda o: o.endswith("example.com")),
    "substring-match": allow_if(lambda o: "app.example.com" in o),
    "unescaped-dot": allow_if(lambda o: re.fullmatch(r"https://app.example.com", o) is not None),
    "special-char-bypass": allow_if(lambda o: _host_prefix(o) == TRUSTED),
    "any-subdomain": allow_if(
        lambda o: re.fullmatch(r"https://[a-z0-9-]+(\.[a-z0-9-]+)*\.example\.com", o) is not None
    ),
    "insecure-origin": allow_if(lambda o: o == "http://app.example.com"),
    "third-party-origin": allow_if(
        lambda o: (
            o == "https://codepen.io"
            or re.fullmatch(r"https://[a-z0-9-]+\.github\.io", o) is not None
        )
    ),
    "localhost-origin": allow_if(lambda o: re.fullmatch(r"http://localhost(:\d+)?", o) is not None),
    "any-port": allow_if(
        lambda o: re.fullmatch(r"https://app\.example\.com(:\d+)?", o) is not None
    ),
    "wildcard-origin": lambda o, h, p: [("access-control-allow-origin", "*")],
    "wildcard-with-credentials": lambda o, h, p: [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-credentials", "true"),
    ],
    "credential-conditional-reflection": _credential_conditional,
    "invalid-allow-origin": _invalid,
    "preflight-permissive": _preflight_permissive,
    "missing-vary": _missing_vary,
    "private-network-any": _private_network,
    "static-foreign-origin": _static_foreign,
}

# Correct endpoints hand-written the way careful servers do it.
CORRECT_HANDWRITTEN: dict[str, Decide] = {"strict": _strict}


async def _body(send: Send, status: int, lines: Headers, body: bytes = b"") -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in lines]
    raw.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def handwritten(decide: Decide) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin", "")
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        lines = decide(origin, headers, preflight) if origin else []
        await _body(
            send, 204 if preflight else 200, lines, b"" if preflight else b'{"user": "alice"}'
        )

    return app


async def _data(scope: Scope, receive: Receive, send: Send) -> None:
    await _body(send, 200, [], b'{"user": "alice"}')


def _correct_apps() -> dict[str, Any]:
    return {
        "starlette-strict": StarletteCORS(
            _data,
            allow_origins=[TRUSTED],
            allow_credentials=True,
            allow_methods=["GET", "POST"],
        ),
        "public": StarletteCORS(_data, allow_origins=["*"], allow_methods=["GET"]),
        "subdomains": StarletteCORS(
            _data,
            allow_origin_regex=r"https://[a-z0-9-]+\.example\.com",
            allow_credentials=True,
        ),
        "corsguard": CORSMiddleware(
            _data,
            CORSPolicy(
                allow_origins=[TRUSTED], allow_credentials=True, allow_methods=["GET", "POST"]
            ),
        ),
        "corsguard-subdomains": CORSMiddleware(
            _data,
            CORSPolicy(allow_origins=["https://*.example.com"], allow_credentials=True),
        ),
    }


CORRECT_APPS = _correct_apps()
# Endpoints that trust every subdomain on purpose; scanned with --origin 'https://*.example.com'.
SUBDOMAIN_PATTERN = "https://*.example.com"
SUBDOMAIN_ENDPOINTS = frozenset({"subdomains", "corsguard-subdomains"})
CORRECT = sorted([*CORRECT_HANDWRITTEN, *CORRECT_APPS])


def build_zoo() -> Any:
    """One ASGI app routing ``/<name>`` to each endpoint (the host is not consulted)."""
    routes: dict[str, Any] = {f"/{name}": handwritten(d) for name, d in MISCONFIGURED.items()}
    routes |= {f"/{name}": handwritten(d) for name, d in CORRECT_HANDWRITTEN.items()}
    routes |= {f"/{name}": app for name, app in CORRECT_APPS.items()}

    async def zoo(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        app = routes.get(scope["path"])
        if app is None:
            await _body(send, 404, [])
            return
        await app(scope, receive, send)

    return zoo


app = build_zoo()
