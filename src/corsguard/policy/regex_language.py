"""What an origin regex can match, read from Python's own parse of the expression.

The textual checks in ``origin_regex`` find the host part by reading the source. Which schemes
and hosts an expression admits is decided here instead, on the parse tree ``re`` itself builds:
every way the expression can start is expanded into a literal prefix (``s?``, ``(a|b)``,
``[sS]`` and ``(:\\d+)?`` are small finite choices) until a repetition such as ``\\d+`` or
``.*`` stops the expansion, leaving the rest of the tree. ``http://localhost:\\d+``,
``https?://localhost(:\\d+)?`` and ``http://(localhost|127\\.0\\.0\\.1)(:\\d+)?`` all expand to
loopback hosts followed by nothing or by digits, whatever the spelling.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Literal

from corsguard.protocol.origin import is_loopback_host

# The parser behind ``re.compile``: ``re._parser`` since Python 3.11, ``sre_parse`` before
# (importing ``sre_parse`` on 3.11+ warns, so the new name is tried first).
try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _parser = importlib.import_module("sre_parse")

Item = tuple[Any, Any]  # (opcode, argument) as the parser gives them
Verdict = Literal["secure", "loopback", "insecure"]

# Expansion is bounded: an expression with more starts than this is judged textually instead.
_MAX_PREFIXES = 64
_MAX_STEPS = 2000
# A character class is expanded into its members when it has no more than this many.
_MAX_CLASS = 4
# A counted repetition ({0,1}, {2}) is expanded when its upper bound is at most this.
_MAX_COUNT = 2
_ANCHORS = frozenset({"AT_BEGINNING", "AT_BEGINNING_STRING", "AT_END", "AT_END_STRING"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


def _name(op: Any) -> str:
    return str(getattr(op, "name", op))


def parse(source: str) -> list[Item] | None:
    """The expression's top-level items, or ``None`` if it does not parse."""
    try:
        return list(_parser.parse(source))
    except Exception:  # re.error, or anything the private parser raises on odd input
        return None


def prefixes(items: Sequence[Item]) -> list[tuple[str, tuple[Item, ...]]] | None:
    """Every ``(literal prefix, rest)`` the items can start with, or ``None`` if too many.

    ``rest`` is empty when the prefix is a whole string the expression matches. Anchors are
    dropped: ``allow_origin_regex`` is applied with ``fullmatch``.
    """
    found: list[tuple[str, tuple[Item, ...]]] = []
    stack: list[tuple[str, tuple[Item, ...]]] = [("", tuple(items))]
    steps = 0
    while stack:
        steps += 1
        if steps > _MAX_STEPS or len(found) > _MAX_PREFIXES:
            return None
        prefix, rest = stack.pop()
        if not rest:
            found.append((prefix, rest))
            continue
        (op, av), tail = rest[0], rest[1:]
        name = _name(op)
        if name == "LITERAL":
            stack.append((prefix + chr(av), tail))
        elif name == "AT" and _name(av) in _ANCHORS:
            stack.append((prefix, tail))
        elif name == "SUBPATTERN":
            stack.append((prefix, tuple(av[-1]) + tail))
        elif name == "BRANCH":
            stack += [(prefix, tuple(branch) + tail) for branch in av[1]]
        elif name == "IN" and (members := _class_members(av)) is not None:
            stack += [(prefix + char, tail) for char in members]
        elif name in _REPEATS and av[1] <= _MAX_COUNT:
            low, high, body = av
            stack += [(prefix, tuple(body) * count + tail) for count in range(low, high + 1)]
        else:
            found.append((prefix, rest))
    return found


def _class_members(av: Sequence[Item]) -> list[str] | None:
    """The characters of a small class made of literals (``[sS]``), else ``None``."""
    members: list[str] = []
    for op, value in av:
        if _name(op) != "LITERAL":
            return None
        members.append(chr(value))
    return members if len(members) <= _MAX_CLASS else None


def only_digits(items: Sequence[Item]) -> bool:
    """True if every string the items match is made of ASCII-range digits only."""
    return all(_digits_item(op, av) for op, av in items)


def _digits_item(op: Any, av: Any) -> bool:
    name = _name(op)
    if name == "LITERAL":
        return chr(av).isdigit()
    if name == "AT":
        return _name(av) in _ANCHORS
    if name == "IN":
        return all(_digits_member(member_op, value) for member_op, value in av)
    if name in _REPEATS:
        return only_digits(av[2])
    if name == "SUBPATTERN":
        return only_digits(av[-1])
    if name == "BRANCH":
        return all(only_digits(branch) for branch in av[1])
    return False


def _digits_member(op: Any, value: Any) -> bool:
    name = _name(op)
    if name == "LITERAL":
        return chr(value).isdigit()
    if name == "RANGE":
        return bool(ord("0") <= value[0] <= value[1] <= ord("9"))
    return name == "CATEGORY" and _name(value) == "CATEGORY_DIGIT"


def http_verdict(source: str) -> Verdict | None:
    """Which plain-http origins the expression can match.

    ``"secure"``: none; ``"loopback"``: only loopback ones (``http://localhost``, any port);
    ``"insecure"``: others too; ``None``: the expression could not be expanded (too many
    alternatives, or it does not parse), so the caller judges it textually.
    """
    items = parse(source)
    starts = None if items is None else prefixes(items)
    if starts is None:
        return None
    verdict: Verdict = "secure"
    for prefix, rest in starts:
        text = prefix.lower()
        if not (text.startswith("http://") or "http://".startswith(text[:7])):
            continue  # the scheme is decided, and it is not http
        if not (text.startswith("http://") and _loopback(text[7:], rest)):
            return "insecure"
        verdict = "loopback"
    return verdict


def _loopback(authority: str, rest: tuple[Item, ...]) -> bool:
    """Is ``authority`` (then ``rest``) a loopback host, optionally followed by a port?"""
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return False
        host, after = authority[: close + 1], authority[close + 1 :]
        separator, port = after[:1], after[1:]
        if after and separator != ":":
            return False
    else:
        host, separator, port = authority.partition(":")
    if not is_loopback_host(host) or not (port.isascii() and (port.isdigit() or not port)):
        return False
    if not rest:
        return not separator or bool(port)
    return bool(separator) and only_digits(rest)
