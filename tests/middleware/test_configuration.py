"""Building, reconfiguring and extending the middleware: Starlette's keywords, policies,
dynamic origins and live reconfiguration."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from corsguard import ConfigError, CORSMiddleware, CORSPolicy

from .asgi import call, endpoint

APP = "https://app.example.com"
TENANT = "https://shop.tenant.example"
EVIL = "https://evil.example"


def test_starlette_keywords_are_accepted_unchanged() -> None:
    middleware = CORSMiddleware(
        endpoint,
        allow_origins=[APP],
        allow_methods=["GET", "POST"],
        allow_headers=["X-Token"],
        allow_credentials=True,
        allow_origin_regex=r"https://[a-z]+\.example\.org",
        expose_headers=["X-Total"],
        max_age=300,
    )
    assert middleware.policy == CORSPolicy(
        allow_origins=[APP],
        allow_methods=["GET", "POST"],
        allow_headers=["X-Token"],
        allow_credentials=True,
        allow_origin_regex=r"https://[a-z]+\.example\.org",
        expose_headers=["X-Total"],
        max_age=300,
    )


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"allow_origins": ["*"], "allow_credentials": True}, id="star-credentials"),
        pytest.param({"allow_origins": [APP + "/"]}, id="trailing-slash"),
    ],
)
def test_dangerous_starlette_configurations_raise_at_construction(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        CORSMiddleware(endpoint, **options)


def test_policy_warnings_are_logged_at_construction(caplog: pytest.LogCaptureFixture) -> None:
    CORSMiddleware(endpoint, allow_origins=[APP], max_age=86400)
    warned = [r for r in caplog.records if r.name == "corsguard" and r.levelname == "WARNING"]
    assert any("max_age" in r.getMessage() for r in warned)


def test_every_policy_option_is_a_keyword_of_the_middleware() -> None:
    import inspect

    from corsguard.policy.options import OPTION_NAMES

    parameters = inspect.signature(CORSMiddleware).parameters
    assert set(parameters) >= OPTION_NAMES


def test_policy_and_keywords_together_are_refused() -> None:
    with pytest.raises(TypeError, match="both policy= and option keywords"):
        CORSMiddleware(endpoint, CORSPolicy(allow_origins=[APP]), allow_credentials=True)


def test_a_positional_list_is_not_mistaken_for_a_policy() -> None:
    with pytest.raises(TypeError, match="must be a CORSPolicy"):
        CORSMiddleware(endpoint, [APP])  # type: ignore[arg-type]


# Live reconfiguration.


def test_reconfigure_swaps_the_policy_for_the_next_request() -> None:
    middleware = CORSMiddleware(endpoint, allow_origins=[APP])
    assert call(middleware, "GET", "/", [("origin", APP)]).get("access-control-allow-origin")
    middleware.reconfigure(CORSPolicy(allow_origins=[TENANT]))
    assert call(middleware, "GET", "/", [("origin", APP)]).cors == {"vary": "Origin"}
    assert call(middleware, "GET", "/", [("origin", TENANT)]).get("access-control-allow-origin")
    middleware.reconfigure(allow_origins=[APP])  # Starlette keywords work here too
    assert middleware.policy == CORSPolicy(allow_origins=[APP])


def test_an_invalid_new_policy_raises_and_leaves_the_old_one_in_force() -> None:
    middleware = CORSMiddleware(endpoint, allow_origins=[APP])
    before = middleware.policy
    with pytest.raises(ConfigError):
        middleware.reconfigure(allow_origins=["*"], allow_credentials=True)
    assert middleware.policy is before
    assert call(middleware, "GET", "/", [("origin", APP)]).get("access-control-allow-origin")


def test_reconfigure_keeps_paths_unless_given() -> None:
    internal: dict[str, CORSPolicy | None] = {"/internal/": None}
    middleware = CORSMiddleware(endpoint, allow_origins=[APP], paths=internal)
    middleware.reconfigure(allow_origins=[TENANT])
    assert middleware.paths == internal
    assert call(middleware, "GET", "/internal/x", [("origin", TENANT)]).cors == {}
    middleware.reconfigure(allow_origins=[TENANT], paths={})
    assert call(middleware, "GET", "/internal/x", [("origin", TENANT)]).get(
        "access-control-allow-origin"
    )


def test_reconfigure_under_concurrent_requests_never_mixes_policies() -> None:
    # Every response must be a complete answer of one policy or the other.
    a = CORSPolicy(allow_origins=[APP], allow_credentials=True, expose_headers=["X-A"])
    b = CORSPolicy(allow_origins=[APP], expose_headers=["X-B"])
    middleware = CORSMiddleware(endpoint, a)
    stop = threading.Event()

    def flip() -> None:
        while not stop.is_set():
            middleware.reconfigure(b)
            middleware.reconfigure(a)

    flipper = threading.Thread(target=flip)
    flipper.start()
    try:
        seen = set()
        for _ in range(300):
            cors = call(middleware, "GET", "/", [("origin", APP)]).cors
            seen.add(tuple(sorted(cors.items())))
    finally:
        stop.set()
        flipper.join()
    allowed = {
        (
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-origin", APP),
            ("access-control-expose-headers", "X-A"),
            ("vary", "Origin"),
        ),
        (
            ("access-control-allow-origin", APP),
            ("access-control-expose-headers", "X-B"),
            ("vary", "Origin"),
        ),
    }
    assert seen <= allowed


# Dynamic origins.


class TenantStore:
    """An async tenant registry, as a multi-tenant app would query its database."""

    def __init__(self, origins: set[str]) -> None:
        self.origins = origins
        self.asked: list[str] = []

    async def __call__(self, origin: str) -> bool:
        self.asked.append(origin)
        await asyncio.sleep(0)
        return origin in self.origins


def test_async_allow_origin_is_asked_only_about_origins_the_static_rules_miss() -> None:
    store = TenantStore({TENANT})
    middleware = CORSMiddleware(endpoint, allow_origins=[APP], allow_origin=store)
    assert call(middleware, "GET", "/", [("origin", APP)]).get("access-control-allow-origin")
    tenant = call(middleware, "GET", "/", [("origin", TENANT)])
    assert tenant.cors == {"access-control-allow-origin": TENANT, "vary": "Origin"}
    assert call(middleware, "GET", "/", [("origin", EVIL)]).cors == {"vary": "Origin"}
    assert store.asked == [TENANT, EVIL]


def test_allow_origin_answers_are_not_remembered_so_revocation_is_immediate() -> None:
    store = TenantStore({TENANT})
    middleware = CORSMiddleware(endpoint, allow_origin=store)
    assert call(middleware, "GET", "/", [("origin", TENANT)]).get("access-control-allow-origin")
    store.origins.clear()
    assert call(middleware, "GET", "/", [("origin", TENANT)]).cors == {"vary": "Origin"}


def test_sync_allow_origin_works_for_preflights() -> None:
    middleware = CORSMiddleware(
        endpoint, allow_origin=lambda origin: origin == TENANT, allow_methods=["PUT"]
    )
    headers = [("origin", TENANT), ("access-control-request-method", "PUT")]
    assert call(middleware, "OPTIONS", "/", headers).status == 200
    headers[0] = ("origin", EVIL)
    assert call(middleware, "OPTIONS", "/", headers).status == 403


@pytest.mark.parametrize(
    "origin",
    ["null", TENANT + "/", "HTTPS://SHOP.TENANT.EXAMPLE", "https://" + "a" * 400 + ".example"],
)
def test_allow_origin_only_sees_origins_a_browser_could_send(origin: str) -> None:
    store = TenantStore({origin})
    middleware = CORSMiddleware(endpoint, allow_origin=store)
    assert call(middleware, "GET", "/", [("origin", origin)]).cors == {"vary": "Origin"}
    assert store.asked == []


def test_allow_origin_that_raises_refuses_the_origin_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(origin: str) -> bool:
        raise ConnectionError("tenant database unreachable")

    middleware = CORSMiddleware(endpoint, allow_origin=broken)
    response = call(middleware, "GET", "/", [("origin", TENANT)])
    assert response.status == 200
    assert response.cors == {"vary": "Origin"}
    assert any("allow_origin raised" in r.getMessage() for r in caplog.records)


def test_allow_origin_must_answer_true_exactly() -> None:
    def truthy(origin: str) -> Any:
        return "yes"  # a careless callable; only True allows

    middleware = CORSMiddleware(endpoint, allow_origin=truthy)
    assert call(middleware, "GET", "/", [("origin", TENANT)]).cors == {"vary": "Origin"}
