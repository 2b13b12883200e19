"""``--fix``: the corsguard configuration equivalent to an app's CORS setup, ready to paste.

The app's options are carried over under the same keyword names. Values corsguard refuses are
repaired where the intent is clear (a trailing slash, whitespace, a missing scheme) and replaced
or dropped otherwise, with a comment saying what changed and why, so that the printed snippet
always builds a valid ``CORSPolicy``.

An option whose value the source computes (``settings.all_cors_origins``, ``os.environ[...]``,
a call) is kept as that expression, never as the value this machine's settings gave it: a
refused value then gets a comment to correct it where it is defined. When the declaration
cannot be found in the source, the snippet says that its values were read at run time.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from corsguard.audit.fix_source import Declaration, find_declaration
from corsguard.audit.introspect import STARLETTE_OPTIONS, AppNode, CorsSetup
from corsguard.codes import policy as codes

EXAMPLE_ORIGIN = "https://app.example.com"
_FRAMEWORKS = frozenset({"FastAPI", "Starlette"})
_INDEXED = re.compile(r"^(\w+)\[(\d+)\]$")
_DEFAULTS: dict[str, Any] = {
    "allow_origins": (),
    "allow_methods": ("GET",),
    "allow_headers": (),
    "allow_credentials": False,
    "allow_origin_regex": None,
    "allow_private_network": False,
    "expose_headers": (),
    "max_age": 600,
}


@dataclass(frozen=True, slots=True)
class FixSnippet:
    """The Python code to paste, the options it sets, and what had to change."""

    code: str
    options: Mapping[str, Any]
    changes: tuple[str, ...]
    installed: bool = False  # corsguard.install is already in place: keep it, adjust options


def fix_for(root: AppNode, module: Any = None) -> FixSnippet:
    """The replacement for the first CORS layer found in ``root`` (or a starting point).

    When ``corsguard.install`` already put its layer in the app there is nothing to replace
    (a second ``install()`` refuses): the snippet is then a note on which options to adjust.
    """
    installed = next((layer for layer in root.cors_layers if layer.installed), None)
    if installed is not None and installed.cors is not None:
        return installed_note(installed.cors)
    setup = next(
        (
            layer.cors
            for node in root.walk()
            for layer in node.cors_layers
            if layer.cors is not None and layer.cors.implementation != "unknown"
        ),
        None,
    )
    framework = root.kind != "Router" and not any(layer.wrapper for layer in root.layers)
    declaration = None
    if setup is not None and module is not None:
        declaration = find_declaration(module, frozenset(setup.options))
    return snippet(
        setup,
        framework=framework and root.kind in _FRAMEWORKS,
        declaration=declaration,
        source_searched=module is not None,
    )


RUN_TIME_WARNING = (
    "corsguard could not find where the app adds its CORS middleware in the source, so the "
    "values below are the ones the running app holds on this machine. If one comes from "
    "settings or the environment, write that expression instead of the value."
)


def snippet(
    setup: CorsSetup | None,
    *,
    framework: bool = True,
    declaration: Declaration | None = None,
    source_searched: bool = False,
) -> FixSnippet:
    """The snippet for ``setup``; ``framework`` is False when the target is not itself a
    FastAPI/Starlette app (``install`` then returns the wrapper that must be served).

    ``declaration`` is the call in the app's source that sets the options: options computed
    there are written as their expressions. ``source_searched`` with no declaration warns that
    the values were read at run time.
    """
    warnings: list[str] = []
    expressions: dict[str, str] = {}
    splat = None
    from_splat: frozenset[str] = frozenset()
    if setup is None:
        options: dict[str, Any] = {"allow_origins": [EXAMPLE_ORIGIN]}
        changes = [f"allow_origins: no CORS configured; list your frontends, e.g. {EXAMPLE_ORIGIN}"]
    else:
        options, changes = repair(setup.options)
        if declaration is not None:
            expressions, splat = _computed(setup.options, declaration)
            if splat is not None:
                named = set(declaration.expressions) | declaration.literals
                from_splat = frozenset(name for name in setup.options if name not in named)
            changes = _with_expressions(setup.options, changes, expressions, from_splat, splat)
        elif source_searched:
            warnings.append(RUN_TIME_WARNING)
    declared = setup is None or setup.declared
    code = render(
        options,
        changes,
        declared=declared,
        framework=framework,
        expressions=expressions,
        splat=splat,
        from_splat=from_splat,
        warnings=warnings,
        where=declaration.where if declaration is not None else "",
        app=(declaration.app if declaration is not None else "") or "app",
    )
    return FixSnippet(code, options, tuple(changes))


def _computed(
    runtime: Mapping[str, Any], declaration: Declaration
) -> tuple[dict[str, str], str | None]:
    """The options the source computes, by name, and the ``**expression`` for the rest."""
    expressions = {
        name: text for name, text in declaration.expressions.items() if name in STARLETTE_OPTIONS
    }
    named = set(declaration.expressions) | declaration.literals
    if declaration.splat is None or not any(name not in named for name in runtime):
        return expressions, None
    return expressions, declaration.splat


def _with_expressions(
    runtime: Mapping[str, Any],
    changes: list[str],
    expressions: dict[str, str],
    from_splat: frozenset[str],
    splat: str | None,
) -> list[str]:
    """The repairs for literal options; for computed ones, what to correct where they are set."""
    from corsguard.policy import validate

    computed = set(expressions) | from_splat
    kept = [change for change in changes if _option_of(change) not in computed]
    errors, _warnings = validate(**{k: v for k, v in runtime.items() if k in STARLETTE_OPTIONS})
    refused: dict[str, list[str]] = {}
    for problem in errors:
        name = problem.option.split("[", 1)[0]
        if name in computed:
            message = problem.message.removeprefix(f"{problem.option}: ")
            refused.setdefault(name, []).append(f"{problem.code}: {message}")
    for name, reasons in refused.items():
        source = expressions.get(name) or f"**{splat}"
        kept.append(
            f"{name}: {source} is {_literal(runtime.get(name))} on this machine, which "
            f"CORSPolicy refuses ({'; '.join(reasons)}); correct the value where it is defined"
        )
    return kept


def _option_of(change: str) -> str:
    return change.split(":", 1)[0].split("[", 1)[0].strip()


def installed_note(setup: CorsSetup) -> FixSnippet:
    """No replacement: corsguard is installed; say so, and which options to change, if any."""
    options, changes = repair(setup.options)
    lines = [
        "# corsguard is already installed in this app: keep the install(app, policy) call; a",
        "# second install() raises 'already installed'.",
    ]
    if changes:
        lines.append("# Adjust the options of the CORSPolicy given to install():")
        lines += _comment_lines(changes)
    else:
        lines.append(
            "# If the report lists problems, adjust the options of the CORSPolicy given to it."
        )
    return FixSnippet("\n".join(lines) + "\n", options, tuple(changes), installed=True)


def repair(original: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Options that validate, and a note per change made to get there."""
    from corsguard.policy import validate

    options: dict[str, Any] = {}
    for name in STARLETTE_OPTIONS:
        if name not in original:
            continue
        value = original[name]
        if isinstance(value, (list, tuple, set, frozenset)):
            value = list(value)
        if value != _as_default(name):
            options[name] = value
    changes: list[str] = []
    for _ in range(64):  # one repair per pass: removing an entry renumbers the ones after it
        errors, _warnings = validate(**options)
        if not errors:
            return options, changes
        first = errors[0]
        changes.append(_apply(options, first.code, first.option, first.value))
    # Anything still refused goes back to Starlette's default for that option.
    errors, _warnings = validate(**options)
    for problem in errors:
        name = problem.option.split("[", 1)[0]
        options.pop(name, None)
        changes.append(f"{name}: reset to the default ({problem.code})")
    return options, changes


