"""The textual structure of a regular expression: alternatives, groups, classes, host parts.

``origin_regex`` reads an origin expression as text to find its host part and to rewrite it
into a suggestion; these are the walkers it uses. Escaped characters and character classes are
stepped over everywhere, so ``(``, ``)``, ``|`` and ``.`` are only ever the regex's own syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

SEPARATORS = ("://", r":\/\/")


def skip_quantifier(source: str, i: int) -> int:
    if source[i] in "*+":
        i += 1
    elif source[i] == "{":
        close = source.find("}", i)
        i = len(source) if close < 0 else close + 1
    if i < len(source) and source[i] in "?+":  # lazy or possessive modifier
        i += 1
    return i


def segments(source: str, *, top_level_only: bool = False) -> list[tuple[int, int]]:
    """``(start, end)`` of each alternative: the text between unescaped ``|`` outside classes.

    With ``top_level_only`` only the ``|`` outside every group split the expression.
    """
    bounds: list[tuple[int, int]] = []
    start, depth = 0, 0
    for i, char in structure(source):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and (depth == 0 or not top_level_only):
            bounds.append((start, i))
            start = i + 1
    bounds.append((start, len(source)))
    return bounds


def segment_start(source: str, i: int) -> int:
    return max(start for start, _ in segments(source) if start <= i)


def separators(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(index, length)`` of each unescaped ``://`` or ``:\\/\\/`` in ``source[start:end]``."""
    found: list[tuple[int, int]] = []
    for separator in SEPARATORS:
        i = source.find(separator, start, end)
        while i >= 0:
            if not is_escaped(source, i):
                found.append((i, len(separator)))
            i = source.find(separator, i + 1, end)
    return sorted(found)


def separator_in(source: str, start: int) -> bool:
    end = next(e for s, e in segments(source) if s == start)
    return bool(separators(source, start, end))


def host_starts(source: str) -> list[int]:
    """Where each alternative's host part starts: after its ``://``, or at its start."""
    starts: list[int] = []
    for start, end in segments(source):
        found = separators(source, start, end)
        starts += [i + length for i, length in found] if found else [start]
    return sorted(set(starts))


def is_escaped(source: str, i: int) -> bool:
    backslashes = 0
    while i - backslashes - 1 >= 0 and source[i - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def structure(source: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """``(index, character)`` of the regex's own syntax from ``start``: escaped characters
    and character classes are stepped over, so ``(``, ``)``, ``|`` and ``.`` mean themselves."""
    i = start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
        elif char == "[":
            i = class_end(source, i)
        else:
            yield i, char
            i += 1


def class_end(source: str, i: int) -> int:
    """The index after the character class that starts at ``source[i] == '['``."""
    j = i + 1
    if j < len(source) and source[j] == "^":
        j += 1
    if j < len(source) and source[j] == "]":
        j += 1  # a leading "]" is literal
    while j < len(source) and source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1


def group_end(source: str, i: int) -> int:
    """The index after the group that opens at ``source[i] == '('``."""
    depth = 0
    for j, char in structure(source, i):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(source) + 1


def group_body(source: str, i: int) -> int:
    """Where the content of the group opening at ``source[i]`` starts (after ``?:``, a name)."""
    match = re.compile(r"\((?:\?:|\?P<\w+>)?").match(source, i)
    return match.end() if match else i + 1


def skip_flags(source: str, i: int, end: int) -> int:
    """Past inline flags such as ``(?i)`` at ``source[i]``."""
    flags = re.compile(r"\(\?[aiLmsux]+\)")
    match = flags.match(source, i, end)
    while match is not None:
        i = match.end()
        match = flags.match(source, i, end)
    return i


def groups_between(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(open, after_close)`` of the outermost groups opening in ``source[start:end]``."""
    groups: list[tuple[int, int]] = []
    i = start
    while i < end:
        char = source[i]
        if char == "\\":
            i += 2
        elif char == "[":
            i = class_end(source, i)
        elif char == "(":
            close = group_end(source, i)
            groups.append((i, close))
            i = close
        else:
            i += 1
    return groups


def segments_between(source: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + s, start + e) for s, e in segments(source[start:end], top_level_only=True)]
