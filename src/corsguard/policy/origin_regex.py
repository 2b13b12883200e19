"""Checks for ``allow_origin_regex``: it compiles, and its host part cannot match strangers.

The expression is matched with ``fullmatch`` (Starlette's behaviour since 2020), so anchors are
not the risk. The risk is the host: an unescaped ``.`` matches any character
(``app.example.com`` also matches ``appxexample.com``), and ``.*`` or ``.+`` match across labels
(``https://.*example\\.com`` matches ``https://evilexample.com``). Both let an attacker who
registers a look-alike domain pass the check, so both are refused unless explicitly allowed.

The host part is found textually. The expression is split at every unescaped ``|`` (inside groups
too), and each alternative is scanned from its ``://`` (or ``:\\/\\/``) if it has one, otherwise
whole, up to the port, the path, or the end of the enclosing group or alternative. As a safety
net, an expression that matches a probe origin nobody owns (``https://corsguard-probe.invalid``)
is refused whatever its text looks like.

``insecure_alternatives`` and ``public_suffix_tails`` give the credential and production gates the
scheme and the domain of each alternative, so that a regex is held to the rules exact origins are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from corsguard.codes import policy as codes
from corsguard.policy.problems import Problem, problem, raw_literal
from corsguard.policy.publicsuffix import public_suffix_at_or_below

_SEPARATORS = ("://", r":\/\/")
_QUANTIFIERS = "*+{"
# Origins no honest expression matches: the reserved .invalid and .example top-level domains.
PROBE_ORIGINS = (
    "https://corsguard-probe.invalid",
    "https://corsguardprobe.invalid",
    "http://corsguardprobe.invalid",
    "https://corsguard-probe.invalid.example",
)
_LOOPBACK = re.compile(r"http://(?:localhost|127\.0\.0\.1|\[::1\])(?::[0-9]+)?")
# What may follow a literal loopback host: nothing, or a port ("(:\d+)?", ":[0-9]{2,5}").
_PORT_SUFFIX = re.compile(
    r"(?:\((?:\?:)?:(?:\\d|\[0-9\])(?:\+|\{[0-9,]+\})\)\??"
    r"|:(?:\\d|\[0-9\])(?:\+|\{[0-9,]+\}))?\$?"
)


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
        whole = {start for start, _ in _segments(source) if not _separator_in(source, start)}
        in_whole = any(_segment_start(source, i) in whole for i in dots.spans)
        example = (
            f"e.g. {raw_literal(suggestion)}"
            if "://" in suggestion and not in_whole
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
    if not dots.spans:
        probe = next((o for o in PROBE_ORIGINS if compiled.fullmatch(o) is not None), None)
        if probe is not None:
            problems.append(
                problem(
                    codes.REGEX_WILDCARD_HOST,
                    where,
                    source,
                    f"{where}: {raw_literal(source)} matches {probe!r}, an origin nobody owns, "
                    "so it also matches look-alike and unrelated domains",
                    "Tie every alternative to your own domain, e.g. "
                    "r'https://[a-z0-9-]+\\.example\\.com', or use a pattern such as "
                    "'https://*.example.com' in allow_origins.",
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


def _segments(source: str, *, top_level_only: bool = False) -> list[tuple[int, int]]:
    """``(start, end)`` of each alternative: the text between unescaped ``|`` outside classes.

    With ``top_level_only`` only the ``|`` outside every group split the expression.
    """
    bounds: list[tuple[int, int]] = []
    start, depth = 0, 0
    for i, char in _structure(source):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and (depth == 0 or not top_level_only):
            bounds.append((start, i))
            start = i + 1
    bounds.append((start, len(source)))
    return bounds


def _segment_start(source: str, i: int) -> int:
    return max(start for start, _ in _segments(source) if start <= i)


def _separators(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(index, length)`` of each unescaped ``://`` or ``:\\/\\/`` in ``source[start:end]``."""
    found: list[tuple[int, int]] = []
    for separator in _SEPARATORS:
        i = source.find(separator, start, end)
        while i >= 0:
            if not _is_escaped(source, i):
                found.append((i, len(separator)))
            i = source.find(separator, i + 1, end)
    return sorted(found)


