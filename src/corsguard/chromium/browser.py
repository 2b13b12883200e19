"""One headless Chromium, many probes: each ``fetch()`` runs in a fresh browser context.

A fresh context has its own cookies, its own preflight cache and its own permissions, so one
probe never leaks into the next. The browser process is always closed: ``close()`` runs in
``finally`` blocks and on context-manager exit.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from corsguard.browser import FetchRequest
from corsguard.chromium import page
from corsguard.chromium.cookies import CookieEvents, ObservedCookie, observe
from corsguard.chromium.errors import launch_failed, missing_extra, probe_failed
from corsguard.chromium.events import ProbeEvents
from corsguard.chromium.executable import find_executable
from corsguard.chromium.verdict import ChromiumVerdict
from corsguard.cookies import ThirdPartyCookies
from corsguard.protocol.origin import is_loopback_host

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, CDPSession, Playwright

# Flags that keep a headless Chromium quiet and runnable as root in containers; none of them
# touches CORS, mixed content or Local Network Access.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The last --disable-features wins. Playwright's own list also turns off
    # AvoidCorsURLLoaderRestartOnRedirect (CORS redirect handling) and
    # ThirdPartyStoragePartitioning (cookie partitioning); this list keeps both as users'
    # browsers have them (the probe turns DevTools interception off before it fetches; see
    # _Driver._probe) and disables only automation noise. HttpsUpgrades stays off so that
    # a page on an http:// origin keeps that origin instead of being upgraded to https.
    "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,MediaRouter,"
    "OptimizationHints,DestroyProfileOnBrowserClose,PaintHolding,LensOverlay,"
    "AvoidUnnecessaryBeforeUnloadCheckSync,NetworkTimeServiceQuerying,AimEnabled,"
    "PreconnectToSearch",
)
# Chrome 142+ Local Network Access: a page on a public origin needs this permission to reach
# loopback or private addresses; granting it is what a user clicking "Allow" does.
LNA_PERMISSIONS = ["loopbackNetwork", "localNetwork"]
COOKIE_NAME = "corsguard_probe"
SETTLE_SECONDS = 1.0
# Chrome's profile preference for third-party cookies: 0 allows them (Chrome's default), 1
# blocks them (Debian's Chromium default, Chrome with the setting on).
COOKIE_CONTROLS_MODE = {"allow": 0, "block": 1}


def launch_args(disable_features: Sequence[str] = (), extra_args: Sequence[str] = ()) -> list[str]:
    """The probe's flags, ``disable_features`` added to its (last) ``--disable-features``."""
    added = "".join(f",{name}" for name in disable_features)
    args = [
        f"{arg}{added}" if arg.startswith("--disable-features=") else arg for arg in LAUNCH_ARGS
    ]
    return [*args, *extra_args]


