"""Walk an ASGI app and describe its CORS setup: the layers in front of each part, and routes.

A FastAPI/Starlette app is a stack built at startup: ``ServerErrorMiddleware`` outermost (plus
FastAPI's body-limit and telemetry layers), then ``user_middleware`` in order (``add_middleware``
inserts at index 0, so the last one added runs first), then ``ExceptionMiddleware``, then the
router. Anything wrapping the app object (``CORSMiddleware(app=app)``, ``corsguard.install``,
uvicorn's ``ProxyHeadersMiddleware``) runs before all of that. The walk reads the declared stack
(``user_middleware``), not the built one, so it sees the options exactly as they were written.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from corsguard.audit.route_walk import Route, walk_routes

Implementation = Literal["corsguard", "starlette", "unknown"]
LayerKind = Literal["cors", "middleware", "errors", "exceptions"]

# Options of Starlette's CORSMiddleware, in its signature order (corsguard uses the same names).
STARLETTE_OPTIONS = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "allow_private_network",
    "expose_headers",
    "max_age",
)


@dataclass(frozen=True, slots=True)
class CorsSetup:
    """A CORS layer and its options, under Starlette's keyword names."""

    implementation: Implementation
    options: Mapping[str, Any]
    declared: bool  # read from the add_middleware call rather than rebuilt from an instance
    policy: Any = None  # the CORSPolicy of a corsguard layer


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer a request passes through before the router, outermost first."""

    name: str
    kind: LayerKind
    wrapper: bool  # wraps the app object (True) or declared in user_middleware (False)
    cors: CorsSetup | None = None
    module: str = ""
    source: str = ""  # "file:line" of the code that defines it, when known
    installed: bool = False  # put there by corsguard.install (a second install() refuses)


@dataclass(frozen=True, slots=True)
class AppNode:
    """An app (the target, or a mounted sub-app) with its layers and routes."""

    label: str  # "app" or "mount /v1"
    prefix: str
    kind: str  # "FastAPI", "Starlette", "Router" or the class name
    layers: tuple[Layer, ...]
    routes: tuple[Route, ...]
    children: tuple[AppNode, ...] = ()
    redirect_slashes: bool = False
    exception_handlers: tuple[str, ...] = field(default=())
    skipped: tuple[str, ...] = ()  # type names of router entries the walk could not follow

    @property
    def cors_layers(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in self.layers if layer.kind == "cors")

    def walk(self) -> Iterator[AppNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def introspect(app: Any, *, label: str = "app", prefix: str = "") -> AppNode:
    """Describe ``app`` and everything mounted in it."""
    wrappers: list[Layer] = []
    current = app
    seen: set[int] = set()
    while not _is_starlette(current) and not _is_router(current) and id(current) not in seen:
        seen.add(id(current))
        inner = _inner_app(current)
        if inner is None:
            break
        wrappers.append(_instance_layer(current))
        current = inner

    if _is_starlette(current):
        router = current.router
        layers = [*wrappers, *_installed_layers(current), *_declared_layers(current)]
        kind = type(current).__name__
        handlers = tuple(_handler_name(key) for key in getattr(current, "exception_handlers", {}))
    elif _is_router(current):
        router = current
        layers = wrappers
        kind = "Router"
        handlers = ()
    else:
        return AppNode(label, prefix, type(current).__name__, tuple(wrappers), ())

    found = walk_routes(
        router,
        prefix,
        lambda inner, where, at: introspect(inner, label=where, prefix=at),
        is_router=lambda obj: _is_router(obj) and not _is_starlette(obj),
    )
    return AppNode(
        label=label,
        prefix=prefix,
        kind=kind,
        layers=tuple(layers),
        routes=tuple(found.routes),
        children=tuple(found.children),
        redirect_slashes=bool(getattr(router, "redirect_slashes", False)),
        exception_handlers=handlers,
        skipped=tuple(found.skipped),
    )


def _installed_layers(app: Any) -> list[Layer]:
    """corsguard's ``install`` wraps the built stack, outside ServerErrorMiddleware."""
    try:
        from corsguard.middleware import installed
    except ImportError:  # pragma: no cover - the middleware ships with corsguard
        return []
    middleware = installed(app)
    if middleware is None:
        return []
    return [replace(_instance_layer(middleware), installed=True)]


def _declared_layers(app: Any) -> list[Layer]:
    # ServerErrorMiddleware is built outside user middleware (Starlette applications.py
    # build_middleware_stack); its 500 responses never pass through a CORS layer declared here.
    layers = [Layer("ServerErrorMiddleware", "errors", wrapper=False, module="starlette")]
    for entry in getattr(app, "user_middleware", ()):
        cls, args, kwargs = declared_options(entry)
        layers.append(_declared_layer(cls, args, kwargs))
    layers.append(Layer("ExceptionMiddleware", "exceptions", wrapper=False, module="starlette"))
    return layers


def declared_options(entry: Any) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
    """The class, positional and keyword options of one ``user_middleware`` entry.

    Starlette 0.35 split ``Middleware.options`` into ``args`` and ``kwargs``; FastAPI before
    0.109 runs on the older Starlette, so both spellings are read.
    """
    cls = getattr(entry, "cls", None)
    kwargs = getattr(entry, "kwargs", None)
    if kwargs is None:
        kwargs = getattr(entry, "options", None)
    return cls, tuple(getattr(entry, "args", ()) or ()), dict(kwargs or {})