def _as_default(name: str) -> Any:
    default = _DEFAULTS.get(name)
    return list(default) if isinstance(default, tuple) else default


def _apply(options: dict[str, Any], code: str, option: str, value: str) -> str:
    indexed = _INDEXED.match(option)
    name, index = (indexed.group(1), int(indexed.group(2))) if indexed else (option, None)
    if code == codes.WILDCARD_WITH_CREDENTIALS.code:
        options["allow_origins"] = [EXAMPLE_ORIGIN]
        return (
            "allow_origins: '*' with credentials let every website read your users' data; "
            f"replace {EXAMPLE_ORIGIN} below with the origins of your frontends"
        )
    if name == "allow_origin_regex" and isinstance(options.get(name), str):
        pattern = subdomain_pattern(options[name])
        if pattern is not None:
            # The usual intent of 'https://.*\.example\.com': every subdomain, which
            # corsguard writes as a pattern that matches whole labels only.
            options.pop(name)
            origins = list(options.get("allow_origins", []))
            options["allow_origins"] = [*origins, pattern] if pattern not in origins else origins
            return f"{name}: {value!r} written as the pattern {pattern!r} in allow_origins ({code})"
    items = options.get(name)
    if isinstance(items, list) and index is not None and index < len(items):
        repaired = _repair_origin(code, str(items[index])) if name == "allow_origins" else None
        if repaired is not None:
            items[index] = repaired
            return f"{name}: {value!r} written as {repaired!r} ({code})"
        items[index] = None
        options[name] = [item for item in items if item is not None]
        return f"{name}: removed {value!r} ({code})"
    if name in options and name != "allow_origins":
        options.pop(name)
        return f"{name}: {value!r} replaced by the default ({code})"
    if name == "allow_origins" and isinstance(items, list) and "*" in items and len(items) > 1:
        options[name] = [item for item in items if item != "*"]
        return f"{name}: removed '*' listed with other origins ({code})"
    options.pop(name, None)
    return f"{name}: reset to the default ({code})"


