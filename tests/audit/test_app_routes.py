"""The route walk follows apps as they are built, on every supported FastAPI/Starlette version.

Needs only fastapi, starlette and httpx, so that it runs in the oldest and newest environments.
"""

from __future__ import annotations

import asyncio
import enum
import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from corsguard.audit import audit_app_target
from corsguard.audit.app_rules import audit_app
from corsguard.audit.introspect import declared_options, introspect
from corsguard.audit.route_walk import sample_path
from tests.audit import apps

WILDCARD_CREDENTIALS = {
    "allow_origins": ["*"],
    "allow_credentials": True,
    "allow_methods": ["*"],
}


def _routes(app: Any) -> dict[str, Any]:
    return {route.path: route for node in introspect(app).walk() for route in node.routes}


def test_nested_include_router_gives_every_route_with_its_full_prefix() -> None:
    root = introspect(apps.included_routers())
    assert [(r.path, r.methods) for r in root.routes if r.path.startswith("/api/")] == [
        ("/api/v1/items/", ("GET",)),
        ("/api/v1/items/{item_id}", ("GET",)),
        ("/api/v1/items/{item_id}", ("DELETE",)),
        ("/api/v1/items/kind/{kind}", ("GET",)),
        ("/api/v1/items/manage/admin/settings", ("PUT",)),
        ("/api/v1/items/manage/admin/live", ()),
    ]
    assert _routes(apps.included_routers())["/api/v1/items/manage/admin/live"].websocket


def test_router_dependencies_are_kept_with_the_route() -> None:
    routes = _routes(apps.included_routers())
    assert set(routes["/api/v1/items/manage/admin/settings"].dependencies) == {
        "_require_client",
        "_require_admin",
    }
    assert routes["/api/v1/items/"].dependencies == ("_require_client",)


def test_mounts_hosts_and_websockets() -> None:
    root = introspect(apps.mounted_apps())
    assert [(r.path, r.methods, r.websocket) for r in root.routes] == [
        ("/health", ("GET", "HEAD"), False),
        ("/ws", (), True),
        ("/static-api/users/{user_id:int}", ("GET", "HEAD", "PATCH"), False),
    ]
    children = {child.label: child for child in root.children}
    assert [r.path for r in children["mount /v2"].routes] == ["/v2/ping", "/v2/files/{name:path}"]
    assert [r.path for r in children["host admin.example.test"].routes] == ["/stats"]


class _Colour(enum.Enum):
    red = "red"


async def _typed(
    item_id: uuid.UUID, count: int, colour: _Colour, name: str, maybe: int | None = None
) -> None:
    return None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/items/{item_id}", "/items/00000000-0000-4000-8000-000000000001"),
        ("/n/{count}", "/n/1"),
        ("/c/{colour}", "/c/red"),
        ("/s/{name}", "/s/1"),
        ("/o/{maybe}", "/o/1"),
        ("/unknown/{other}", "/unknown/1"),
        ("/files/{p:path}", "/files/x"),
        ("/u/{u:uuid}", "/u/00000000-0000-4000-8000-000000000001"),
    ],
)
def test_path_parameters_get_a_value_of_their_type(path: str, expected: str) -> None:
    assert sample_path(path, _typed) == expected


def test_typed_path_parameters_reach_the_handler() -> None:
    app = apps.included_routers()
    paths = [
        r.request_path for r in introspect(app).routes if "GET" in r.methods and "/api/" in r.path
    ]
    assert paths == [
        "/api/v1/items/",
        "/api/v1/items/00000000-0000-4000-8000-000000000001",
        "/api/v1/items/kind/book",
    ]
    assert [_status(app, path) for path in paths] == [200, 200, 200]


def _status(app: Any, path: str) -> int:
    async def get() -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return (await client.get(path)).status_code

    return asyncio.run(get())


def test_every_included_route_is_checked_in_process() -> None:
    result = audit_app_target("tests.audit.apps:included_routers_with_cors", factory=True)
    assert not [f for f in result.findings if f.code == "CG408"]
    note = next(n for n in result.notes if "route × method" in n)
    # GET ×3 and the slash-less twin of /items/, then DELETE and PUT by their preflights.
    assert note.startswith("in-process: 6 route")


