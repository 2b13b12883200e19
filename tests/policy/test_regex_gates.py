"""``allow_origin_regex`` through ``CORSPolicy``: the gates exact origins get apply to it too."""

from __future__ import annotations

from typing import Any

import pytest

from corsguard.policy import ConfigError, CORSPolicy

# name: (options besides allow_origin_regex, expression, expected codes, text in the first hint)
ROWS: dict[str, tuple[dict[str, Any], str, list[str], str]] = {
    "honest-subdomains": ({}, r"https://[a-z0-9-]+\.example\.com", [], ""),
    "honest-alternatives": ({}, r"https://(app|admin)\.example\.com", [], ""),
    "honest-port": ({}, r"https://app\.example\.com(:\d+)?", [], ""),
    "loopback": ({}, r"http://localhost(:\d+)?", [], ""),
    "loopback-ip": ({}, r"http://127\.0\.0\.1(:\d+)?", [], ""),
    "match-everything-alternative": (
        {},
        r"https://app\.example\.com|.*",
        ["CG123", "CG108"],
        "[a-z0-9-]+",
    ),
    "match-everything-in-group": (
        {"dangerously_allow_insecure_origins": True},
        r"(https://app\.example\.com|.*)",
        ["CG123"],
        "[a-z0-9-]+",
    ),
    # Without a scheme the second alternative matches no origin: only its dot is wrong.
    "bare-domain-alternative": ({}, r"https://app\.example\.com|evil.com", ["CG122"], ""),
    "optional-s": ({}, r"https?://app\.example\.com", ["CG108"], r"r'https://app\.example\.com'"),
    "scheme-group": (
        {},
        r"(http|https)://app\.example\.com",
        ["CG108"],
        r"r'https://app\.example\.com'",
    ),
    "class-s": ({}, r"http[s]?://app\.example\.com", ["CG108"], r"r'https://app\.example\.com'"),
    "any-scheme": ({}, r"[a-z]+://app\.example\.com", ["CG108"], r"r'https://app\.example\.com'"),
    "insecure-opt-in": (
        {"dangerously_allow_insecure_origins": True},
        r"https?://app\.example\.com",
        [],
        "",
    ),
    "public-suffix": ({}, r"https://[a-z]+\.github\.io", ["CG109"], r"yourname\.github\.io"),
    "public-suffix-opt-in": (
        {"dangerously_allow_public_suffix_wildcards": True},
        r"https://[a-z]+\.github\.io",
        [],
        "",
    ),
}


@pytest.mark.parametrize(("options", "expression", "codes", "hint"), ROWS.values(), ids=list(ROWS))
def test_regex_with_credentials(
    options: dict[str, Any], expression: str, codes: list[str], hint: str
) -> None:
    def build() -> CORSPolicy:
        return CORSPolicy(allow_origin_regex=expression, allow_credentials=True, **options)

    if not codes:
        assert build().allow_origin_regex == expression
        return
    with pytest.raises(ConfigError) as caught:
        build()
    problems = caught.value.problems
    assert [p.code for p in problems] == codes
    assert all(p.option == "allow_origin_regex" for p in problems)
    assert hint in problems[0].hint


@pytest.mark.parametrize(
    "expression",
    [r"https?://app\.example\.com", r"https://[a-z]+\.github\.io"],
)
def test_credential_gates_need_credentials(expression: str) -> None:
    assert CORSPolicy(allow_origin_regex=expression).allow_origin_regex == expression


def test_match_everything_alternative_no_longer_grants_strangers() -> None:
    policy = CORSPolicy(
        allow_origin_regex=r"https://app\.example\.com|.*",
        dangerously_allow_loose_origin_regex=True,
    )
    assert policy.match_origin("https://evil.com")  # only with the explicit opt-in
