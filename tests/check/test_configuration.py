"""``check --app`` reads the app's CORS options and names the entry behind a refusal."""

from __future__ import annotations

import os
import sys
import types
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from corsguard import CORSPolicy, install
from corsguard.browser import FetchRequest
from corsguard.check import run_check
from corsguard.cli.main import main

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
URL = "https://testserver/items"


def starlette_app(**options: Any) -> FastAPI:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, **options)

    @app.put("/items")
    def put_items() -> dict[str, str]:
        return {}

    @app.get("/items")
    def get_items() -> dict[str, str]:
        return {}

    return app


def corsguard_app(**options: Any) -> FastAPI:
    app = FastAPI()

    @app.put("/items")
    def put_items() -> dict[str, str]:
        return {}

    install(app, CORSPolicy(**options))
    return app


def failing_app(**options: Any) -> FastAPI:
    """Routes that answer errors through the CORS layer (handled) and past it (a crash)."""
    from fastapi import HTTPException

    app = FastAPI()
    app.add_middleware(CORSMiddleware, **options)

    @app.get("/items/{item_id}")
    def get_item(item_id: int) -> dict[str, str]:
        raise HTTPException(404, "no such item")

    @app.get("/crash")
    def crash() -> dict[str, str]:
        raise RuntimeError("the database is unreachable")

    return app


@dataclass(frozen=True)
class Case:
    rule: str
    app: Any
    request: FetchRequest
    code: str
    says: tuple[str, ...]  # phrases the message or the fix contains
    never: str = ""  # a phrase it must not contain


SPLIT = f"{APP}, {ADMIN}".split(",")  # ALLOWED_ORIGINS="a, b" split without strip()
UNSET = os.environ.get("UNSET_ALLOWED_ORIGINS_VARIABLE", "").split(",")  # unset: [""]

