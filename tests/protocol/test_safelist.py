"""Safelists from the Fetch standard, with Chromium's extra client-hint names."""

from __future__ import annotations

import pytest

from corsguard.protocol.safelist import (
    cors_unsafe_request_header_names,
    is_forbidden_method,
    is_forbidden_request_header,
    is_safelisted_request_header,
    mime_essence,
    normalize_method,
)


@pytest.mark.parametrize(
    ("method", "sent"),
    [("get", "GET"), ("delete", "DELETE"), ("patch", "patch"), ("PATCH", "PATCH"), ("Put", "PUT")],
)
def test_normalize_method_like_fetch(method: str, sent: str) -> None:
    assert normalize_method(method) == sent


@pytest.mark.parametrize(
    ("name", "value", "safelisted"),
    [
        ("Accept", b"application/json", True),
        ("Accept", b"a" * 129, False),
        ("Accept", b"x(y)", False),
        ("Accept-Language", b"en-US,en;q=0.9", True),
        ("Content-Language", b"de_DE", False),
        ("Content-Type", b"text/plain", True),
        ("Content-Type", b"TEXT/PLAIN", True),
        ("Content-Type", b"text/plain; charset=utf-8", True),
        ("Content-Type", b'text/plain; charset="utf-8"', False),
        ("Content-Type", b"text /plain", False),
        ("Content-Type", b"application/json", False),
        ("Content-Type", b"application/json, text/plain", False),
        ("Range", b"bytes=0-100", True),
        ("Range", b"bytes=0-", True),
        ("Range", b"bytes=-100", False),
        ("Range", b"bytes=0-1,3-4", False),
        ("Range", b"bytes = 0-1", False),
        ("Range", b"bytes=5-1", False),
        ("DPR", b"2", True),
        ("DPR", b"2x", False),
        ("Save-Data", b"on", True),
        ("Save-Data", b"off", False),
        ("ECT", b"4g", True),
        ("RTT", b"50", True),
        ("Downlink", b"1.5", True),
        ("Intervention", b"foo bar", True),
        ("Last-Event-ID", b"1", False),
        ("Authorization", b"Bearer x", False),
        ("X-Foo", b"1", False),
    ],
)
def test_safelisted_request_header(name: str, value: bytes, safelisted: bool) -> None:
    assert is_safelisted_request_header(name, value) is safelisted


def test_client_hints_are_chromium_only() -> None:
    assert not is_safelisted_request_header("DPR", b"2", chromium=False)


def test_unsafe_names_sorted_lowercase_deduplicated() -> None:
    headers = [
        ("X-Foo", b"1"),
        ("Content-Type", b"application/json"),
        ("Accept", b"a" * 129),
        ("X-Bar", b"2"),
        ("x-foo", b"3"),
    ]
    assert cors_unsafe_request_header_names(headers) == ["accept", "content-type", "x-bar", "x-foo"]


def test_total_over_1024_bytes_makes_every_safelisted_header_unsafe() -> None:
    names = [
        "accept",
        "accept-language",
        "content-language",
        "downlink",
        "dpr",
        "intervention",
        "rtt",
        "viewport-width",
        "width",
    ]
    values = {
        "accept": b"a" * 128,
        "accept-language": b"a" * 128,
        "content-language": b"a" * 128,
        "downlink": b"1" * 128,
        "dpr": b"1" * 128,
        "intervention": b"x" * 128,
        "rtt": b"1" * 128,
        "viewport-width": b"1" * 128,
        "width": b"1" * 1,
    }
    eight = [(n, values[n]) for n in names[:8]]
    assert cors_unsafe_request_header_names(eight) == []
    nine = [*eight, ("width", b"1")]
    assert cors_unsafe_request_header_names(nine) == sorted(names)


def test_forbidden_names() -> None:
    assert is_forbidden_method("trace")
    assert not is_forbidden_method("PATCH")
    assert is_forbidden_request_header("Cookie")
    assert is_forbidden_request_header("Sec-Fetch-Mode")
    assert is_forbidden_request_header("Proxy-Authorization")
    assert not is_forbidden_request_header("Authorization")


@pytest.mark.parametrize(
    ("value", "essence"),
    [
        ("Text/Plain;charset=x", "text/plain"),
        ("multipart/form-data; boundary=x", "multipart/form-data"),
        ("text", None),
        ("/plain", None),
        ("text/", None),
    ],
)
def test_mime_essence(value: str, essence: str | None) -> None:
    assert mime_essence(value) == essence
