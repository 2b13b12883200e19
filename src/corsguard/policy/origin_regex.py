"""Checks for ``allow_origin_regex``: it compiles, and its host part cannot match strangers.

The expression is matched with ``fullmatch`` (Starlette's behaviour since 2020), so anchors are
not the risk. The risk is the host: an unescaped ``.`` matches any character
(``app.example.com`` also matches ``appxexample.com``), and ``.*`` or ``.+`` match across labels
(``https://.*example\\.com`` matches ``https://evilexample.com``). Both let an attacker who
registers a look-alike domain pass the check, so both are refused unless explicitly allowed.

The host part is found textually: what follows each ``://`` (or ``:\\/\\/``) up to the port, the
path, or the end of the enclosing group or alternative. Expressions without ``://`` are scanned
whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corsguard.codes import policy as codes
from corsguard.policy.problems import Problem, problem, raw_literal

_SEPARATORS = ("://", r":\/\/")
_QUANTIFIERS = "*+{"


@dataclass(frozen=True, slots=True)
class _HostDots:
    literal: tuple[int, ...]  # indexes of "." meant as a literal dot
    spans: tuple[int, ...]  # indexes of "." followed by a repetition: ".*", ".+", ".{2,}"


def compile_origin_regex(
    value: str | re.Pattern[str], where: str, *, allow_loose: bool
) -> tuple[re.Pattern[str] | None, list[Problem]]:
    """Compile the expression and report every problem with it."""
    problems: list[Problem] = []
    source = value.pattern if isinstance(value, re.Pattern) else value
    try:
        compiled = value if isinstance(value, re.Pattern) else re.compile(value)
    except re.error as error:
        problems.append(
            problem(
                codes.INVALID_ORIGIN_REGEX,
                where,
                source,
                f"{where}: {raw_literal(source)} does not compile: {error.msg} at position "
                f"{error.pos}",
                "Fix the expression's syntax; test it with re.fullmatch against an origin such "
                "as 'https://app.example.com'.",
            )
        )
        return None, problems
    if allow_loose:
        return compiled, problems
    dots = _host_dots(source)
    if dots.spans:
        label = {i: _label_for(source, i) for i in dots.spans}
        suggestion = _escape_dots(_replace(source, label, drop_quantifier=True))
        example = (
            f"e.g. {raw_literal(suggestion)}"
            if "://" in suggestion
            else "e.g. r'https://[a-z0-9-]+\\.example\\.com'"
        )
        problems.append(
            problem(
                codes.REGEX_WILDCARD_HOST,
                where,
                source,
                f"{where}: {raw_literal(source)} has '.*' or '.+' in its host part, which also "
                "matches look-alike domains such as 'https://evilexample.com'",
                f"Match whole labels with '[a-z0-9-]+', {example}, or use a pattern such as "
                "'https://*.example.com' in allow_origins.",
            )
        )
    if dots.literal:
        escaped = _replace(source, dict.fromkeys(dots.literal, r"\."), drop_quantifier=False)
        problems.append(
            problem(
                codes.REGEX_UNESCAPED_DOT,
                where,
                source,
                f"{where}: {raw_literal(source)} has an unescaped '.' in its host part, which "
                "matches any character, e.g. 'appxexample.com' for 'app.example.com'",
                f"Escape the dot: {raw_literal(escaped)}.",
            )
        )
    return compiled, problems


def _label_for(source: str, i: int) -> str:
    """What to write instead of the repetition at ``source[i]`` (``.*``, ``.+``)."""
    after = _skip_quantifier(source, i + 1)
    if after >= len(source) or source[after] in "/:|$)":
        return ""  # "example\.com.*": nothing may follow the domain
    if source.startswith("\\.", after):
        return "[a-z0-9-]+"  # ".*\.example": one label, then the escaped dot
    return "([a-z0-9-]+\\.)?"  # ".*example": an optional label, then the domain itself


def _escape_dots(source: str) -> str:
    dots = _host_dots(source)
    return _replace(source, dict.fromkeys(dots.literal, r"\."), drop_quantifier=False)


def _replace(source: str, replacements: dict[int, str], *, drop_quantifier: bool) -> str:
    out: list[str] = []
    i = 0
    while i < len(source):
        if i in replacements:
            out.append(replacements[i])
            i += 1
            if drop_quantifier and i < len(source):
                i = _skip_quantifier(source, i)
            continue
        out.append(source[i])
        i += 1
    return "".join(out)


def _skip_quantifier(source: str, i: int) -> int:
    if source[i] in "*+":
        i += 1
    elif source[i] == "{":
        close = source.find("}", i)
        i = len(source) if close < 0 else close + 1
    if i < len(source) and source[i] in "?+":  # lazy or possessive modifier
        i += 1
    return i


def _host_starts(source: str) -> list[int]:
    starts: list[int] = []
    for separator in _SEPARATORS:
        i = source.find(separator)
        while i >= 0:
            if not _is_escaped(source, i):
                starts.append(i + len(separator))
            i = source.find(separator, i + 1)
    return sorted(starts) or [0]


def _is_escaped(source: str, i: int) -> bool:
    backslashes = 0
    while i - backslashes - 1 >= 0 and source[i - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _host_dots(source: str) -> _HostDots:
    literal: list[int] = []
    spans: list[int] = []
    for start in _host_starts(source):
        i, depth = start, 0
        while i < len(source):
            char = source[i]
            if char == "\\":
                i += 2
                continue
            if char == "[":
                i = _class_end(source, i)
                continue
            if char in "/:|$" and depth == 0:
                break
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth < 0:
                    break
            elif char == ".":
                following = source[i + 1] if i + 1 < len(source) else ""
                (spans if following and following in _QUANTIFIERS else literal).append(i)
            i += 1
    return _HostDots(tuple(sorted(set(literal))), tuple(sorted(set(spans))))


def _class_end(source: str, i: int) -> int:
    """The index after the character class that starts at ``source[i] == '['``."""
    j = i + 1
    if j < len(source) and source[j] == "^":
        j += 1
    if j < len(source) and source[j] == "]":
        j += 1  # a leading "]" is literal
    while j < len(source) and source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1
