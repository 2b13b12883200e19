"""DevTools' sentence and a FastAPI fix for every reason the model gives."""

from __future__ import annotations

import pytest

from corsguard.cookies import CookieContext, ThirdPartyCookies, judge
from corsguard.cookies.messages import SEND_SENTENCES, SET_SENTENCES, fix

from .test_store import STORE_ROWS


@pytest.mark.parametrize("reason", sorted({row[5] for row in STORE_ROWS if row[5]}))
def test_every_store_reason_has_a_sentence_and_a_fix(reason: str) -> None:
    assert reason in SET_SENTENCES
    row = next(r for r in STORE_ROWS if r[5] == reason)
    verdict = judge(row[0], CookieContext(row[1], row[2], row[3], row[4]))  # type: ignore[arg-type]
    assert fix(verdict)


@pytest.mark.parametrize(
    "reason", ["SecureOnly", "NotOnPath", "DomainMismatch", "UserPreferences", "OtherPartition"]
)
def test_send_reasons_have_a_sentence(reason: str) -> None:
    assert reason in SEND_SENTENCES


@pytest.mark.parametrize(
    ("page", "api", "advice"),
    [
        ("https://app.example.com", "https://api.other.com/", "as api.example.com"),
        ("http://localhost:5173", "http://127.0.0.1:8000/", "under the same host name"),
        ("http://app.example.com", "https://api.example.com/", "over the same scheme"),
        ("http://192.168.1.5:3000", "http://api.example.com/", "one registrable domain"),
        (
            "https://shop.vercel.app",
            "https://shop-api.onrender.com/",
            "as api.shop.vercel.app (if vercel.app is a hosting platform's shared domain, use a "
            "domain of your own)",
        ),
    ],
)
@pytest.mark.parametrize("third_party", ["allow", "block"])
def test_same_site_fix_fits_the_deployment(
    page: str, api: str, advice: str, third_party: ThirdPartyCookies
) -> None:
    verdict = judge(
        "session=1; Path=/; SameSite=lax", CookieContext(page, api, "include", third_party)
    )
    assert 'samesite="none", secure=True' in fix(verdict)
    assert advice in fix(verdict)


def test_no_fix_for_a_cookie_that_works() -> None:
    verdict = judge("s=1; SameSite=None; Secure", CookieContext("https://a.com", "https://b.com/"))
    assert fix(verdict) == ""
