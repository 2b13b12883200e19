"""``CORSPolicy.match_origin``: policy × Origin header -> allowed, one row per rule."""

from __future__ import annotations

import re
import time

import pytest

from corsguard.policy import CORSPolicy
from corsguard.policy.matcher import MAX_ORIGIN_LENGTH, MEMO_SIZE, OriginMatcher
from corsguard.policy.origins import parse_origin_entry

EXACT = ["https://app.example.com", "http://localhost:3000"]
SUBDOMAINS = ["https://*.example.org", "https://*.example.net:8443"]
ANY_PORT = ["http://localhost:*", "http://[::1]:*", "https://*.dev.example.io:*"]
REGEX = r"https://[a-z0-9-]+\.preview\.example\.dev"

POLICY = CORSPolicy(allow_origins=EXACT + SUBDOMAINS + ANY_PORT, allow_origin_regex=REGEX)

ROWS = {
    # exact origins are compared byte for byte, as browsers compare Access-Control-Allow-Origin
    "exact": ("https://app.example.com", True),
    "exact-port": ("http://localhost:3000", True),
    "exact-other-scheme": ("http://app.example.com", False),
    "exact-upper-case": ("https://APP.example.com", False),
    "exact-trailing-slash": ("https://app.example.com/", False),
    "exact-default-port-spelled": ("https://app.example.com:443", False),
    "exact-other-port": ("https://app.example.com:8443", False),
    "exact-as-prefix": ("https://app.example.com.evil.net", False),
    "exact-as-suffix": ("https://evilapp.example.com", False),
    "exact-subdomain": ("https://x.app.example.com", False),
    # *.domain: subdomains at any depth, never the apex, never look-alikes
    "subdomain": ("https://a.example.org", True),
    "subdomain-deep": ("https://a.b.c.example.org", True),
    "subdomain-apex": ("https://example.org", False),
    "subdomain-glued": ("https://evilexample.org", False),
    "subdomain-as-prefix": ("https://a.example.org.evil.net", False),
    "subdomain-other-scheme": ("http://a.example.org", False),
    "subdomain-with-port": ("https://a.example.org:8443", False),
    "subdomain-empty-label": ("https://.example.org", False),
    "subdomain-double-dot": ("https://a..example.org", False),
    "subdomain-leading-dot": ("https://.a.example.org", False),
    "subdomain-upper-case": ("https://A.example.org", False),
    "subdomain-userinfo": ("https://evil.com@a.example.org", False),
    "subdomain-fragment": ("https://evil.com#.example.org", False),
    "subdomain-slash": ("https://evil.com/.example.org", False),
    "subdomain-colon": ("https://evil.com:1.example.org", False),
    "subdomain-unicode": ("https://\u0430.example.org", False),
    "subdomain-punycode": ("https://xn--80a.example.org", True),
    "subdomain-underscore": ("https://my_app.example.org", True),
    "subdomain-fixed-port": ("https://a.example.net:8443", True),
    "subdomain-fixed-port-missing": ("https://a.example.net", False),
    "subdomain-fixed-port-other": ("https://a.example.net:8444", False),
    # host:* any port, including the default one, never a spelled-out default
    "any-port": ("http://localhost:5173", True),
    "any-port-default": ("http://localhost", True),
    "any-port-default-spelled": ("http://localhost:80", False),
    "any-port-leading-zero": ("http://localhost:05173", False),
    "any-port-zero": ("http://localhost:0", False),
    "any-port-too-big": ("http://localhost:65536", False),
    "any-port-empty": ("http://localhost:", False),
    "any-port-sign": ("http://localhost:+80", False),
    "any-port-unicode-digit": ("http://localhost:\u0661\u0662", False),
    "any-port-other-scheme": ("https://localhost:5173", False),
    "any-port-subdomain": ("http://a.localhost:5173", False),
    "any-port-ipv6": ("http://[::1]:8080", True),
    "any-port-ipv6-default": ("http://[::1]", True),
    "any-port-ipv6-other": ("http://[::2]:8080", False),
    "any-port-subdomains": ("https://a.dev.example.io:3000", True),
    "any-port-subdomains-default": ("https://a.dev.example.io", True),
    "any-port-subdomains-default-spelled": ("https://a.dev.example.io:443", False),
    "any-port-subdomains-apex": ("https://dev.example.io:3000", False),
    # the regex is matched with fullmatch
    "regex": ("https://pr-12.preview.example.dev", True),
    "regex-suffix": ("https://pr-12.preview.example.dev.evil.net", False),
    "regex-prefix": ("xhttps://pr-12.preview.example.dev", False),
    # values browsers send for opaque origins, and garbage
    "null": ("null", False),
    "empty": ("", False),
    "star": ("*", False),
    "no-scheme": ("app.example.com", False),
}


