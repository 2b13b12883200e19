"""Set-Cookie parsing as browsers do it (RFC 6265bis 5.6), one row per rule."""

from __future__ import annotations

import pytest

from corsguard.cookies import InvalidSetCookie, SetCookie, parse_set_cookie


def parsed(line: str) -> SetCookie:
    cookie = parse_set_cookie(line)
    assert isinstance(cookie, SetCookie), cookie
    return cookie


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param("a=b\x01c", "DisallowedCharacter", id="control-character"),
        pytest.param("a=b\tc", "DisallowedCharacter", id="tab-inside-value"),
        pytest.param("=", "NoCookieContent", id="empty-name-and-value"),
        pytest.param("; Secure", "NoCookieContent", id="attributes-only"),
        pytest.param("a=" + "x" * 4096, "NameValuePairExceedsMaxSize", id="over-4096-bytes"),
    ],
)
def test_lines_browsers_reject(line: str, reason: str) -> None:
    cookie = parse_set_cookie(line)
    assert isinstance(cookie, InvalidSetCookie)
    assert cookie.reason == reason


def test_name_and_value_are_trimmed() -> None:
    cookie = parsed(" session = abc ; Path=/")
    assert (cookie.name, cookie.value) == ("session", "abc")


def test_pair_without_equals_is_a_nameless_value() -> None:
    cookie = parsed("token")
    assert (cookie.name, cookie.value) == ("", "token")


def test_exactly_4096_bytes_is_accepted() -> None:
    assert parsed("a=" + "x" * 4095).value == "x" * 4095


def test_attribute_names_are_case_insensitive_and_flags_read() -> None:
    cookie = parsed("s=1; SECURE; httponly; Partitioned; SameSite=NONE")
    assert (cookie.secure, cookie.http_only, cookie.partitioned) == (True, True, True)
    assert cookie.same_site == "none"


def test_unknown_samesite_value_is_unspecified() -> None:
    assert parsed("s=1; SameSite=Lax").same_site == "lax"
    assert parsed("s=1; SameSite=lax; SameSite=bogus").same_site is None


def test_domain_loses_its_leading_dot_and_case() -> None:
    assert parsed("s=1; Domain=.Example.COM").domain == "example.com"


def test_relative_or_empty_path_means_default_path() -> None:
    assert parsed("s=1; Path=api").path is None
    assert parsed("s=1; Path=/api; Path=").path is None
    assert parsed("s=1; Path=/api").path == "/api"


def test_last_attribute_wins() -> None:
    assert parsed("s=1; Domain=a.example.com; Domain=example.com").domain == "example.com"


def test_over_long_attribute_value_is_ignored() -> None:
    assert parsed("s=1; Path=/" + "p" * 1024).path is None


def test_max_age_zero_or_negative_deletes() -> None:
    assert parsed("s=; Max-Age=0").deletes
    assert parsed("s=; Max-Age=-5").deletes
    assert not parsed("s=1; Max-Age=60").deletes
    assert parsed("s=1; Max-Age=1e3").max_age is None  # not digits: ignored
