"""Is a Set-Cookie stored, and is the cookie sent back: one row per rule, named for it."""

from __future__ import annotations

import pytest

from corsguard.browser.request import Credentials
from corsguard.cookies import CookieContext, ThirdPartyCookies, judge
from corsguard.cookies.sites import is_secure_url, registrable_domain, site_of_url
from corsguard.cookies.store import default_path

APP = "https://app.example.com"
API = "https://api.example.com/login"
OTHER = "https://api.other.com/login"
STARLETTE_DEFAULT = "session=abc; HttpOnly; Path=/; SameSite=lax"


def context(
    page: str = APP,
    url: str = API,
    credentials: Credentials = "include",
    third_party: ThirdPartyCookies = "allow",
) -> CookieContext:
    return CookieContext(page, url, credentials, third_party)


# (line, page, url, credentials, third-party setting, expected reason or None when stored)
STORE_ROWS = [
    ("a=1", APP, API, "include", "allow", None, "same-site-stored"),
    ("a=1", APP, API, "omit", "allow", "CredentialsNotIncluded", "credentials-omit"),
    ("a=1", APP, API, "same-origin", "allow", "CredentialsNotIncluded", "same-origin-mode"),
    (
        "a=1",
        "https://api.example.com",
        API,
        "same-origin",
        "allow",
        None,
        "same-origin-mode-same-origin",
    ),
    ("a=\x01", APP, API, "include", "allow", "DisallowedCharacter", "syntax"),
    ("a=1; Domain=example.com", APP, API, "include", "allow", None, "domain-parent"),
    ("a=1; Domain=other.com", APP, API, "include", "allow", "InvalidDomain", "domain-foreign"),
    ("a=1; Domain=com", APP, API, "include", "allow", "InvalidDomain", "domain-public-suffix"),
    (
        "a=1; Domain=github.io",
        "https://x.github.io",
        "https://x.github.io/",
        "include",
        "allow",
        "InvalidDomain",
        "domain-private-suffix",
    ),
    (
        "a=1; Domain=www.example.com",
        APP,
        API,
        "include",
        "allow",
        "InvalidDomain",
        "domain-sibling",
    ),
    (
        "a=1; Domain=http://localhost:3000",
        "http://localhost:3000",
        "http://localhost:8000/login",
        "include",
        "allow",
        "InvalidDomain",
        "domain-with-scheme-and-port",
    ),
    (
        "a=1; Domain=localhost",
        "http://localhost:3000",
        "http://localhost:8000/login",
        "include",
        "allow",
        None,
        "domain-equal-to-unregistrable-host",
    ),
    (
        "a=1; Domain=127.0.0.1",
        "http://127.0.0.1:3000",
        "http://127.0.0.1:8000/login",
        "include",
        "allow",
        None,
        "domain-equal-to-ip",
    ),
    (
        "a=1; Domain=0.0.1",
        "http://127.0.0.1:3000",
        "http://127.0.0.1:8000/login",
        "include",
        "allow",
        "InvalidDomain",
        "domain-part-of-ip",
    ),
    ("__Secure-a=1", APP, API, "include", "allow", "InvalidPrefix", "secure-prefix-no-secure"),
    ("__Secure-a=1; Secure; SameSite=Lax", APP, API, "include", "allow", None, "secure-prefix"),
    ("__Host-a=1; Secure", APP, API, "include", "allow", "InvalidPrefix", "host-prefix-no-path"),
    (
        "__Host-a=1; Secure; Path=/; Domain=example.com",
        APP,
        API,
        "include",
        "allow",
        "InvalidPrefix",
        "host-prefix-with-domain",
    ),
    ("__Host-a=1; Secure; Path=/", APP, API, "include", "allow", None, "host-prefix"),
    ("__host-a=1", APP, API, "include", "allow", "InvalidPrefix", "prefix-case-insensitive"),
    ("=__Host-a=1", APP, API, "include", "allow", "InvalidPrefix", "nameless-prefix-value"),
    (
        "a=1; Partitioned; SameSite=None",
        APP,
        OTHER,
        "include",
        "allow",
        "InvalidPartitioned",
        "partitioned-needs-secure",
    ),
    (
        "a=1; Secure",
        "http://app.example.com",
        "http://api.example.com/login",
        "include",
        "allow",
        "SecureOnly",
        "secure-over-http",
    ),
    (
        "a=1; Secure; SameSite=None",
        "http://localhost:3000",
        "http://127.0.0.1:8000/login",
        "include",
        "allow",
        None,
        "loopback-counts-as-secure",
    ),
    (
        "a=1; SameSite=None",
        APP,
        API,
        "include",
        "allow",
        "SameSiteNoneInsecure",
        "samesite-none-needs-secure",
    ),
    ("a=1", APP, OTHER, "include", "allow", "SameSiteUnspecifiedTreatedAsLax", "unspecified-lax"),
    ("a=1; SameSite=Lax", APP, OTHER, "include", "allow", "SameSiteLax", "lax-no-fetch-exception"),
    ("a=1; SameSite=Strict", APP, OTHER, "include", "allow", "SameSiteStrict", "strict"),
    (
        "a=1; SameSite=Lax",
        "http://app.example.com",
        API,
        "include",
        "allow",
        "SchemefulSameSiteLax",
        "schemeful-same-site",
    ),
    (
        "a=1; SameSite=Lax",
        "http://localhost:3000",
        "http://127.0.0.1:8000/login",
        "include",
        "allow",
        "SameSiteLax",
        "localhost-vs-127-is-cross-site",
    ),
    (
        "a=1; SameSite=Lax",
        "http://localhost:3000",
        "http://localhost:8000/login",
        "include",
        "allow",
        None,
        "ports-do-not-count",
    ),
    (
        "a=1; SameSite=Lax",
        "https://app.example.test",
        "https://api.example.test/login",
        "include",
        "allow",
        None,
        "unknown-tld-is-a-suffix",
    ),
    ("a=1; SameSite=None; Secure", APP, OTHER, "include", "allow", None, "samesite-none-secure"),
    (
        "a=1; SameSite=None; Secure",
        APP,
        OTHER,
        "include",
        "block",
        "UserPreferences",
        "third-party-blocked",
    ),
    ("a=1", APP, OTHER, "include", "block", "UserPreferences", "third-party-only-reason"),
    ("a=1", APP, API, "include", "block", None, "same-site-not-third-party"),
    (
        "a=1; SameSite=None; Secure; Partitioned",
        APP,
        OTHER,
        "include",
        "block",
        None,
        "partitioned-survives-blocking",
    ),
    ("a=; Max-Age=0", APP, API, "include", "allow", "Expired", "max-age-zero-deletes"),
    ("a=1", "null", API, "include", "allow", "SameSiteUnspecifiedTreatedAsLax", "opaque-page"),
]


