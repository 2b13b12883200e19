"""In-process behaviour: routes × methods through the browser model, and the short scan."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI, Response
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware

from corsguard import CORSPolicy, install
from corsguard.audit import audit_app_target
from corsguard.audit.app_probe import REPRESENTATIVE_ORIGIN, probe_app, probe_origins
from corsguard.audit.introspect import CorsSetup, introspect
from corsguard.audit.route_walk import concrete_path


@pytest.mark.parametrize(
    ("implementation", "origins", "expected"),
    [
        ("starlette", ["*"], [REPRESENTATIVE_ORIGIN]),
        ("starlette", ["https://a.example.com/"], ["https://a.example.com"]),
        ("starlette", ["https://*.example.com"], [REPRESENTATIVE_ORIGIN]),
        ("corsguard", ["https://*.example.com"], ["https://app.example.com"]),
        ("corsguard", ["http://*.localhost:*"], ["http://app.localhost:3000"]),
        ("corsguard", ["http://localhost:*"], ["http://localhost:3000"]),
        (
            "starlette",
            ["https://localhost:443", "HTTPS://App.Example.com"],
            ["https://localhost", "https://app.example.com"],
        ),
        (
            "starlette",
            ["https://a.example", "https://b.example", "https://c.example", "https://d.example"],
            ["https://a.example", "https://b.example", "https://c.example"],
        ),
    ],
    ids=[
        "wildcard",
        "trailing-slash",
        "literal-pattern",
        "corsguard-pattern",
        "corsguard-any-port",
        "corsguard-localhost-any-port",
        "as-a-browser-serializes-it",
        "at-most-three",
    ],
)
def test_probe_origins(implementation: Any, origins: list[str], expected: list[str]) -> None:
    setup = CorsSetup(implementation, {"allow_origins": origins}, declared=True)
    assert probe_origins(setup) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/items/{item_id}", "/items/1"),
        ("/items/{item_id:int}", "/items/1"),
        ("/files/{p:path}", "/files/x"),
        ("/", "/"),
    ],
)
def test_concrete_path(path: str, expected: str) -> None:
    assert concrete_path(path) == expected


def test_basic_example_behaviour_proves_the_configuration_findings() -> None:
    result = audit_app_target("examples.basic:app")
    blocked = {f.location: f for f in result.findings if f.code == "CG408"}
    crash = blocked["examples.basic:app GET /reports/broken"]
    assert "500" in crash.message
    assert "RuntimeError" in crash.message
    # One cause (authentication before CORS) on two routes: one finding listing both; the
    # spelling without the slash, which redirect_slashes answers, is checked too.
    preflight = blocked["examples.basic:app POST /api/items/ (+1 more)"]
    assert "preflight (OPTIONS) got 401" in preflight.message
    assert preflight.evidence["routes"] == ["POST /api/items/", "POST /api/items"]
    # The short scan proves the wildcard-with-credentials hole from the attacker's side.
    assert any(f.code == "CG301" for f in result.findings)
    assert any("route × method" in note for note in result.notes)


def correct_app() -> Any:
    app = FastAPI()

    @app.get("/items")
    async def items() -> list[str]:
        return []

    @app.put("/items/{item_id}")
    async def put_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    policy = CORSPolicy(
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
        allow_methods=["GET", "PUT"],
        allow_headers=["Content-Type"],
    )
    install(app, policy)
    return app


def test_correctly_installed_corsguard_has_no_behaviour_findings() -> None:
    app = correct_app()
    outcome = probe_app("t:app", app, introspect(app))
    assert outcome.findings == []
    assert outcome.notes[0].startswith("in-process: 3 route")


class _Silent(Response):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        return None  # never sends a response: what a hung or broken handler looks like


def test_a_route_that_never_answers_is_noted_not_fatal() -> None:
    app = FastAPI()

    @app.get("/silent")
    async def silent() -> Response:
        return _Silent()

    install(app, CORSPolicy(allow_origins=["https://app.example.com"]))
    outcome = probe_app("t:app", app, introspect(app))
    assert any("GET /silent not checked" in note for note in outcome.notes)


def test_a_capped_number_of_checks_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("corsguard.audit.app_probe.MAX_CHECKS", 2)
    app = correct_app()
    outcome = probe_app("t:app", app, introspect(app))
    assert "in-process: 3 route × method × origin requests planned, only the first 2 sent" in (
        outcome.notes
    )


def test_a_blocked_route_names_the_configuration_mistake_behind_it() -> None:
    # The list holds 'https://localhost:443'; a browser on that page sends 'https://localhost',
    # which Starlette's exact string match refuses: the finding names the entry (CG127).
    app = FastAPI()

    @app.get("/items")
    async def items() -> list[str]:
        return []

    app.add_middleware(
        StarletteCORSMiddleware, allow_origins=["https://localhost:443"], allow_methods=["GET"]
    )
    root = introspect(app)
    outcome = probe_app("app", app, root)
    blocked = [f for f in outcome.findings if f.code == "CG408"]
    assert blocked, outcome.findings
    assert "from https://localhost " in blocked[0].message
    assert "CG127" in blocked[0].message + blocked[0].fix or "default port" in blocked[0].message


def test_a_route_checked_by_its_preflight_only_names_the_configuration_mistake() -> None:
    # allow_origins split from 'a, b' without strip(): the PUT route is judged by its
    # preflight alone (no handler runs), and that refusal is the whitespace, not a missing
    # origin to add.
    app = FastAPI()

    @app.put("/items")
    async def replace_items() -> list[str]:
        return []

    spaced = ["https://app.example.com", " https://admin.example.com"]  # "a, b".split(",")
    app.add_middleware(StarletteCORSMiddleware, allow_origins=spaced, allow_methods=["*"])
    outcome = probe_app("app", app, introspect(app))
    blocked = [f for f in outcome.findings if f.code == "CG408"]
    assert blocked, outcome.findings
    assert all(f.evidence["preflight_only"] for f in blocked)
    assert "surrounding whitespace" in blocked[0].message
    assert "strip()" in blocked[0].fix
    assert "Add the page's origin" not in blocked[0].fix


def test_one_configuration_mistake_is_one_finding_however_each_route_shows_it() -> None:
    # The same entry refuses the origin on a 404, on a 200 and on a PUT's preflight (a 400
    # from Starlette): one finding lists the three routes.
    from fastapi import HTTPException

    app = FastAPI()

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        raise HTTPException(404, "no such item")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.put("/items/{item_id}")
    async def replace_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    spaced = ["https://app.example.com", " https://admin.example.com"]  # "a, b".split(",")
    app.add_middleware(StarletteCORSMiddleware, allow_origins=spaced, allow_methods=["*"])
    outcome = probe_app("app", app, introspect(app))
    blocked = [f for f in outcome.findings if f.code == "CG408"]
    assert len(blocked) == 1, [f.message for f in blocked]
    (grouped,) = blocked
    assert set(grouped.evidence["routes"]) == {"GET /items/1", "GET /health", "PUT /items/1"}
    assert "surrounding whitespace" in grouped.message
    assert "MissingAllowOriginHeader, PreflightMissingAllowOriginHeader" in grouped.message


def test_the_scan_note_counts_the_findings_it_reports() -> None:
    # One reflection seen on several routes is reported once: the note counts that one.
    app = FastAPI()

    @app.get("/a")
    async def read_a() -> list[str]:
        return []

    @app.get("/b/{item_id}")
    async def read_b(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.put("/b/{item_id}")
    async def replace_b(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    app.add_middleware(
        StarletteCORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"]
    )
    outcome = probe_app("app", app, introspect(app))
    note = next(n for n in outcome.notes if "probed with hostile origins" in n)
    reported = [f for f in outcome.findings if f.code.startswith("CG3")]
    assert reported
    assert note.endswith(f", {len(reported)} finding(s) at or above high"), (note, reported)
