"""``corsguard.testing.assert_cookie``: a route's cookie is stored and sent for a frontend."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from fastapi import FastAPI, Response

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient and warns when only httpx is installed.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from corsguard import CORSPolicy, install
from corsguard.testing import CookieAssertionError, assert_cookie, cookie_verdicts
from tests.check.cookie_apps import login_app

PAGE = "https://app.example.com"


def test_a_cross_site_cookie_passes() -> None:
    cookie = assert_cookie(login_app(), "GET", "/login-cross-site", name="session", origin=PAGE)
    assert (cookie.stored, cookie.sent) == (True, True)


def test_starlettes_default_fails_with_reason_sentence_and_fix() -> None:
    with pytest.raises(CookieAssertionError) as raised:
        assert_cookie(login_app(), "GET", "/login", name="session", origin=PAGE)
    message = str(raised.value)
    assert message.startswith(
        "cookie 'session' of GET /login from https://app.example.com: expected stored, got not "
        "stored (SameSiteLax)"
    )
    assert "DevTools: This attempt to set a cookie via a `Set-Cookie` header was blocked" in message
    assert 'fix: Set it for cross-site use: response.set_cookie(..., samesite="none"' in message
    assert raised.value.cookies[0].storing.reason == "SameSiteLax"


def test_the_default_works_for_an_api_served_same_site() -> None:
    cookie = assert_cookie(
        login_app(), "GET", "https://api.example.com/login", name="session", origin=PAGE
    )
    assert cookie.sent is True


def test_a_cookie_stored_but_never_sent_back_fails() -> None:
    with pytest.raises(CookieAssertionError, match=r"expected sent back, got stored, not sent"):
        assert_cookie(login_app(), "GET", "/auth/login", name="session", origin=PAGE)


def test_third_party_blocking_and_expected_failures() -> None:
    app = login_app()
    with pytest.raises(CookieAssertionError, match=r"not stored \(UserPreferences\)"):
        assert_cookie(
            app, "GET", "/login-cross-site", name="session", origin=PAGE,
            third_party_cookies="block",
        )  # fmt: skip
    cookie = assert_cookie(app, "GET", "/login", name="session", origin=PAGE, stored=False)
    assert cookie.storing.reason == "SameSiteLax"


def test_a_missing_cookie_and_a_test_client() -> None:
    missing = r"sets no such cookie \(cookies set: 'session'\)"
    with pytest.raises(CookieAssertionError, match=missing):
        assert_cookie(TestClient(login_app()), "GET", "/login", name="sid", origin=PAGE)
    _, cookies = cookie_verdicts(login_app(), "GET", "/login", origin=PAGE, credentials="omit")
    assert cookies[0].storing.reason == "CredentialsNotIncluded"


def test_the_assertion_hides_its_own_frames() -> None:
    import corsguard.testing as testing

    for function in (testing.assert_cookie, testing.cookie_verdicts):
        assert "__tracebackhide__" in function.__code__.co_varnames


def test_the_documented_failure_is_what_the_assertion_says() -> None:
    app = FastAPI()

    @app.post("/login")
    def login(response: Response) -> dict[str, str]:
        response.set_cookie("session", "abc")
        return {}

    install(app, CORSPolicy(allow_origins=[PAGE], allow_credentials=True))
    with pytest.raises(CookieAssertionError) as raised:
        assert_cookie(app, "POST", "/login", name="session", origin=PAGE)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cookies.md").read_text()
    first = str(raised.value).splitlines()[0]
    assert f"```text\n{first}\n" in docs


def test_a_route_that_fails_says_its_status() -> None:
    with pytest.raises(CookieAssertionError, match=r"cookies set: none\); the route answered 404"):
        assert_cookie(login_app(), "GET", "/nowhere", name="session", origin=PAGE)
