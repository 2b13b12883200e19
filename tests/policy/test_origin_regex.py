"""``allow_origin_regex`` checks: what each expression is refused for, and the suggested fix."""

from __future__ import annotations

import re

import pytest

from corsguard.policy.origin_regex import (
    PROBE_ORIGINS,
    compile_origin_regex,
    insecure_alternatives,
    public_suffix_tails,
)

ROWS = {
    "escaped": (r"https://[a-z0-9-]+\.example\.com", [], ""),
    "optional-www": (r"https?://(www\.)?example\.com(:\d+)?", [], ""),
    "alternatives": (r"https://(app|admin)\.example\.com", [], ""),
    "dot-in-class": (r"https://[.a-z]+\.example\.com", [], ""),
    "escaped-separator": (r"https:\/\/app\.example\.com", [], ""),
    "unescaped-dots": (
        "https://app.example.com",
        ["CG122"],
        r"r'https://app\.example\.com'",
    ),
    "unescaped-dot-before-tld": (r"https://app\.example.com", ["CG122"], r"example\.com"),
    # A leading repetition then a literal domain: subdomains only, like https://*.example.com.
    "dot-star-subdomain": (r"https://.*\.example\.com", [], ""),
    "dot-plus-subdomain": (r"https://.+\.example\.com", [], ""),
    "optional-subdomain-group": (r"https://(.*\.)?example\.com(:\d+)?", [], ""),
    "subdomain-under-public-suffix": (r"https://.*\.co\.uk", ["CG123"], r"yourname\.co\.uk"),
    "subdomain-under-private-suffix": (r"https://.+\.github\.io", ["CG123"], "yourname"),
    "subdomain-then-more": (r"https://.*\.example\.com.*", ["CG123"], r"example\.com'"),
    "subdomain-then-class": (r"https://.*\.example\.co[a-z]", ["CG123"], "[a-z0-9-]+"),
    # The whole host a wildcard: the hint must not offer 'https://', which matches nothing.
    "any-host": ("https://.*", ["CG123"], "allow_origins"),
    "any-host-plus": ("https://.+(:[0-9]+)?", ["CG123"], r"[a-z0-9-]+\.example\.com"),
    "dot-star-glued": (
        r"https://.*example\.com",
        ["CG123"],
        r"r'https://([a-z0-9-]+\.)?example\.com'",
    ),
    "dot-star-after-domain": (r"https://example\.com.*", ["CG123"], r"r'https://example\.com'"),
    "dot-repeat-count": (r"https://.{1,20}\.example\.com", [], ""),
    "dot-repeat-glued": (r"https://.{1,20}example\.com", ["CG123"], "[a-z0-9-]+"),
    "match-everything": (".*", ["CG123"], "[a-z0-9-]+"),
    "second-alternative-checked": (
        r"https://a\.example\.com|https://b.example\.com",
        ["CG122"],
        r"b\.example",
    ),
    "does-not-compile": ("https://(app", ["CG121"], "re.fullmatch"),
    "port-suffix": (r"https://app\.example\.com(:\d+)?", [], ""),
    "anchored-group": (r"^(https://a\.example\.com|https://b\.example\.com)$", [], ""),
    "match-everything-alternative": (
        r"https://app\.example\.com|.*",
        ["CG123"],
        r"r'https://[a-z0-9-]+\.example\.com'",
    ),
    "match-everything-alternative-in-group": (
        r"(https://app\.example\.com|.*)",
        ["CG123"],
        "[a-z0-9-]+",
    ),
    "bare-domain-alternative": (
        r"https://app\.example\.com|evil.com",
        ["CG122"],
        r"r'https://app\.example\.com|evil\.com'",
    ),
    "bare-domain-alternative-in-group": (
        r"^(?:https://app\.example\.com|evil.com)$",
        ["CG122"],
        r"evil\.com",
    ),
    "probe-any-host-class": (r"https://[^/]+", ["CG123"], "[a-z0-9-]+"),
    "probe-any-word": (r"https://app\.example\.com|\w+://\w+\.\w+", ["CG123"], "[a-z0-9-]+"),
    "probe-non-space": (r"https://\S+", ["CG123"], "[a-z0-9-]+"),
}


@pytest.mark.parametrize(("expression", "codes", "hint"), ROWS.values(), ids=list(ROWS))
def test_origin_regex(expression: str, codes: list[str], hint: str) -> None:
    compiled, problems = compile_origin_regex(expression, "allow_origin_regex", allow_loose=False)
    assert [p.code for p in problems] == codes
    if hint:
        assert hint in problems[0].hint
    assert (compiled is None) is ("CG121" in codes)


def test_loose_expressions_pass_when_allowed() -> None:
    compiled, problems = compile_origin_regex(
        r"https://.*.example.com", "allow_origin_regex", allow_loose=True
    )
    assert compiled is not None
    assert problems == []


@pytest.mark.parametrize("probe", PROBE_ORIGINS)
def test_no_honest_expression_matches_a_probe(probe: str) -> None:
    for expression, codes, _ in ROWS.values():
        if not codes:
            assert re.fullmatch(expression, probe) is None


ALTERNATIVES = {
    "https": (r"https://[a-z0-9-]+\.example\.com", None),
    "escaped-separator": (r"https:\/\/app\.example\.com", None),
    "anchored-group": (r"^(?:https://a\.example\.com|https://b\.example\.com)$", None),
    "inline-flags": (r"(?i)https://app\.example\.com", None),
    "loopback": (r"http://localhost(:\d+)?", None),
    "loopback-ip": (r"http://127\.0\.0\.1(:\d+)?", None),
    "optional-s": (r"https?://app\.example\.com", r"https://app\.example\.com"),
    "scheme-group": (r"(http|https)://app\.example\.com", r"https://app\.example\.com"),
    "counted-s": (r"https{0,1}://app\.example\.com", r"https://app\.example\.com"),
    "class-s": (r"http[s]?://app\.example\.com", r"https://app\.example\.com"),
    "any-scheme": (r"[a-z]+://app\.example\.com", r"https://app\.example\.com"),
    # Without its scheme the string is no origin at all: only https origins can match.
    "optional-scheme": (r"(https://)?app\.example\.com", None),
    "second-alternative": (
        r"(https://a\.example\.com|http://b\.example\.com)",
        r"(https://a\.example\.com|https://b\.example\.com)",
    ),
    "loopback-look-alike": (r"http://localhost(\.evil\.com)?", r"https://localhost(\.evil\.com)?"),
}


@pytest.mark.parametrize(("expression", "secure"), ALTERNATIVES.values(), ids=list(ALTERNATIVES))
def test_insecure_alternatives(expression: str, secure: str | None) -> None:
    assert insecure_alternatives(expression, allow_loopback=True) == secure


def test_loopback_alternatives_are_insecure_without_the_exemption() -> None:
    assert insecure_alternatives(r"http://localhost(:\d+)?", allow_loopback=False) == (
        r"https://localhost(:\d+)?"
    )


@pytest.mark.parametrize(
    ("expression", "tails"),
    [
        (r"https://[a-z]+\.github\.io", [("github.io", "github.io")]),
        (r"https://app\.[a-z]+\.github\.io(:\d+)?", [("github.io", "github.io")]),
        (r"https://[a-z]+\.com", [("com", "com")]),
        (r"https://[a-z0-9-]+\.example\.com", []),
        (r"https://(app|admin)\.example\.com", []),
        (r"https://pr-[0-9]+\.preview\.example\.com", []),
    ],
)
def test_public_suffix_tails(expression: str, tails: list[tuple[str, str]]) -> None:
    assert public_suffix_tails(expression) == tails
