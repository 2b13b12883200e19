"""``corsguard check`` names why a login cookie is not stored or sent, with the fix.

Real FastAPI routes calling ``response.set_cookie``, served by uvicorn on loopback
(``http://127.0.0.1:PORT``), called from a page on another site.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from corsguard.cli.main import main
from tests.support.servers import serve_asgi

from .cookie_apps import login_app, no_cors_app

pytestmark = pytest.mark.uvicorn

PAGE = "https://app.example.com"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_asgi(login_app()) as url:
        yield url


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, dict[str, Any]]:
    main(["check", *argv])
    text = " ".join(capsys.readouterr().out.split())
    main(["check", *argv, "--format", "json"])
    return text, json.loads(capsys.readouterr().out)


def codes_of(document: dict[str, Any]) -> list[str]:
    return [f["code"] for f in document["findings"]]


def finding(document: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in document["findings"] if f["code"] == code)
    return found


def test_starlette_default_samesite_on_a_cross_site_api(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text, document = check(capsys, f"{base}/login", "--origin", PAGE, "--credentials", "include")
    assert document["allowed"] is True  # CORS is right; the cookie is what fails
    assert document["cookies"] == [
        {"name": "session", "stored": False, "reason": "SameSiteLax", "sent": None,
         "send_reason": None},
    ]  # fmt: skip
    found = finding(document, "CG241")
    assert "SameSite=Lax (Starlette's default for response.set_cookie)" in found["message"]
    assert 'response.set_cookie(..., samesite="none", secure=True)' in found["fix"]
    assert "serve the API same-site with the page, e.g. as api.example.com" in found["fix"]
    assert "CG241 [high]" in text
    assert 'samesite="none", secure=True' in text
    assert "session: NOT STORED (SameSiteLax)" in text


def test_localhost_page_and_loopback_api_are_two_sites(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, document = check(
        capsys, f"{base}/login", "--origin", "http://localhost:3000", "--credentials", "include"
    )
    found = finding(document, "CG241")
    assert "open the page and call the API under the same host name" in found["fix"]


def test_credentials_not_included(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    text, document = check(capsys, f"{base}/login-cross-site", "--origin", PAGE)
    assert document["cookies"][0]["reason"] == "CredentialsNotIncluded"
    found = finding(document, "CG240")
    assert "credentials: 'same-origin' to another origin" in found["message"]
    assert "withCredentials: true" in found["fix"]
    assert "CG240" in text
    _, omitted = check(
        capsys, f"{base}/login-cross-site", "--origin", PAGE, "--credentials", "omit"
    )
    message = finding(omitted, "CG240")["message"]
    assert "credentials: 'omit', so" in message


def test_samesite_none_without_secure(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, document = check(capsys, f"{base}/login-none", "--origin", PAGE, "--credentials", "include")
    assert document["cookies"][0]["reason"] == "SameSiteNoneInsecure"
    assert "secure=True" in finding(document, "CG242")["fix"]


def test_invalid_domain(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, document = check(
        capsys, f"{base}/login-domain", "--origin", PAGE, "--credentials", "include"
    )
    assert document["cookies"][0]["reason"] == "InvalidDomain"
    assert "Domain=http://localhost:3000" in finding(document, "CG244")["message"]


def test_path_mismatch(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, document = check(capsys, f"{base}/auth/login", "--origin", PAGE, "--credentials", "include")
    assert document["cookies"][0]["send_reason"] == "NotOnPath"
    message = finding(document, "CG245")["message"]
    assert "is stored with Path=/api, so the browser does not send it back to" in message
    assert "fine if only URLs under /api need it" in message


def test_default_path_narrower_than_root(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, document = check(
        capsys, f"{base}/auth/raw-login", "--origin", PAGE, "--credentials", "include"
    )
    assert document["cookies"][0]["sent"] is True  # a repeat of /auth/raw-login gets it
    message = finding(document, "CG245")["message"]
    assert "has no Path, so its path defaults to /auth" in message


def test_rejected_prefix(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, document = check(
        capsys, f"{base}/login-prefix", "--origin", PAGE, "--credentials", "include"
    )
    assert document["cookies"][0]["reason"] == "InvalidPrefix"
    assert codes_of(document).count("CG249") == 1


def test_third_party_blocking(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = (f"{base}/login-cross-site", "--origin", PAGE, "--credentials", "include")
    _, allowed = check(capsys, *argv)
    assert allowed["cookies"][0]["sent"] is True
    assert "CG247" in codes_of(allowed)  # works in Chrome's default only
    assert "CG246" not in codes_of(allowed)
    _, blocked = check(capsys, *argv, "--third-party-cookies", "block")
    assert blocked["cookies"][0]["reason"] == "UserPreferences"
    fix = finding(blocked, "CG246")["fix"]
    assert fix.startswith("Serve the API same-site with the page, e.g. as api.example.com, or")
    assert 'samesite="none", secure=True, partitioned=True' in fix
    assert "CG247" not in codes_of(blocked)


def test_cookie_stored_although_cors_failed(capsys: pytest.CaptureFixture[str]) -> None:
    with serve_asgi(no_cors_app()) as url:
        _, document = check(
            capsys, f"{url}/login-cross-site", "--origin", PAGE, "--credentials", "include"
        )
    assert document["allowed"] is False
    assert document["cookies"][0]["stored"] is True
    assert "not the cookie" in finding(document, "CG248")["message"]


def test_secure_over_plain_http_on_a_real_name(capsys: pytest.CaptureFixture[str]) -> None:
    # In-process: the API's name is not localhost, and the page is plain http too.
    _, document = check(
        capsys,
        "http://api.example.com/login-cross-site",
        "--app",
        "tests.check.cookie_apps:app",
        "--origin",
        "http://app.example.com",
        "--credentials",
        "include",
    )
    assert document["cookies"][0]["reason"] == "SecureOnly"
    assert "not localhost" in finding(document, "CG243")["message"]


def test_a_working_same_site_cookie_has_no_finding(capsys: pytest.CaptureFixture[str]) -> None:
    _, document = check(
        capsys,
        "https://api.example.com/login",
        "--app",
        "tests.check.cookie_apps:app",
        "--origin",
        PAGE,
        "--credentials",
        "include",
    )
    assert document["cookies"][0]["stored"] is True
    assert not [code for code in codes_of(document) if code.startswith("CG24")]
