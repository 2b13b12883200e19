"""The compiled origin matcher behind ``CORSPolicy.match_origin``.

The middleware asks it about every request that carries an ``Origin`` header, so its cost must
not grow with the allowlist and must stay small for hostile input:

1. a length check, so a 64 KiB header is refused before it is even hashed;
2. one hash lookup of the whole string among the exact origins (the common case);
3. only if subdomain patterns exist and the origin ends in a top-level label they use (one
   ``endswith``): for each distinct depth of the patterns' domains, one ``rsplit`` from the right
   and one dict lookup of the suffix. The work is bounded by the patterns' depths, not by the
   number of patterns or by the input;
4. only if any-port patterns exist: the port is cut off and the rest looked up;
5. only if a regex is configured: ``fullmatch``.

Steps 3-5 run once per distinct origin: their answers are kept in a bounded memo.

Origins are compared in the exact form browsers send (the HTML serialization of an origin):
lower-case host, no default port, no trailing slash. Anything else never matches, which is
what the browser's own byte-for-byte comparison of ``Access-Control-Allow-Origin`` requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corsguard.policy.origins import OriginPattern
from corsguard.protocol.origin import DEFAULT_PORTS

# The longest origin a browser can send: a scheme, "://", a 253-byte host (or a bracketed IPv6
# address) and ":65535". Anything longer is refused without further work.
MAX_ORIGIN_LENGTH = 64 + 3 + 255 + 6

# How many pattern and regex answers to remember (see OriginMatcher.match).
MEMO_SIZE = 1024

# What may precede a matched suffix: labels of a normalized host, separated by dots.
_SUBDOMAIN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_."


class _SuffixIndex:
    """Subdomain patterns keyed by ".domain[:port]", with what a lookup needs to stay cheap."""

    __slots__ = ("depths", "last_labels", "table")

    def __init__(self) -> None:
        # ".example.com" (or ".example.com:8443") -> the "scheme://" prefixes allowed with it
        self.table: dict[str, tuple[str, ...]] = {}
        self.last_labels: tuple[str, ...] = ()  # (".com", ".net:8443"): one endswith() call
        self.depths: tuple[int, ...] = ()  # the label counts of the domains, ascending

    def add(self, domain: str, port_part: str, scheme: str) -> None:
        key = f".{domain}{port_part}"
        prefix = f"{scheme}://"
        if prefix not in self.table.get(key, ()):
            self.table[key] = (*self.table.get(key, ()), prefix)
        last = "." + domain.rsplit(".", 1)[-1] + port_part
        if last not in self.last_labels:
            self.last_labels = (*self.last_labels, last)
        self.depths = tuple(sorted({*self.depths, domain.count(".") + 1}))

    def find(self, origin: str) -> bool:
        """True if ``origin`` is a subdomain of a listed domain, with an allowed scheme."""
        if not origin.endswith(self.last_labels):
            return False
        for depth in self.depths:
            parts = origin.rsplit(".", depth)
            if len(parts) <= depth:
                return False
            prefix = parts[0]
            key = origin[len(prefix) :]
            if key in self.table and _is_subdomain_prefix(prefix, self.table[key]):
                return True
        return False


def _valid_port(port: str) -> bool:
    """A port as browsers serialize it: 1-65535 in decimal, no sign, no leading zero."""
    return (
        0 < len(port) <= 5
        and port.isascii()
        and port.isdigit()
        and port[0] != "0"
        and int(port) <= 65535
    )


class OriginMatcher:
    """Static origin rules compiled for lookups whose cost does not depend on their number."""

    __slots__ = (
        "_any_port_hosts",
        "_any_port_suffixes",
        "_depths",
        "_exact",
        "_has_any_port",
        "_last_labels",
        "_memo",
        "_regex",
        "_suffixes",
    )

    def __init__(
        self,
        exact: Iterable[str] = (),
        patterns: Iterable[OriginPattern] = (),
        regex: re.Pattern[str] | None = None,
    ) -> None:
        exact_set = set(exact)
        suffixes = _SuffixIndex()
        any_port_suffixes = _SuffixIndex()
        any_port_hosts: set[str] = set()  # "scheme://host"
        for pattern in patterns:
            if pattern.is_exact:
                exact_set.add(pattern.serialize())
            elif not pattern.subdomains:
                any_port_hosts.add(f"{pattern.scheme}://{pattern.host}")
            elif pattern.any_port:
                any_port_suffixes.add(pattern.host, "", pattern.scheme)
            else:
                port_part = "" if pattern.port is None else f":{pattern.port}"
                suffixes.add(pattern.host, port_part, pattern.scheme)
        self._exact = frozenset(exact_set)
        self._suffixes = suffixes.table
        self._last_labels = suffixes.last_labels
        self._depths = suffixes.depths
        self._any_port_hosts = frozenset(any_port_hosts)
        self._any_port_suffixes = any_port_suffixes
        self._has_any_port = bool(any_port_hosts or any_port_suffixes.table)
        self._regex = regex
        dynamic = bool(suffixes.table) or self._has_any_port or regex is not None
        self._memo: dict[str, bool] | None = {} if dynamic else None

    # The rules never change after construction (the memo only caches their answers), so a
    # copy can share them; dataclasses.asdict() and copy.deepcopy() of a policy rely on this.
    def __copy__(self) -> OriginMatcher:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> OriginMatcher:
        return self

    def match(self, origin: str) -> bool:
        """True if the static rules allow ``origin`` (an ``Origin`` header value)."""
        if len(origin) > MAX_ORIGIN_LENGTH:
            return False
        if origin in self._exact:
            return True
        memo = self._memo
        if memo is None:
            return False  # exact origins only: nothing else to try
        # Browsers send the same few origins over and over, so the answer for an origin that
        # needed patterns or the regex is remembered. The memo is bounded: when full it is
        # emptied, so an attacker cycling through origins costs a recomputation, not memory.
        known = memo.get(origin)
        if known is not None:
            return known
        allowed = self._match_patterns(origin)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[origin] = allowed
        return allowed

    def _match_patterns(self, origin: str) -> bool:
        if self._depths and origin.endswith(self._last_labels):
            suffixes = self._suffixes
            for depth in self._depths:
                # One C-level rsplit: "https://x.y.example.com" at depth 2 gives the prefix
                # "https://x.y" and, after it, the key ".example.com".
                parts = origin.rsplit(".", depth)
                if len(parts) <= depth:
                    break  # fewer labels than the domain: deeper domains cannot match either
                prefix = parts[0]
                key = origin[len(prefix) :]
                if key in suffixes and _is_subdomain_prefix(prefix, suffixes[key]):
                    return True
        if self._has_any_port and self._match_any_port(origin):
            return True
        regex = self._regex
        return regex is not None and regex.fullmatch(origin) is not None

    def _match_any_port(self, origin: str) -> bool:
        start = origin.find("://") + 3
        if start < 3:
            return False
        # Cut a valid ":port" off the end; "[::1]" ends in "]" and has no port to cut. Browsers
        # omit the scheme's default port, so an origin that spells it out is not one they send.
        end = len(origin)
        colon = origin.rfind(":", start)
        if colon >= 0:
            port = origin[colon + 1 :]
            if _valid_port(port):
                if int(port) == DEFAULT_PORTS.get(origin[: start - 3]):
                    return False
                end = colon
        base = origin[:end]
        if base in self._any_port_hosts:
            return True
        return self._any_port_suffixes.find(base)


def _is_subdomain_prefix(prefix: str, schemes: tuple[str, ...]) -> bool:
    """True if ``prefix`` is an allowed "scheme://" followed by one or more host labels.

    The labels must be non-empty and use only lower-case host characters: ``evil.com/``,
    ``evil.com#``, ``user@`` or ``EVIL`` before the suffix are not a subdomain.
    """
    if not prefix.startswith(schemes):
        return False
    labels = prefix[prefix.find("://") + 3 :]
    return (
        labels != ""
        and not labels.strip(_SUBDOMAIN_CHARS)
        and labels[0] != "."
        and labels[-1] != "."
        and ".." not in labels
    )
