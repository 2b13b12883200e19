"""FastAPI apps whose routes set cookies the way real projects do, right and wrong."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response

import corsguard

PAGES = ["https://app.example.com", "http://localhost:3000"]


POSTS: list[str] = []  # every call of the POST login route


def login_app(*, cors: bool = True) -> Any:
    app = FastAPI()

    @app.get("/login")
    def login(response: Response) -> dict[str, str]:
        # Starlette's defaults: Path=/, SameSite=lax, no Secure.
        response.set_cookie("session", "abc", httponly=True)
        return {"user": "ada"}

    @app.get("/login-none")
    def login_none(response: Response) -> dict[str, str]:
        response.set_cookie("session", "abc", httponly=True, samesite="none")
        return {"user": "ada"}

    @app.get("/login-cross-site")
    def login_cross_site(response: Response) -> dict[str, str]:
        response.set_cookie("session", "abc", httponly=True, samesite="none", secure=True)
        return {"user": "ada"}

    @app.get("/login-domain")
    def login_domain(response: Response) -> dict[str, str]:
        response.set_cookie("session", "abc", domain="http://localhost:3000", samesite="none")
        return {"user": "ada"}

    @app.get("/auth/login")
    def login_path(response: Response) -> dict[str, str]:
        response.set_cookie("session", "abc", path="/api", samesite="none", secure=True)
        return {"user": "ada"}

    @app.get("/auth/raw-login")
    def login_raw(response: Response) -> dict[str, str]:
        # A Set-Cookie written by hand, without Path: its path defaults to /auth.
        response.headers.append("set-cookie", "session=abc; SameSite=None; Secure")
        return {"user": "ada"}

    @app.get("/login-prefix")
    def login_prefix(response: Response) -> dict[str, str]:
        response.set_cookie("__Secure-session", "abc", samesite="none")
        return {"user": "ada"}

    @app.post("/login-post")
    def login_post(response: Response) -> dict[str, str]:
        POSTS.append("login")
        response.set_cookie("session", "abc", httponly=True, samesite="none", secure=True)
        return {"user": "ada"}

    if cors:
        corsguard.install(app, corsguard.CORSPolicy(allow_origins=PAGES, allow_credentials=True))
    return app


def no_cors_app() -> Any:
    return login_app(cors=False)


app = login_app()  # for --app tests.check.cookie_apps:app
