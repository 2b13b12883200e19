"""Validation of policy options: every problem found in one pass, none raised half-way.

``check`` normalizes the options and returns them with the problems; ``CORSPolicy`` raises one
``ConfigError`` holding all the errors. ``validate`` is the same check for callers that want the
problems without building a policy, such as ``corsguard audit`` on a Starlette configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from corsguard.codes import policy as codes
from corsguard.policy import origins as grammar
from corsguard.policy.names import check_expose, check_headers, check_methods
from corsguard.policy.options import (
    CHROMIUM_MAX_AGE_CAP,
    DEFAULTS,
    FLAG_OPTIONS,
    MAX_AGE_LIMIT,
    OPTION_NAMES,
)
from corsguard.policy.origin_regex import (
    GENERIC_SUGGESTION,
    PROBE_ORIGINS,
    compile_origin_regex,
    insecure_alternatives,
    public_suffix_tails,
)
from corsguard.policy.problems import Problem, problem, quoted, raw_literal
from corsguard.policy.publicsuffix import public_suffix_at_or_below


@dataclass(frozen=True, slots=True)
class Checked:
    """Options after validation: normalized values, and every problem found."""

    entries: tuple[grammar.OriginEntry, ...]
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    expose: tuple[str, ...]
    allows_all_origins: bool
    allows_all_methods: bool
    allows_all_headers: bool
    regex: re.Pattern[str] | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(entry.text for entry in self.entries)


def validate(**options: Any) -> tuple[list[Problem], list[Problem]]:
    """Check ``CORSPolicy`` keyword arguments without raising: ``(errors, warnings)``."""
    checked = check(options)
    return list(checked.errors), list(checked.warnings)


def check(options: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> Checked:
    """Validate and normalize ``options``; ``labels`` renames options in messages.

    ``CORSPolicy.from_env`` passes ``{"allow_origins": "CORS_ALLOW_ORIGINS", ...}`` so that a
    problem names the variable to fix rather than the keyword argument.
    """
    found: list[Problem] = []
    names = dict(labels or {})

    def label(option: str) -> str:
        return names.get(option, option)

    found += [_unknown_option(option) for option in options if option not in OPTION_NAMES]
    merged = {**DEFAULTS, **{k: v for k, v in options.items() if k in OPTION_NAMES}}

    flags = {name: _flag(merged[name], label(name), found) for name in FLAG_OPTIONS}
    credentials = flags["allow_credentials"]
    _check_max_age(merged["max_age"], label("max_age"), found)
    allow_origin = merged["allow_origin"]
    if allow_origin is not None and not callable(allow_origin):
        found.append(_wrong_type(label("allow_origin"), allow_origin, "a callable or None"))
    regex = _check_regex(merged["allow_origin_regex"], label("allow_origin_regex"), flags, found)

    origin_items = _items(merged["allow_origins"], label("allow_origins"), found, url_like=True)
    entries = _check_origins(origin_items, label("allow_origins"), flags, found)
    allows_all_origins = any(entry.kind == "all" for entry in entries)

    method_items = _items(merged["allow_methods"], label("allow_methods"), found)
    methods = check_methods(method_items, label("allow_methods"), found)
    header_items = _items(merged["allow_headers"], label("allow_headers"), found)
    headers = check_headers(header_items, label("allow_headers"), found)
    expose_items = _items(merged["expose_headers"], label("expose_headers"), found)
    expose = check_expose(expose_items, label("expose_headers"), credentials, found)

    if not origin_items and regex is None and allow_origin is None:
        found.append(
            problem(
                codes.NO_ORIGINS_ALLOWED,
                label("allow_origins"),
                (),
                f"{label('allow_origins')}: no origin is allowed, so every cross-origin "
                "browser request will fail",
                "Pass allow_origins=['https://app.example.com'] (your frontend's origin), or "
                "build the policy with CORSPolicy.from_env().",
            )
        )
    return Checked(
        entries=entries,
        methods=tuple(m for m in methods if m != "*"),
        headers=tuple(h for h in headers if h != "*"),
        expose=expose,
        allows_all_origins=allows_all_origins,
        allows_all_methods="*" in methods,
        allows_all_headers="*" in headers,
        regex=regex,
        errors=tuple(p for p in found if p.is_error),
        warnings=tuple(p for p in found if not p.is_error),
    )


def _unknown_option(option: str) -> Problem:
    import difflib  # only needed for a misspelt option

    close = difflib.get_close_matches(option, sorted(OPTION_NAMES), n=1)
    hint = (
        f"Did you mean {close[0]!r}?"
        if close
        else "Use one of: " + ", ".join(sorted(OPTION_NAMES)) + "."
    )
    return problem(
        codes.UNKNOWN_OPTION, option, option, f"{option}: not a CORS policy option", hint
    )


def _wrong_type(where: str, value: object, expected: str) -> Problem:
    return problem(
        codes.INVALID_OPTION_TYPE,
        where,
        value,
        f"{where}: {quoted(value)} ({type(value).__name__}) is not {expected}",
        f"Pass {expected}.",
    )


def _flag(value: object, where: str, found: list[Problem]) -> bool:
    if not isinstance(value, bool):
        found.append(_wrong_type(where, value, "True or False"))
    return bool(value)


def _check_max_age(value: object, where: str, found: list[Problem]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        found.append(_wrong_type(where, value, "a whole number of seconds"))
        return
    if value < 0:
        found.append(
            problem(
                codes.MAX_AGE_OUT_OF_RANGE,
                where,
                value,
                f"{where}: {value} is negative, which browsers read as 0 or as invalid",
                "Use 0 to disable preflight caching, or a value up to "
                f"{CHROMIUM_MAX_AGE_CAP} (Chromium's cap); 600 is a good default.",
            )
        )
    elif value > CHROMIUM_MAX_AGE_CAP:
        # Harmless: each browser caches for its own maximum instead, so only a warning.
        if value > MAX_AGE_LIMIT:
            message = (
                f"{where}: {value} is above every browser's cap (Chromium's "
                f"{CHROMIUM_MAX_AGE_CAP} seconds, Firefox's {MAX_AGE_LIMIT}), which they use "
                "instead"
            )
        else:
            message = (
                f"{where}: {value} is above Chromium's cap of {CHROMIUM_MAX_AGE_CAP} seconds, "
                "which it uses instead"
            )
        found.append(
            problem(
                codes.MAX_AGE_ABOVE_BROWSER_CAP,
                where,
                value,
                message,
                f"Use max_age={CHROMIUM_MAX_AGE_CAP} or less.",
            )
        )


def _check_regex(
    value: object, where: str, flags: Mapping[str, bool], found: list[Problem]
) -> re.Pattern[str] | None:
    if value is None:
        return None
    if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
        source: str | re.Pattern[str] = value
    elif isinstance(value, str):
        source = value
    else:
        found.append(_wrong_type(where, value, "a regular expression string or None"))
        return None
    allow_loose = flags["dangerously_allow_loose_origin_regex"]
    compiled, problems = compile_origin_regex(source, where, allow_loose=allow_loose)
    found += problems
    # The special origins are opt-ins for the regex as for allow_origins, unless the regex
    # matches strangers anyway (refused as such, or accepted with the loose opt-in).
    loose = any(p.code == codes.REGEX_WILDCARD_HOST.code for p in problems) or (
        compiled is not None and any(compiled.fullmatch(o) for o in PROBE_ORIGINS)
    )
    if compiled is not None and not loose:
        found += _special_origins(compiled, where, flags)
    if compiled is not None and flags["allow_credentials"]:
        # A wildcard over a public suffix is already refused as such: one problem, not two.
        refused = any(p.code == codes.REGEX_WILDCARD_HOST.code for p in problems)
        found += _regex_credential_gates(compiled.pattern, where, flags, suffixes=not refused)
    return compiled


def _special_origins(
    compiled: re.Pattern[str], where: str, flags: Mapping[str, bool]
) -> list[Problem]:
    """``null`` and ``file://`` matched by the regex, refused as they are in allow_origins."""
    found: list[Problem] = []
    source = raw_literal(compiled.pattern)
    if compiled.fullmatch("null") and not flags["dangerously_allow_null_origin"]:
        found.append(
            problem(
                codes.NULL_ORIGIN,
                where,
                compiled.pattern,
                f"{where}: {source} matches 'null', the opaque origin any website can produce "
                "with a sandboxed iframe",
                "Remove the 'null' alternative, or pass dangerously_allow_null_origin=True if "
                "you accept that risk.",
            )
        )
    if compiled.fullmatch("file://") and not flags["dangerously_allow_file_origin"]:
        found.append(
            problem(
                codes.FILE_ORIGIN,
                where,
                compiled.pattern,
                f"{where}: {source} matches 'file://', the one origin every local file shares",
                "Remove the 'file://' alternative, or pass dangerously_allow_file_origin=True if "
                "a web view really sends it.",
            )
        )
    return found