@pytest.mark.parametrize(
    ("line", "page", "url", "credentials", "third_party", "reason"),
    [pytest.param(*row[:6], id=row[6]) for row in STORE_ROWS],
)
def test_store_rules(
    line: str,
    page: str,
    url: str,
    credentials: Credentials,
    third_party: ThirdPartyCookies,
    reason: str | None,
) -> None:
    verdict = judge(line, context(page, url, credentials, third_party))
    assert verdict.storing.reason == reason
    assert verdict.stored is (reason is None)


def test_secure_and_samesite_reasons_are_reported_together() -> None:
    verdict = judge("a=1; Secure", context("http://app.example.com", "http://api.other.com/"))
    assert verdict.storing.reasons == ("SecureOnly", "SameSiteUnspecifiedTreatedAsLax")


def test_prefix_masks_the_other_reasons() -> None:
    verdict = judge("__Host-a=1", context(APP, OTHER))
    assert verdict.storing.reasons == ("InvalidPrefix",)


def test_preflight_response_never_stores() -> None:
    ctx = CookieContext(APP, API, "include", preflight=True)
    assert judge("a=1", ctx).storing.reason == "CredentialsNotIncluded"


def test_starlette_default_cross_site_is_lax() -> None:
    assert judge(STARLETTE_DEFAULT, context(APP, OTHER)).storing.reason == "SameSiteLax"


# Sending on the next request (a repeat of the same one unless said otherwise).


