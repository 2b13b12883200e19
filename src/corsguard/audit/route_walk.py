"""Every route an app serves, found the way the router finds it: through includes and mounts.

Apps are assembled from pieces, and each FastAPI/Starlette version keeps the pieces differently:

- ``app.include_router(router, prefix=...)``: FastAPI before 0.137 copies each ``APIRoute`` into
  the parent with the prefix applied; later versions keep one included-router entry per call
  (``original_router`` plus an ``include_context`` whose ``prefix`` already holds the parent
  router's own prefix) and resolve routes on each request, nested includes included;
- ``Mount(path, app=...)`` / ``Mount(path, routes=[...])`` and ``Host(host, app=...)``: a
  sub-application, which has its own middleware, or a bare router, which does not;
- ``Route``/``APIRoute`` (``methods``) and ``WebSocketRoute``/``APIWebSocketRoute``.

Entries are recognised by what they hold, not by class name, so a version that renames its
private classes still walks; anything else is kept by type name in ``skipped``, so that the
audit can say what it could not follow instead of reporting fewer routes in silence.
"""

from __future__ import annotations

import datetime
import enum
import re
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Values a path parameter of each type accepts, so that the request reaches the handler.
# Checked in order: bool before int and datetime before date, as each is a subclass of the next.
_SAMPLES: dict[Any, str] = {
    bool: "true",
    int: "1",
    float: "1",
    str: "1",
    uuid.UUID: "00000000-0000-4000-8000-000000000001",
    datetime.datetime: "2024-01-01T00:00:00",
    datetime.date: "2024-01-01",
}
# Starlette's path convertors (``{id:int}``); ``path`` matches several segments.
_CONVERTOR_SAMPLES = {
    "int": "1",
    "float": "1",
    "str": "1",
    "path": "x",
    "uuid": _SAMPLES[uuid.UUID],
}
_ENDPOINT_METHODS = ("get", "head", "post", "put", "patch", "delete", "options")
# FastAPI's own documentation routes: not part of the API a frontend calls.
FRAMEWORK_ROUTES = frozenset({"openapi", "swagger_ui_html", "swagger_ui_redirect", "redoc_html"})
_PARAMETER = re.compile(r"\{([^}:]+)(?::([^}]+))?\}")


@dataclass(frozen=True, slots=True)
class Route:
    path: str  # full path, mount and include prefixes included
    methods: tuple[str, ...]  # empty for websocket routes
    name: str
    websocket: bool = False
    source: str = ""  # "file:line" of the endpoint
    sample: str = ""  # a path a request can use: parameters filled with values of their type
    dependencies: tuple[str, ...] = ()  # router-level dependencies (include_router, APIRouter)

    @property
    def request_path(self) -> str:
        return self.sample or concrete_path(self.path)


@dataclass
class Walk:
    """What a walk of one router found."""

    routes: list[Route] = field(default_factory=list)
    children: list[Any] = field(default_factory=list)  # AppNode of each mounted sub-app
    skipped: list[str] = field(default_factory=list)  # type names of entries not understood


# introspect(app, label=..., prefix=...) for a mounted sub-application.
SubApp = Callable[[Any, str, str], Any]


def walk_routes(
    router: Any,
    prefix: str,
    sub_app: SubApp,
    *,
    is_router: Callable[[Any], bool],
    dependencies: tuple[str, ...] = (),
) -> Walk:
    """Walk ``router.routes``; ``sub_app`` describes a mounted app that has its own stack."""
    found = Walk()
    for entry in list(getattr(router, "routes", ()) or ()):
        _walk_entry(entry, prefix, sub_app, is_router, dependencies, found)
    return found


