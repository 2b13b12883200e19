"""The audit judges the cookies its in-process probe sees, for the allowed cross-site origins."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response

from corsguard import CORSPolicy, install
from corsguard.audit.app_probe import probe_app
from corsguard.audit.introspect import introspect

ORIGINS = ["https://app.example.com", "https://admin.example.org", "http://localhost:3000"]


def cookie_app(*, credentials: bool = True) -> tuple[Any, list[str]]:
    app = FastAPI()
    ran: list[str] = []

    @app.get("/me")
    def me(response: Response) -> dict[str, str]:
        ran.append("GET /me")
        response.set_cookie("session", "abc", httponly=True)  # Starlette's samesite="lax"
        return {"user": "ada"}

    @app.get("/prefs")
    def prefs(response: Response) -> dict[str, str]:
        response.set_cookie("theme", "dark", samesite="none", secure=True)
        return {}

    @app.get("/logout")
    def logout(response: Response) -> dict[str, str]:
        response.delete_cookie("session", samesite="none", secure=True)
        return {}

    @app.get("/bad-none")
    def bad_none(response: Response) -> dict[str, str]:
        response.set_cookie("track", "1", samesite="none")
        return {}

    @app.post("/login")
    def login(response: Response) -> dict[str, str]:
        ran.append("POST /login")
        response.set_cookie("session", "abc")
        return {}

    install(app, CORSPolicy(allow_origins=ORIGINS, allow_credentials=credentials))
    return app, ran


def cookie_findings(outcome: Any) -> dict[str, Any]:
    return {f.location: f for f in outcome.findings if f.code == "CG412"}


def test_cookies_that_cannot_work_cross_site_are_flagged_with_the_reason_and_fix() -> None:
    app, ran = cookie_app()
    found = cookie_findings(probe_app("t:app", app, introspect(app)))
    assert set(found) == {"t:app GET /me", "t:app GET /bad-none"}
    session = found["t:app GET /me"]
    assert "'session' is not stored (SameSiteLax)" in session.message
    assert "DevTools says 'This attempt to set a cookie" in session.message
    # Both named origins; the loopback one is left out (a local API is same-site with it).
    assert session.evidence["origins"] == ["https://app.example.com", "https://admin.example.org"]
    assert 'samesite="none", secure=True' in session.fix
    assert session.message.endswith("when the API is served on another site")
    bad_none = found["t:app GET /bad-none"].message
    assert "SameSiteNoneInsecure" in bad_none
    assert "another site" not in bad_none  # SameSite=None without Secure fails everywhere
    # The unsafe route's handler never ran, so its cookie is not judged.
    assert "POST /login" not in ran


def test_unsafe_routes_are_judged_only_with_probe_unsafe() -> None:
    app, ran = cookie_app()
    found = cookie_findings(probe_app("t:app", app, introspect(app), probe_unsafe=True))
    assert "POST /login" in ran
    assert "t:app POST /login" in found


def test_without_credentials_allowed_no_cookie_is_judged() -> None:
    app, _ = cookie_app(credentials=False)
    assert cookie_findings(probe_app("t:app", app, introspect(app))) == {}


def test_a_domain_cookie_is_judged_as_set_by_a_host_under_its_domain() -> None:
    app = FastAPI()

    @app.get("/me")
    def me(response: Response) -> dict[str, str]:
        # The API runs under example.org, same-site with its frontend: Lax is fine there.
        response.set_cookie("session", "abc", domain=".example.org")
        return {}

    @app.get("/shared")
    def shared(response: Response) -> dict[str, str]:
        response.set_cookie("session", "abc", domain="github.io", samesite="none", secure=True)
        return {}

    origins = ["https://app.example.org"]
    install(app, CORSPolicy(allow_origins=origins, allow_credentials=True))
    found = cookie_findings(probe_app("t:app", app, introspect(app)))
    assert set(found) == {"t:app GET /shared"}
    assert "InvalidDomain" in found["t:app GET /shared"].message
