"""The cookie model against real Chromium: stored, reasons, sent and send reasons agree.

Each scenario runs under both third-party settings. Real Chromium reports the ``Schemeful…``
variant of a SameSite reason where the model names the plain one (Chromium 156 flags a
schemeful downgrade on every cross-site exclusion): the two count as one here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from corsguard.browser.request import Credentials
from corsguard.cookies import CookieContext, ThirdPartyCookies, judge, store
from tests.support.servers import require_binary, serve_asgi

from .chromium_cookies import CookieBrowser, Observed

pytestmark = [pytest.mark.chromium, pytest.mark.uvicorn]

LOCAL_PAGE = "http://localhost:3000"  # served by DevTools: nothing listens on 3000
LOOPBACK_PAGE = "http://127.0.0.1:3000"
PUBLIC_PAGE = "https://app.example.com"


@dataclass(frozen=True)
class Scenario:
    slug: str
    page: str
    host: str  # "localhost" or "127.0.0.1": the API's host name
    line: str
    credentials: Credentials = "include"
    cors: bool = True
    path: str = "login"


SCENARIOS = (
    Scenario("default-lax-same-site", LOCAL_PAGE, "localhost", "s=1; Path=/; SameSite=lax"),
    Scenario("default-lax-localhost-vs-127", LOCAL_PAGE, "127.0.0.1", "s=1; Path=/; SameSite=lax"),
    Scenario("unspecified-cross-site", PUBLIC_PAGE, "127.0.0.1", "s=1; Path=/"),
    Scenario("strict-cross-site", LOOPBACK_PAGE, "localhost", "s=1; Path=/; SameSite=Strict"),
    Scenario("none-secure-cross-site", PUBLIC_PAGE, "127.0.0.1", "s=1; SameSite=None; Secure"),
    Scenario("none-insecure", LOCAL_PAGE, "localhost", "s=1; SameSite=None"),
    Scenario("secure-on-loopback", LOOPBACK_PAGE, "127.0.0.1", "s=1; Secure; Path=/"),
    Scenario("domain-with-scheme", LOCAL_PAGE, "localhost", "s=1; Domain=http://localhost:3000"),
    Scenario("domain-localhost", LOCAL_PAGE, "localhost", "s=1; Domain=localhost; Path=/"),
    Scenario("domain-part-of-ip", LOOPBACK_PAGE, "127.0.0.1", "s=1; Domain=0.0.1"),
    Scenario("host-prefix-no-path", LOCAL_PAGE, "localhost", "__Host-s=1; Secure"),
    Scenario("host-prefix", LOCAL_PAGE, "localhost", "__Host-s=1; Secure; Path=/"),
    Scenario("path-elsewhere", LOCAL_PAGE, "localhost", "s=1; Path=/api; SameSite=None; Secure"),
    Scenario("default-path", LOCAL_PAGE, "localhost", "s=1", path="auth/login"),
    Scenario(
        "partitioned-cross-site",
        PUBLIC_PAGE,
        "127.0.0.1",
        "s=1; SameSite=None; Secure; Partitioned; Path=/",
    ),
    Scenario("credentials-omitted", LOCAL_PAGE, "localhost", "s=1; Path=/", credentials="omit"),
    Scenario(
        "same-origin-mode-cross-origin",
        LOCAL_PAGE,
        "localhost",
        "s=1; Path=/",
        credentials="same-origin",
    ),
    Scenario("secure-prefix-no-secure", LOCAL_PAGE, "localhost", "__Secure-s=1; Path=/"),
    Scenario("max-age-zero", LOCAL_PAGE, "localhost", "s=1; Max-Age=0; Path=/"),
    Scenario("partitioned-without-secure", LOCAL_PAGE, "localhost", "s=1; Partitioned; Path=/"),
    Scenario("domain-equal-to-ip", LOOPBACK_PAGE, "127.0.0.1", "s=1; Domain=127.0.0.1; Path=/"),
    Scenario(
        "none-secure-localhost-vs-127",
        LOCAL_PAGE,
        "127.0.0.1",
        "s=1; SameSite=None; Secure; Path=/",
    ),
    Scenario(
        "cors-failed-still-stored",
        PUBLIC_PAGE,
        "127.0.0.1",
        "s=1; SameSite=None; Secure; Path=/",
        cors=False,
    ),
)


async def cookie_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """``/<slug>/<path>``: the scenario's Set-Cookie, CORS headers unless the slug says not."""
    slug = scope["path"].split("/")[1]
    scenario = next(s for s in SCENARIOS if s.slug == slug)
    origin = dict(scope["headers"]).get(b"origin", b"")
    headers = [(b"content-type", b"text/plain"), (b"set-cookie", scenario.line.encode())]
    if scenario.cors:
        headers += [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with serve_asgi(cookie_app) as base:
        yield int(base.rsplit(":", 1)[1])


@pytest.fixture(scope="module", params=["allow", "block"])
def browser(request: pytest.FixtureRequest) -> Iterator[tuple[ThirdPartyCookies, CookieBrowser]]:
    executable = require_binary("chromium", "/usr/bin/chromium")
    setting: ThirdPartyCookies = request.param
    chromium = CookieBrowser(executable, setting)
    try:
        yield setting, chromium
    finally:
        chromium.close()


def plain(reasons: tuple[str, ...]) -> set[str]:
    return {reason.removeprefix("Schemeful") for reason in reasons}


def model_view(scenario: Scenario, url: str, setting: ThirdPartyCookies) -> Observed:
    verdict = judge(scenario.line, CookieContext(scenario.page, url, scenario.credentials, setting))
    sending = verdict.sending
    return Observed(
        verdict.name,
        verdict.stored,
        verdict.storing.reasons,
        verdict.sent,
        sending.reasons if sending is not None else (),
    )


# Reasons DevTools never reports: the model names them, Chromium drops the line silently.
SILENT = {"CredentialsNotIncluded", "InvalidPartitioned", "OtherPartition", "Expired"}


def disagreements(model: Observed, real: Observed) -> list[str]:
    problems = []
    if model.stored != real.stored:
        problems.append(f"stored: chromium {real.stored}, model {model.stored}")
    if plain(real.reasons) != plain(model.reasons) - SILENT:
        problems.append(f"reasons: chromium {real.reasons}, model {model.reasons}")
    if model.sent != real.sent:
        problems.append(f"sent: chromium {real.sent}, model {model.sent}")
    if plain(real.send_reasons) != plain(model.send_reasons) - SILENT:
        problems.append(f"send reasons: chromium {real.send_reasons}, model {model.send_reasons}")
    return problems


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.slug for s in SCENARIOS])
def test_model_agrees_with_chromium(
    scenario: Scenario,
    port: int,
    browser: tuple[ThirdPartyCookies, CookieBrowser],
) -> None:
    setting, chromium = browser
    url = f"http://{scenario.host}:{port}/{scenario.slug}/{scenario.path}"
    observed = chromium.observe(scenario.page, url, scenario.credentials)
    assert len(observed) == 1, observed
    model = model_view(scenario, url, setting)
    assert disagreements(model, observed[0]) == []