def test_include_router_app_with_wildcard_and_credentials_is_probed() -> None:
    app = apps.included_routers(**WILDCARD_CREDENTIALS)
    codes = {finding.code for finding in audit_app("t:app", introspect(app))}
    assert "CG101" in codes
    assert "CG411" not in codes


def test_audit_of_included_routes_checks_them_and_finds_the_reflection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        apps, "wildcard_included", lambda: apps.included_routers(**WILDCARD_CREDENTIALS), False
    )
    result = audit_app_target("tests.audit.apps:wildcard_included", factory=True)
    codes = {finding.code for finding in result.findings}
    assert {"CG101", "CG301"} <= codes
    assert not any(note.startswith("in-process: 0 route") for note in result.notes)
    # Every scanned route echoes the origin: one finding, naming the routes.
    [reflected] = [f for f in result.findings if f.code == "CG301"]
    assert len(reflected.evidence["routes"]) > 1
    assert "; the same on /api/v1/" in reflected.message


def test_no_route_found_is_a_finding_not_a_clean_report() -> None:
    findings = audit_app("t:app", introspect(apps.no_routes(**apps.GOOD)))
    assert [f.code for f in findings if f.code == "CG411"] == ["CG411"]


def test_an_entry_the_walk_cannot_follow_is_named() -> None:
    app = apps.no_routes(**apps.GOOD)

    class OddRoute:
        path = "/odd"

    app.router.routes.append(OddRoute())  # type: ignore[arg-type]
    [finding] = [f for f in audit_app("t:app", introspect(app)) if f.code == "CG411"]
    assert "could not follow: OddRoute" in finding.message


def test_old_starlette_middleware_options_are_read() -> None:
    # Starlette before 0.35 (FastAPI 0.79 to 0.108) keeps the options in Middleware.options.
    entry = SimpleNamespace(cls=CORSMiddleware, options=WILDCARD_CREDENTIALS)
    assert declared_options(entry) == (CORSMiddleware, (), WILDCARD_CREDENTIALS)
    newer = SimpleNamespace(cls=CORSMiddleware, args=(), kwargs=WILDCARD_CREDENTIALS)
    assert declared_options(newer) == (CORSMiddleware, (), WILDCARD_CREDENTIALS)


def test_cors_options_are_read_on_the_installed_version() -> None:
    app = apps.starlette_cors(**WILDCARD_CREDENTIALS)
    codes = [f.code for f in audit_app("t:app", introspect(app))]
    assert "CG101" in codes
    assert "CG138" not in codes  # "no origin is allowed": what an unread configuration gives


def test_fix_carries_the_options_on_the_installed_version() -> None:
    from corsguard.audit.fix import fix_for

    fix = fix_for(introspect(apps.starlette_cors(**WILDCARD_CREDENTIALS)))
    assert fix.options["allow_credentials"] is True
    assert fix.options["allow_methods"] == ["*"]


def test_credentials_read_from_a_constructed_starlette_middleware() -> None:
    app = CORSMiddleware(
        apps.fastapi_app(), allow_origins=["https://a.example"], allow_credentials=True
    )
    [layer] = introspect(app).cors_layers
    assert layer.cors is not None
    assert layer.cors.options["allow_credentials"] is True


def test_an_app_without_routes_never_reads_as_clean(capsys: pytest.CaptureFixture[str]) -> None:
    from corsguard.cli.main import main

    assert main(["audit", "tests.audit.apps:no_routes", "--factory"]) == 1
    out = capsys.readouterr().out
    assert "CG411 [medium]" in out
    assert "no CORS problems found" not in out


class _Things(HTTPEndpoint):
    async def get(self, request: Request) -> Response:
        return PlainTextResponse("things")

    async def post(self, request: Request) -> Response:
        return PlainTextResponse("made")


def test_a_class_endpoint_answers_the_methods_it_defines() -> None:
    app = Starlette(routes=[Route("/things", _Things)])
    assert [(r.path, r.methods) for r in introspect(app).routes] == [("/things", ("GET", "POST"))]
