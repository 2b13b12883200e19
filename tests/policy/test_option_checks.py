"""Checks that are right both ways: what real configurations write, and what must stay refused.

Each table holds the configurations people write that were refused although safe (false
positives) next to the look-alikes that must stay refused (false negatives).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from corsguard.policy import ConfigError, CORSPolicy, validate

# name: (allow_origin_regex, codes with credentials)
REGEX_WITH_CREDENTIALS: dict[str, tuple[str, list[str]]] = {
    # Loopback origins are exempt from the https rule as exact origins; regexes too.
    "localhost-port": (r"http://localhost:\d+", []),
    "localhost-optional-s-and-port": (r"https?://localhost(:\d+)?", []),
    "localhost-or-127": (r"http://(localhost|127\.0\.0\.1)(:\d+)?", []),
    "localhost-counted-port": (r"^http://localhost:[0-9]{2,5}$", []),
    "ipv6-loopback": (r"http://\[::1\](:\d+)?", []),
    "loopback-beside-https": (r"https://app\.example\.com|http://localhost:\d+", []),
    # ... but not a loopback name that continues into someone else's domain.
    "localhost-look-alike": (r"http://localhost(\.evil\.com)?", ["CG108"]),
    "localhost-then-anything": (r"http://localhost.*", ["CG123", "CG108"]),
    "localhost-then-digits-no-colon": (r"http://localhost\d+", ["CG108"]),
    "localhost-or-public-host": (r"http://(localhost|app\.example\.com)(:\d+)?", ["CG108"]),
    # A host wildcard that only matches subdomains of a registrable domain, like
    # https://*.example.com in allow_origins.
    "subdomains-dot-star": (r"https://.*\.example\.com", []),
    "subdomains-dot-plus-port": (r"https://.+\.example\.com(:\d+)?", []),
    "subdomains-or-apex": (r"https://(.*\.)?example\.com", []),
    "subdomains-with-a-prefix": (r"https://pr-.*\.preview\.example\.com", []),
    "subdomains-with-a-suffix": (r"https://.*-staging\.example\.com", []),
    "suffix-under-public-suffix": (r"https://.*-x\.co\.uk", ["CG123"]),
    # The special origins need their opt-ins in a regex too.
    "null-alternative": (r"null|https://app\.example\.com", ["CG106"]),
    "file-alternative": (r"https://app\.example\.com|file://", ["CG107"]),
    # ... but not under a public suffix, and not glued to the domain.
    "subdomains-of-public-suffix": (r"https://.*\.co\.uk", ["CG123"]),
    "subdomains-of-private-suffix": (r"https://.*\.vercel\.app", ["CG123"]),
    "glued-to-domain": (r"https://.*example\.com", ["CG123"]),
    "any-host": (r"https://.*", ["CG123"]),
}


@pytest.mark.parametrize(
    ("expression", "codes"), REGEX_WITH_CREDENTIALS.values(), ids=list(REGEX_WITH_CREDENTIALS)
)
def test_regex_with_credentials(expression: str, codes: list[str]) -> None:
    errors, _ = validate(allow_origin_regex=expression, allow_credentials=True)
    assert [p.code for p in errors] == codes


@pytest.mark.parametrize(
    "expression",
    [e for e, codes in REGEX_WITH_CREDENTIALS.values() if {"CG108", "CG123"} & set(codes)],
)
def test_every_suggested_expression_is_accepted(expression: str) -> None:
    """A hint's regex is one the user can paste: accepted, with a host in each alternative."""
    errors, _ = validate(allow_origin_regex=expression, allow_credentials=True)
    suggested = [
        re.sub(r"^r?'|'$", "", match)
        for p in errors
        for match in re.findall(r"e\.g\. (r?'[^ ]+')", p.hint)
    ]
    assert suggested
    for suggestion in suggested:
        again, _ = validate(allow_origin_regex=suggestion, allow_credentials=True)
        assert again == [], suggestion
        # A host follows the scheme ('https://' alone matches nothing).
        assert re.search(r"://[^|)$]", suggestion), suggestion


def test_any_host_hint_never_suggests_an_empty_host() -> None:
    (problem,) = validate(allow_origin_regex="https://.*")[0]
    assert "'https://'" not in problem.hint
    assert problem.message == (
        "allow_origin_regex: 'https://.*' matches any host, so every website passes the check"
    )


def test_public_suffix_regex_is_one_problem_with_credentials() -> None:
    (problem,) = validate(allow_origin_regex=r"https://.*\.co\.uk", allow_credentials=True)[0]
    assert problem.code == "CG123"
    assert "'co.uk' is a public suffix" in problem.message


CAUSE = "(an unset variable or a trailing comma)"
# name: (allow_origins, expected (code, message) of each error)
EMPTY_ENTRIES: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "unset-variable": (
        [""],
        [("CG139", f"allow_origins[0]: this entry is empty {CAUSE}")],
    ),
    "trailing-comma": (
        ["https://app.example.com", ""],
        [("CG139", f"allow_origins[1]: this entry is empty {CAUSE}")],
    ),
    "blank": (
        ["  "],
        [
            (
                "CG139",
                "allow_origins[0]: this entry is only whitespace (an unset variable or a "
                "trailing comma)",
            )
        ],
    ),
    "no-scheme-is-not-empty": (
        ["localhost:3000"],
        [
            (
                "CG104",
                "allow_origins[0]: 'localhost:3000' has no scheme, so it never matches an "
                "Origin header",
            )
        ],
    ),
}


