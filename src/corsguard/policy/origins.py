"""The origin grammar of ``allow_origins``: parsing, normalization and refusal of the ambiguous.

An entry is one of

- an exact origin ``scheme://host[:port]``, compared byte for byte with the ``Origin`` header;
- ``scheme://*.domain[:port]``: every subdomain of ``domain``, at any depth, never the apex;
- ``scheme://host:*`` (and ``scheme://*.domain:*``): any port, including the default one;
- ``*`` alone: every origin;
- the special values ``null`` and ``file://``, refused unless explicitly opted in.

Entries are normalized the way a browser serializes an origin (HTML "ASCII serialization of an
origin"): lower-case scheme and host, IDN host in punycode, default port omitted. Anything a
browser could read two ways (an IDNA deviation character, a shortened IPv4 address, a trailing
dot) is refused rather than guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from corsguard.codes import policy as codes
from corsguard.policy.hosts import is_ipv4, normalize_host
from corsguard.policy.problems import Problem, problem, quoted, raw_literal
from corsguard.protocol.origin import DEFAULT_PORTS, is_loopback_host

# Schemes a page that calls an API can have. Extension origins are exact only.
WEB_SCHEMES = frozenset({"http", "https"})
EXTENSION_SCHEMES = frozenset({"chrome-extension", "moz-extension", "safari-web-extension"})
# What people write by mistake, and the page scheme they meant.
_SCHEME_FIXES = {"ws": "http", "wss": "https"}

# Characters that make an entry a regular expression rather than an origin.
_REGEX_MARKERS = ("^", "$", "\\", "(", ")", "|", ".+", "s?://")
_IPV6_HOST = re.compile(r"://\[[^\[\]/]*\](?=$|[:/?#])")
# ".*" is regex syntax unless the "*" is a whole label ("https://app.*.com", "example.*").
_REGEX_DOT_STAR = re.compile(r"\.\*(?![.:]|$)")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*")
# A web scheme followed by a mistyped separator: "https//", "https:/", "http:".
_MANGLED_SEPARATOR = re.compile(r"(https?)(?::/?|//)(?=[^/])", re.IGNORECASE)

Kind = Literal["all", "null", "file", "pattern"]


@dataclass(frozen=True, slots=True)
class OriginPattern:
    """A parsed exact origin or pattern, in normalized form.

    ``host`` is the whole host of an exact origin, or the parent domain (without ``*.``) of a
    subdomain pattern. ``port`` is ``None`` for the scheme's default port.
    """

    scheme: str
    host: str
    port: int | None = None
    any_port: bool = False
    subdomains: bool = False

    def serialize(self) -> str:
        host = f"*.{self.host}" if self.subdomains else self.host
        if self.any_port:
            return f"{self.scheme}://{host}:*"
        if self.port is None:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def is_exact(self) -> bool:
        return not (self.any_port or self.subdomains)

    @property
    def is_loopback(self) -> bool:
        """True when every origin the entry matches is on the user's own machine."""
        return is_loopback_host(f"x.{self.host}" if self.subdomains else self.host)

    @property
    def is_secure(self) -> bool:
        """Potentially trustworthy (Secure Contexts): https, extensions and loopback."""
        return self.scheme != "http" or self.is_loopback

    def __str__(self) -> str:
        return self.serialize()


@dataclass(frozen=True, slots=True)
class OriginEntry:
    """One ``allow_origins`` entry after parsing: its kind, normalized text and pattern."""

    kind: Kind
    text: str
    pattern: OriginPattern | None = None


ALL = OriginEntry("all", "*")
NULL = OriginEntry("null", "null")
FILE = OriginEntry("file", "file://")


def looks_like_regex(value: str) -> bool:
    """Regex syntax in an entry; ``.*.`` is a mispositioned wildcard label, not a regex."""
    if any(marker in value for marker in _REGEX_MARKERS):
        return True
    without_ipv6 = _IPV6_HOST.sub("://", value, count=1)
    if "[" in without_ipv6 or "]" in without_ipv6:
        return True  # a character class; IPv6 brackets right after "://" are not
    return _REGEX_DOT_STAR.search(value) is not None