_SUBDOMAIN_REGEX = re.compile(
    r"\^?(?P<scheme>https?)://(?:\.\*|\.\+|\[a-z0-9-\]\+|\[a-zA-Z0-9-\]\+)\\?\."
    r"(?P<domain>(?:[a-z0-9-]+\\?\.)+[a-z]{2,})\$?"
)


def subdomain_pattern(regex: str) -> str | None:
    """``https://*.example.com`` for a regex that means "any subdomain of example.com"."""
    match = _SUBDOMAIN_REGEX.fullmatch(regex.strip())
    if match is None:
        return None
    return f"{match['scheme']}://*.{match['domain'].replace(chr(92), '')}"


def _repair_origin(code: str, value: str) -> str | None:
    text = value.strip()
    if code == codes.ORIGIN_WHITESPACE.code:
        return text
    if code == codes.ORIGIN_WITH_PATH.code:
        parts = urlsplit(text)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    if code == codes.ORIGIN_MISSING_SCHEME.code and "/" not in text:
        return f"https://{text}"
    return None


def render(
    options: Mapping[str, Any],
    changes: list[str],
    *,
    declared: bool = True,
    framework: bool = True,
    expressions: Mapping[str, str] | None = None,
    splat: str | None = None,
    from_splat: frozenset[str] = frozenset(),
    warnings: Sequence[str] = (),
    where: str = "",
    app: str = "app",
) -> str:
    """The snippet: imports, the policy, and the one line that installs it outermost."""
    expressions = expressions or {}
    lines = ["from corsguard import CORSPolicy, install", ""]
    if warnings:
        lines += ["# Warning:"]
        lines += _comment_lines(warnings)
    if changes:
        lines += ["# Changed from the current configuration:"]
        lines += _comment_lines(changes)
    lines.append("policy = CORSPolicy(")
    for name in STARLETTE_OPTIONS:
        if name in expressions:
            lines.append(f"    {name}={expressions[name]},")
        elif name in options and name not in from_splat:
            lines.append(f"    {name}={_literal(options[name])},")
    if splat is not None:
        lines.append(f"    **{splat},")
    old = (
        f"{app}.add_middleware(CORSMiddleware, ...) call"
        if declared
        else "CORSMiddleware(app, ...)"
    )
    lines += [")", ""]
    if where:
        lines.append(f"# {where}: the current CORS middleware.")
    lines += []
    lines += textwrap.wrap(
        f"Delete the {old}, and install corsguard after every other middleware: it then runs "
        "first, answers preflights before authentication, and keeps CORS headers on "
        "unhandled-exception 500s.",
        92,
        initial_indent="# ",
        subsequent_indent="# ",
        break_long_words=False,
    )
    if framework:
        # install() wraps the app's own stack; the app object stays the one to serve.
        lines.append(f"install({app}, policy)")
    else:
        lines += [
            "# Serve the returned middleware: it wraps the app.",
            f"{app} = install({app}, policy)",
        ]
    return "\n".join(lines) + "\n"


def _literal(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return repr(value)


def _comment_lines(changes: Sequence[str]) -> list[str]:
    """Each change as an indented, wrapped comment."""
    lines: list[str] = []
    for change in changes:
        lines += textwrap.wrap(
            change,
            96,
            initial_indent="#   ",
            subsequent_indent="#     ",
            break_long_words=False,
        )
    return lines
