"""audit reads the CORS options an app declares, whatever the Starlette release stores them in."""

from __future__ import annotations

from typing import Any

import corsguard
from corsguard.audit.app_rules import audit_app
from corsguard.audit.fix import fix_for
from corsguard.audit.introspect import AppNode, CorsSetup, introspect
from tests.compat.apps import APP, SAFE_OPTIONS, new_app


def starlette_cors() -> Any:
    from starlette.middleware.cors import CORSMiddleware

    return CORSMiddleware


def only_cors(root: AppNode) -> CorsSetup:
    [layer] = root.cors_layers
    assert layer.cors is not None
    return layer.cors


def codes(app: Any) -> list[str]:
    return [finding.code for finding in audit_app("compat:app", introspect(app))]


def test_starlette_options_are_read_as_declared(framework: str) -> None:
    app = new_app(framework)
    app.add_middleware(starlette_cors(), **SAFE_OPTIONS)
    setup = only_cors(introspect(app))
    assert setup.implementation == "starlette"
    assert dict(setup.options) == SAFE_OPTIONS


def test_starlette_options_in_a_middleware_list_are_read(framework: str) -> None:
    from starlette.middleware import Middleware

    app = new_app(framework, [Middleware(starlette_cors(), allow_origins=[APP])])
    assert dict(only_cors(introspect(app)).options) == {"allow_origins": [APP]}


def test_corsguard_options_are_read_from_its_policy(framework: str) -> None:
    app = new_app(framework)
    app.add_middleware(corsguard.CORSMiddleware, **SAFE_OPTIONS)
    setup = only_cors(introspect(app))
    assert setup.implementation == "corsguard"
    assert setup.policy == corsguard.CORSPolicy(**SAFE_OPTIONS)
    assert list(setup.options["allow_origins"]) == [APP]


def test_installed_corsguard_is_seen_outermost(framework: str) -> None:
    app = new_app(framework)
    corsguard.install(app, corsguard.CORSPolicy(**SAFE_OPTIONS))
    [layer] = introspect(app).cors_layers
    assert layer.installed
    assert codes(app) == []


def test_starlette_credentials_with_any_origin_is_cg101(framework: str) -> None:
    app = new_app(framework)
    app.add_middleware(starlette_cors(), allow_origins=["*"], allow_credentials=True)
    found = codes(app)
    assert "CG101" in found
    # Misread options look like an empty list: "no origin is allowed".
    assert "CG138" not in found


def test_fix_carries_the_declared_options(framework: str) -> None:
    app = new_app(framework)
    app.add_middleware(starlette_cors(), **SAFE_OPTIONS)
    fix = fix_for(introspect(app))
    assert fix is not None
    assert f'allow_origins=["{APP}"]' in fix.code
    assert "allow_credentials=True" in fix.code
    assert "install(app, policy)" in fix.code
