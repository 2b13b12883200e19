"""ASGI CORS middleware (being written; this module will be replaced)."""

from __future__ import annotations

from typing import Any


class CORSMiddleware:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("corsguard.middleware is not written yet")


def install(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError("corsguard.middleware is not written yet")
