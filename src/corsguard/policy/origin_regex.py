"""Checks for ``allow_origin_regex``: it compiles, and its host part cannot match strangers.

The expression is matched with ``fullmatch`` (Starlette's behaviour since 2020), so anchors are
not the risk. The risk is the host: an unescaped ``.`` matches any character
(``app.example.com`` also matches ``appxexample.com``), and ``.*`` or ``.+`` match across labels
(``https://.*example\\.com`` matches ``https://evilexample.com``). Both let an attacker who
registers a look-alike domain pass the check, so both are refused unless explicitly allowed.
A repetition that starts the host and is followed by an escaped dot and a literal domain
(``https://.*\\.example\\.com``) matches only that domain's subdomains, as the allow_origins
pattern ``https://*.example.com`` does, and passes unless the domain is a public suffix.

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
from dataclasses import dataclass

from corsguard.codes import policy as codes
from corsguard.policy import regex_text
from corsguard.policy.problems import Problem, problem, raw_literal
from corsguard.policy.publicsuffix import public_suffix_at_or_below
from corsguard.policy.regex_language import http_verdict

_QUANTIFIERS = "*+{"
# Origins no honest expression matches: the reserved .invalid and .example top-level domains.
PROBE_ORIGINS = (
    "https://corsguard-probe.invalid",
    "https://corsguardprobe.invalid",
    "http://corsguardprobe.invalid",
    "https://corsguard-probe.invalid.example",
)
# The example offered when no rewrite of the user's own expression would be a valid one.
GENERIC_SUGGESTION = r"https://[a-z0-9-]+\.example\.com"


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
    loose = _wildcard_problems(source, where, dots.spans, problems)
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
    if not loose:
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


def _wildcard_problems(
    source: str, where: str, spans: tuple[int, ...], problems: list[Problem]
) -> bool:
    """Report the ``.*``/``.+`` repetitions of the host parts; True if any can match a stranger.

    A repetition that starts the host and is followed by ``\\.`` and a literal domain that ends
    the host (``https://.*\\.example\\.com``, ``https://(.*\\.)?example\\.com``) matches only
    names under that domain, as ``https://*.example.com`` does, and passes when the domain is
    one its owner controls. Under a public suffix (``https://.*\\.co\\.uk``) it matches sites
    anyone can register.
    """
    domains = {i: _subdomain_domain(source, i) for i in spans}
    for domain in domains.values():
        suffix = None if domain is None else public_suffix_at_or_below(domain)
        if domain is None or suffix is None:
            continue
        what = f"{suffix!r} is" if suffix == domain else f"{suffix!r} below it is"
        escaped = domain.replace(".", "\\.")
        problems.append(
            problem(
                codes.REGEX_WILDCARD_HOST,
                where,
                source,
                f"{where}: {raw_literal(source)} matches any name under {domain!r}, sites anyone "
                f"can register ({what} a public suffix)",
                f"Match the exact origins you own, e.g. r'https://yourname\\.{escaped}'.",
            )
        )
    loose = [i for i, domain in domains.items() if domain is None]
    if not loose:
        return False
    if all(_is_whole_host(source, i) for i in loose):
        problems.append(
            problem(
                codes.REGEX_WILDCARD_HOST,
                where,
                source,
                f"{where}: {raw_literal(source)} matches any host, so every website passes the "
                "check",
                "List your frontends' origins in allow_origins, or tie the expression to your "
                f"domain, e.g. {raw_literal(GENERIC_SUGGESTION)}; for public data without "
                "credentials, allow_origins=['*'] says so plainly.",
            )
        )
        return True
    label = {i: _label_for(source, i) for i in loose}
    suggestion = _escape_dots(_replace(source, label, drop_quantifier=True))
    example = suggestion if _valid_suggestion(suggestion) else GENERIC_SUGGESTION
    problems.append(
        problem(
            codes.REGEX_WILDCARD_HOST,
            where,
            source,
            f"{where}: {raw_literal(source)} has '.*' or '.+' in its host part, which also "
            "matches look-alike domains such as 'https://evilexample.com'",
            f"Match whole labels with '[a-z0-9-]+', e.g. {raw_literal(example)}, or use a "
            "pattern such as 'https://*.example.com' in allow_origins.",
        )
    )
    return True


# "(" or "(?:" opening a group around the subdomain labels: "(.*\.)?example\.com".
_GROUP_OPEN = re.compile(r"\((?:\?:)?")
_LABEL_CHARS = re.compile(r"[A-Za-z0-9-]*")
# Literal host text before a repetition: label characters and escaped dots ("pr-", "api\.").
_LITERAL_LABELS = re.compile(r"(?:[A-Za-z0-9-]|\\\.)*")
# A literal domain in regex syntax: labels joined by escaped dots.
_LITERAL_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\\\.[A-Za-z0-9-]+)*")
# What may end a host part: the end, a port, a path, the end of an alternative or group.
_HOST_END = re.compile(r"$|[:/|$)]|\((?:\?:)?:")


def _subdomain_domain(source: str, i: int) -> str | None:
    """The domain whose subdomains the repetition at ``source[i]`` stands for, or ``None``."""
    starts = set(regex_text.host_starts(source))
    after = regex_text.skip_quantifier(source, i + 1)
    # Literal label characters may end the wildcard label: "https://.*-staging\.example\.com".
    label = _LABEL_CHARS.match(source, after)
    glued = label is not None and label.end() > after
    after = label.end() if label else after
    if not source.startswith("\\.", after):
        return None
    start = max((h for h in starts if h <= i), default=-1)
    if start >= 0 and _LITERAL_LABELS.fullmatch(source, start, i):
        at = after + 2  # "https://.*\.example\.com", "https://pr-.*\.example\.com"
    else:
        opening = next(
            (g for g in (i - 1, i - 3) if g in starts and _GROUP_OPEN.fullmatch(source, g, i)),
            None,
        )
        closing = after + 2
        if opening is None or source[closing : closing + 1] != ")":
            return None
        if source[closing + 1 : closing + 2] not in ("?", "*", "+"):
            return None
        at = closing + 2
    domain = _LITERAL_DOMAIN.match(source, at)
    if domain is None or _HOST_END.match(source, domain.end()) is None:
        return None
    name = domain.group().replace("\\.", ".").lower()
    if glued and public_suffix_at_or_below(name) is not None:
        return None  # ".*example\.com": a look-alike of the user's domain, not its subdomains
    return name


def _is_whole_host(source: str, i: int) -> bool:
    """Is the repetition at ``source[i]`` the entire host part (``https://.*``)?"""
    after = regex_text.skip_quantifier(source, i + 1)
    return i in regex_text.host_starts(source) and _HOST_END.match(source, after) is not None


def _valid_suggestion(suggestion: str) -> bool:
    """A rewrite worth offering: it compiles, is clean itself, and every host is non-empty."""
    try:
        compiled = re.compile(suggestion)
    except re.error:
        return False
    dots = _host_dots(suggestion)
    if dots.spans or dots.literal:
        return False
    if any(compiled.fullmatch(origin) for origin in PROBE_ORIGINS):
        return False
    return all(
        _HOST_END.match(suggestion, start) is None for start in regex_text.host_starts(suggestion)
    )


def _label_for(source: str, i: int) -> str:
    """What to write instead of the repetition at ``source[i]`` (``.*``, ``.+``)."""
    after = regex_text.skip_quantifier(source, i + 1)
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
                i = regex_text.skip_quantifier(source, i)
            continue
        out.append(source[i])
        i += 1
    return "".join(out)


def _host_dots(source: str) -> _HostDots:
    literal: list[int] = []
    spans: list[int] = []
    for start in regex_text.host_starts(source):
        depth = 0
        for i, char in regex_text.structure(source, start):
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


def insecure_alternatives(source: str, *, allow_loopback: bool) -> str | None:
    """``None`` if every alternative starts with ``https://``, else the expression rewritten so.

    An alternative may start with ``^`` and sit in a group: ``^(https://a\\.example\\.com)``.
    With ``allow_loopback``, plain-http loopback alternatives (``http://localhost:\\d+``,
    ``https?://(localhost|127\\.0\\.0\\.1)(:\\d+)?``) pass, as exact loopback origins do.
    Which origins match is decided on the parsed expression (``regex_language``); the rewrite
    is textual, so that the suggestion keeps the user's own spelling.
    """
    verdict = http_verdict(source)
    if verdict == "secure" or (verdict == "loopback" and allow_loopback):
        return None
    spans = _insecure_spans(source, 0, len(source), allow_loopback=allow_loopback)
    if not spans:
        # The parse tree admits http origins the textual reading missed: suggest a shape.
        return None if verdict is None else GENERIC_SUGGESTION
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
    for alt_start, alt_end in regex_text.segments_between(source, start, end):
        i = alt_start
        while i < alt_end and (source[i] == "^" or source.startswith("\\A", i)):
            i += 1 if source[i] == "^" else 2
        i = regex_text.skip_flags(source, i, alt_end)
        if i < alt_end and source[i] == "(":
            close = regex_text.group_end(source, i)
            if close < alt_end and source[close] in "?*{":  # "(https://)?": scheme optional
                after = regex_text.skip_quantifier(source, close)
                has_separator = bool(regex_text.separators(source, i, close))
                spans.append((i, after if has_separator else _cut(source, i, alt_end)))
                continue
            if close <= alt_end:
                inner = regex_text.group_body(source, i)
                nested = _insecure_spans(source, inner, close - 1, allow_loopback=allow_loopback)
                if all(cut > s for s, cut in nested):
                    spans += nested
                    continue
            spans.append((i, _cut(source, i, alt_end)))
            continue
        literal, _ = _literal_prefix(source, i, alt_end)
        if literal.startswith("https://"):
            continue
        if allow_loopback and http_verdict(source[alt_start:alt_end]) in ("secure", "loopback"):
            continue
        spans.append((i, _cut(source, i, alt_end)))
    return spans


def _cut(source: str, start: int, end: int) -> int:
    """The index after the first ``://`` of ``source[start:end]`` outside groups, or ``start``."""
    for index, length in regex_text.separators(source, start, end):
        if all(close <= index for _, close in regex_text.groups_between(source, start, index)):
            return index + length
    return start


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
    for start, end in regex_text.segments(source):
        separators = regex_text.separators(source, start, end)
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
            i = regex_text.class_end(source, i)
        elif char == "(":
            if re.compile(r"\((?:\?:)?:").match(source, i):
                break  # the port group
            tokens.append(None)
            i = regex_text.group_end(source, i)
        elif char in "*+?{":
            if tokens:
                tokens[-1] = None
            i = regex_text.skip_quantifier(source, i) if char != "?" else i + 1
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