def parse_origin_entry(raw: str, where: str) -> tuple[OriginEntry | None, list[Problem]]:
    """Parse one ``allow_origins`` entry; ``where`` names it in messages (``allow_origins[2]``).

    Returns the normalized entry (``None`` when nothing usable could be read) and every
    problem found, including a normalization notice when the entry was rewritten.
    """
    problems: list[Problem] = []
    value = raw.strip()
    if not value:
        blank = "empty" if not raw else "only whitespace"
        problems.append(
            problem(
                codes.EMPTY_ORIGIN,
                where,
                raw,
                f"{where}: this entry is {blank} (an unset variable or a trailing comma)",
                "Set the variable that should hold the origin, or drop empty items when "
                "splitting a comma-separated value; CORSPolicy.from_env() ignores empty items.",
            )
        )
        return None, problems
    if value != raw:
        problems.append(
            problem(
                codes.ORIGIN_WHITESPACE,
                where,
                raw,
                f"{where}: {quoted(raw)} has surrounding whitespace, so it never matches",
                f"Did you mean {value!r}?",
            )
        )
    if value == "*":
        return ALL, problems
    lowered = value.lower()
    if lowered == "null":
        return NULL, problems
    if lowered.startswith("file:"):
        if lowered.rstrip("/") != "file:" or lowered == "file:":
            problems.append(_path_problem(where, raw, "file://"))
        return FILE, problems
    several = _several_origins(value)
    if several is not None:
        problems.append(
            problem(
                codes.STRING_INSTEAD_OF_LIST,
                where,
                raw,
                f"{where}: {quoted(value)} holds {len(several)} origins in one entry",
                f"Give each its own entry: {list(several)!r}; CORSPolicy.from_env() splits "
                "JSON and comma-separated variables.",
            )
        )
        return None, problems
    if looks_like_regex(value):
        problems.append(
            problem(
                codes.REGEX_IN_ALLOW_ORIGINS,
                where,
                raw,
                f"{where}: {raw_literal(value)} looks like a regular expression, but allow_origins "
                "compares entries literally",
                f"Move it to allow_origin_regex={raw_literal(value)}, or write a pattern such as "
                "'https://*.example.com'.",
            )
        )
        return None, problems
    entry = _parse_url_like(value, raw, where, problems)
    return entry, problems


def _several_origins(value: str) -> tuple[str, ...] | None:
    """The origins of an entry that is a whole list: a JSON array, or separated by commas."""
    if value.startswith("[") and value.endswith("]"):
        try:
            items = json.loads(value)
        except ValueError:
            return None
        if isinstance(items, list) and items and all(isinstance(i, str) for i in items):
            return tuple(i.strip() for i in items)
        return None
    parts = [part for part in re.split(r"[\s,;]+", value) if part]
    if len(parts) > 1 and all("://" in part for part in parts):
        return tuple(parts)
    return None


def _parse_url_like(
    value: str, raw: str, where: str, problems: list[Problem]
) -> OriginEntry | None:
    scheme_end = value.find("://")
    if scheme_end < 0:
        problems.append(_missing_scheme(value, raw, where))
        return None
    scheme = value[:scheme_end].lower()
    rest = value[scheme_end + 3 :]
    if scheme == "*" or not scheme:
        suggestion = "https://" + rest
        problems.append(
            _unsupported_wildcard(where, raw, value, f"Write the scheme, e.g. {suggestion!r}.")
        )
        return None
    if _SCHEME.fullmatch(scheme) is None or (
        scheme not in WEB_SCHEMES and scheme not in EXTENSION_SCHEMES
    ):
        fixed = _SCHEME_FIXES.get(scheme, "https")
        problems.append(
            problem(
                codes.ORIGIN_UNSUPPORTED_SCHEME,
                where,
                raw,
                f"{where}: {quoted(value)} has the scheme {scheme!r}, which a page's origin "
                "never has",
                f"Use the scheme of the page that makes the request, e.g. "
                f"{fixed + '://' + rest!r}.",
            )
        )
        return None
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    pattern = _parse_authority(scheme, authority, raw, where, problems)
    if pattern is None:
        return None
    normalized = pattern.serialize()
    if tail:
        problems.append(_path_problem(where, raw, normalized))
    elif normalized != value:
        problems.append(
            problem(
                codes.ORIGIN_NORMALIZED,
                where,
                raw,
                f"{where}: {quoted(value)} is read as {normalized!r}, the form browsers send",
                f"Write {normalized!r} to match what browsers send.",
            )
        )
    return OriginEntry("pattern", normalized, pattern)


