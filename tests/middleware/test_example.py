"""The profiles example behaves as its docstring says, stage by stage."""

from __future__ import annotations

import importlib

import pytest
from examples.profiles_app import create_app

from corsguard import ConfigError

from .asgi import call

PROD = {
    "CORS_PROFILE": "prod",
    "CORS_ALLOW_ORIGINS": "https://www.yourproduct.com, https://admin.yourproduct.com,",
    "CORS_ALLOW_METHODS": "GET,PUT",
    "CORS_ALLOW_CREDENTIALS": "true",
}
TEST = {
    "CORS_PROFILE": "test",
    "CORS_ALLOW_ORIGINS": "https://test.yourfrontend.com,https://staging.yourfrontend.com",
    "CORS_ALLOW_METHODS": "GET,PUT",
}


def put_preflight(origin: str) -> list[tuple[str, str]]:
    return [
        ("origin", origin),
        ("access-control-request-method", "PUT"),
        ("access-control-request-headers", "content-type"),
    ]


def test_dev_allows_any_local_port_with_credentials_and_explains_refusals() -> None:
    app = create_app({"CORS_PROFILE": "dev"})
    response = call(app, "GET", "/items", [("origin", "http://localhost:5173")])
    assert response.get("access-control-allow-origin") == "http://localhost:5173"
    assert response.get("access-control-allow-credentials") == "true"
    refused = call(app, "OPTIONS", "/items", put_preflight("https://evil.example"))
    assert refused.status == 403
    assert b"origin 'https://evil.example' is not allowed" in refused.body


def test_test_stage_allows_only_the_listed_frontends() -> None:
    app = create_app(TEST)
    assert (
        call(app, "OPTIONS", "/items", put_preflight("https://test.yourfrontend.com")).status == 200
    )
    assert call(app, "OPTIONS", "/items", put_preflight("http://localhost:3000")).status == 403


def test_prod_answers_its_frontends_and_keeps_cors_on_401_and_500() -> None:
    app = create_app(PROD)
    origin = "https://admin.yourproduct.com"
    preflight = call(app, "OPTIONS", "/me", put_preflight(origin))
    assert preflight.status == 200  # the session check never sees the preflight
    unauthorized = call(app, "GET", "/me", [("origin", origin)])
    assert unauthorized.status == 401
    assert unauthorized.get("access-control-allow-origin") == origin
    with pytest.raises(RuntimeError, match="report generator"):
        call(app, "GET", "/reports/broken", [("origin", origin)])
    refused = call(app, "OPTIONS", "/items", put_preflight("https://evil.example"))
    assert (refused.status, refused.body) == (403, b"CORS preflight refused")  # no debug in prod


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({}, "CORS_PROFILE"),
        ({"CORS_PROFILE": "prod"}, "CORS_ALLOW_ORIGINS"),
        ({**PROD, "CORS_ALLOW_ORIGINS": "http://www.yourproduct.com"}, "CORS_ALLOW_ORIGINS"),
    ],
)
def test_a_missing_or_unsafe_setting_stops_start_up_naming_the_variable(
    environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError, match=variable):
        create_app(environ)


def test_the_module_builds_its_app_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST.items():
        monkeypatch.setenv(name, value)
    module = importlib.import_module("examples.profiles_app")
    monkeypatch.delitem(module.__dict__, "app", raising=False)
    app = module.app
    assert call(app, "GET", "/items", [("origin", "https://test.yourfrontend.com")]).status == 200
