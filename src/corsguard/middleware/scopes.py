"""Path-scoped policies: a different policy (or none) under each path prefix.

``paths={"/public/": open_policy, "/api/": strict_policy, "/internal/": None}``: the longest
matching prefix wins, ``None`` switches CORS off under its prefix, and a path under no prefix
gets the middleware's default policy. A prefix matches whole path segments: ``"/api/"`` (or
``"/api"``) covers ``/api`` and ``/api/items`` but not ``/apiary``.

Prefixes are matched against the path the app routes on: ``scope["path"]`` without the
``root_path`` the app is mounted under (a Starlette ``Mount``, or a server's ``--root-path``,
puts that prefix into ``scope["path"]`` too), as Starlette's router strips it.
"""

from __future__ import annotations

from collections.abc import Mapping

from corsguard.middleware.compiled import CompiledPolicy
from corsguard.middleware.types import Scope
from corsguard.policy import CORSPolicy


class PathScopes:
    """Prefixes, longest first, each with its compiled policy or ``None``."""

    __slots__ = ("default", "entries", "policies")

    def __init__(
        self, default: CompiledPolicy | None, paths: Mapping[str, CORSPolicy | None]
    ) -> None:
        entries: list[tuple[str, str, CompiledPolicy | None]] = []
        for prefix, policy in paths.items():
            if not str(prefix).startswith("/"):
                raise ValueError(
                    f"paths: {prefix!r} is not a path prefix; write it starting with '/', "
                    "such as '/api/'."
                )
            if policy is not None and not isinstance(policy, CORSPolicy):
                raise TypeError(
                    f"paths[{prefix!r}]: {type(policy).__name__} is not a CORSPolicy; pass "
                    "CORSPolicy(...) or None to switch CORS off under the prefix."
                )
            base = prefix.rstrip("/")
            entries.append((base, base + "/", None if policy is None else CompiledPolicy(policy)))
        entries.sort(key=lambda entry: len(entry[0]), reverse=True)
        self.entries = tuple(entries)
        self.default = default
        self.policies: dict[str, CORSPolicy | None] = dict(paths)

    def select_for(self, scope: Scope) -> CompiledPolicy | None:
        """The policy for a request's scope (``None``: CORS off for it)."""
        return self.select(route_path(scope))

    def select(self, path: str) -> CompiledPolicy | None:
        """The policy for ``path``, a path as the app routes on it (no ``root_path``)."""
        for base, under, compiled in self.entries:
            if path.startswith(under) or path == base:
                return compiled
        return self.default


def route_path(scope: Scope) -> str:
    """``scope["path"]`` without ``scope["root_path"]``, as Starlette's router sees it.

    The root path is removed only at a segment boundary: with ``root_path="/v1"``,
    ``/v1/admin`` routes as ``/admin`` and ``/v1`` as ``""`` (the app's root), while
    ``/v1admin`` keeps its full path.
    """
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        if len(path) == len(root):
            return ""
        if path[len(root)] == "/":
            return path[len(root) :]
    return path