class Chromium:
    """A headless Chromium driven over DevTools; use as a context manager or call ``close()``.

    ``grant_local_network_access`` grants the Local Network Access permission to the page's
    origin in every probe, so that a public frontend origin may call an API on loopback or a
    private network as it would after the user allowed the prompt; with ``False`` headless
    Chromium denies the prompt and reports ``LocalNetworkAccessPermissionDenied``. Pages on
    insecure origins (``http://`` other than localhost) cannot be granted it: Chromium reports
    ``InsecureLocalNetwork`` for them, as it does for real users.

    With ``third_party_cookies`` (``allow`` or ``block``) the browser runs one persistent
    profile with that setting in its preferences, and every probe also observes the cookies:
    what Chromium did with each ``Set-Cookie`` of the fetch and, when one was stored, whether
    a repeat of the request sent it (a GET or HEAD is sent twice; any other method is repeated
    as a plain GET, so its handler runs once). Each probe then starts
    from an empty cookie jar in a new tab; the preflight cache is the profile's. Without it
    every probe runs in a fresh browser context (third-party cookies blocked, as Incognito).
    ``disable_features`` and ``extra_args`` add launch flags (tests map host names to loopback).

    The browser is driven from one private thread: Playwright's synchronous API refuses to run
    where an asyncio loop is running (an async app, a test with an event loop, or another
    ``Chromium``), and the thread keeps every instance independent of its caller. Probes of
    one instance run one at a time.
    """

    def __init__(
        self,
        executable: str | None = None,
        *,
        grant_local_network_access: bool = True,
        launch_timeout: float = 30.0,
        third_party_cookies: ThirdPartyCookies | None = None,
        disable_features: Sequence[str] = (),
        extra_args: Sequence[str] = (),
    ) -> None:
        self.executable = find_executable(executable)
        self.grant_local_network_access = grant_local_network_access
        self.third_party_cookies = third_party_cookies
        try:
            import playwright.sync_api  # noqa: F401  (fail here, with the install hint)
        except ImportError as exc:
            raise missing_extra(exc) from exc
        started = time.monotonic()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="corsguard-chromium")
        try:
            driver = self._thread.submit(
                _Driver,
                self.executable,
                grant_local_network_access,
                launch_timeout,
                third_party_cookies,
                launch_args(disable_features, extra_args),
            ).result()
        except BaseException:
            self._thread.shutdown(wait=True)
            raise
        self._driver: _Driver | None = driver
        self.version: str = driver.version
        self.launch_seconds = time.monotonic() - started

    def close(self) -> None:
        """Close the browser, the driver and the thread; safe to call twice."""
        driver, self._driver = self._driver, None
        if driver is None:
            return
        try:
            self._thread.submit(driver.close).result()
        finally:
            self._thread.shutdown(wait=True)

    @property
    def closed(self) -> bool:
        return self._driver is None

    def __enter__(self) -> Chromium:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def fetch(self, request: FetchRequest, *, timeout: float = 15.0) -> ChromiumVerdict:
        """Run ``fetch(request.url, …)`` in a page whose origin is ``request.origin``."""
        driver = self._driver
        if driver is None:
            raise RuntimeError("this Chromium is closed; create a new one")
        return self._thread.submit(driver.fetch, request, timeout).result()