@pytest.mark.parametrize(("origin", "allowed"), ROWS.values(), ids=list(ROWS))
def test_match_origin(origin: str, allowed: bool) -> None:
    assert POLICY.match_origin(origin) is allowed


def test_wildcard_policy_matches_nothing_statically() -> None:
    policy = CORSPolicy(allow_origins=["*"])
    assert policy.allows_all_origins
    assert not policy.match_origin("https://app.example.com")


def test_match_origin_never_consults_allow_origin() -> None:
    calls: list[str] = []

    def allow(origin: str) -> bool:
        calls.append(origin)
        return True

    policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_origin=allow)
    assert not policy.match_origin("https://tenant.example.net")
    assert calls == []


def test_overlong_origins_are_refused_before_any_work() -> None:
    hostile = "https://" + "a." * 40_000 + "example.org"
    matcher = OriginMatcher([hostile[:MAX_ORIGIN_LENGTH]], [], re.compile(r"https://.*"))
    started = time.perf_counter()
    for _ in range(1000):
        assert not matcher.match(hostile)
    assert time.perf_counter() - started < 0.05


def test_dotted_input_costs_only_the_configured_depth() -> None:
    # 150 labels: the walk stops at the first suffix that no pattern ends with.
    hostile = "https://" + "a." * 150 + "example.com"
    assert len(hostile) <= MAX_ORIGIN_LENGTH
    assert not POLICY.match_origin(hostile)
    assert POLICY.match_origin("https://" + "a." * 150 + "example.org")


def _per_call(policy: CORSPolicy, origins: list[str], rounds: int = 7) -> float:
    match = policy.match_origin
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(200):
            for origin in origins:
                match(origin)
        best = min(best, time.perf_counter() - started)
    return best


def test_cost_does_not_grow_with_the_allowlist() -> None:
    exact = [f"https://app{i}.example.com" for i in range(10_000)]
    patterns = [f"https://*.tenant{i}.example.net" for i in range(1_000)]
    small = CORSPolicy(allow_origins=[*exact[:2], patterns[0]])
    large = CORSPolicy(allow_origins=exact + patterns)
    probes = [
        "https://app1.example.com",  # exact, allowed
        "https://x.tenant0.example.net",  # subdomain, allowed
        "https://evil.example.net",  # disallowed, walks the table
        "https://evil.com",  # disallowed
    ]
    assert [large.match_origin(o) for o in probes] == [True, True, False, False]
    # A linear scan of 11,000 entries would be hundreds of times slower; allow noise only.
    assert _per_call(large, probes) < 3 * _per_call(small, probes)


def test_pattern_answers_are_remembered_within_a_bound() -> None:
    entry, _ = parse_origin_entry("https://*.example.org", "allow_origins[0]")
    assert entry is not None
    assert entry.pattern is not None
    matcher = OriginMatcher([], [entry.pattern])
    for i in range(3 * MEMO_SIZE):
        assert matcher.match(f"https://x{i}.example.org")
        assert not matcher.match(f"https://x{i}.example.com")
    assert matcher._memo is not None
    assert len(matcher._memo) <= MEMO_SIZE
    assert matcher.match("https://x1.example.org")
    assert not matcher.match("https://x1.example.org.evil.net")


def test_exact_only_policies_keep_no_memo() -> None:
    matcher = OriginMatcher(["https://app.example.com"])
    assert not matcher.match("https://evil.example.com")
    assert matcher._memo is None


@pytest.mark.parametrize(
    ("configured", "origin", "allowed"),
    [
        ("https://bücher.example", "https://xn--bcher-kva.example", True),
        ("https://bücher.example", "https://bücher.example", False),
        ("https://*.bücher.example", "https://shop.xn--bcher-kva.example", True),
        ("https://*.bücher.example", "https://xn--bcher-kva.example", False),
        ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example", True),
        ("https://*.example.com", "https://xn--80ak6aa92e.example.com", True),
        ("https://*.example.com", "https://аpple.example.com", False),
    ],
    ids=[
        "idn-configured-punycode-sent",
        "idn-unicode-never-sent",
        "idn-pattern",
        "idn-pattern-apex",
        "punycode-configured",
        "punycode-subdomain",
        "unicode-subdomain-never-sent",
    ],
)
def test_international_names(configured: str, origin: str, allowed: bool) -> None:
    assert CORSPolicy(allow_origins=[configured]).match_origin(origin) is allowed
