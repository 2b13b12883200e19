"""The ``allow_origins`` grammar: what each entry is read as, and what is refused."""

from __future__ import annotations

import pytest

from corsguard.policy import ConfigError, CORSPolicy
from corsguard.policy.origins import OriginPattern, looks_like_regex, parse_origin_entry

# entry -> the normalized form it is stored as
ACCEPTED = {
    "exact-https": ("https://app.example.com", "https://app.example.com"),
    "exact-with-port": ("https://app.example.com:8443", "https://app.example.com:8443"),
    "scheme-and-host-case": ("HTTPS://App.Example.COM", "https://app.example.com"),
    "default-https-port": ("https://app.example.com:443", "https://app.example.com"),
    "default-http-port": ("http://app.example.com:80", "http://app.example.com"),
    "https-port-80-kept": ("https://app.example.com:80", "https://app.example.com:80"),
    "idn-to-punycode": ("https://bücher.example", "https://xn--bcher-kva.example"),
    "idn-upper-case": ("https://BÜCHER.example", "https://xn--bcher-kva.example"),
    "punycode-kept": ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
    "ipv4": ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    "ipv6-compressed": ("http://[0:0:0:0:0:0:0:1]:3000", "http://[::1]:3000"),
    "underscore-label": ("https://my_app.example.com", "https://my_app.example.com"),
    "subdomains": ("https://*.example.com", "https://*.example.com"),
    "subdomains-with-port": ("https://*.example.com:8443", "https://*.example.com:8443"),
    "subdomains-any-port": ("https://*.example.com:*", "https://*.example.com:*"),
    "any-port": ("http://localhost:*", "http://localhost:*"),
    "any-port-ipv6": ("http://[::1]:*", "http://[::1]:*"),
    "extension": ("chrome-extension://abcdefghijklmnop", "chrome-extension://abcdefghijklmnop"),
    "wildcard": ("*", "*"),
    "null-lower-cased": ("NULL", "null"),
}

# entry -> the code that refuses it
REFUSED = {
    "trailing-slash": ("https://app.example.com/", "CG102"),
    "path": ("https://app.example.com/api", "CG102"),
    "query": ("https://app.example.com?x=1", "CG102"),
    "fragment": ("https://app.example.com#top", "CG102"),
    "file-with-path": ("file:///home/me/index.html", "CG102"),
    "leading-space": (" https://app.example.com", "CG103"),
    "trailing-newline": ("https://app.example.com\n", "CG103"),
    "no-scheme": ("app.example.com", "CG104"),
    "no-scheme-localhost": ("localhost:3000", "CG104"),
    "scheme-relative": ("//app.example.com", "CG104"),
    "ws-scheme": ("ws://localhost:3000", "CG105"),
    "ftp-scheme": ("ftp://files.example.com", "CG105"),
    "wildcard-mid-label": ("https://app.*.com", "CG111"),
    "wildcard-without-scheme": ("*.example.com", "CG111"),
    "wildcard-glued": ("https://*example.com", "CG111"),
    "wildcard-scheme": ("*://example.com", "CG111"),
    "wildcard-host": ("https://*", "CG111"),
    "wildcard-tld": ("https://example.*", "CG111"),
    "double-wildcard": ("https://*.*.example.com", "CG111"),
    "wildcard-ip": ("https://*.1.2.3.4", "CG111"),
    "empty-label": ("https://app..example.com", "CG112"),
    "trailing-dot": ("https://app.example.com.", "CG112"),
    "userinfo": ("https://user@app.example.com", "CG112"),
    "port-zero": ("https://app.example.com:0", "CG112"),
    "port-too-big": ("https://app.example.com:65536", "CG112"),
    "port-not-number": ("https://app.example.com:https", "CG112"),
    "empty-port": ("https://app.example.com:", "CG112"),
    "empty-host": ("https://", "CG112"),
    "bad-character": ("https://app!.example.com", "CG112"),
    "percent-encoded": ("https://app%2eexample.com", "CG112"),
    "short-ipv4": ("http://127.1", "CG112"),
    "ipv6-zone": ("http://[fe80::1%25eth0]", "CG112"),
    "bad-ipv6": ("http://[::g]", "CG112"),
    "idna-deviation-sharp-s": ("https://straße.example", "CG112"),
    "idn-not-convertible": ("https://" + "ä" * 70 + ".example", "CG112"),
    "invalid-punycode": ("https://xn--a.example", "CG112"),
    "label-too-long": ("https://" + "a" * 64 + ".example.com", "CG112"),
    "extension-wildcard": ("chrome-extension://*.abc", "CG112"),
    "regex-anchors": ("^https://app\\.example\\.com$", "CG124"),
    "regex-optional-s": ("https?://app.example.com", "CG124"),
    "regex-class": ("https://[a-z]+.example.com", "CG124"),
}


