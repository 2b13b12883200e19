"""Origin serialization and parsing, as browsers do it."""

from __future__ import annotations

import pytest

from corsguard.protocol.origin import (
    Origin,
    is_ip_literal,
    is_loopback_host,
    origin_of_url,
    parse_serialized_origin,
    same_origin,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://app.example.com/path?q=1", "https://app.example.com"),
        ("HTTPS://APP.Example.COM", "https://app.example.com"),
        ("https://app.example.com:443/", "https://app.example.com"),
        ("http://app.example.com:80", "http://app.example.com"),
        ("http://app.example.com:8080", "http://app.example.com:8080"),
        ("http://[::1]:5173/", "http://[::1]:5173"),
        ("https://user:pw@app.example.com/", "https://app.example.com"),
    ],
    ids=[
        "path-dropped",
        "case-folded",
        "default-https-port",
        "default-http-port",
        "port-kept",
        "ipv6",
        "userinfo-dropped",
    ],
)
def test_origin_of_url(url: str, expected: str) -> None:
    origin = origin_of_url(url)
    assert origin is not None
    assert origin.serialize() == expected


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "data:text/plain,x", "ftp://example.com", "http://", "http://h:99999"],
)
def test_origin_of_url_opaque_or_invalid(url: str) -> None:
    assert origin_of_url(url) is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://app.example.com", True),
        ("http://localhost:3000", True),
        ("null", False),
        ("https://app.example.com/", False),
        ("https://App.example.com", False),
        ("https://app.example.com:443", False),
        ("https://u@app.example.com", False),
        ("https://app.example.com?x", False),
        ("app.example.com", False),
        ("", False),
    ],
)
def test_parse_serialized_origin_accepts_only_what_browsers_send(value: str, ok: bool) -> None:
    assert (parse_serialized_origin(value) is not None) is ok


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("api.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("[::1]", True),
        ("localhost.evil.com", False),
        ("10.0.0.1", False),
        ("example.com", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_secure_and_same_origin() -> None:
    assert Origin("https", "a.example").is_secure
    assert Origin("http", "localhost", 3000).is_secure
    assert not Origin("http", "a.example").is_secure
    assert same_origin(
        origin_of_url("https://a.example/x"), origin_of_url("https://a.example:443/y")
    )
    assert not same_origin(None, None)
    assert is_ip_literal("[::1]")
    assert is_ip_literal("10.0.0.1")
    assert not is_ip_literal("a.b")
    assert str(Origin("http", "a.example", 81)) == "http://a.example:81"
