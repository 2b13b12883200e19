"""``audit --fix``: the printed corsguard configuration executes and behaves."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import httpx
import pytest

from corsguard import CORSPolicy
from corsguard.audit import audit_app_target
from corsguard.audit.fix import EXAMPLE_ORIGIN, repair, snippet
from corsguard.audit.introspect import CorsSetup
from corsguard.policy import validate


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {"allow_origins": ["*"], "allow_credentials": True},
            {"allow_origins": [EXAMPLE_ORIGIN], "allow_credentials": True},
        ),
        (
            {"allow_origins": ["https://a.example.com/", " https://b.example.com"]},
            {"allow_origins": ["https://a.example.com", "https://b.example.com"]},
        ),
        ({"allow_origins": ["a.example.com"]}, {"allow_origins": ["https://a.example.com"]}),
        (
            {"allow_origins": ["https://a.example.com"], "max_age": 10**6},
            {"allow_origins": ["https://a.example.com"]},
        ),
        (
            {"allow_origins": ["https://a.example.com", "null"], "allow_methods": ["GET"]},
            {"allow_origins": ["https://a.example.com"]},
        ),
        (
            {"allow_origins": ["https://a.example.org"], "allow_origin_regex": "https://.*.x.com"},
            {"allow_origins": ["https://a.example.org", "https://*.x.com"]},
        ),
        (
            {"allow_origins": ["https://a.example.org"], "allow_origin_regex": "https://.*x.com"},
            {"allow_origins": ["https://a.example.org"]},
        ),
    ],
    ids=["CG101", "CG102-CG103", "CG104", "CG119", "CG106", "CG122-regex", "CG123-regex-dropped"],
)
def test_repair_yields_valid_options(options: dict[str, Any], expected: dict[str, Any]) -> None:
    repaired, changes = repair(options)
    assert repaired == expected
    assert validate(**repaired)[0] == []
    assert changes or repaired == options


def test_snippet_without_cors_is_a_starting_point_that_builds() -> None:
    code = snippet(None).code
    namespace: dict[str, Any] = {"app": _bare_app()}
    exec(compile(code, "<fix>", "exec"), namespace)
    assert isinstance(namespace["policy"], CORSPolicy)


def _bare_app() -> Any:
    from fastapi import FastAPI

    return FastAPI()


def test_basic_example_fix_executes_and_answers_preflights_before_the_session_check() -> None:
    result = audit_app_target("examples.basic:app", probe=False)
    assert result.fix is not None
    code = result.fix.code
    assert code.startswith("from corsguard import CORSPolicy, install\n")

    # What the user does: delete the Starlette add_middleware call, paste the snippet at the end.
    basic = importlib.reload(importlib.import_module("examples.basic"))
    app = basic.app
    app.user_middleware = [m for m in app.user_middleware if m.cls.__name__ != "CORSMiddleware"]
    namespace: dict[str, Any] = {"app": app}
    exec(compile(code, "<fix>", "exec"), namespace)
    policy = namespace["policy"]
    assert isinstance(policy, CORSPolicy)
    assert list(policy.allow_origins) == [EXAMPLE_ORIGIN]
    assert policy.allow_credentials is True

    preflight, evil, crash = asyncio.run(_requests(namespace["app"]))
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == EXAMPLE_ORIGIN
    assert "access-control-allow-origin" not in evil.headers
    assert crash.status_code == 500
    assert crash.headers["access-control-allow-origin"] == EXAMPLE_ORIGIN


async def _requests(app: Any) -> tuple[httpx.Response, httpx.Response, httpx.Response]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://api.example.test"
    ) as client:
        preflight = await client.options(
            "/api/me",
            headers={"Origin": EXAMPLE_ORIGIN, "Access-Control-Request-Method": "GET"},
        )
        evil = await client.get("/", headers={"Origin": "https://evil.example"})
        crash = await client.get("/reports/broken", headers={"Origin": EXAMPLE_ORIGIN})
    return preflight, evil, crash


def test_fix_keeps_corsguard_keywords_for_a_setup_read_from_an_instance() -> None:
    setup = CorsSetup(
        "starlette",
        {"allow_origins": ["https://a.example.com"], "allow_methods": ["GET", "POST"]},
        declared=False,
    )
    code = snippet(setup).code
    assert 'allow_origins=["https://a.example.com"],' in code
    assert 'allow_methods=["GET", "POST"],' in code
