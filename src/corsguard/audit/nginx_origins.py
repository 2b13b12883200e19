"""What nginx does with the request's Origin: variables derived from it, and origin regexes.

A configuration validates the Origin with a ``map $http_origin $var { ... }`` or an
``if ($http_origin ~ ...)``; what it puts in Access-Control-Allow-Origin is safe only when it
comes out of such a check, and the check is only as strict as its regex (CG508).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corsguard.audit.nginx import Directive
from corsguard.codes import Code
from corsguard.codes import audit as codes
from corsguard.findings import Finding

ORIGIN_VARIABLE = "$http_origin"
VARIABLE = re.compile(r"\$\{?([A-Za-z0-9_]+)\}?")


@dataclass(frozen=True, slots=True)
class Variables:
    """Variables derived from $http_origin: validated by a map/if, or reflecting it unchecked."""

    validated: frozenset[str]
    reflecting: frozenset[str]


# -- variables derived from the Origin header -----------------------------------------------------


def origin_variables(root: Directive) -> Variables:
    validated: set[str] = set()
    reflecting: set[str] = set()
    for directive, inside_origin_if in walk_directives(root, False):
        if directive.name == "map" and len(directive.args) == 2 and directive.block is not None:
            source, target = directive.args[0], directive.args[1].lstrip("$")
            if ORIGIN_VARIABLE not in source:
                continue
            default = next((e.args[0] for e in directive.block if e.name == "default"), "")
            (reflecting if ORIGIN_VARIABLE in default else validated).add(target)
        elif directive.name == "set" and len(directive.args) == 2:
            target = directive.args[0].lstrip("$")
            if inside_origin_if:
                validated.add(target)
            elif ORIGIN_VARIABLE in directive.args[1]:
                reflecting.add(target)
    return Variables(frozenset(validated), frozenset(reflecting - validated))


def walk_directives(block: Directive, inside_origin_if: bool) -> Iterator[tuple[Directive, bool]]:
    for child in block.block or ():
        yield child, inside_origin_if
        if child.block is not None and child.name != "map":
            tests = child.name == "if" and any(ORIGIN_VARIABLE in a for a in child.args)
            yield from walk_directives(child, inside_origin_if or tests)


# -- findings --------------------------------------------------------------------------------------


def finding(
    code: Code, directive: Directive, message: str, *, fix: str = "", **evidence: object
) -> Finding:
    return Finding(
        code=code.code,
        severity=code.severity,
        message=message,
        fix=fix or code.fix,
        location=directive.location,
        evidence={"directive": render(directive), **evidence},
    )


def quoted(arg: str) -> str:
    return arg if arg and not any(c in arg for c in " ;{}'\"") else json.dumps(arg)


def render(directive: Directive) -> str:
    args = " ".join(quoted(a) for a in directive.args)
    return f"{directive.name} {args}".strip() + (" { ... }" if directive.block is not None else ";")


# -- origin regexes -------------------------------------------------------------------------------


def regex_findings(root: Directive) -> list[Finding]:
    found: list[Finding] = []
    for directive, _ in walk_directives(root, False):
        if directive.name == "map" and directive.args[:1] and ORIGIN_VARIABLE in directive.args[0]:
            for entry in directive.block or ():
                if entry.name.startswith("~"):
                    found += _check_regex(entry, entry.name.lstrip("~*"))
        elif directive.name == "if" and len(directive.args) == 3:
            subject, operator, pattern = directive.args
            if ORIGIN_VARIABLE in subject and operator in ("~", "~*"):
                found += _check_regex(directive, pattern)
    return found


def _check_regex(directive: Directive, pattern: str) -> list[Finding]:
    problems = []
    if not pattern.startswith("^"):
        problems.append("is not anchored with '^'")
    if not pattern.endswith("$"):
        problems.append("is not anchored with '$'")
    dots = unescaped_dots(pattern)
    if dots:
        problems.append(f"has {len(dots)} unescaped '.' matching any character")
    if not problems:
        return []
    return [
        finding(
            codes.LOOSE_ORIGIN_REGEX,
            directive,
            f"origin regex {pattern!r} " + " and ".join(problems) + ", so look-alike origins "
            "an attacker can register match it",
            pattern=pattern,
        )
    ]


def unescaped_dots(pattern: str) -> list[int]:
    """Positions of '.' that match any character: not escaped, not in a class, not '.*'/'.+'."""
    positions: list[int] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "." and pattern[i + 1 : i + 2] not in ("*", "+", "?", "{"):
            positions.append(i)
        i += 1
    return positions