def _parse_authority(
    scheme: str, authority: str, raw: str, where: str, problems: list[Problem]
) -> OriginPattern | None:
    def invalid(reason: str, hint: str) -> None:
        problems.append(
            problem(codes.INVALID_ORIGIN, where, raw, f"{where}: {quoted(raw)} {reason}", hint)
        )

    if "@" in authority:
        host_part = authority.rpartition("@")[2]
        invalid(
            "contains user information, which an origin never has",
            f"Did you mean {scheme + '://' + host_part!r}?",
        )
        return None
    host, port_text = _split_port(authority)
    if host is None:
        invalid("has a malformed host or port", "Write the origin as scheme://host[:port].")
        return None
    any_port = port_text == "*"
    port: int | None = None
    if port_text is not None and not any_port:
        port = _parse_port(port_text)
        if port is None:
            invalid(
                f"has the port {port_text!r}, which is not a number from 1 to 65535",
                f"Write a port from 1 to 65535, or '{scheme}://{host}:*' for any port.",
            )
            return None
        if port == DEFAULT_PORTS.get(scheme):
            port = None
    subdomains = host.startswith("*.")
    if subdomains:
        host = host[2:]
    if "*" in host:
        problems.append(_unsupported_wildcard(where, raw, raw, _wildcard_hint(scheme, host)))
        return None
    if scheme in EXTENSION_SCHEMES and (subdomains or port_text is not None):
        invalid(
            "uses a wildcard or port with a browser extension's origin",
            f"Write the extension's exact origin, e.g. '{scheme}://<extension id>'.",
        )
        return None
    normalized_host, reason, hint = normalize_host(host)
    if normalized_host is None:
        invalid(reason, hint)
        return None
    if subdomains and (normalized_host.startswith("[") or is_ipv4(normalized_host)):
        problems.append(
            _unsupported_wildcard(
                where, raw, raw, "Subdomain wildcards apply to domain names, not IP addresses."
            )
        )
        return None
    return OriginPattern(scheme, normalized_host, port, any_port, subdomains)


def _split_port(authority: str) -> tuple[str | None, str | None]:
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return None, None
        host, after = authority[: close + 1], authority[close + 1 :]
        if not after:
            return host, None
        if not after.startswith(":"):
            return None, None
        return host, after[1:]
    if authority.count(":") > 1:
        return None, None
    host, colon, port = authority.partition(":")
    return host, (port if colon else None)


def _parse_port(text: str) -> int | None:
    if not text or not text.isascii() or not text.isdigit() or len(text) > 5:
        return None
    port = int(text)
    return port if 1 <= port <= 65535 else None


def _missing_scheme(value: str, raw: str, where: str) -> Problem:
    bare = value.removeprefix("//")
    if bare.startswith("*"):
        return _unsupported_wildcard(
            where, raw, value, f"Write the scheme too, e.g. {'https://' + bare!r}."
        )
    mangled = _MANGLED_SEPARATOR.match(bare)
    if mangled is not None:  # "https//app.example.com", "http:localhost:3000"
        scheme, bare = mangled.group(1).lower(), bare[mangled.end() :]
        message = f"{where}: {quoted(value)} has a malformed '://' after its scheme"
    else:
        host = bare.split("/")[0].rsplit(":", 1)[0] if not bare.startswith("[") else bare
        scheme = "http" if is_loopback_host(host) else "https"
        message = f"{where}: {quoted(value)} has no scheme"
    suggestion = f"{scheme}://{bare.split('/')[0]}"
    # Offer only what would be accepted; otherwise say what an origin looks like.
    entry, problems = parse_origin_entry(suggestion, where)
    valid = entry is not None and all(not p.is_error for p in problems)
    hint = (
        f"Did you mean {suggestion!r}?"
        if valid
        else "Write the origin as scheme://host[:port], e.g. 'https://app.example.com'."
    )
    return problem(
        codes.ORIGIN_MISSING_SCHEME,
        where,
        raw,
        f"{message}, so it never matches an Origin header",
        hint,
    )


def _path_problem(where: str, raw: str, normalized: str) -> Problem:
    return problem(
        codes.ORIGIN_WITH_PATH,
        where,
        raw,
        f"{where}: {quoted(raw)} has a path, trailing slash, query or fragment, so it never "
        "matches an Origin header",
        f"Did you mean {normalized!r}? Browsers send the origin without anything after the host "
        "and port.",
    )


def _unsupported_wildcard(where: str, raw: str, value: str, hint: str) -> Problem:
    return problem(
        codes.UNSUPPORTED_WILDCARD,
        where,
        raw,
        f"{where}: {quoted(value)} has a wildcard in a position that is not supported",
        hint,
    )


def _wildcard_hint(scheme: str, host: str) -> str:
    if host == "*":
        return (
            f"Use '*' alone to allow every origin, or a pattern such as '{scheme}://*.example.com'."
        )
    if host.startswith("*") and host.count("*") == 1 and "." in host:
        fixed = host[1:].lstrip(".")
        return (
            f"Did you mean '{scheme}://*.{fixed}'? It matches subdomains of {fixed} at any depth, "
            "never the domain itself."
        )
    return (
        "Only a leading '*.' label is supported (https://*.example.com); use allow_origin_regex "
        "for other shapes."
    )