@pytest.mark.parametrize(("origins", "expected"), EMPTY_ENTRIES.values(), ids=list(EMPTY_ENTRIES))
def test_empty_entries_are_named_as_empty(
    origins: list[str], expected: list[tuple[str, str]]
) -> None:
    errors, _ = validate(allow_origins=origins)
    assert [(p.code, p.message) for p in errors] == expected
    assert all("https://'" not in p.hint for p in errors)


# max_age: (error codes, warning codes)
MAX_AGE: dict[str, tuple[int, list[str], list[str]]] = {
    "zero": (0, [], []),
    "default": (600, [], []),
    "chromium-cap": (7200, [], []),
    "above-chromium": (7201, [], ["CG120"]),
    "firefox-cap": (86400, [], ["CG120"]),
    "above-firefox": (86401, [], ["CG120"]),
    "a-year": (31_536_000, [], ["CG120"]),
    "negative": (-1, ["CG119"], []),
}


@pytest.mark.parametrize(("max_age", "errors", "warnings"), MAX_AGE.values(), ids=list(MAX_AGE))
def test_max_age_above_a_browser_cap_is_a_warning(
    max_age: int, errors: list[str], warnings: list[str]
) -> None:
    options: dict[str, Any] = {"allow_origins": ["https://app.example.com"], "max_age": max_age}
    found_errors, found_warnings = validate(**options)
    assert [p.code for p in found_errors] == errors
    assert [p.code for p in found_warnings] == warnings
    if not errors:
        policy = CORSPolicy(**options)
        assert [p.code for p in policy.warnings] == warnings
        assert policy.max_age == max_age
    else:
        with pytest.raises(ConfigError):
            CORSPolicy(**options)


def test_max_age_above_every_cap_names_both_caps() -> None:
    (warning,) = CORSPolicy(allow_origins=["https://app.example.com"], max_age=100_000).warnings
    assert warning.message == (
        "max_age: 100000 is above every browser's cap (Chromium's 7200 seconds, Firefox's "
        "86400), which they use instead"
    )


# name: (allow_origins entry, expected message, expected hint): hints are origins that pass.
MISSING_SCHEME: dict[str, tuple[str, str, str]] = {
    "no-scheme": (
        "app.example.com",
        "'app.example.com' has no scheme",
        "Did you mean 'https://app.example.com'?",
    ),
    "no-scheme-loopback": (
        "localhost:3000",
        "'localhost:3000' has no scheme",
        "Did you mean 'http://localhost:3000'?",
    ),
    "colon-missing": (
        "https//www.example.com",
        "'https//www.example.com' has a malformed '://' after its scheme",
        "Did you mean 'https://www.example.com'?",
    ),
    "one-slash": (
        "https:/www.example.com",
        "'https:/www.example.com' has a malformed '://' after its scheme",
        "Did you mean 'https://www.example.com'?",
    ),
    "no-slashes": (
        "http:localhost:3000",
        "'http:localhost:3000' has a malformed '://' after its scheme",
        "Did you mean 'http://localhost:3000'?",
    ),
    "nothing-to-suggest": (
        "app example.com",
        "'app example.com' has no scheme",
        "Write the origin as scheme://host[:port], e.g. 'https://app.example.com'.",
    ),
}


@pytest.mark.parametrize(
    ("entry", "message", "hint"), MISSING_SCHEME.values(), ids=list(MISSING_SCHEME)
)
def test_missing_scheme_hints_are_origins_that_pass(entry: str, message: str, hint: str) -> None:
    (problem,) = validate(allow_origins=[entry])[0]
    assert problem.code == "CG104"
    assert problem.message == f"allow_origins[0]: {message}, so it never matches an Origin header"
    assert problem.hint == hint
    if hint.startswith("Did you mean "):
        suggestion = hint.removeprefix("Did you mean '").removesuffix("'?")
        assert validate(allow_origins=[suggestion])[0] == []


@pytest.mark.parametrize(
    ("entry", "message", "items"),
    [
        (
            '["https://a.example.com", "https://b.example.com"]',
            "holds 2 origins in one entry",
            ["https://a.example.com", "https://b.example.com"],
        ),
        (
            "https://a.example.com,https://b.example.com",
            "holds 2 origins in one entry",
            ["https://a.example.com", "https://b.example.com"],
        ),
        (
            "https://a.example.com https://b.example.com",
            "holds 2 origins in one entry",
            ["https://a.example.com", "https://b.example.com"],
        ),
    ],
    ids=["json", "commas", "spaces"],
)
def test_a_whole_list_in_one_entry(entry: str, message: str, items: list[str]) -> None:
    """What `[os.getenv("CORS_ORIGINS")]` gives: named as a list, not as a regex or a port."""
    (problem,) = validate(allow_origins=[entry])[0]
    assert problem.code == "CG113"
    assert problem.message == f"allow_origins[0]: {entry!r} {message}"
    assert f"Give each its own entry: {items!r}" in problem.hint
