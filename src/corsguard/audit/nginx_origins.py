"""The origins an nginx regex accepts: the checks of a ``map`` or ``if`` on the Origin (CG508).

nginx searches (PCRE, unanchored) where ``allow_origin_regex`` is full-matched, so the two
differ only in the anchors: a regex must be anchored at the end, else
``https://app.example.com.evil.net`` passes, and at the start unless it begins with the scheme
(an Origin is a browser-written ``scheme://host[:port]``, so nothing can precede the scheme).
Anchors inside groups count: ``(^https://app\\.example\\.org$)`` is anchored. What the host part
accepts is judged by the same analysis as ``allow_origin_regex``
(:func:`corsguard.policy.origin_regex.compile_origin_regex`), so ``.*``, ``.+`` and unescaped
dots mean the same in both places.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from corsguard.audit.nginx import Directive
from corsguard.audit.nginx_findings import Draft, finding
from corsguard.audit.nginx_variables import REGEX_CHECKS, VARIABLE, Kind, Variables
from corsguard.codes import audit as codes
from corsguard.codes import policy as policy_codes
from corsguard.policy.origin_regex import compile_origin_regex
from corsguard.policy.publicsuffix import is_public_suffix
from corsguard.policy.regex_text import is_escaped, segments_between

NEGATED_REGEX_CHECKS = ("!~", "!~*")


@dataclass(frozen=True, slots=True)
class OriginRegex:
    """A regex nginx matches the Origin (or a variable carrying it) against."""

    directive: Directive  # the map entry or the 'if'
    pattern: str
    caseless: bool


def origin_regexes(root: Directive, variables: Variables) -> Iterator[OriginRegex]:
    for assignment in variables.assignments:
        key = assignment.key or ""
        if assignment.source is None or not key.startswith("~"):
            continue
        if _carries_origin(assignment.source, variables):
            caseless = key.startswith("~*")
            yield OriginRegex(assignment.directive, key[2 if caseless else 1 :], caseless)
    yield from _if_regexes(root, variables)


def _carries_origin(subject: str, variables: Variables) -> bool:
    """The subject is the Origin, alone: a regex on a composite such as "$http_origin|$uri"
    bounds the origin with the text after it, which this analysis does not model."""
    alone = VARIABLE.fullmatch(subject.strip()) is not None
    return alone and variables.kind(subject) in (Kind.REFLECTED, Kind.VALIDATED)


def _if_regexes(block: Directive, variables: Variables) -> Iterator[OriginRegex]:
    for child in block.block or ():
        if (
            child.name == "if"
            and len(child.args) == 3
            and child.args[1] in (*REGEX_CHECKS, *NEGATED_REGEX_CHECKS)
            and _carries_origin(child.args[0], variables)
        ):
            yield OriginRegex(child, child.args[2], child.args[1].endswith("*"))
        if child.block is not None and child.name not in ("map", "geo", "split_clients"):
            yield from _if_regexes(child, variables)


def regex_findings(root: Directive, variables: Variables) -> list[Draft]:
    found: list[Draft] = []
    seen: set[tuple[str, str]] = set()
    for regex in origin_regexes(root, variables):
        if (regex.directive.location, regex.pattern) in seen:
            continue
        seen.add((regex.directive.location, regex.pattern))
        problems = loose_regex(regex.pattern, caseless=regex.caseless)
        if problems:
            found.append(
                finding(
                    codes.LOOSE_ORIGIN_REGEX,
                    regex.directive,
                    "",
                    f"origin regex {regex.pattern!r} " + " and ".join(problems) + ", so "
                    "look-alike origins an attacker can register match it",
                    pattern=regex.pattern,
                )
            )
    return found


def loose_regex(pattern: str, *, caseless: bool = False) -> list[str]:
    """What makes ``pattern``, searched in an Origin, accept origins nobody trusted."""
    problems: list[str] = []
    if not anchored(pattern, end=True):
        problems.append("is not anchored at the end with '$'")
    host = _host_problems(pattern, caseless)
    if host is None:
        return problems  # PCRE syntax Python cannot read: judge the anchors only
    if not anchored(pattern, end=False):
        searched = _host_problems(f".*(?:{pattern})", caseless)
        if searched is not None and len(searched) > len(host):
            problems.append("is not anchored at the start with '^'")
    if policy_codes.REGEX_WILDCARD_HOST.code in host:
        problems.append("lets '.*', '.+' or a similar repetition stand for part of the host")
    if policy_codes.REGEX_UNESCAPED_DOT.code in host:
        problems.append("has an unescaped '.' in the host, matching any character")
    glued = _glued_look_alike(pattern, caseless)
    if glued and policy_codes.REGEX_WILDCARD_HOST.code not in host:
        problems.append(
            f"lets '{glued[0]}' stand for the start of the trusted name, so {glued[1]} matches"
        )
    shared = _public_suffix_site(pattern, caseless)
    if shared and policy_codes.REGEX_WILDCARD_HOST.code not in host:
        problems.append(
            f"accepts any site under the public suffix {shared[0]}, which anyone can register "
            f"({shared[1]} matches)"
        )
    return problems


# A run of literal labels ('vercel\.app'), not the end of a longer one ('app\.vercel\.app').
_LITERAL_NAME = re.compile(r"(?<![A-Za-z0-9\\-])[A-Za-z0-9-]+(?:\\\.[A-Za-z0-9-]+)+")


def _public_suffix_site(pattern: str, caseless: bool) -> tuple[str, str] | None:
    """A public suffix (github.io, vercel.app, co.uk) the regex accepts any subdomain of: a
    site a stranger registered there matches, as '*.vercel.app' would."""
    compiled = _compiled(pattern, caseless)
    if compiled is None:
        return None
    for literal in _LITERAL_NAME.finditer(pattern):
        name = literal.group().replace("\\.", ".").lower()
        if not is_public_suffix(name):
            continue
        for origin in (f"https://strangersite.{name}", f"http://strangersite.{name}"):
            if compiled.search(origin):
                return name, origin
    return None


def _compiled(pattern: str, caseless: bool) -> re.Pattern[str] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PCRE-only syntax ("[[:alpha:]]") warns in Python
        try:
            return re.compile(pattern, re.IGNORECASE if caseless else 0)
        except re.error:
            return None


# A repetition of a character class, glued to the registrable name: '[^/]*example\.com' accepts
# 'https://evilexample.com' as '.*example\.com' does ('[^/]*\.example\.com' only subdomains).
_CLASS_REPETITION = re.compile(r"(\[\^?\]?[^\]]*\]|\\[wWSD])([*+?]|\{[0-9]*,?[0-9]*\})\??")
_GLUED_NAME = re.compile(r"(?:\)[*+?]?|\\\.\?)*([A-Za-z0-9-]+(?:\\\.[A-Za-z0-9-]+)+)")
# Second-level labels under a country code ('example.co.uk'): the name is one label longer.
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "or", "org"})


def _glued_look_alike(pattern: str, caseless: bool) -> tuple[str, str] | None:
    """The repetition and a look-alike origin it lets through, when a class repetition runs
    straight into the first label of a registrable name."""
    for repetition in _CLASS_REPETITION.finditer(pattern):
        if is_escaped(pattern, repetition.start()):
            continue
        name = _GLUED_NAME.match(pattern, repetition.end())
        if name is None:
            continue
        labels = name.group(1).split("\\.")
        registrable = len(labels) == 2 or (
            len(labels) == 3 and labels[1] in _SECOND_LEVEL and len(labels[2]) == 2
        )
        if not registrable:
            continue  # glued to a subdomain's label: still inside the trusted domain
        host = "evil" + ".".join(labels)
        compiled = _compiled(pattern, caseless)
        if compiled is None:
            return None
        for origin in (f"https://{host}", f"http://{host}"):
            if compiled.search(origin):
                return repetition.group(0), origin
    return None


def _host_problems(pattern: str, caseless: bool) -> set[str] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PCRE-only syntax ("[[:alpha:]]") warns in Python
        try:
            compiled = re.compile(pattern, re.IGNORECASE if caseless else 0)
        except re.error:
            return None
        _, problems = compile_origin_regex(compiled, "regex", allow_loose=False)
    return {problem.code for problem in problems}


# -- anchors --------------------------------------------------------------------------------------


def anchored(pattern: str, *, end: bool) -> bool:
    """Every alternative starts with '^' (or ends with '$'), possibly inside groups."""
    groups = _groups(pattern)
    return _anchored(pattern, 0, len(pattern), groups, end=end)


def _anchored(pattern: str, start: int, stop: int, groups: dict[int, int], *, end: bool) -> bool:
    alternatives = segments_between(pattern, start, stop)
    return bool(alternatives) and all(
        _alternative_anchored(pattern, a, b, groups, end=end) for a, b in alternatives
    )


def _alternative_anchored(
    pattern: str, a: int, b: int, groups: dict[int, int], *, end: bool
) -> bool:
    if end:
        if b > a and pattern[b - 1] == "$" and not is_escaped(pattern, b - 1):
            return True
        if pattern[max(a, b - 2) : b] in ("\\z", "\\Z"):
            return True
        opening = next((o for o, c in groups.items() if c == b - 1), None)
        return opening is not None and _anchored(
            pattern, _body(pattern, opening), b - 1, groups, end=True
        )
    while pattern.startswith("(?", a) and a in groups and _is_flags(pattern, a, groups[a]):
        a = groups[a] + 1  # "(?i)" sets flags and matches nothing
    if pattern.startswith("^", a) or pattern.startswith("\\A", a):
        return True
    if a in groups:
        close = groups[a]
        optional = pattern[close + 1 : close + 2] in ("?", "*") or pattern.startswith(
            "{0", close + 1
        )
        return not optional and _anchored(pattern, _body(pattern, a), close, groups, end=False)
    return False


def _is_flags(pattern: str, opening: int, close: int) -> bool:
    return re.fullmatch(r"\(\?[a-zA-Z-]+\)", pattern[opening : close + 1]) is not None


def _body(pattern: str, opening: int) -> int:
    """Where the content of the group opened at ``opening`` starts: after '(?:', '(?<n>' ..."""
    match = re.compile(r"\((?:\?(?:[:>|=!]|<[=!]|P?<[A-Za-z_]\w*>|'[A-Za-z_]\w*'|[a-zA-Z-]+:))?")
    found = match.match(pattern, opening)
    return found.end() if found else opening + 1


def _groups(pattern: str) -> dict[int, int]:
    """Opening index -> closing index of every group, skipping escapes and classes."""
    groups: dict[int, int] = {}
    stack: list[int] = []
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
            if pattern.startswith(("[^]", "[]"), i):
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif char == "(":
            stack.append(i)
        elif char == ")" and stack:
            groups[stack.pop()] = i
        i += 1
    return groups