def _regex_credential_gates(
    source: str, where: str, flags: Mapping[str, bool], *, suffixes: bool
) -> list[Problem]:
    """The credential gates of exact origins, applied to each alternative of the regex."""
    problems: list[Problem] = []
    secure = (
        None
        if flags["dangerously_allow_insecure_origins"]
        else insecure_alternatives(source, allow_loopback=True)
    )
    if secure is not None:
        if compile_origin_regex(secure, where, allow_loose=False)[1]:
            secure = GENERIC_SUGGESTION  # the rewrite would be refused itself ("https://.*")
        problems.append(
            problem(
                codes.INSECURE_ORIGIN_WITH_CREDENTIALS,
                where,
                source,
                f"{where}: {raw_literal(source)} also matches plain-http origins, so anyone on "
                "the network path can inject script that reads your users' data",
                f"Serve the pages over https and start every alternative with 'https://', e.g. "
                f"{raw_literal(secure)}, or pass dangerously_allow_insecure_origins=True for a "
                "trusted network.",
            )
        )
    if suffixes and not flags["dangerously_allow_public_suffix_wildcards"]:
        for domain, suffix in public_suffix_tails(source):
            what = (
                f"{suffix!r} is a public suffix"
                if suffix == domain
                else f"{suffix!r} below it is a public suffix"
            )
            problems.append(
                problem(
                    codes.PUBLIC_SUFFIX_WILDCARD,
                    where,
                    source,
                    f"{where}: {raw_literal(source)} matches any name under {domain!r}, sites "
                    f"anyone can register ({what}), and they could read your users' data",
                    f"Match the exact origins you own, e.g. r'https://yourname\\.{_escaped(domain)}"
                    "', or pass dangerously_allow_public_suffix_wildcards=True.",
                )
            )
    return problems