def _walk_entry(
    entry: Any,
    prefix: str,
    sub_app: SubApp,
    is_router: Callable[[Any], bool],
    dependencies: tuple[str, ...],
    found: Walk,
) -> None:
    kind = type(entry).__name__
    included = getattr(entry, "original_router", None)
    if included is not None and hasattr(included, "routes"):
        # FastAPI >= 0.137: one entry per include_router call, resolved per request.
        context = getattr(entry, "include_context", None)
        extra = str(getattr(context, "prefix", "") or "")
        more = _dependency_names(getattr(context, "dependencies", ()))
        inner = walk_routes(
            included,
            prefix + extra,
            sub_app,
            is_router=is_router,
            dependencies=(*dependencies, *more),
        )
        _merge(found, inner)
        return
    inner_app = getattr(entry, "app", None)
    mounted = (kind == "Mount" or hasattr(entry, "routes")) and inner_app is not None
    if kind == "Host" or mounted:
        path = str(getattr(entry, "path", "") or "")
        where = prefix + path if kind != "Host" else prefix
        label = f"host {getattr(entry, 'host', '')}" if kind == "Host" else f"mount {where or '/'}"
        if inner_app is None:
            found.skipped.append(kind)
        elif is_router(inner_app):
            # Mount("/api", routes=[...]): a bare router, no middleware of its own.
            _merge(
                found,
                walk_routes(
                    inner_app, where, sub_app, is_router=is_router, dependencies=dependencies
                ),
            )
        else:
            found.children.append(sub_app(inner_app, label, where))
        return
    path = str(getattr(entry, "path", "") or "")
    name = str(getattr(entry, "name", "") or "")
    endpoint = getattr(entry, "endpoint", None)
    methods = getattr(entry, "methods", None)
    if methods is None and isinstance(endpoint, type) and "websocket" not in kind.lower():
        # A class endpoint (Starlette's HTTPEndpoint) answers the methods it defines.
        methods = [m.upper() for m in _ENDPOINT_METHODS if callable(getattr(endpoint, m, None))]
    if "websocket" in kind.lower() and not methods:
        found.routes.append(Route(prefix + path, (), name, websocket=True))
        return
    if not methods or not path:
        found.skipped.append(kind)
        return
    own = _dependency_names(getattr(entry, "dependencies", ()))
    found.routes.append(
        Route(
            prefix + path,
            tuple(sorted(str(method).upper() for method in methods)),
            name,
            source=_source_of(endpoint),
            sample=sample_path(prefix + path, endpoint),
            dependencies=tuple(dict.fromkeys((*dependencies, *own))),
        )
    )


def _merge(found: Walk, inner: Walk) -> None:
    found.routes += inner.routes
    found.children += inner.children
    found.skipped += inner.skipped


def _dependency_names(dependencies: Any) -> tuple[str, ...]:
    names = []
    for dependency in dependencies or ():
        call = getattr(dependency, "dependency", None)
        names.append(getattr(call, "__name__", None) or type(call).__name__)
    return tuple(names)


def _source_of(endpoint: Any) -> str:
    from corsguard.audit.introspect import source_of

    return source_of(endpoint)


# -- path parameters ------------------------------------------------------------------------------


def concrete_path(path: str) -> str:
    """A path a request can use when nothing is known of the parameters' types."""
    return _PARAMETER.sub(lambda m: _CONVERTOR_SAMPLES.get(m.group(2) or "", "1"), path)


def sample_path(path: str, endpoint: Any = None) -> str:
    """``path`` with each parameter filled with a value its type accepts.

    ``/items/{item_id:int}`` gives ``/items/1``; a FastAPI ``{user_id}`` declared ``user_id:
    UUID`` in the endpoint's signature gives a UUID, an enum its first value, so that the
    request reaches the handler instead of stopping at validation (422) or routing (404).
    """
    hints = _type_hints(endpoint)

    def value(match: re.Match[str]) -> str:
        name, convertor = match.group(1), match.group(2) or ""
        if convertor:
            return _CONVERTOR_SAMPLES.get(convertor, "1")
        return _sample_for(hints.get(name))

    return _PARAMETER.sub(value, path)


def _type_hints(endpoint: Any) -> dict[str, Any]:
    if endpoint is None:
        return {}
    try:
        return typing.get_type_hints(endpoint, include_extras=False)
    except Exception:  # unresolvable forward references, builtins, callables without hints
        return {}


def _sample_for(annotation: Any) -> str:
    annotation = _unwrapped(annotation)
    if annotation is None:
        return "1"
    if typing.get_origin(annotation) is typing.Literal:
        return str(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        first = next(iter(annotation), None)
        return "1" if first is None else str(first.value)
    for kind, sample in _SAMPLES.items():
        if isinstance(annotation, type) and issubclass(annotation, kind):
            return sample
    return "1"


def _unwrapped(annotation: Any) -> Any:
    """``Optional[X]`` and ``X | None`` give ``X``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _unwrapped(args[0]) if args else None
    return annotation
