"""``audit --fix``: the printed corsguard configuration executes and behaves."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from pathlib import Path
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
            {"allow_origins": ["https://a.example.com"], "max_age": -1},
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


@pytest.fixture
def _fresh_basic_example() -> Iterator[None]:
    """The test installs corsguard into the example's app: other tests get it as written."""
    yield
    importlib.reload(importlib.import_module("examples.basic"))


@pytest.mark.usefixtures("_fresh_basic_example")
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


# -- options computed at run time stay expressions ------------------------------------------------

SETTINGS = """\
import os


class Settings:
    BACKEND_CORS_ORIGINS = os.environ.get("FIX_TEST_ORIGINS", "http://localhost:5173/").split(",")

    @property
    def all_cors_origins(self):
        return [origin.rstrip("/") for origin in self.BACKEND_CORS_ORIGINS]

    @property
    def cors(self):
        return {"allow_origins": self.all_cors_origins, "allow_methods": ["GET"]}


settings = Settings()
"""

MAIN = """\
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from {package}.settings import settings

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.all_cors_origins,
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    max_age=-1,
)
"""


def _project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, files: dict[str, str]
) -> None:
    root = tmp_path / package
    root.mkdir()
    (root / "__init__.py").write_text("")
    for name, text in files.items():
        (root / name).write_text(text.replace("{package}", package))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_fix_keeps_a_settings_expression_instead_of_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, monkeypatch, "fixproj_a", {"settings.py": SETTINGS, "main.py": MAIN})
    result = audit_app_target("fixproj_a.main:app", probe=False)
    assert result.fix is not None
    code = result.fix.code
    assert "    allow_origins=settings.all_cors_origins,\n" in code
    assert "localhost:5173" not in code
    # Literal options are still repaired: a negative max_age, which the policy refuses, is dropped.
    assert "max_age" not in code.split("policy = CORSPolicy(")[1]
    assert "# fixproj_a/main.py:7: the current CORS middleware." in code
    # Pasted where settings is in scope, it builds the policy from the settings of that machine.
    settings = importlib.import_module("fixproj_a.settings").settings
    namespace: dict[str, Any] = {"settings": settings, "app": _bare_app()}
    exec(compile(code, "<fix>", "exec"), namespace)
    assert list(namespace["policy"].allow_origins) == ["http://localhost:5173"]


def test_a_refused_computed_value_is_to_be_corrected_where_it_is_defined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIX_TEST_ORIGINS", "*")
    _project(tmp_path, monkeypatch, "fixproj_b", {"settings.py": SETTINGS, "main.py": MAIN})
    result = audit_app_target("fixproj_b.main:app", probe=False)
    assert result.fix is not None
    code = " ".join(result.fix.code.replace("#", "").split())
    assert "allow_origins=settings.all_cors_origins," in code
    assert EXAMPLE_ORIGIN not in code  # no made-up origin replaces the user's expression
    assert (
        'allow_origins: settings.all_cors_origins is ["*"] on this machine, which CORSPolicy '
        "refuses (CG101:" in code
    )
    assert "correct the value where it is defined" in code


def test_fix_finds_the_declaration_in_another_module_of_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = (
        "from fastapi import FastAPI\n"
        "from starlette.middleware.cors import CORSMiddleware\n\n"
        "from {package}.settings import settings\n\n\n"
        "def build():\n"
        "    application = FastAPI()\n"
        "    application.add_middleware(\n"
        "        CORSMiddleware,\n"
        "        allow_origins=settings.all_cors_origins,\n"
        "        allow_methods=['GET'],\n"
        "    )\n"
        "    return application\n"
    )
    main = "from {package}.factory import build\n\napp = build()\n"
    _project(
        tmp_path,
        monkeypatch,
        "fixproj_c",
        {"settings.py": SETTINGS, "factory.py": factory, "main.py": main},
    )
    result = audit_app_target("fixproj_c.main:app", probe=False)
    assert result.fix is not None
    assert "allow_origins=settings.all_cors_origins," in result.fix.code
    assert "# fixproj_c/factory.py:9: the current CORS middleware." in result.fix.code
    # The snippet names the app as the code that adds the middleware does.
    assert result.fix.code.endswith("install(application, policy)\n")


def test_fix_keeps_a_double_star_expression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = (
        "from starlette.applications import Starlette\n"
        "from starlette.middleware import Middleware\n"
        "from starlette.middleware.cors import CORSMiddleware\n\n"
        "from {package}.settings import settings\n\n"
        "app = Starlette(middleware=[Middleware(CORSMiddleware, max_age=60, **settings.cors)])\n"
    )
    _project(tmp_path, monkeypatch, "fixproj_d", {"settings.py": SETTINGS, "main.py": main})
    result = audit_app_target("fixproj_d.main:app", probe=False)
    assert result.fix is not None
    body = result.fix.code.split("policy = CORSPolicy(\n")[1].split(")\n")[0]
    assert body == "    max_age=60,\n    **settings.cors,\n"


def test_values_read_at_run_time_are_flagged_when_the_source_is_not_found() -> None:
    import types

    module = types.ModuleType("built_without_source")
    setup = CorsSetup("starlette", {"allow_origins": ["http://localhost:5173"]}, declared=True)
    from corsguard.audit.fix import RUN_TIME_WARNING, fix_for
    from corsguard.audit.introspect import introspect

    app = _bare_app()
    from starlette.middleware.cors import CORSMiddleware

    app.add_middleware(CORSMiddleware, **setup.options)
    code = fix_for(introspect(app), module).code
    assert " ".join(code.replace("#", "").split()).count(" ".join(RUN_TIME_WARNING.split())) == 1
    assert 'allow_origins=["http://localhost:5173"],' in code
