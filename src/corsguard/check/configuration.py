"""The app's own CORS configuration, and the mistake in it behind a refusal (``--app`` only).

Over HTTP a refusal shows only that the origin, a method or a header was refused. In-process
the app's CORS layer can be read (Starlette's or corsguard's, through the audit's
introspection), and the entry that was meant to allow the request found: ``' https://…'``
with the space left by splitting a variable on ``","``, ``''`` from an unset variable or a
trailing comma, ``'https://…/'`` with a trailing slash. Each gets the code policy validation
and ``corsguard audit`` give the same entry, with a message about this request.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from corsguard.browser.differences import finding
from corsguard.codes import Code, Severity, get
from corsguard.codes import diagnosis as codes
from corsguard.codes import policy as policy_codes
from corsguard.findings import Finding
from corsguard.policy.problems import Problem
from corsguard.protocol.origin import comparable_origin, parse_serialized_origin
from corsguard.protocol.safelist import normalize_method

# Request headers Starlette allows whatever allow_headers says (its SAFELISTED_HEADERS);
# corsguard allows the same ones.
ALWAYS_ALLOWED_HEADERS = frozenset(
    {"accept", "accept-language", "content-language", "content-type"}
)
SIMPLE_METHODS = frozenset({"GET", "HEAD", "POST"})
# Starlette's CORSMiddleware defaults (corsguard's policy has the same ones).
STARLETTE_DEFAULTS: Mapping[str, tuple[str, ...]] = {
    "allow_origins": (),
    "allow_methods": ("GET",),
    "allow_headers": (),
}


@dataclass(frozen=True)
class CorsConfiguration:
    """The first CORS layer a request to the checked path reaches, and its options."""

    implementation: str  # "corsguard", "starlette" or "unknown"
    layer: str  # the middleware's class name
    options: Mapping[str, Any]  # under Starlette's keyword names
    problems: tuple[Problem, ...]  # policy validation's errors and warnings for these options
    policy: Any = None  # corsguard's CORSPolicy, when the layer is corsguard's

    def refuses(self, origin: str, method: str, headers: Sequence[str]) -> tuple[str, str] | None:
        """The part a preflight asking for this is refused on, as (part, value), or ``None``."""
        if not self._allows_origin(origin):
            return "origin", origin
        methods = [str(m).strip() for m in self.entries("allow_methods")]
        if self.policy is not None:
            methods = [*self.policy.methods, *(["*"] if self.policy.allows_all_methods else [])]
        if method not in SIMPLE_METHODS and "*" not in methods and method not in methods:
            return "method", method
        allowed = {str(h).lower() for h in self.entries("allow_headers")}
        if "*" not in allowed:
            for name in headers:
                if name.lower() not in allowed | ALWAYS_ALLOWED_HEADERS:
                    return "header", name.lower()
        return None

    def _allows_origin(self, origin: str) -> bool:
        policy = self.policy
        if policy is not None:
            return bool(policy.allows_all_origins or policy.match_origin(origin))
        entries = self.entries("allow_origins")
        if "*" in entries or origin in entries:
            return True
        regex = self.options.get("allow_origin_regex")
        if regex is None:
            return False
        try:
            return re.fullmatch(getattr(regex, "pattern", regex), origin) is not None
        except (re.error, TypeError):
            return False

    def entries(self, option: str) -> list[Any]:
        """An option's entries, Starlette's default when the app does not pass it."""
        value = self.options.get(option, STARLETTE_DEFAULTS.get(option, ()))
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    def problem_at(self, where: str) -> Problem | None:
        """Validation's problem for one entry, e.g. ``allow_origins[1]``."""
        return next((p for p in self.problems if p.option == where), None)


def read_configuration(app: Any, url: str) -> CorsConfiguration | None:
    """The CORS configuration that answers requests to ``url`` in ``app``, if it can be read."""
    from corsguard.audit.introspect import introspect
    from corsguard.policy import validate

    app = _unwrapped(app)
    try:
        root = introspect(app)
    except Exception:  # an app corsguard cannot walk: diagnose without its configuration
        return None
    path = urlsplit(url).path or "/"
    for node in root.walk():
        if node.prefix and not (path == node.prefix or path.startswith(node.prefix + "/")):
            continue
        for layer in node.cors_layers:
            setup = layer.cors
            if setup is None or setup.implementation == "unknown":
                return None
            if setup.implementation == "corsguard":
                scoped, policy = _path_policy(app, path)
                if scoped:
                    if policy is None:
                        return None  # CORS is off under this prefix
                    return _from_policy(layer.name, policy)
                problems = tuple(getattr(setup.policy, "warnings", ()))
            else:
                try:
                    errors, warnings = validate(**setup.options)
                except Exception:  # options of a shape validation cannot read
                    errors, warnings = [], []
                problems = (*errors, *warnings)
            return CorsConfiguration(
                setup.implementation, layer.name, setup.options, problems, setup.policy
            )
    return None


