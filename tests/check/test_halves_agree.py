"""The two halves of the protocol agree: what corsguard's middleware answers, the browser
model accepts exactly when the policy allows the request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from corsguard import ConfigError, CORSMiddleware, CORSPolicy
from corsguard.testing import cors_verdict

Message = MutableMapping[str, Any]

ORIGINS = [
    "https://app.example.com",
    "https://admin.example.com",
    "http://localhost:3000",
    "https://*.tenant.example",  # a subdomain pattern
]
REQUEST_ORIGINS = [
    *ORIGINS[:3],
    "https://a.tenant.example",
    "https://a.b.tenant.example",
    "https://tenant.example",
    "https://evil.example",
    "https://app.example.com.evil.example",
    "null",
]
SAFE_METHODS = ["GET", "HEAD", "POST"]
OTHER_METHODS = ["PUT", "DELETE", "PATCH", "patch", "QUERY"]
UNSAFE_HEADERS = ["X-Token", "Authorization", "X-Trace-Id"]
SAFE_HEADERS = [("Accept", "application/json"), ("Content-Type", "text/plain")]


async def endpoint(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-total", b"1")]})
    await send({"type": "http.response.body", "body": b"[]"})


@st.composite
def policies(draw: st.DrawFn) -> CORSPolicy | None:
    wildcard = draw(st.booleans())
    origins = ["*"] if wildcard else draw(st.lists(st.sampled_from(ORIGINS), unique=True))
    methods = (
        ["*"]
        if draw(st.booleans())
        else SAFE_METHODS + draw(st.lists(st.sampled_from(OTHER_METHODS), unique=True))
    )
    headers = (
        ["*"]
        if draw(st.booleans())
        else draw(st.lists(st.sampled_from(UNSAFE_HEADERS), unique=True))
    )
    try:
        return CORSPolicy(
            allow_origins=origins,
            allow_methods=methods,
            allow_headers=headers,
            allow_credentials=draw(st.booleans()),
            max_age=600,
        )
    except ConfigError:
        return None  # refused by construction (e.g. "*" with credentials): nothing to serve


requests = st.fixed_dictionaries(
    {
        "origin": st.sampled_from(REQUEST_ORIGINS),
        "method": st.sampled_from(SAFE_METHODS + OTHER_METHODS),
        "unsafe": st.lists(st.sampled_from(UNSAFE_HEADERS), unique=True, max_size=2),
        "safe": st.lists(st.sampled_from(SAFE_HEADERS), unique=True, max_size=2),
        "credentials": st.sampled_from(["omit", "same-origin", "include"]),
    }
)


def policy_allows(policy: CORSPolicy, request: dict[str, Any]) -> bool:
    """The oracle, from the policy's own terms (not from the browser model)."""
    origin = request["origin"]
    if not (policy.allows_all_origins or (origin != "null" and policy.match_origin(origin))):
        return False
    if request["credentials"] == "include" and not policy.allow_credentials:
        return False
    method = request["method"]
    if method in SAFE_METHODS and not request["unsafe"]:
        return True  # no preflight
    method_ok = policy.allows_all_methods or method in SAFE_METHODS or method in policy.methods
    headers_ok = policy.allows_all_headers or all(
        name.lower() in policy.headers for name in request["unsafe"]
    )
    return method_ok and headers_ok


@settings(max_examples=300, deadline=None)
@given(policy=policies(), request=requests)
def test_middleware_answers_pass_the_model_exactly_when_the_policy_allows(
    policy: CORSPolicy | None, request: dict[str, Any]
) -> None:
    if policy is None:
        return
    app = CORSMiddleware(endpoint, policy)
    headers = [(name, "1") for name in request["unsafe"]] + list(request["safe"])
    body = b"x" if request["method"] not in ("GET", "HEAD") else None
    verdict = cors_verdict(
        app,
        request["method"],
        "https://api.example.com/items",
        origin=request["origin"],
        headers=headers,
        credentials=request["credentials"],
        body=body,
    )
    expected = policy_allows(policy, request)
    assert verdict.allowed is expected, (policy, request, verdict.cors_error, verdict.exchanges)
