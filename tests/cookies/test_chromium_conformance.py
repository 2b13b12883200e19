"""The cookie model against real Chromium: stored, reasons, sent and send reasons agree.

Each scenario runs under both third-party settings. Real Chromium reports the ``Schemeful…``
variant of a SameSite reason where the model names the plain one (Chromium 156 flags a
schemeful downgrade on every cross-site exclusion): the two count as one here.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from corsguard.browser import FetchRequest
from corsguard.browser.request import Credentials
from corsguard.chromium import Chromium
from corsguard.chromium.cookies import cookie_disagreements
from corsguard.cookies import CookieContext, ThirdPartyCookies, judge, store
from tests.support.servers import require_binary, serve_asgi

# Every host name resolves to loopback and the scenario server's self-signed certificate is
# accepted, with Local Network Access checks off, so that pages on real-looking names can call
# APIs on other names; none of these touch cookies.
EXTRA_ARGS = ("--host-resolver-rules=MAP * 127.0.0.1", "--ignore-certificate-errors")

pytestmark = [pytest.mark.chromium, pytest.mark.uvicorn]

LOCAL_PAGE = "http://localhost:3000"  # served by DevTools: nothing listens on 3000
LOOPBACK_PAGE = "http://127.0.0.1:3000"
PUBLIC_PAGE = "https://app.example.com"


@dataclass(frozen=True)
class Scenario:
    slug: str
    page: str
    host: str  # the API's host name; every name resolves to 127.0.0.1
    line: str
    credentials: Credentials = "include"
    cors: bool = True
    path: str = "login"
    scheme: str = "http"  # of the API: "https" is the server's self-signed TLS port


NAMED_PAGE = "https://app.example.test"
PLAIN_NAMED_PAGE = "http://app.example.test"


LISTED = (
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
    # Real-looking names (".test" is not in the Public Suffix List: a suffix of its own).
    Scenario("subdomain-same-site", NAMED_PAGE, "api.example.test", "s=1; Path=/", scheme="https"),
    Scenario(
        "other-site-lax", NAMED_PAGE, "api.other.test", "s=1; Path=/; SameSite=lax", scheme="https"
    ),
    Scenario(
        "other-site-none-secure",
        NAMED_PAGE,
        "api.other.test",
        "s=1; Path=/; SameSite=None; Secure",
        scheme="https",
    ),
    Scenario(
        "other-site-partitioned",
        NAMED_PAGE,
        "api.other.test",
        "s=1; Path=/; SameSite=None; Secure; Partitioned",
        scheme="https",
    ),
    Scenario(
        "domain-parent",
        NAMED_PAGE,
        "api.example.test",
        "s=1; Path=/; Domain=example.test",
        scheme="https",
    ),
    Scenario(
        "domain-foreign", NAMED_PAGE, "api.example.test", "s=1; Domain=other.test", scheme="https"
    ),
    Scenario("domain-suffix", NAMED_PAGE, "api.example.test", "s=1; Domain=test", scheme="https"),
    Scenario(
        "domain-sibling",
        NAMED_PAGE,
        "api.example.test",
        "s=1; Domain=app.example.test",
        scheme="https",
    ),
    Scenario(
        "domain-private-suffix",
        "https://app.github.io",
        "api.github.io",
        "s=1; Domain=github.io",
        scheme="https",
    ),
    Scenario(
        "private-suffix-cross-site",
        "https://app.github.io",
        "api.github.io",
        "s=1; Path=/; SameSite=lax",
        scheme="https",
    ),
    Scenario(
        "country-suffix-same-site",
        "https://app.example.co.uk",
        "api.example.co.uk",
        "s=1; Path=/; SameSite=Strict",
        scheme="https",
    ),
    Scenario(
        "http-page-https-api-schemeful",
        PLAIN_NAMED_PAGE,
        "api.example.test",
        "s=1; Path=/; SameSite=lax",
        scheme="https",
    ),
    Scenario(
        "secure-over-http-name",
        PLAIN_NAMED_PAGE,
        "api.example.test",
        "s=1; Path=/; Secure",
    ),
    Scenario(
        "secure-prefix-over-https",
        NAMED_PAGE,
        "api.example.test",
        "__Secure-s=1; Path=/; Secure",
        scheme="https",
    ),
    Scenario(
        "cors-failed-still-stored",
        PUBLIC_PAGE,
        "127.0.0.1",
        "s=1; SameSite=None; Secure; Path=/",
        cors=False,
    ),
)


# The cross product: cookie attributes × the relationship between page and API, with
# credentials included; then the other credentials modes for each relationship.
RELATIONSHIPS = {
    "same-site": (NAMED_PAGE, "api.example.test", "https"),
    "cross-site": (PUBLIC_PAGE, "api.example.test", "https"),
    "http-page-https-api": (PLAIN_NAMED_PAGE, "api.example.test", "https"),
    "localhost-127": (LOCAL_PAGE, "127.0.0.1", "http"),
}
ATTRIBUTES = {
    "unspecified": "s=1; Path=/",
    "lax": "s=1; Path=/; SameSite=Lax",
    "strict": "s=1; Path=/; SameSite=Strict",
    "none-secure": "s=1; Path=/; SameSite=None; Secure",
    "none-insecure": "s=1; Path=/; SameSite=None",
    "secure": "s=1; Path=/; Secure",
    "partitioned": "s=1; Path=/; SameSite=None; Secure; Partitioned",
    "host-prefix": "__Host-s=1; Path=/; Secure; SameSite=None",
    "parent-domain": "s=1; Path=/; Domain=example.test; SameSite=None; Secure",
}
CROSS_PRODUCT = tuple(
    Scenario(f"x-{relation}-{attribute}", page, host, line, scheme=scheme)
    for relation, (page, host, scheme) in RELATIONSHIPS.items()
    for attribute, line in ATTRIBUTES.items()
) + tuple(
    Scenario(f"x-{relation}-{mode}", page, host, ATTRIBUTES["none-secure"], mode, scheme=scheme)
    for relation, (page, host, scheme) in RELATIONSHIPS.items()
    for mode in ("omit", "same-origin")
)
SCENARIOS = LISTED + CROSS_PRODUCT


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
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for the TLS port (Chromium is told to accept it)."""
    openssl = require_binary("openssl")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = str(folder / "key.pem"), str(folder / "cert.pem")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", "/CN=corsguard-cookie-tests"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return key, cert