def _escaped(domain: str) -> str:
    return domain.replace(".", "\\.")


def _items(value: object, where: str, found: list[Problem], *, url_like: bool = False) -> list[str]:
    """The option's entries as strings, reporting a string given for a list."""
    if isinstance(value, str):
        found.append(
            problem(
                codes.STRING_INSTEAD_OF_LIST,
                where,
                value,
                f"{where}: {quoted(value)} is a single string, which would be read character "
                "by character",
                f"Pass a list: {where}=[{value!r}].",
            )
        )
        return [value]
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        found.append(_wrong_type(where, value, "a list of strings"))
        return []
    items: list[str] = []
    for index, item in enumerate(value):
        text = _as_text(item, url_like=url_like)
        if text is None:
            found.append(_wrong_type(f"{where}[{index}]", item, "a string"))
        else:
            items.append(text)
    return items


def _as_text(item: object, *, url_like: bool) -> str | None:
    """A string, or an object that stands for one (pydantic ``AnyHttpUrl``, ``yarl.URL``)."""
    if isinstance(item, str):
        return item
    if item is None or isinstance(item, (bytes, bytearray, int, float, Iterable)):
        return None
    if type(item).__str__ is object.__str__:
        return None
    text = str(item)
    # URL objects serialize an origin with the empty path as "/": that slash is the library's,
    # not the user's, and the origin it stands for is unambiguous.
    if url_like and text.endswith("/") and text.count("/") == 3:
        text = text[:-1]
    return text


