"""Through a real uvicorn server and an HTTP client, as a browser's requests arrive."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI

from corsguard import install
from tests.support.servers import serve_asgi

APP = "https://app.example.com"

pytestmark = pytest.mark.uvicorn


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/items")
    async def items() -> list[int]:
        return [1, 2]

    @app.put("/items")
    async def put_items() -> dict[str, bool]:
        return {"saved": True}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("unhandled in the endpoint")

    install(
        app,
        allow_origins=[APP],
        allow_methods=["GET", "PUT"],
        allow_headers=["Authorization"],
        allow_credentials=True,
        expose_headers=["X-Total"],
    )
    return app


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_browser_exchange_through_uvicorn() -> None:
    recorder = Recorder()
    with serve_asgi(make_app()) as base, httpx.Client(base_url=base) as client:
        # uvicorn configures its loggers when it starts; listen on its error logger after.
        server_log = logging.getLogger("uvicorn.error")
        server_log.addHandler(recorder)
        preflight = client.options(
            "/items",
            headers={
                "Origin": APP,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.text == "OK"
        assert preflight.headers["access-control-allow-origin"] == APP
        assert preflight.headers["access-control-allow-methods"] == "PUT"
        assert preflight.headers["access-control-allow-headers"] == (
            "Accept, Accept-Language, Authorization, Content-Language, Content-Type"
        )
        assert preflight.headers["access-control-allow-credentials"] == "true"

        actual = client.put("/items", headers={"Origin": APP, "Authorization": "Bearer t"})
        assert actual.status_code == 200
        assert actual.headers["access-control-allow-origin"] == APP
        assert actual.headers["vary"] == "Origin"

        refused = client.options(
            "/items",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"},
        )
        assert refused.status_code == 403
        assert not [name for name in refused.headers if name.startswith("access-control-")]

        crash = client.get("/boom", headers={"Origin": APP})
        assert crash.status_code == 500
        assert crash.headers["access-control-allow-origin"] == APP
        assert crash.headers["access-control-allow-credentials"] == "true"
    server_log.removeHandler(recorder)
    # The exception still reaches the server, which logs it as for any crash.
    assert any(
        record.exc_info and "unhandled in the endpoint" in str(record.exc_info[1])
        for record in recorder.records
    )