def _declared_layer(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Layer:
    name = getattr(cls, "__name__", type(cls).__name__)
    module = getattr(cls, "__module__", "") or ""
    implementation = _cors_implementation(cls)
    if implementation == "starlette":
        options = dict(zip(STARLETTE_OPTIONS, args, strict=False))
        options.update(kwargs)
        return Layer(name, "cors", False, CorsSetup("starlette", options, declared=True), module)
    if implementation == "corsguard":
        return Layer(name, "cors", False, _corsguard_setup(args, kwargs), module)
    if name == "BaseHTTPMiddleware" and "dispatch" in kwargs:
        # @app.middleware("http") functions: name them after the function the user wrote.
        dispatch = kwargs["dispatch"]
        name = getattr(dispatch, "__name__", name)
        module = getattr(dispatch, "__module__", module) or module
        return Layer(name, "middleware", False, None, module, source_of(dispatch))
    return Layer(name, "middleware", False, None, module, source_of(cls))


def _corsguard_setup(args: tuple[Any, ...], kwargs: dict[str, Any]) -> CorsSetup:
    policy = kwargs.get("policy", args[0] if args else None)
    if policy is None:
        try:
            from corsguard.policy import CORSPolicy

            policy = CORSPolicy(**{k: v for k, v in kwargs.items() if k in STARLETTE_OPTIONS})
        except (ValueError, TypeError):
            policy = None
    return CorsSetup("corsguard", _policy_options(policy, kwargs), declared=True, policy=policy)


def _policy_options(policy: Any, fallback: Mapping[str, Any]) -> dict[str, Any]:
    if policy is None:
        return {k: v for k, v in fallback.items() if k in STARLETTE_OPTIONS}
    return {name: getattr(policy, name) for name in STARLETTE_OPTIONS if hasattr(policy, name)}


def _instance_layer(obj: Any) -> Layer:
    cls = type(obj)
    name, module = cls.__name__, cls.__module__
    implementation = _cors_implementation(cls)
    if implementation == "starlette":
        return Layer(name, "cors", True, CorsSetup("starlette", _starlette_instance(obj), False))
    if implementation == "corsguard":
        policy = getattr(obj, "policy", None)
        setup = CorsSetup("corsguard", _policy_options(policy, {}), False, policy)
        return Layer(name, "cors", True, setup, module)
    if "cors" in name.lower():
        return Layer(name, "cors", True, CorsSetup("unknown", {}, False), module)
    return Layer(name, "middleware", True, None, module)


def _starlette_instance(obj: Any) -> dict[str, Any]:
    """Rebuild the options of a constructed Starlette CORSMiddleware from what it keeps."""
    regex = getattr(obj, "allow_origin_regex", None)
    preflight: Mapping[str, str] = getattr(obj, "preflight_headers", {})
    simple: Mapping[str, str] = getattr(obj, "simple_headers", {})
    expose = simple.get("Access-Control-Expose-Headers", "")
    options: dict[str, Any] = {
        "allow_origins": list(getattr(obj, "allow_origins", ())),
        "allow_methods": list(getattr(obj, "allow_methods", ("GET",))),
        "allow_headers": ["*"]
        if getattr(obj, "allow_all_headers", False)
        else list(getattr(obj, "allow_headers", ())),
        # Starlette before 0.37 keeps allow_credentials only as the header it adds.
        "allow_credentials": bool(
            getattr(
                obj,
                "allow_credentials",
                simple.get("Access-Control-Allow-Credentials") == "true",
            )
        ),
        "allow_origin_regex": getattr(regex, "pattern", regex),
        "allow_private_network": bool(getattr(obj, "allow_private_network", False)),
        "expose_headers": [h.strip() for h in expose.split(",") if h.strip()],
    }
    max_age = preflight.get("Access-Control-Max-Age")
    if max_age is not None and max_age.isdigit():
        options["max_age"] = int(max_age)
    return options


def _cors_implementation(cls: Any) -> Implementation | None:
    if not isinstance(cls, type):
        return None
    for base in cls.__mro__:
        module = base.__module__ or ""
        if base.__name__ == "CORSMiddleware" and module.startswith("starlette."):
            return "starlette"
        if base.__name__ == "CORSMiddleware" and module.startswith("corsguard."):
            return "corsguard"
    return None


def source_of(obj: Any) -> str:
    """``file:line`` where a function or class is defined, relative to the working directory."""
    if obj is None:
        return ""
    try:
        file = inspect.getsourcefile(obj)
        _, line = inspect.getsourcelines(obj)
    except (OSError, TypeError):
        return ""
    if not file:
        return ""
    path = Path(file)
    with contextlib.suppress(ValueError):
        path = path.resolve().relative_to(Path.cwd().resolve())
    return f"{path.as_posix()}:{max(line, 1)}"


_CORS_DECLARATION = re.compile(r"\bCORSMiddleware\s*[,(]|\binstall\s*\(")


def cors_declaration(module: Any) -> str:
    """``file:line`` of the first line in ``module`` that adds or installs a CORS middleware."""
    where = source_of(module)
    if not where:
        return ""
    try:
        lines, _ = inspect.getsourcelines(module)
    except (OSError, TypeError):
        return ""
    for number, line in enumerate(lines, 1):
        if _CORS_DECLARATION.search(line) and not line.lstrip().startswith(("from ", "import ")):
            return f"{where.rsplit(':', 1)[0]}:{number}"
    return ""


def _inner_app(obj: Any) -> Any:
    inner = getattr(obj, "app", None)
    return inner if inner is not None and callable(inner) and inner is not obj else None


def _is_starlette(obj: Any) -> bool:
    return any(
        base.__name__ == "Starlette" and (base.__module__ or "").startswith("starlette.")
        for base in type(obj).__mro__
    )


def _is_router(obj: Any) -> bool:
    return any(
        base.__name__ == "Router" and (base.__module__ or "").startswith("starlette.")
        for base in type(obj).__mro__
    )


def _handler_name(key: Any) -> str:
    return key.__name__ if isinstance(key, type) else str(key)