def test_a_wrong_model_is_caught(
    port: int, browser: tuple[ThirdPartyCookies, CookieBrowser]
) -> None:
    """The comparison fails when the model is judged under the other third-party setting."""
    setting, chromium = browser
    scenario = next(s for s in SCENARIOS if s.slug == "none-secure-cross-site")
    url = f"http://{scenario.host}:{port}/{scenario.slug}/{scenario.path}"
    observed = chromium.observe(scenario.page, url, scenario.credentials)
    wrong: ThirdPartyCookies = "block" if setting == "allow" else "allow"
    assert disagreements(model_view(scenario, url, wrong), observed[0]) != []


def test_a_missing_rule_is_caught(
    port: int,
    browser: tuple[ThirdPartyCookies, CookieBrowser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without its Domain rule the model stores what Chromium rejects, and the suite says so."""
    setting, chromium = browser
    scenario = next(s for s in SCENARIOS if s.slug == "domain-with-scheme")
    url = f"http://{scenario.host}:{port}/{scenario.slug}/{scenario.path}"
    observed = chromium.observe(scenario.page, url, scenario.credentials)
    rules = tuple(r for r in store.STOPPING_RULES if r is not store.invalid_domain)
    monkeypatch.setattr(store, "STOPPING_RULES", rules)
    assert disagreements(model_view(scenario, url, setting), observed[0]) != []