def _separator_in(source: str, start: int) -> bool:
    end = next(e for s, e in _segments(source) if s == start)
    return bool(_separators(source, start, end))


def _host_starts(source: str) -> list[int]:
    """Where each alternative's host part starts: after its ``://``, or at its start."""
    starts: list[int] = []
    for start, end in _segments(source):
        found = _separators(source, start, end)
        starts += [i + length for i, length in found] if found else [start]
    return sorted(set(starts))


def _is_escaped(source: str, i: int) -> bool:
    backslashes = 0
    while i - backslashes - 1 >= 0 and source[i - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _host_dots(source: str) -> _HostDots:
    literal: list[int] = []
    spans: list[int] = []
    for start in _host_starts(source):
        depth = 0
        for i, char in _structure(source, start):
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
    return _HostDots(tuple(sorted(set(literal))), tuple(sorted(set(spans))))


def _structure(source: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """``(index, character)`` of the regex's own syntax from ``start``: escaped characters
    and character classes are stepped over, so ``(``, ``)``, ``|`` and ``.`` mean themselves."""
    i = start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
        elif char == "[":
            i = _class_end(source, i)
        else:
            yield i, char
            i += 1


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


def insecure_alternatives(source: str, *, allow_loopback: bool) -> str | None:
    """``None`` if every alternative starts with ``https://``, else the expression rewritten so.

    An alternative may start with ``^`` and sit in a group: ``^(https://a\\.example\\.com)``.
    With ``allow_loopback``, plain-http loopback alternatives (``http://localhost(:\\d+)?``)
    pass, as exact loopback origins do.
    """
    spans = _insecure_spans(source, 0, len(source), allow_loopback=allow_loopback)
    if not spans:
        return None
    out = source
    for start, cut in sorted(spans, reverse=True):
        out = out[:start] + "https://" + out[cut:]
    return out


def _insecure_spans(
    source: str, start: int, end: int, *, allow_loopback: bool
) -> list[tuple[int, int]]:
    """``(start, cut)`` of each alternative that may not start with ``https://``.

    Replacing ``source[start:cut]`` with ``https://`` gives the secure form of the alternative.
    """
    spans: list[tuple[int, int]] = []
    for alt_start, alt_end in _segments_between(source, start, end):
        i = alt_start
        while i < alt_end and (source[i] == "^" or source.startswith("\\A", i)):
            i += 1 if source[i] == "^" else 2
        i = _skip_flags(source, i, alt_end)
        if i < alt_end and source[i] == "(":
            close = _group_end(source, i)
            if close < alt_end and source[close] in "?*{":  # "(https://)?": scheme optional
                after = _skip_quantifier(source, close)
                has_separator = bool(_separators(source, i, close))
                spans.append((i, after if has_separator else _cut(source, i, alt_end)))
                continue
            if close <= alt_end:
                inner = _group_body(source, i)
                nested = _insecure_spans(source, inner, close - 1, allow_loopback=allow_loopback)
                if all(cut > s for s, cut in nested):
                    spans += nested
                    continue
            spans.append((i, _cut(source, i, alt_end)))
            continue
        literal, after = _literal_prefix(source, i, alt_end)
        if literal.startswith("https://"):
            continue
        if (
            allow_loopback
            and _LOOPBACK.fullmatch(literal)
            and _PORT_SUFFIX.fullmatch(source[after:alt_end])
        ):
            continue
        spans.append((i, _cut(source, i, alt_end)))
    return spans


def _cut(source: str, start: int, end: int) -> int:
    """The index after the first ``://`` of ``source[start:end]`` outside groups, or ``start``."""
    for index, length in _separators(source, start, end):
        if all(close <= index for _, close in _groups_between(source, start, index)):
            return index + length
    return start


def _groups_between(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(open, after_close)`` of the outermost groups opening in ``source[start:end]``."""
    groups: list[tuple[int, int]] = []
    i = start
    while i < end:
        char = source[i]
        if char == "\\":
            i += 2
        elif char == "[":
            i = _class_end(source, i)
        elif char == "(":
            close = _group_end(source, i)
            groups.append((i, close))
            i = close
        else:
            i += 1
    return groups


def _segments_between(source: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + s, start + e) for s, e in _segments(source[start:end], top_level_only=True)]


def _skip_flags(source: str, i: int, end: int) -> int:
    """Past inline flags such as ``(?i)`` at ``source[i]``."""
    flags = re.compile(r"\(\?[aiLmsux]+\)")
    match = flags.match(source, i, end)
    while match is not None:
        i = match.end()
        match = flags.match(source, i, end)
    return i


def _group_end(source: str, i: int) -> int:
    """The index after the group that opens at ``source[i] == '('``."""
    depth = 0
    for j, char in _structure(source, i):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(source) + 1


def _group_body(source: str, i: int) -> int:
    """Where the content of the group opening at ``source[i]`` starts (after ``?:``, a name)."""
    match = re.compile(r"\((?:\?:|\?P<\w+>)?").match(source, i)
    return match.end() if match else i + 1


def _literal_prefix(source: str, i: int, end: int) -> tuple[str, int]:
    """The text the expression at ``source[i:end]`` must start with, and where it stops."""
    out: list[str] = []
    while i < end:
        char = source[i]
        if char == "\\" and i + 1 < end and not source[i + 1].isalnum():
            literal, step = source[i + 1], 2
        elif char not in "\\.^$*+?{}[]()|":
            literal, step = char, 1
        else:
            break
        if i + step < end and source[i + step] in "?*{":
            break  # "https?": the character is optional
        out.append(literal)
        i += step
    return "".join(out), i


def public_suffix_tails(source: str) -> list[tuple[str, str]]:
    """``(domain, suffix)`` for each alternative whose wildcard label sits on a public suffix.

    ``https://[a-z]+\\.github\\.io`` gives ``("github.io", "github.io")``: the literal domain
    after the last wildcard label, and the public suffix at or below it. Only alternatives with
    a ``://`` and a wildcard directly before an escaped dot are examined.
    """
    found: list[tuple[str, str]] = []
    for start, end in _segments(source):
        separators = _separators(source, start, end)
        if not separators:
            continue
        index, length = separators[0]
        tail = _host_tail(source, index + length, end)
        if tail is None:
            continue
        suffix = public_suffix_at_or_below(tail)
        if suffix is not None:
            found.append((tail, suffix))
    return found


def _host_tail(source: str, i: int, end: int) -> str | None:
    """The literal domain after the host's last wildcard label, or ``None``."""
    tokens: list[str | None] = []  # a literal character, or None for anything else
    while i < end:
        char = source[i]
        if char in ":/$|)":
            break
        if char == "\\":
            nxt = source[i + 1] if i + 1 < end else ""
            tokens.append(None if nxt.isalnum() else nxt)
            i += 2
        elif char == "[":
            tokens.append(None)
            i = _class_end(source, i)
        elif char == "(":
            if re.compile(r"\((?:\?:)?:").match(source, i):
                break  # the port group
            tokens.append(None)
            i = _group_end(source, i)
        elif char in "*+?{":
            if tokens:
                tokens[-1] = None
            i = _skip_quantifier(source, i) if char != "?" else i + 1
        elif char in ".^":
            tokens.append(None)
            i += 1
        else:
            tokens.append(char)
            i += 1
    if None not in tokens:
        return None
    last = len(tokens) - 1 - tokens[::-1].index(None)
    tail = "".join(t for t in tokens[last + 1 :] if t is not None)
    if not tail.startswith(".") or len(tail) < 2:
        return None
    domain = tail[1:].lower()
    if not re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*", domain):
        return None
    return domain