@pytest.mark.parametrize(("entry", "normalized"), ACCEPTED.values(), ids=list(ACCEPTED))
def test_accepted_entry(entry: str, normalized: str) -> None:
    parsed, problems = parse_origin_entry(entry, "allow_origins[0]")
    assert parsed is not None
    assert parsed.text == normalized
    assert all(not p.is_error for p in problems), [str(p) for p in problems]
    if entry != normalized and entry not in ("NULL",):
        assert [p.code for p in problems] == ["CG127"]


@pytest.mark.parametrize(("entry", "code"), REFUSED.values(), ids=list(REFUSED))
def test_refused_entry(entry: str, code: str) -> None:
    _, problems = parse_origin_entry(entry, "allow_origins[0]")
    assert code in [p.code for p in problems], [str(p) for p in problems]
    with pytest.raises(ConfigError):
        CORSPolicy(allow_origins=[entry])


@pytest.mark.parametrize(
    ("entry", "suggestion"),
    [
        ("https://app.example.com/", "'https://app.example.com'"),
        ("HTTPS://App.Example.com:443/login", "'https://app.example.com'"),
        ("localhost:3000", "'http://localhost:3000'"),
        ("127.0.0.1:8000", "'http://127.0.0.1:8000'"),
        ("app.example.com", "'https://app.example.com'"),
        ("https://*example.com", "'https://*.example.com'"),
        ("*.example.com", "'https://*.example.com'"),
        ("wss://app.example.com", "'https://app.example.com'"),
        ("https://user:pw@app.example.com", "'https://app.example.com'"),
    ],
)
def test_hint_suggests_the_intended_origin(entry: str, suggestion: str) -> None:
    _, problems = parse_origin_entry(entry, "allow_origins[0]")
    assert any(suggestion in p.hint for p in problems), [p.hint for p in problems]


@pytest.mark.parametrize(
    ("pattern", "serialized", "loopback", "secure"),
    [
        (OriginPattern("http", "localhost", any_port=True), "http://localhost:*", True, True),
        (OriginPattern("http", "localhost", subdomains=True), "http://*.localhost", True, True),
        (OriginPattern("http", "[::1]", 8080), "http://[::1]:8080", True, True),
        (OriginPattern("http", "example.com"), "http://example.com", False, False),
        (
            OriginPattern("https", "example.com", subdomains=True),
            "https://*.example.com",
            False,
            True,
        ),
    ],
)
def test_pattern_properties(
    pattern: OriginPattern, serialized: str, loopback: bool, secure: bool
) -> None:
    assert str(pattern) == serialized
    assert pattern.is_loopback is loopback
    assert pattern.is_secure is secure


@pytest.mark.parametrize(
    ("entry", "is_regex"),
    [
        ("https://app.*.com", False),
        ("http://[::1]:*", False),
        ("https://*.example.com", False),
        ("https://.*example.com", True),
        ("https://[a-z]+\\.example\\.com", True),
        ("https?://example.com", True),
        ("https://(a|b).example.com", True),
    ],
)
def test_regex_detection(entry: str, is_regex: bool) -> None:
    assert looks_like_regex(entry) is is_regex


def test_null_and_file_need_their_opt_ins() -> None:
    policy = CORSPolicy(
        allow_origins=["null", "file://"],
        dangerously_allow_null_origin=True,
        dangerously_allow_file_origin=True,
    )
    assert policy.allow_origins == ("null", "file://")
    assert policy.match_origin("null")
    assert policy.match_origin("file://")
    assert not CORSPolicy(
        allow_origins=["file://"], dangerously_allow_file_origin=True
    ).match_origin("null")


def test_duplicates_after_normalization_are_stored_once() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com", "HTTPS://APP.example.com:443"])
    assert policy.allow_origins == ("https://app.example.com",)