class _Driver:
    """Playwright and the browser process; every call comes from the same thread."""

    def __init__(
        self,
        executable: str,
        grant_lna: bool,
        launch_timeout: float,
        third_party_cookies: ThirdPartyCookies | None,
        args: list[str],
    ) -> None:
        from playwright.sync_api import sync_playwright

        self.grant_local_network_access = grant_lna
        self._playwright: Playwright | None = sync_playwright().start()
        self._browser: Browser | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._persistent: BrowserContext | None = None
        self._session: CDPSession | None = None
        self.version = ""
        try:
            if third_party_cookies is None:
                self._browser = self._playwright.chromium.launch(
                    executable_path=executable,
                    headless=True,
                    args=args,
                    timeout=launch_timeout * 1000,
                )
                self._session = self._browser.new_browser_cdp_session()
                self.version = self._browser.version
            else:
                self._profile = _profile(third_party_cookies)
                self._persistent = self._playwright.chromium.launch_persistent_context(
                    self._profile.name,
                    executable_path=executable,
                    headless=True,
                    args=args,
                    timeout=launch_timeout * 1000,
                    service_workers="block",
                )
                first = self._persistent.pages[0] if self._persistent.pages else None
                tab = first or self._persistent.new_page()
                product = self._persistent.new_cdp_session(tab).send("Browser.getVersion")
                self.version = str(product.get("product", "")).partition("/")[2]
        except Exception as exc:
            self.close()
            raise launch_failed(executable, exc) from exc

    def close(self) -> None:
        browser, self._browser = self._browser, None
        persistent, self._persistent = self._persistent, None
        driver, self._playwright = self._playwright, None
        profile, self._profile = self._profile, None
        try:
            if browser is not None:
                browser.close()
            if persistent is not None:
                persistent.close()
        finally:
            try:
                if driver is not None:
                    driver.stop()
            finally:
                if profile is not None:
                    profile.cleanup()

    def fetch(self, request: FetchRequest, timeout: float) -> ChromiumVerdict:
        from playwright.sync_api import Error

        browser, persistent = self._browser, self._persistent
        started = time.monotonic()
        try:
            if persistent is not None:
                persistent.clear_cookies()
                persistent.set_default_timeout(timeout * 1000)
                return self._probe(persistent, request, timeout, started)
            if browser is None:
                raise RuntimeError("this Chromium is closed; create a new one")
            context = browser.new_context(service_workers="block")
            try:
                context.set_default_timeout(timeout * 1000)
                return self._probe(context, request, timeout, started)
            finally:
                context.close()
        except Error as exc:
            # A crashed or hung browser: say so instead of leaking a driver traceback.
            raise probe_failed(request.url, exc) from exc

    def _probe(
        self, context: BrowserContext, request: FetchRequest, timeout: float, started: float
    ) -> ChromiumVerdict:
        tab = context.new_page()
        try:
            return self._probe_in(context, tab, request, timeout, started)
        finally:
            if self._persistent is not None:
                tab.close()

    def _probe_in(
        self,
        context: BrowserContext,
        tab: Any,
        request: FetchRequest,
        timeout: float,
        started: float,
    ) -> ChromiumVerdict:
        url = page.page_url(request.origin, request.url)
        events = ProbeEvents(url)
        cookies = CookieEvents(url)
        cdp = context.new_cdp_session(tab)
        _listen(cdp, tab, events, request.origin, url)
        if self._persistent is not None:
            cdp.on("Network.requestWillBeSent", cookies.request_will_be_sent)
            cdp.on("Network.responseReceivedExtraInfo", cookies.response_received_extra_info)
            cdp.on("Network.requestWillBeSentExtraInfo", cookies.request_will_be_sent_extra_info)
        cdp.send("Network.enable")
        self._grant(cdp, url)
        _add_cookie(context, request.url)
        cdp.send("Fetch.enable", {"patterns": [{"urlPattern": url}]})
        tab.goto(url)
        # Interception off before the fetch: with Fetch.enable active (whatever its patterns)
        # and Chromium's default AvoidCorsURLLoaderRestartOnRedirect, the request after a
        # 301/302/303 that turns it into a GET leaves without its Origin header, which no
        # user's browser does. The probe's requests must see the browser as users run it.
        cdp.send("Fetch.disable")
        init = {
            "method": request.method,
            "headers": [list(pair) for pair in request.headers],
            "credentials": request.credentials,
        }
        arguments = [request.url, init, page.script_body(request.body), timeout * 1000]
        outcome: dict[str, Any] = tab.evaluate(page.FETCH_SCRIPT, arguments)
        deadline = time.monotonic() + SETTLE_SECONDS
        while not events.settled(bool(outcome.get("ok"))) and time.monotonic() < deadline:
            tab.wait_for_timeout(10)  # lets DevTools events in
        observed: tuple[ObservedCookie, ...] = ()
        if self._persistent is not None:
            observed = _observe_cookies(context, tab, cookies, arguments)
        verdict = events.verdict(
            outcome,
            url=request.url,
            version=self.version,
            elapsed_ms=(time.monotonic() - started) * 1000,
        )
        return replace(verdict, cookies=observed)

    def _grant(self, cdp: CDPSession, url: str) -> None:
        if not self.grant_local_network_access:
            return
        context_id = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        from playwright.sync_api import Error

        # Insecure origins cannot hold the permission ("can't be granted in current context");
        # Chromium then reports InsecureLocalNetwork, which is the real behaviour.
        with contextlib.suppress(Error):
            (self._session or cdp).send(
                "Browser.grantPermissions",
                {"origin": origin, "browserContextId": context_id, "permissions": LNA_PERMISSIONS},
            )


def _profile(third_party_cookies: ThirdPartyCookies) -> tempfile.TemporaryDirectory[str]:
    """A new profile directory whose preferences hold the third-party cookie setting."""
    profile = tempfile.TemporaryDirectory(prefix="corsguard-chromium-")
    default = Path(profile.name) / "Default"
    default.mkdir()
    mode = COOKIE_CONTROLS_MODE[third_party_cookies]
    preferences = {"profile": {"cookie_controls_mode": mode}}
    (default / "Preferences").write_text(json.dumps(preferences), encoding="utf-8")
    return profile