def _unwrapped(app: Any) -> Any:
    """The app behind a bound method that serves it (a lifespan session's ``serve``)."""
    owner = getattr(app, "__self__", None)
    inner = getattr(owner, "app", None)
    return inner if inspect.ismethod(app) and inner is not None and callable(inner) else app


def _path_policy(app: Any, path: str) -> tuple[bool, Any]:
    """A corsguard middleware's ``paths=`` policy for ``path``: (prefix matched, policy)."""
    from corsguard.middleware import CORSMiddleware, installed

    found: list[Any] = [installed(app)]
    current, seen = app, 0
    while current is not None and seen < 32:  # the wrappers around the app object
        found.append(current)
        current, seen = getattr(current, "app", None), seen + 1
    for entry in getattr(app, "user_middleware", ()):
        paths = (getattr(entry, "kwargs", None) or getattr(entry, "options", None) or {}).get(
            "paths"
        )
        if paths:
            found.append(paths)
    for candidate in found:
        paths = candidate.paths if isinstance(candidate, CORSMiddleware) else candidate
        if not isinstance(paths, Mapping) or not paths:
            continue
        # The longest prefix wins, whole segments only, as the middleware selects.
        for prefix in sorted(paths, key=lambda p: len(str(p).rstrip("/")), reverse=True):
            base = str(prefix).rstrip("/")
            if path == base or path.startswith(base + "/"):
                return True, paths[prefix]
    return False, None


def _from_policy(layer: str, policy: Any) -> CorsConfiguration:
    from corsguard.audit.introspect import STARLETTE_OPTIONS

    options = {name: getattr(policy, name) for name in STARLETTE_OPTIONS if hasattr(policy, name)}
    return CorsConfiguration("corsguard", layer, options, tuple(policy.warnings), policy)


def refuses_origin(configuration: CorsConfiguration | None, origin: str) -> bool:
    """Whether the app's CORS layer (``--app`` only) refuses ``origin`` whatever is asked."""
    if configuration is None:
        return False
    refused = configuration.refuses(origin, "GET", ())
    return refused is not None and refused[0] == "origin"


def origin_mistake(
    configuration: CorsConfiguration, origin: str, url: str, how: str
) -> Finding | None:
    """Why ``origin`` is not allowed, naming the entry meant for it, or that none is."""
    entries = configuration.entries("allow_origins")
    if any(isinstance(e, str) and e.strip() == "*" for e in entries):
        return None
    page = parse_serialized_origin(origin)
    if page is None or page.serialize() != origin:
        return None  # not an origin a browser sends: nothing to compare the entries with
    for index, entry in enumerate(entries):
        if not isinstance(entry, str):
            continue
        where = f"allow_origins[{index}]"
        stripped = entry.strip()
        if stripped == origin and entry != origin:
            return _entry_finding(
                configuration,
                url,
                where,
                entry,
                policy_codes.ORIGIN_WHITESPACE,
                how,
                f"it is there as {entry!r}, with surrounding whitespace, which never equals "
                f"the Origin header {origin!r}",
                "Strip each entry where the list is built, e.g. [o.strip() for o in "
                "value.split(',') if o.strip()], or build the policy with "
                "CORSPolicy.from_env(), which does.",
            )
        if (
            stripped != origin
            and comparable_origin(stripped) == comparable_origin(origin)
            and "://" in stripped
        ):
            code = (
                policy_codes.ORIGIN_WITH_PATH
                if urlsplit(stripped).path not in ("",)
                else policy_codes.ORIGIN_NORMALIZED
            )
            return _entry_finding(
                configuration,
                url,
                where,
                entry,
                code,
                how,
                f"it is there as {entry!r}, which browsers never send: they send {origin!r} "
                "(no trailing slash or path, lower case, no default port), and the comparison "
                "is byte for byte",
                f"Write it as {origin!r}; with pydantic's AnyHttpUrl use str(url).rstrip('/').",
            )
    empty = [i for i, e in enumerate(entries) if isinstance(e, str) and not e.strip()]
    if empty:
        where = f"allow_origins[{empty[0]}]"
        return _entry_finding(
            configuration,
            url,
            where,
            entries[empty[0]],
            policy_codes.ORIGIN_MISSING_SCHEME,
            how,
            f"this entry is empty (an unset variable or a trailing comma), and {origin!r} is "
            "not in the list",
            f"Set the variable the list is read from, drop empty entries (if o.strip()), and "
            f"list {origin!r}.",
        )
    listed = [e for e in entries if isinstance(e, str)]
    regex = configuration.options.get("allow_origin_regex")
    pattern = getattr(regex, "pattern", regex)
    also = f", and allow_origin_regex {pattern!r} does not match it" if pattern else ""
    return _missing(
        configuration,
        url,
        codes.NO_CORS_HEADERS,
        "allow_origins",
        listed,
        origin,
        how,
        f"{origin!r} is not in allow_origins {listed!r}{also}",
    )


