"""``allow_origin_regex`` checks: what each expression is refused for, and the suggested fix."""

from __future__ import annotations

import pytest

from corsguard.policy.origin_regex import compile_origin_regex

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
    "dot-star-subdomain": (
        r"https://.*\.example\.com",
        ["CG123"],
        r"r'https://[a-z0-9-]+\.example\.com'",
    ),
    "dot-plus-subdomain": (r"https://.+\.example\.com", ["CG123"], "[a-z0-9-]+"),
    "dot-star-glued": (
        r"https://.*example\.com",
        ["CG123"],
        r"r'https://([a-z0-9-]+\.)?example\.com'",
    ),
    "dot-star-after-domain": (r"https://example\.com.*", ["CG123"], r"r'https://example\.com'"),
    "dot-repeat-count": (r"https://.{1,20}\.example\.com", ["CG123"], "[a-z0-9-]+"),
    "match-everything": (".*", ["CG123"], "[a-z0-9-]+"),
    "second-alternative-checked": (
        r"https://a\.example\.com|https://b.example\.com",
        ["CG122"],
        r"b\.example",
    ),
    "does-not-compile": ("https://(app", ["CG121"], "re.fullmatch"),
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