def _observe_cookies(
    context: BrowserContext, tab: Any, cookies: CookieEvents, arguments: list[Any]
) -> tuple[ObservedCookie, ...]:
    """The first fetch's cookies; the fetch is repeated when one of them was stored."""
    main_id = cookies.main_ids[0] if cookies.main_ids else None
    if main_id is None:
        return ()
    _wait(tab, lambda: cookies.has_response(main_id))
    responses = cookies.set_cookie_responses(main_id)
    if not responses:
        return ()
    jar = {str(cookie.get("name")) for cookie in context.cookies()}
    repeat: dict[str, Any] | None = None
    if any(cookie.stored for cookie in observe(responses, jar, None)):
        seen = len(cookies.main_ids)
        tab.evaluate(page.FETCH_SCRIPT, _repeat_arguments(arguments))
        _wait(tab, lambda: len(cookies.main_ids) > seen)
        repeat_id = cookies.main_ids[seen] if len(cookies.main_ids) > seen else None
        if repeat_id is not None:
            _wait(tab, lambda: cookies.request_info(repeat_id) is not None)
            repeat = cookies.request_info(repeat_id)
    return observe(responses, jar, repeat)


def _repeat_arguments(arguments: list[Any]) -> list[Any]:
    """The fetch that shows whether the stored cookies are sent back.

    The same URL and credentials mode decide that, not the method: an unsafe request (POST,
    PUT, PATCH, DELETE, …) is repeated as a plain GET without headers or body, so the handler
    the user asked to run runs once, never twice; a GET or HEAD is repeated as it was.
    """
    url, init, _body, timeout_ms = arguments
    if str(init.get("method", "GET")).upper() in ("GET", "HEAD"):
        return arguments
    return [url, {**init, "method": "GET", "headers": {}}, None, timeout_ms]


def _wait(tab: Any, done: Any) -> None:
    """Until ``done()`` or ``SETTLE_SECONDS`` (DevTools events race with the script)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while not done() and time.monotonic() < deadline:
        tab.wait_for_timeout(10)


def _listen(cdp: CDPSession, tab: Any, events: ProbeEvents, origin: str, url: str) -> None:
    cdp.on("Network.requestWillBeSent", events.request_will_be_sent)
    cdp.on("Network.responseReceived", events.response_received)
    cdp.on("Network.responseReceivedExtraInfo", events.response_received_extra_info)
    cdp.on("Network.loadingFailed", events.loading_failed)
    cdp.on("Network.loadingFinished", events.loading_finished)
    tab.on("console", lambda message: events.console_message(message.text))

    def serve_page(event: dict[str, Any]) -> None:
        if event.get("request", {}).get("url") == url:
            cdp.send("Fetch.fulfillRequest", page.fulfill_params(event["requestId"], origin))
        else:
            cdp.send("Fetch.continueRequest", {"requestId": event["requestId"]})

    cdp.on("Fetch.requestPaused", serve_page)


def _add_cookie(context: BrowserContext, url: str) -> None:
    """A cookie for the target host, so ``credentials: "include"`` really sends one where the
    browser would (same-site targets; headless contexts block third-party cookies)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return
    if not host:
        return
    from playwright.sync_api import Error

    secure = parts.scheme == "https" or is_loopback_host(host)
    # A host the cookie store refuses (e.g. an IPv6 literal) is probed without a cookie.
    with contextlib.suppress(Error):
        context.add_cookies(
            [
                {
                    "name": COOKIE_NAME,
                    "value": "1",
                    "domain": host,
                    "path": "/",
                    "secure": secure,
                    "sameSite": "None" if secure else "Lax",
                }
            ]
        )


def check_in_chromium(
    request: FetchRequest,
    *,
    timeout: float = 15.0,
    executable: str | None = None,
    third_party_cookies: ThirdPartyCookies | None = None,
) -> ChromiumVerdict:
    """Launch Chromium, run one probe, close it (about 2 seconds); with ``third_party_cookies``
    the probe also observes the cookies under that setting (see ``Chromium``)."""
    with Chromium(executable, third_party_cookies=third_party_cookies) as chromium:
        return chromium.fetch(request, timeout=timeout)