CASES = [
    Case(
        "an origin with a leading space, preflighted",
        starlette_app(allow_origins=SPLIT, allow_methods=["*"]),
        FetchRequest(URL, ADMIN, "PUT"),
        "CG103",
        ("allow_origins[1]", "' https://admin.example.com'", "surrounding whitespace",
         "o.strip()"),
        never="add https://admin.example.com",
    ),
    Case(
        "an origin with a leading space, simple GET",
        starlette_app(allow_origins=SPLIT),
        FetchRequest(URL, ADMIN),
        "CG103",
        ("allow_origins[1]", "surrounding whitespace"),
    ),
    Case(
        "an empty entry from an unset variable",
        starlette_app(allow_origins=UNSET, allow_methods=["*"]),
        FetchRequest(URL, APP, "PUT"),
        "CG139",
        ("allow_origins[0]", "this entry is empty (an unset variable or a trailing comma)"),
        never="Did you mean 'https://'",
    ),
    Case(
        "an origin with a trailing slash",
        starlette_app(allow_origins=[APP + "/"], allow_methods=["*"]),
        FetchRequest(URL, APP, "PUT"),
        "CG102",
        ("allow_origins[0]", "'https://app.example.com/'", "rstrip('/')"),
    ),
    Case(
        "an origin in another case",
        starlette_app(allow_origins=["https://App.Example.com"]),
        FetchRequest(URL, APP),
        "CG127",
        ("allow_origins[0]", "byte for byte"),
    ),
    Case(
        "the origin missing from the list",
        starlette_app(allow_origins=[APP], allow_methods=["*"]),
        FetchRequest(URL, ADMIN, "PUT"),
        "CG221",
        ("'https://admin.example.com' is not in allow_origins ['https://app.example.com']",
         "allow_origins=['https://app.example.com', 'https://admin.example.com']"),
    ),
    Case(
        "a method missing under Starlette's default",
        starlette_app(allow_origins=[APP]),
        FetchRequest(URL, APP, "PUT"),
        "CG217",
        ("'PUT' is not in allow_methods ['GET'] (Starlette's default)",),
    ),
    Case(
        "a method missing from a list the app wrote",
        starlette_app(allow_origins=[APP], allow_methods=["GET"]),
        FetchRequest(URL, APP, "PUT"),
        "CG217",
        ("'PUT' is not in allow_methods ['GET']",),
        never="default",
    ),
    Case(
        "a method missing from a corsguard policy",
        corsguard_app(allow_origins=[APP], allow_methods=["GET"]),
        FetchRequest(URL, APP, "PUT"),
        "CG217",
        ("'PUT' is not in allow_methods ['GET']",),
        never="default",
    ),
    Case(
        "a method written in lower case for Starlette",
        starlette_app(allow_origins=[APP], allow_methods=["get", "put"]),
        FetchRequest(URL, APP, "PUT"),
        "CG217",
        ("allow_methods[1]", "'put'"),
    ),
    Case(
        "a header with a leading space",
        starlette_app(allow_origins=[APP], allow_methods=["*"], allow_headers=[" X-Trace-Id"]),
        FetchRequest(URL, APP, "PUT", (("X-Trace-Id", "1"),)),
        "CG118",
        ("allow_headers[0]", "' X-Trace-Id'", "surrounding whitespace"),
    ),
    Case(
        "a corsguard policy missing the origin",
        corsguard_app(allow_origins=[APP], allow_methods=["PUT"]),
        FetchRequest(URL, ADMIN, "PUT"),
        "CG221",
        ("CORSPolicy(allow_origins=['https://app.example.com', 'https://admin.example.com'])",),
    ),
    # An error the app answers through its CORS layer carries CORS headers when the origin
    # is allowed: without them, the origin is the cause, not the 404 or the 422.
    Case(
        "an origin with a leading space, on a 404",
        failing_app(allow_origins=SPLIT),
        FetchRequest(URL + "/1", ADMIN),
        "CG103",
        ("allow_origins[1]", "surrounding whitespace"),
        never="the real problem",
    ),
    Case(
        "an empty entry from an unset variable, on a 422",
        failing_app(allow_origins=UNSET),
        FetchRequest(URL + "/abc", APP),
        "CG139",
        ("allow_origins[0]", "this entry is empty"),
        never="the real problem",
    ),
    Case(
        "the origin missing from the list, on a 404",
        failing_app(allow_origins=[APP]),
        FetchRequest(URL + "/1", ADMIN),
        "CG221",
        ("'https://admin.example.com' is not in allow_origins",),
        never="the real problem",
    ),
    Case(
        "an unhandled exception answered outside CORS, whatever the origin",
        failing_app(allow_origins=SPLIT),
        FetchRequest("https://testserver/crash", ADMIN),
        "CG201",
        ("RuntimeError: the database is unreachable",),
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_the_configuration_mistake_behind_a_refusal(case: Case) -> None:
    result = run_check(case.request, app=case.app)
    assert not result.allowed
    cause = result.findings[0]
    assert cause.code == case.code
    text = cause.message + " " + cause.fix
    for phrase in case.says:
        assert phrase in text
    if case.never:
        assert case.never not in text
    assert cause.severity >= 3  # it blocks the request: a root cause, whatever the code


def test_the_codes_are_audit_s_for_the_same_entries() -> None:
    from corsguard.audit.app_rules import audit_app
    from corsguard.audit.introspect import introspect

    for case in CASES[:5]:
        audited = {f.code for f in audit_app("app", introspect(case.app))}
        assert case.code in audited, case.rule


def test_cli_app_names_the_leading_space(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("settings_app")
    module.app = starlette_app(allow_origins=SPLIT, allow_methods=["*"])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "settings_app", module)
    code = main(["check", "/items", "--app", "settings_app:app", "--origin", ADMIN, "-X", "PUT"])
    out = capsys.readouterr().out
    assert code == 1
    assert "CG103" in out
    assert "allow_origins[1]" in out


def test_a_path_scoped_policy_is_the_one_read() -> None:
    from corsguard import CORSMiddleware

    inner = FastAPI()

    @inner.put("/admin/users")
    def put_users() -> dict[str, str]:
        return {}

    app = CORSMiddleware(
        inner,
        CORSPolicy(allow_origins=[APP], allow_methods=["PUT"]),
        paths={"/admin/": CORSPolicy(allow_origins=[ADMIN], allow_methods=["PUT"])},
    )
    result = run_check(FetchRequest("https://testserver/admin/users", APP, "PUT"), app=app)
    cause = result.findings[0]
    assert cause.code == "CG221"
    assert "is not in allow_origins ['https://admin.example.com']" in cause.message


class Session:
    """Serves an app through a bound method, as the in-process lifespan runner does."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def serve(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def test_the_configuration_is_read_through_a_serving_session() -> None:
    app = starlette_app(allow_origins=SPLIT, allow_methods=["*"])
    result = run_check(FetchRequest(URL, ADMIN, "PUT"), app=Session(app).serve)
    assert result.findings[0].code == "CG103"