def method_mistake(
    configuration: CorsConfiguration, method: str, url: str, how: str
) -> Finding | None:
    entries = configuration.entries("allow_methods")
    if any(isinstance(e, str) and e.strip() == "*" for e in entries) or method in SIMPLE_METHODS:
        return None
    # Starlette compares methods exactly as configured; corsguard stores them as fetch() sends.
    stored = normalize_method if configuration.implementation == "corsguard" else str
    found = _listed_near(entries, method, lambda text: text.upper() == method.upper(), stored)
    if found is not None:
        index, entry = found
        return _entry_finding(
            configuration,
            url,
            f"allow_methods[{index}]",
            entry,
            codes.METHOD_NOT_ALLOWED,
            how,
            f"it is there as {entry!r}, which never equals the method {method!r} (methods are "
            "compared byte for byte)",
            f"Write it exactly as the frontend sends it: {method!r}.",
        )
    listed = [e for e in entries if isinstance(e, str)]
    unset = configuration.implementation == "starlette" and "allow_methods" not in (
        configuration.options
    )
    default = " (Starlette's default)" if unset else ""
    return _missing(
        configuration,
        url,
        codes.METHOD_NOT_ALLOWED,
        "allow_methods",
        listed,
        method,
        how,
        f"{method!r} is not in allow_methods {listed!r}{default}",
    )


def header_mistake(
    configuration: CorsConfiguration, name: str, url: str, how: str
) -> Finding | None:
    entries = configuration.entries("allow_headers")
    lowered = name.lower()
    if any(isinstance(e, str) and e.strip() == "*" for e in entries):
        return None
    if lowered in ALWAYS_ALLOWED_HEADERS:
        return None
    found = _listed_near(entries, lowered, lambda text: text.lower() == lowered, str.lower)
    if found is not None:
        index, entry = found
        return _entry_finding(
            configuration,
            url,
            f"allow_headers[{index}]",
            entry,
            codes.HEADER_NOT_ALLOWED,
            how,
            f"it is there as {entry!r}, with surrounding whitespace, so it never matches {name!r}",
            f"Write it without spaces: {name!r}.",
        )
    listed = [e for e in entries if isinstance(e, str)]
    return _missing(
        configuration,
        url,
        codes.HEADER_NOT_ALLOWED,
        "allow_headers",
        listed,
        lowered,
        how,
        f"{lowered!r} is not in allow_headers {listed!r}",
    )


def _listed_near(
    entries: Sequence[Any],
    value: str,
    same: Callable[[str], bool],
    stored: Callable[[str], str] = normalize_method,
) -> tuple[int, str] | None:
    """The entry meant for ``value`` but written so that it never matches (spaces, case).

    ``stored`` is how the middleware keeps an entry (header names lower-cased, the methods
    fetch() upper-cases upper-cased), so only differences that survive it count.
    """
    for index, entry in enumerate(entries):
        if isinstance(entry, str) and stored(entry) != value and same(entry.strip()):
            return index, entry
    return None


def _entry_finding(
    configuration: CorsConfiguration,
    url: str,
    where: str,
    entry: str,
    fallback: Code,
    how: str,
    problem: str,
    fix: str,
) -> Finding:
    # The code validation (and so `corsguard audit`) gives this entry, when it gives one.
    known = configuration.problem_at(where)
    code = get(known.code) if known is not None else fallback
    result = finding(
        fallback,
        f"{url}: {how}; {configuration.layer}({where}): {problem}",
        fix,
        url,
        option=where,
        value=entry,
        configuration=configuration.implementation,
    )
    # The entry blocks this request, so it is a root cause whatever the code's usual severity.
    return replace(result, code=code.code, severity=max(code.severity, Severity.HIGH))


def _missing(
    configuration: CorsConfiguration,
    url: str,
    code: Code,
    option: str,
    listed: list[str],
    value: str,
    how: str,
    problem: str,
) -> Finding:
    # A long list is abbreviated: the fix is to append one entry.
    wanted: list[str] = [*listed, value] if len(listed) <= 3 else ["...", value]
    if configuration.implementation == "corsguard":
        fix = f"Add it: CORSPolicy({_source(option, wanted)})."
    else:
        fix = f"Add it: {option}={wanted!r} (with corsguard: CORSPolicy({option}={wanted!r}))."
    return finding(
        code,
        f"{url}: {how}; {configuration.layer}: {problem}",
        fix,
        url,
        option=option,
        configured=listed,
        configuration=configuration.implementation,
    )


def _source(option: str, values: list[str]) -> str:
    """``allow_origins=['a', 'b']``, with ``...`` for the entries left out."""
    shown = ", ".join("..." if v == "..." else repr(v) for v in values)
    return f"{option}=[{shown}]"
