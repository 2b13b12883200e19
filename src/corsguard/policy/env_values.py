"""Option values written in environment variables: lists, flags, seconds, text.

A list is either a JSON array (``["https://a.example.com", "https://b.example.com"]``, what
pydantic-settings reads for a ``list[str]`` field) or items separated by commas, semicolons or
whitespace (``https://a.example.com, https://b.example.com``): none of those characters can
appear in an origin, a method or a header name, so the rule never splits a real item. In both
forms whitespace and quotes around each item are dropped (a docker-compose ``environment:`` list
keeps the quotes a shell would remove), and so are items that are then empty (a trailing comma).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from corsguard.codes import policy as codes
from corsguard.policy.problems import Problem, problem, quoted

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_SEPARATORS = re.compile(r"[\s,;]+")
_AROUND = " \t\r\n'\""


def parse_list(raw: str, variable: str, problems: list[Problem]) -> tuple[str, ...] | None:
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()  # the whole value quoted: KEY="a,b" in a compose file
    if not text.startswith("["):
        return _kept(_SEPARATORS.split(text))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            _invalid(variable, raw, f"starts with '[' but is not JSON ({error.msg.lower()})")
        )
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(_invalid(variable, raw, "is JSON but not a list of strings"))
        return None
    return _kept(value)


def _kept(items: list[str]) -> tuple[str, ...]:
    return tuple(item.strip(_AROUND) for item in items if item.strip(_AROUND))


def _invalid(variable: str, raw: str, reason: str) -> Problem:
    return problem(
        codes.INVALID_ENV_VALUE,
        variable,
        raw,
        f"{variable}: {quoted(raw)} {reason}",
        f"Write a JSON list, e.g. {variable}='[\"https://app.example.com\"]', or items separated "
        f"by commas, e.g. {variable}=https://app.example.com,https://admin.example.com.",
    )


def parse_flag(raw: str, variable: str, problems: list[Problem]) -> bool | None:
    lowered = raw.strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    problems.append(
        problem(
            codes.INVALID_ENV_VALUE,
            variable,
            raw,
            f"{variable}: {quoted(raw)} is not a boolean",
            f"Set {variable} to true or false (1/0, yes/no and on/off are accepted too).",
        )
    )
    return None


def parse_seconds(raw: str, variable: str, problems: list[Problem]) -> int | None:
    text = raw.strip()
    if text.isascii() and text.lstrip("-").isdigit():
        return int(text)
    problems.append(
        problem(
            codes.INVALID_ENV_VALUE,
            variable,
            raw,
            f"{variable}: {quoted(raw)} is not a whole number of seconds",
            f"Set {variable} to a number of seconds from 0 to 7200, e.g. {variable}=600.",
        )
    )
    return None


def parse_text(raw: str, variable: str, problems: list[Problem]) -> str:
    return raw.strip()


Parser = Callable[[str, str, list[Problem]], Any]

PARSERS: dict[str, Parser] = {
    "allow_origins": parse_list,
    "allow_methods": parse_list,
    "allow_headers": parse_list,
    "expose_headers": parse_list,
    "allow_credentials": parse_flag,
    "allow_private_network": parse_flag,
    "debug": parse_flag,
    "max_age": parse_seconds,
    "allow_origin_regex": parse_text,
}