def test_stored_cookie_is_sent_on_a_repeat() -> None:
    verdict = judge("a=1; SameSite=None; Secure", context(APP, OTHER))
    assert (verdict.sent, verdict.to_json()["send_reason"]) == (True, None)


def test_not_stored_means_sent_is_null() -> None:
    assert judge("a=1", context(APP, OTHER)).to_json()["sent"] is None


def test_not_on_path() -> None:
    verdict = judge("a=1; Path=/api", context(APP, "https://api.example.com/auth/login"))
    assert verdict.stored
    assert verdict.sending is not None
    assert verdict.sending.reason == "NotOnPath"


def test_default_path_is_the_directory_of_the_setting_url() -> None:
    line = "a=1"
    ctx = context(APP, "https://api.example.com/auth/login")
    assert judge(line, ctx).storing.path == "/auth"
    assert judge(line, ctx, "https://api.example.com/items").to_json()["send_reason"] == (
        "NotOnPath"
    )
    assert judge(line, ctx, "https://api.example.com/auth/me").sent is True
    assert default_path("https://h/") == "/"
    assert default_path("https://h/login") == "/"


def test_path_match_needs_a_boundary() -> None:
    ctx = context(APP, "https://api.example.com/api/login")
    assert judge("a=1; Path=/api", ctx, "https://api.example.com/apiv2").sent is False
    assert judge("a=1; Path=/api/", ctx, "https://api.example.com/api/x").sent is True


def test_domain_mismatch() -> None:
    ctx = context(APP, API)
    verdict = judge("a=1", ctx, "https://www.example.com/login")
    assert verdict.to_json()["send_reason"] == "DomainMismatch"
    assert judge("a=1; Domain=example.com", ctx, "https://www.example.com/").sent is True


def test_secure_cookie_not_sent_over_http() -> None:
    ctx = context("http://app.example.com", "https://api.example.com/")
    verdict = judge("a=1; Secure; SameSite=None", ctx, "http://api.example.com/")
    assert verdict.to_json()["send_reason"] == "SecureOnly"


def test_partitioned_cookie_sent_only_in_its_partition() -> None:
    line = "a=1; SameSite=None; Secure; Partitioned"
    verdict = judge(line, context(APP, OTHER, third_party="block"))
    assert verdict.sent is True
    elsewhere = CookieContext("https://elsewhere.net", OTHER, "include")
    from corsguard.cookies.send import send

    assert send(verdict.storing, elsewhere).reason == "OtherPartition"


def test_third_party_blocking_on_send_is_the_only_reason() -> None:
    stored = judge("a=1; SameSite=None; Secure", context(APP, OTHER))
    from corsguard.cookies.send import send

    blocked = CookieContext(APP, OTHER, "include", "block")
    assert send(stored.storing, blocked).reasons == ("UserPreferences",)


def test_json_shape() -> None:
    assert judge(STARLETTE_DEFAULT, context(APP, OTHER)).to_json() == {
        "name": "session",
        "stored": False,
        "reason": "SameSiteLax",
        "sent": None,
        "send_reason": None,
    }


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("api.example.co.uk", "example.co.uk"),
        ("x.github.io", "x.github.io"),
        ("github.io", None),
        ("localhost", None),
        ("127.0.0.1", None),
        ("api.example.test", "example.test"),
    ],
)
def test_registrable_domain(host: str, domain: str | None) -> None:
    assert registrable_domain(host) == domain


def test_sites_and_secure_urls() -> None:
    assert str(site_of_url("https://app.example.com:8443")) == "https://example.com"
    assert str(site_of_url("http://127.0.0.1:8000/x")) == "http://127.0.0.1"
    assert is_secure_url("http://localhost:8000/")
    assert is_secure_url("http://[::1]:8/")
    assert is_secure_url("http://a.localhost/")
    assert not is_secure_url("http://example.com/")


def test_send_reasons_come_in_the_protocol_order() -> None:
    ctx = context("https://app.example.com", "https://api.example.com/api/login")
    verdict = judge("a=1; Secure; SameSite=None; Path=/api", ctx, "http://www.example.com/x")
    assert verdict.sending is not None
    assert verdict.sending.reasons == ("SecureOnly", "NotOnPath", "DomainMismatch")