def _check_origins(
    items: list[str], where: str, flags: Mapping[str, bool], found: list[Problem]
) -> tuple[grammar.OriginEntry, ...]:
    credentials = flags["allow_credentials"]
    entries: dict[str, grammar.OriginEntry] = {}
    for index, item in enumerate(items):
        item_where = f"{where}[{index}]"
        entry, problems = grammar.parse_origin_entry(item, item_where)
        found += problems
        if entry is None:
            continue
        entries.setdefault(entry.text, entry)
        if entry.kind == "null" and not flags["dangerously_allow_null_origin"]:
            found.append(_null_origin(item_where, item))
        elif entry.kind == "file" and not flags["dangerously_allow_file_origin"]:
            found.append(_file_origin(item_where, item))
        elif entry.pattern is not None and credentials:
            found += _credential_gates(entry.pattern, item_where, item, flags)
    if "*" in entries:
        if len(entries) > 1:
            others = [text for text in entries if text != "*"]
            found.append(
                problem(
                    codes.WILDCARD_MIXED,
                    where,
                    "*",
                    f"{where}: '*' is listed with {len(others)} other origin(s), which it makes "
                    "pointless",
                    f"Keep either '*' alone or only the explicit origins {others[:3]!r}.",
                )
            )
        if credentials:
            found.append(
                problem(
                    codes.WILDCARD_WITH_CREDENTIALS,
                    where,
                    "*",
                    f"{where}: '*' with allow_credentials=True would let every website on the "
                    "internet read your users' data with their cookies",
                    "List the origins allowed to send credentials instead of '*' (for example "
                    "'https://app.example.com'), or set allow_credentials=False to share public "
                    "data with every origin.",
                )
            )
    return tuple(entries.values())


def _null_origin(where: str, value: str) -> Problem:
    return problem(
        codes.NULL_ORIGIN,
        where,
        value,
        f"{where}: {quoted(value)} allows opaque origins, which any website can produce with "
        "a sandboxed iframe",
        "Remove 'null' and allow the real origins, or pass dangerously_allow_null_origin=True "
        "if you accept that risk.",
    )


def _file_origin(where: str, value: str) -> Problem:
    return problem(
        codes.FILE_ORIGIN,
        where,
        value,
        f"{where}: {quoted(value)} allows pages opened from the file system, which share one "
        "origin for every local file",
        "Serve the page from http://localhost during development, or pass "
        "dangerously_allow_file_origin=True if a web view really sends 'file://'.",
    )


def _credential_gates(
    pattern: grammar.OriginPattern, where: str, value: str, flags: Mapping[str, bool]
) -> list[Problem]:
    """The checks that apply only when the allowed origins may send credentials."""
    problems: list[Problem] = []
    if not pattern.is_secure and not flags["dangerously_allow_insecure_origins"]:
        secure = grammar.OriginPattern(
            "https", pattern.host, None, pattern.any_port, pattern.subdomains
        )
        problems.append(
            problem(
                codes.INSECURE_ORIGIN_WITH_CREDENTIALS,
                where,
                value,
                f"{where}: {quoted(pattern.serialize())} is plain http, so anyone on the "
                "network path can inject script that reads your users' data",
                f"Serve the page over https and allow {secure.serialize()!r}, or pass "
                "dangerously_allow_insecure_origins=True for a trusted network.",
            )
        )
    if (
        pattern.subdomains
        and not pattern.is_loopback
        and not flags["dangerously_allow_public_suffix_wildcards"]
    ):
        suffix = public_suffix_at_or_below(pattern.host)
        if suffix is not None:
            what = (
                f"{suffix!r} is a public suffix"
                if suffix == pattern.host
                else f"{suffix!r} below it is a public suffix"
            )
            problems.append(
                problem(
                    codes.PUBLIC_SUFFIX_WILDCARD,
                    where,
                    value,
                    f"{where}: {quoted(pattern.serialize())} matches sites anyone can register "
                    f"({what}), and they could read your users' data",
                    f"List the exact origins you own, e.g. '{pattern.scheme}://yourname."
                    f"{pattern.host}', or pass dangerously_allow_public_suffix_wildcards=True.",
                )
            )
    return problems
