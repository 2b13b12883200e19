"""``install``: put CORS outermost in a FastAPI or Starlette app.

Starlette builds its stack as ``ServerErrorMiddleware`` → user middleware → ``ExceptionMiddleware``
→ router (``Starlette.build_middleware_stack``). A CORS middleware added with
``add_middleware`` sits inside ``ServerErrorMiddleware``, so the 500 it sends for an unhandled
exception has no CORS headers and the browser reports a CORS error instead of the crash; and
any middleware added after it (authentication, typically) runs first and can answer a
preflight with 401. ``install`` wraps the *built* stack instead, so CORS sees every request
first and every response last, and ``app`` stays the object you serve and decorate.

Starlette before 0.24 (FastAPI before 0.91) builds the stack eagerly: in ``Starlette()``
itself and again in every ``add_middleware``, ``add_exception_handler`` and ``debug``
assignment, so a built stack there says nothing about serving. ``install`` rebuilds it at
once through the wrapped builder, as those calls do; from 0.24 on, a built stack means the
app has already had its first ASGI call, and ``install`` refuses.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from corsguard.middleware.asgi import CORSMiddleware
from corsguard.middleware.startup import RefusedConfiguration
from corsguard.middleware.types import ASGIApp
from corsguard.policy import CORSPolicy

_ATTRIBUTE = "_corsguard_middleware"


def install(
    app: Any,
    policy: CORSPolicy | None = None,
    *,
    paths: Mapping[str, CORSPolicy | None] | None = None,
    check_websocket_origin: bool = True,
    **options: Any,
) -> CORSMiddleware:
    """Install CORS outermost in ``app`` and return the middleware (for ``reconfigure``).

    For a FastAPI or Starlette app the middleware wraps the stack the app builds on its first
    request, outside ``ServerErrorMiddleware``; keep serving ``app`` itself. Any other ASGI
    app is wrapped directly: serve the returned middleware instead.
    """
    middleware = CORSMiddleware(
        app, policy, paths=paths, check_websocket_origin=check_websocket_origin, **options
    )
    build = getattr(app, "build_middleware_stack", None)
    if build is None or not hasattr(app, "user_middleware"):
        return middleware
    if installed(app) is not None:
        raise RuntimeError(
            "install: corsguard's CORS is already installed in this app; call "
            "reconfigure() on the middleware install() returned to change the policy."
        )
    builds_eagerly = _builds_eagerly(app)
    if getattr(app, "middleware_stack", None) is not None and not builds_eagerly:
        raise RuntimeError(
            "install: the app has already started serving requests; call install() right "
            "after creating the app, before it is served."
        )
    _refuse_second_cors_layer(app)

    def build_middleware_stack() -> ASGIApp:
        try:
            _refuse_second_cors_layer(app)
        except RuntimeError as error:
            if builds_eagerly:
                raise  # inside add_middleware, at import: that stops the server already
            # The lazy build runs in the server's lifespan start-up, where an exception
            # passes for "no lifespan support": fail the start-up instead (see startup.py).
            return RefusedConfiguration(
                error, app, location="corsguard.install", fix="remove one of the two layers"
            )
        middleware.app = build()
        return middleware

    app.build_middleware_stack = build_middleware_stack
    setattr(app, _ATTRIBUTE, middleware)
    if builds_eagerly:
        app.middleware_stack = app.build_middleware_stack()
    return middleware


def installed(app: Any) -> CORSMiddleware | None:
    """The middleware ``install`` put in ``app``, or ``None``."""
    found = getattr(app, _ATTRIBUTE, None)
    return found if isinstance(found, CORSMiddleware) else None


def _builds_eagerly(app: Any) -> bool:
    """Whether ``app`` is a Starlette app of a version that builds its stack eagerly (< 0.24)."""
    if not isinstance(app, _starlette_class()):
        return False
    from starlette import __version__

    return _release(__version__) < (0, 24)


def _starlette_class() -> type | tuple[type, ...]:
    try:
        from starlette.applications import Starlette
    except ImportError:
        return ()
    return Starlette


def _release(version: str) -> tuple[int, ...]:
    """The leading numeric part of a version string: ``"0.19.1"`` is ``(0, 19, 1)``."""
    numbers: list[int] = []
    for part in version.split("."):
        digits = "".join(itertools.takewhile(str.isdigit, part))
        if not digits:
            break
        numbers.append(int(digits))
        if digits != part:
            break
    return tuple(numbers)


def _refuse_second_cors_layer(app: Any) -> None:
    for entry in getattr(app, "user_middleware", ()):
        cls = getattr(entry, "cls", None)
        if getattr(cls, "__name__", "") == "CORSMiddleware":
            raise RuntimeError(
                f"install: the app also has {cls.__module__}.CORSMiddleware added with "
                "add_middleware; remove it, because two CORS layers send two "
                "Access-Control-Allow-Origin values and browsers refuse the response."
            )
