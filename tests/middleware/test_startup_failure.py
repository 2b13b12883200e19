"""A refused configuration added with ``add_middleware`` stops a real uvicorn at start-up.

Starlette 0.24 and later build the middleware stack on the first ASGI call (the lifespan
scope), where an exception reads as "lifespan unsupported" and uvicorn would start and answer
every request with 500. The middleware fails the lifespan start-up instead; Starlette before
0.24 builds the stack inside ``add_middleware``, so there the error stops the import. Either
way: a non-zero exit, the codes and hints on stderr, and no request served.

Self-contained (standard library, pytest, uvicorn, Starlette and corsguard) so that it runs
unchanged in every virtualenv of the supported-version matrix.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import starlette
from starlette.applications import Starlette

import corsguard
from corsguard import ConfigError, CORSMiddleware

pytestmark = pytest.mark.uvicorn

CODE = "CG101"
HINT = "List the origins allowed to send credentials instead of '*'"
LAZY_BUILD = tuple(int(part) for part in starlette.__version__.split(".")[:2]) >= (0, 24)

APP_SOURCE = {
    "fastapi": """
        from contextlib import asynccontextmanager
        from pathlib import Path

        from fastapi import FastAPI
        from corsguard import CORSMiddleware

        MARKS = Path(__file__).parent / "marks"

        def mark(name):
            MARKS.mkdir(exist_ok=True)
            (MARKS / name).touch()

        @asynccontextmanager
        async def lifespan(app):
            mark("lifespan")
            yield

        app = FastAPI(lifespan=lifespan)
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)

        @app.get("/health")
        def health():
            mark("health")
            return {"ok": True}
    """,
    "starlette": """
        from contextlib import asynccontextmanager
        from pathlib import Path

        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route
        from corsguard import CORSMiddleware

        MARKS = Path(__file__).parent / "marks"

        def mark(name):
            MARKS.mkdir(exist_ok=True)
            (MARKS / name).touch()

        def health(request):
            mark("health")
            return PlainTextResponse("ok")

        @asynccontextmanager
        async def lifespan(app):
            mark("lifespan")
            yield

        app = Starlette(routes=[Route("/health", health)], lifespan=lifespan)
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    """,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes] | None:
    """(status, body) of a GET, or ``None`` if nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())
    except OSError:
        return None


def _start(tmp_path: Path, kind: str, *options: str) -> tuple[subprocess.Popen[str], str]:
    (tmp_path / "main.py").write_text(textwrap.dedent(APP_SOURCE[kind]))
    src = str(Path(corsguard.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), src])}
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), *options],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}/health"


def _poll_until_exit(
    process: subprocess.Popen[str], url: str
) -> tuple[list[tuple[int, bytes]], str]:
    """Every answer the server gave while it ran (a request was served if there is one),
    and what it wrote to stderr."""
    answers: list[tuple[int, bytes]] = []

    def poll() -> None:
        while process.poll() is None:
            answer = _get(url)
            if answer is not None:
                answers.append(answer)
            time.sleep(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    poller.join(timeout=5)
    return answers, stderr


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        pytest.param("fastapi", (), id="fastapi-lifespan-auto"),
        pytest.param("fastapi", ("--lifespan", "on"), id="fastapi-lifespan-on"),
        pytest.param("starlette", (), id="starlette-lifespan-auto"),
    ],
)
def test_uvicorn_exits_at_start_up_and_serves_nothing(
    tmp_path: Path, kind: str, options: tuple[str, ...]
) -> None:
    process, url = _start(tmp_path, kind, *options)
    answers, stderr = _poll_until_exit(process, url)

    assert process.returncode != 0, stderr
    assert CODE in stderr
    assert HINT in stderr
    assert answers == []
    assert "Application startup complete" not in stderr
    assert "appears unsupported" not in stderr
    # Neither the app's own lifespan nor any endpoint ran.
    assert not (tmp_path / "marks").exists()


def test_without_a_lifespan_every_request_is_refused(tmp_path: Path) -> None:
    """``--lifespan off``: nothing can stop start-up; no request ever reaches the app.

    Starlette before 0.24 stops at the import, as with a lifespan.
    """
    process, url = _start(tmp_path, "fastapi", "--lifespan", "off")
    try:
        deadline = time.monotonic() + 30
        answer = None
        while answer is None and process.poll() is None and time.monotonic() < deadline:
            answer = _get(url)
            time.sleep(0.05)
        if LAZY_BUILD:
            answers = [answer, _get(url)]
            assert [each and each[0] for each in answers] == [500, 500]
            for each in answers:
                assert each is not None
                assert CODE.encode() in each[1]
                # The body names the codes only: the options stay in the server's log.
                assert HINT.encode() not in each[1]
    finally:
        if process.poll() is None:
            process.terminate()
        _, stderr = process.communicate(timeout=30)
    if not LAZY_BUILD:
        assert process.returncode != 0
    assert CODE in stderr
    assert HINT in stderr
    assert not (tmp_path / "marks").exists()


class Subclass(CORSMiddleware):
    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)


def _lazy_app(middleware: type[CORSMiddleware] = CORSMiddleware) -> Starlette:
    app = Starlette()
    app.add_middleware(middleware, allow_origins=["*"], allow_credentials=True)
    return app


async def _lifespan_startup(app: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    incoming = [{"type": "lifespan.startup"}]

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)  # the server would wait for shutdown here
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    await asyncio.wait_for(app(scope, receive, send), timeout=5)
    return sent


@pytest.mark.skipif(not LAZY_BUILD, reason="Starlette before 0.24 builds in add_middleware")
@pytest.mark.parametrize("middleware", [CORSMiddleware, Subclass])
def test_the_lazy_build_fails_the_lifespan_start_up_with_codes_and_hints(
    middleware: type[CORSMiddleware],
) -> None:
    sent = asyncio.run(_lifespan_startup(_lazy_app(middleware)))

    assert [message["type"] for message in sent] == ["lifespan.startup.failed"]
    assert CODE in sent[0]["message"]
    assert HINT in sent[0]["message"]


def test_add_middleware_raises_only_where_starlette_builds_eagerly() -> None:
    # Before Starlette 0.24, add_middleware builds the stack: the error is raised there, at
    # import. From 0.24 on the build waits for the first call, and so does the refusal.
    if LAZY_BUILD:
        _lazy_app()
    else:
        with pytest.raises(ConfigError, match=CODE):
            _lazy_app()


def test_a_direct_call_still_raises() -> None:
    with pytest.raises(ConfigError, match=CODE):
        CORSMiddleware(Starlette(), allow_origins=["*"], allow_credentials=True)


def test_a_subclass_called_directly_still_raises() -> None:
    with pytest.raises(ConfigError, match=CODE):
        Subclass(Starlette(), allow_origins=["*"], allow_credentials=True)
