"""``--fix``: the corsguard configuration equivalent to an app's CORS setup, ready to paste.

The app's options are carried over under the same keyword names. Values corsguard refuses are
repaired where the intent is clear (a trailing slash, whitespace, a missing scheme) and replaced
or dropped otherwise, with a comment saying what changed and why, so that the printed snippet
always builds a valid ``CORSPolicy``.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

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
    return snippet(setup, framework=framework and root.kind in _FRAMEWORKS)


def snippet(setup: CorsSetup | None, *, framework: bool = True) -> FixSnippet:
    """The snippet for ``setup``; ``framework`` is False when the target is not itself a
    FastAPI/Starlette app (``install`` then returns the wrapper that must be served)."""
    if setup is None:
        options: dict[str, Any] = {"allow_origins": [EXAMPLE_ORIGIN]}
        changes = [f"allow_origins: no CORS configured; list your frontends, e.g. {EXAMPLE_ORIGIN}"]
    else:
        options, changes = repair(setup.options)
    declared = setup is None or setup.declared
    code = render(options, changes, declared=declared, framework=framework)
    return FixSnippet(code, options, tuple(changes))


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
    options: Mapping[str, Any], changes: list[str], *, declared: bool = True, framework: bool = True
) -> str:
    """The snippet: imports, the policy, and the one line that installs it outermost."""
    lines = ["from corsguard import CORSPolicy, install", ""]
    if changes:
        lines += ["# Changed from the current configuration:"]
        lines += _comment_lines(changes)
    lines.append("policy = CORSPolicy(")
    for name in STARLETTE_OPTIONS:
        if name in options:
            lines.append(f"    {name}={_literal(options[name])},")
    old = "app.add_middleware(CORSMiddleware, ...) call" if declared else "CORSMiddleware(app, ...)"
    lines += [
        ")",
        "",
        f"# Delete the {old}, and install corsguard after every",
        "# other middleware: it then runs first, answers preflights before authentication, and",
        "# keeps CORS headers on unhandled-exception 500s.",
    ]
    if framework:
        # install() wraps the app's own stack; the app object stays the one to serve.
        lines.append("install(app, policy)")
    else:
        lines += [
            "# Serve the returned middleware: it wraps the app.",
            "app = install(app, policy)",
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
