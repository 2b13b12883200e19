"""``corsguard check --browser`` observes the cookies in real Chromium and compares them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corsguard.cli.main import main
from corsguard.cookies import store
from tests.support.servers import require_binary

pytestmark = [pytest.mark.chromium, pytest.mark.uvicorn]

LOGIN = [
    "check", "/login", "--app", "tests.check.cookie_apps:login_app", "--factory",
    "--origin", "https://app.example.com", "--credentials", "include", "--browser",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    require_binary("chromium", "/usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")
    monkeypatch.chdir(Path(__file__).resolve().parents[2])


def run(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any], str]:
    code = main([*LOGIN, "--format", "json", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_the_default_login_cookie_is_observed_and_agrees(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, document, err = run(capsys)
    assert code == 0, err
    assert document["agreement"] is True, document["browser"]
    real = document["browser"]["cookies"]
    assert [c["name"] for c in real] == [c["name"] for c in document["cookies"]] == ["session"]
    assert real[0]["stored"] is False
    assert real[0]["sent"] is None
    # Chromium names the Schemeful variant of every SameSite exclusion.
    assert real[0]["reason"] == "SchemefulSameSiteLax"
    assert document["cookies"][0]["reason"] == "SameSiteLax"
    assert "DISAGREEMENT" not in err


def test_a_cookie_that_works_is_observed_stored_and_sent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    LOGIN[1] = "/login-cross-site"
    try:
        code, document, err = run(capsys)
    finally:
        LOGIN[1] = "/login"
    assert code == 0, err
    assert document["agreement"] is True
    real = document["browser"]["cookies"][0]
    assert (real["stored"], real["sent"], real["reason"]) == (True, True, None)


def test_blocked_third_party_cookies_are_applied_to_the_profile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    LOGIN[1] = "/login-cross-site"
    try:
        _, document, _ = run(capsys, "--third-party-cookies", "block")
    finally:
        LOGIN[1] = "/login"
    assert document["agreement"] is True
    assert document["browser"]["cookies"][0]["reasons"] == ["UserPreferences"]
    assert document["cookies"][0]["reason"] == "UserPreferences"


def test_a_planted_disagreement_is_flagged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A model without its SameSite rules stores the default cookie; Chromium does not.
    monkeypatch.setattr(store, "COLLECTED_RULES", ())
    code, document, err = run(capsys)
    assert document["agreement"] is False
    assert document["cookies"][0]["stored"] is True
    assert document["browser"]["cookies"][0]["stored"] is False
    assert "DISAGREEMENT on cookies" in err
    assert "'session': stored: chromium False, model True" in err
    assert code == 0  # the CORS verdict, on which both agree, decides the exit code
    main([*LOGIN])
    out = capsys.readouterr().out
    assert "real Chromium, cookie 'session': not stored (SchemefulSameSiteLax)" in out
    assert "!!! DISAGREEMENT on cookies: 'session': stored" in out


def test_an_unsafe_request_is_never_repeated(capsys: pytest.CaptureFixture[str]) -> None:
    # Whether the stored cookie is sent back depends on the URL and the credentials mode,
    # not the method: the repeat is a GET, so the POST handler runs once in the model and
    # once in Chromium, never a third time.
    from tests.check import cookie_apps

    cookie_apps.POSTS.clear()
    LOGIN[1] = "/login-post"
    try:
        code, document, err = run(capsys, "-X", "POST")
    finally:
        LOGIN[1] = "/login"
    assert code == 0, err
    assert cookie_apps.POSTS == ["login", "login"]
    real = document["browser"]["cookies"][0]
    assert (real["stored"], real["sent"]) == (True, True)
    assert document["agreement"] is True
