"""``corsguard check`` judges every Set-Cookie of the exchange: JSON ``cookies`` and the text.

Through a real uvicorn server on loopback (``http://127.0.0.1:PORT``), so that the Set-Cookie
lines travel over HTTP exactly as a browser receives them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from corsguard.cli.main import main
from tests.support.servers import serve_asgi

from .apps import scripted

pytestmark = pytest.mark.uvicorn

PAGE = "https://app.example.com"  # cross-site with 127.0.0.1
ALLOW = [("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "true")]
LOGIN_COOKIES = [
    ("set-cookie", "session=abc; HttpOnly; Path=/; SameSite=lax"),
    ("set-cookie", "csrf=1; Path=/; SameSite=none; Secure"),
    ("set-cookie", "theme=dark; Path=/elsewhere; SameSite=none; Secure"),
]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    app = scripted(
        (
            204,
            [
                *ALLOW,
                ("access-control-allow-methods", "POST"),
                ("access-control-allow-headers", "content-type"),
                ("set-cookie", "pre=1"),
            ],
            b"",
        ),
        (200, [*ALLOW, *LOGIN_COOKIES], b"{}"),
        by_path={
            # No CORS headers: the script gets "Failed to fetch", the cookie is stored anyway.
            "/no-cors": (200, [("set-cookie", "sid=1; SameSite=None; Secure")], b""),
            "/plain": (200, ALLOW, b""),
        },
    )
    with serve_asgi(app) as url:
        yield url


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out


def check_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    _, out = check(capsys, *argv, "--format", "json")
    document: dict[str, Any] = json.loads(out)
    return document


def test_every_set_cookie_is_judged_in_response_order(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    document = check_json(capsys, f"{base}/login", "--origin", PAGE, "--credentials", "include")
    assert document["cookies"] == [
        {"name": "session", "stored": False, "reason": "SameSiteLax", "sent": None,
         "send_reason": None},
        {"name": "csrf", "stored": True, "reason": None, "sent": True, "send_reason": None},
        {"name": "theme", "stored": True, "reason": None, "sent": False,
         "send_reason": "NotOnPath"},
    ]  # fmt: skip


def test_a_preflight_never_stores_cookies(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    document = check_json(
        capsys, f"{base}/login", "--origin", PAGE, "--credentials", "include", "-X", "POST",
        "-H", "Content-Type: application/json",
    )  # fmt: skip
    assert document["preflight"] is not None
    assert document["cookies"][0] == {
        "name": "pre",
        "stored": False,
        "reason": "CredentialsNotIncluded",
        "sent": None,
        "send_reason": None,
    }
    assert [c["name"] for c in document["cookies"]] == ["pre", "session", "csrf", "theme"]


def test_without_credentials_nothing_is_stored(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    document = check_json(capsys, f"{base}/login", "--origin", PAGE)
    assert {c["reason"] for c in document["cookies"]} == {"CredentialsNotIncluded"}


def test_blocked_third_party_cookies(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    document = check_json(
        capsys, f"{base}/login", "--origin", PAGE, "--credentials", "include",
        "--third-party-cookies", "block",
    )  # fmt: skip
    assert [c["reason"] for c in document["cookies"]] == ["UserPreferences"] * 3


def test_a_failed_cors_check_still_stores_the_cookie(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    document = check_json(capsys, f"{base}/no-cors", "--origin", PAGE, "--credentials", "include")
    assert document["allowed"] is False
    assert document["cookies"] == [
        {"name": "sid", "stored": True, "reason": None, "sent": True, "send_reason": None}
    ]


def test_text_report_gives_devtools_sentence_and_fix(
    base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(capsys, f"{base}/login", "--origin", PAGE, "--credentials", "include")
    assert code == 0
    text = " ".join(out.split())
    assert "Cookies (Set-Cookie in the responses, under third-party cookies allowed):" in text
    assert "session: NOT STORED (SameSiteLax)" in text
    assert (
        "DevTools: This attempt to set a cookie via a `Set-Cookie` header was blocked because it "
        'had the "SameSite=Lax" attribute but came from a cross-site response'
    ) in text
    assert (
        'fix: Set it for cross-site use: response.set_cookie(..., samesite="none", secure=True)'
        in text
    )
    assert "or serve the API same-site with the page, e.g. as api.example.com" in text
    assert "csrf: stored; sent again on the next request" in text
    assert "(kept for 127.0.0.1: the page's document.cookie and its storage panel never" in text
    assert "theme: stored; NOT SENT on the next request (NotOnPath)" in text
    assert "DevTools: This cookie was blocked because its path was not an exact match" in text
    assert 'fix: Set path="/"' in text


def test_no_section_without_set_cookie(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = check(capsys, f"{base}/plain", "--origin", PAGE, "--credentials", "include")
    assert "Cookies (" not in out
    assert check_json(capsys, f"{base}/plain", "--origin", PAGE)["cookies"] == []
