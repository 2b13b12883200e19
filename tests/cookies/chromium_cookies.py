"""What real Chromium does with each Set-Cookie: stored or blocked (with reasons), then sent.

One headless Chromium per third-party setting, each a persistent profile: ``allow`` writes
``{"profile": {"cookie_controls_mode": 0}}`` into the profile's Preferences before launch (as
Chrome's default), ``block`` leaves Debian's default (third-party cookies blocked). Every
scenario clears the cookies, opens a page whose origin DevTools serves (the probe page of
``corsguard.chromium.page``), fetches the URL twice, and reads DevTools' own account:

- ``Network.responseReceivedExtraInfo``: ``blockedCookies`` (reasons per ``Set-Cookie`` line);
  a line not listed there is stored if the profile holds the cookie afterwards;
- ``Network.requestWillBeSentExtraInfo`` of the repeat: ``associatedCookies`` (an empty
  ``blockedReasons`` means sent).

Every host name resolves to loopback (``--host-resolver-rules``), the scenario server's
self-signed certificate is accepted, and Local Network Access checks are off, so that pages
on real-looking names (``http://app.example.test``) can call APIs on other names; none of
these touch cookies.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corsguard.browser.request import Credentials
from corsguard.chromium import page
from corsguard.chromium.browser import LAUNCH_ARGS, LNA_PERMISSIONS
from corsguard.cookies import ThirdPartyCookies
from corsguard.cookies.sites import is_secure_url

EXTRA_ARGS = ("--host-resolver-rules=MAP * 127.0.0.1", "--ignore-certificate-errors")


def launch_args() -> list[str]:
    """The probe's flags, Local Network Access checks added to its (last) --disable-features."""
    args = [
        f"{arg},LocalNetworkAccessChecks" if arg.startswith("--disable-features=") else arg
        for arg in LAUNCH_ARGS
    ]
    return [*args, *EXTRA_ARGS]


@dataclass(frozen=True)
class Observed:
    name: str
    stored: bool
    reasons: tuple[str, ...]
    sent: bool | None
    send_reasons: tuple[str, ...]


class CookieBrowser:
    """A persistent Chromium profile under one third-party setting; close() when done."""

    def __init__(self, executable: str, third_party: ThirdPartyCookies) -> None:
        from playwright.sync_api import sync_playwright

        self._profile = tempfile.TemporaryDirectory(prefix="corsguard-cookies-")
        if third_party == "allow":
            default = Path(self._profile.name) / "Default"
            default.mkdir()
            preferences = {"profile": {"cookie_controls_mode": 0}}
            (default / "Preferences").write_text(json.dumps(preferences), encoding="utf-8")
        self._playwright = sync_playwright().start()
        try:
            self._context = self._playwright.chromium.launch_persistent_context(
                self._profile.name,
                executable_path=executable,
                headless=True,
                args=launch_args(),
                service_workers="block",
            )
        except BaseException:
            self._playwright.stop()
            self._profile.cleanup()
            raise
        self._context.set_default_timeout(10_000)

    def close(self) -> None:
        try:
            self._context.close()
        finally:
            self._playwright.stop()
            self._profile.cleanup()

    def observe(self, page_origin: str, url: str, credentials: Credentials) -> list[Observed]:
        self._context.clear_cookies()
        tab = self._context.new_page()
        try:
            return self._observe(tab, page_origin, url, credentials)
        finally:
            tab.close()

    def _observe(
        self, tab: Any, page_origin: str, url: str, credentials: Credentials
    ) -> list[Observed]:
        page_url = page.page_url(page_origin, url)
        cdp = self._context.new_cdp_session(tab)
        responses: list[dict[str, Any]] = []
        requests: list[dict[str, Any]] = []
        # Playwright wants Python functions as handlers, not bound built-ins.
        cdp.on("Network.responseReceivedExtraInfo", lambda event: responses.append(event))
        cdp.on("Network.requestWillBeSentExtraInfo", lambda event: requests.append(event))

        def serve_page(event: dict[str, Any]) -> None:
            if event.get("request", {}).get("url") == page_url:
                cdp.send(
                    "Fetch.fulfillRequest", page.fulfill_params(event["requestId"], page_origin)
                )
            else:
                cdp.send("Fetch.continueRequest", {"requestId": event["requestId"]})

        cdp.on("Fetch.requestPaused", serve_page)
        cdp.send("Network.enable")
        if is_secure_url(page_origin):
            # Local Network Access, in case the checks run after all: a secure page may reach
            # loopback once the user allows it.
            cdp.send(
                "Browser.grantPermissions",
                {"origin": page_origin, "permissions": LNA_PERMISSIONS},
            )
        cdp.send("Fetch.enable", {"patterns": [{"urlPattern": page_url}]})
        tab.goto(page_url)
        cdp.send("Fetch.disable")
        init = {"method": "GET", "headers": [], "credentials": credentials}
        tab.evaluate(page.FETCH_SCRIPT, [url, init, None, 10_000])
        _settle(tab, lambda: any(r for r in responses if _set_cookie_lines(r)))
        first = next((r for r in responses if _set_cookie_lines(r)), {})
        requests.clear()
        tab.evaluate(page.FETCH_SCRIPT, [url, init, None, 10_000])
        _settle(tab, lambda: any(r.get("headers", {}).get("Origin") for r in requests))
        repeat = next((r for r in requests if r.get("headers", {}).get("Origin")), {})
        jar = {c["name"] for c in self._context.cookies()}
        return [_observed(line, first, repeat, jar) for line in _set_cookie_lines(first)]


def _settle(tab: Any, done: Any) -> None:
    deadline = time.monotonic() + 3
    while not done() and time.monotonic() < deadline:
        tab.wait_for_timeout(10)
    tab.wait_for_timeout(50)  # the other ExtraInfo events of the same request


def _set_cookie_lines(response: dict[str, Any]) -> list[str]:
    headers = response.get("headers", {})
    value = next((v for k, v in headers.items() if k.lower() == "set-cookie"), "")
    return [line for line in str(value).split("\n") if line]


def _observed(
    line: str, response: dict[str, Any], repeat: dict[str, Any], jar: set[str]
) -> Observed:
    name = line.partition(";")[0].partition("=")[0].strip()
    blocked = next((b for b in response.get("blockedCookies", []) if b["cookieLine"] == line), None)
    reasons = tuple(blocked["blockedReasons"]) if blocked else ()
    stored = not reasons and name in jar
    if not stored:
        return Observed(name, False, reasons, None, ())
    associated = [
        a for a in repeat.get("associatedCookies", []) if a.get("cookie", {}).get("name") == name
    ]
    if not associated:
        return Observed(name, True, (), False, ())
    send_reasons = tuple(associated[0].get("blockedReasons", []))
    return Observed(name, True, (), not send_reasons, send_reasons)