@pytest.fixture(scope="module")
def ports(certificate: tuple[str, str]) -> Iterator[dict[str, int]]:
    key, cert = certificate
    with (
        serve_asgi(cookie_app) as plain,
        serve_asgi(cookie_app, ssl_keyfile=key, ssl_certfile=cert) as tls,
    ):
        yield {"http": int(plain.rsplit(":", 1)[1]), "https": int(tls.rsplit(":", 1)[1])}


def url_of(scenario: Scenario, ports: dict[str, int]) -> str:
    port = ports[scenario.scheme]
    return f"{scenario.scheme}://{scenario.host}:{port}/{scenario.slug}/{scenario.path}"


@pytest.fixture(scope="module", params=["allow", "block"])
def browser(request: pytest.FixtureRequest) -> Iterator[tuple[ThirdPartyCookies, Chromium]]:
    executable = require_binary("chromium", "/usr/bin/chromium")
    setting: ThirdPartyCookies = request.param
    with Chromium(
        executable,
        third_party_cookies=setting,
        disable_features=("LocalNetworkAccessChecks",),
        extra_args=EXTRA_ARGS,
    ) as chromium:
        yield setting, chromium


def observe(chromium: Chromium, scenario: Scenario, url: str) -> dict[str, Any]:
    verdict = chromium.fetch(
        FetchRequest(url, scenario.page, credentials=scenario.credentials), timeout=10
    )
    assert len(verdict.cookies) == 1, verdict
    return verdict.cookies[0].to_json()


def disagreements(
    scenario: Scenario, url: str, setting: ThirdPartyCookies, real: dict[str, Any]
) -> list[str]:
    context = CookieContext(scenario.page, url, scenario.credentials, setting)
    return cookie_disagreements(judge(scenario.line, context), real)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.slug for s in SCENARIOS])
def test_model_agrees_with_chromium(
    scenario: Scenario,
    ports: dict[str, int],
    browser: tuple[ThirdPartyCookies, Chromium],
) -> None:
    setting, chromium = browser
    url = url_of(scenario, ports)
    assert disagreements(scenario, url, setting, observe(chromium, scenario, url)) == []


def test_a_wrong_model_is_caught(
    ports: dict[str, int], browser: tuple[ThirdPartyCookies, Chromium]
) -> None:
    """The comparison fails when the model is judged under the other third-party setting."""
    setting, chromium = browser
    scenario = next(s for s in SCENARIOS if s.slug == "none-secure-cross-site")
    url = url_of(scenario, ports)
    wrong: ThirdPartyCookies = "block" if setting == "allow" else "allow"
    assert disagreements(scenario, url, wrong, observe(chromium, scenario, url)) != []


def test_a_missing_rule_is_caught(
    ports: dict[str, int],
    browser: tuple[ThirdPartyCookies, Chromium],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without its Domain rule the model stores what Chromium rejects, and the suite says so."""
    setting, chromium = browser
    scenario = next(s for s in SCENARIOS if s.slug == "domain-with-scheme")
    url = url_of(scenario, ports)
    real = observe(chromium, scenario, url)
    rules = tuple(r for r in store.STOPPING_RULES if r is not store.invalid_domain)
    monkeypatch.setattr(store, "STOPPING_RULES", rules)
    assert disagreements(scenario, url, setting, real) != []


def test_a_missing_cross_site_rule_is_caught(
    ports: dict[str, int],
    browser: tuple[ThirdPartyCookies, Chromium],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the rule that decides a cross-site response under each setting (SameSite when
    third-party cookies are allowed, the blocking itself when not), the model stores what an
    http page never gets from its https API, and the suite says so."""
    setting, chromium = browser
    scenario = next(s for s in SCENARIOS if s.slug == "x-http-page-https-api-unspecified")
    url = url_of(scenario, ports)
    real = observe(chromium, scenario, url)
    if setting == "allow":
        collected = tuple(r for r in store.COLLECTED_RULES if r is not store.same_site_cross_site)
        monkeypatch.setattr(store, "COLLECTED_RULES", collected)
    else:
        stopping = tuple(r for r in store.STOPPING_RULES if r is not store.third_party_blocked)
        monkeypatch.setattr(store, "STOPPING_RULES", stopping)
    assert disagreements(scenario, url, setting, real) != []


def test_the_suite_covers_the_cross_product() -> None:
    assert len(SCENARIOS) >= 80
    assert len({s.slug for s in SCENARIOS}) == len(SCENARIOS)
