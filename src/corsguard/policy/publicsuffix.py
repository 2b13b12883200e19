"""Public suffixes, from the vendored Public Suffix List (https://publicsuffix.org/).

A public suffix is a name under which anyone can register their own domain: ``com``,
``co.uk``, and, from the list's private section, ``github.io`` or ``vercel.app``. A subdomain
wildcard directly under one (``https://*.github.io``) matches sites owned by strangers.

The list is loaded on first use, so policies without subdomain wildcards never pay for it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

DATA_FILE = "public_suffix_list.dat"


@dataclass(frozen=True, slots=True)
class SuffixRules:
    """The list's three kinds of rule, with every name in punycode."""

    normal: frozenset[str]
    wildcard: frozenset[str]  # "*.ck" is stored as "ck"
    exception: frozenset[str]  # "!www.ck" is stored as "www.ck"
    version: str
    # Every domain that has a public suffix strictly below it, mapped to the shortest such
    # suffix: "amazonaws.com" -> "s3.amazonaws.com", "kawasaki.jp" -> "*.kawasaki.jp".
    covering: dict[str, str]

    def public_suffix(self, domain: str) -> str:
        """The public suffix of a lower-case punycode domain (publicsuffix.org/list/ algorithm)."""
        labels = domain.split(".")
        suffixes = [".".join(labels[i:]) for i in range(len(labels))]
        # An exception rule prevails over every other rule; its suffix drops its first label.
        for i, suffix in enumerate(suffixes):
            if suffix in self.exception:
                return ".".join(labels[i + 1 :])
        # Otherwise the longest matching rule prevails; suffixes[0] is the longest candidate.
        for i, suffix in enumerate(suffixes):
            if suffix in self.normal:
                return suffix
            if i + 1 < len(labels) and suffixes[i + 1] in self.wildcard:
                return suffix
        # The implicit rule "*": an unlisted top-level domain is a public suffix.
        return labels[-1]

    def is_public_suffix(self, domain: str) -> bool:
        return self.public_suffix(domain) == domain

    def suffix_at_or_below(self, domain: str) -> str | None:
        """A public suffix equal to ``domain`` or under it, or ``None``.

        ``https://*.amazonaws.com`` matches every S3 bucket, because ``s3.amazonaws.com`` is a
        public suffix below ``amazonaws.com``; checking ``domain`` alone would miss that.
        """
        if self.is_public_suffix(domain):
            return domain
        return self.covering.get(domain)


def _to_ascii(name: str) -> str:
    if name.isascii():
        return name.lower()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        # A few rules use characters IDNA 2003 rejects; browsers send punycode, which such a
        # rule could never equal, so keeping the Unicode form is harmless.
        return name


def parse_rules(text: str) -> SuffixRules:
    normal: set[str] = set()
    wildcard: set[str] = set()
    exception: set[str] = set()
    version = "unknown"
    for line in text.splitlines():
        rule = line.strip()
        if rule.startswith("// VERSION:"):
            version = rule.removeprefix("// VERSION:").strip()
        if not rule or rule.startswith("//"):
            continue
        rule = rule.split()[0]
        if rule.startswith("!"):
            exception.add(_to_ascii(rule[1:]))
        elif rule.startswith("*."):
            wildcard.add(_to_ascii(rule[2:]))
        else:
            normal.add(_to_ascii(rule))
    covering: dict[str, str] = {}
    below = [(name, name) for name in normal] + [(name, f"*.{name}") for name in wildcard]
    for name, rule in sorted(below, key=lambda item: (item[1].count("."), item[1])):
        labels = name.split(".")
        # A wildcard rule's base is itself covered (its children are suffixes).
        first = 0 if rule.startswith("*.") else 1
        for i in range(first, len(labels)):
            covering.setdefault(".".join(labels[i:]), rule)
    return SuffixRules(
        frozenset(normal), frozenset(wildcard), frozenset(exception), version, covering
    )


@functools.cache
def rules() -> SuffixRules:
    """The vendored list, parsed once."""
    from importlib import resources  # imported here: most policies never need the list

    data = resources.files(__package__).joinpath("data").joinpath(DATA_FILE)
    text = data.read_text(encoding="utf-8")
    return parse_rules(text)


def is_public_suffix(domain: str) -> bool:
    """True if anyone can register a name directly under ``domain`` (lower-case punycode)."""
    return rules().is_public_suffix(domain.rstrip(".").lower())


def public_suffix_at_or_below(domain: str) -> str | None:
    """The public suffix that makes ``*.domain`` match strangers' sites, or ``None``."""
    return rules().suffix_at_or_below(domain.rstrip(".").lower())
