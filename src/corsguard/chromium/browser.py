"""One headless Chromium, many probes: each ``fetch()`` runs in a fresh browser context.

A fresh context has its own cookies, its own preflight cache and its own permissions, so one
probe never leaks into the next. The browser process is always closed: ``close()`` runs in
``finally`` blocks and on context-manager exit.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from corsguard.browser import FetchRequest
from corsguard.chromium import page
from corsguard.chromium.errors import launch_failed, missing_extra, probe_failed
from corsguard.chromium.events import ProbeEvents
from corsguard.chromium.executable import find_executable
from corsguard.chromium.verdict import ChromiumVerdict
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


class Chromium:
    """A headless Chromium driven over DevTools; use as a context manager or call ``close()``.

    ``grant_local_network_access`` grants the Local Network Access permission to the page's
    origin in every probe, so that a public frontend origin may call an API on loopback or a
    private network as it would after the user allowed the prompt; with ``False`` headless
    Chromium denies the prompt and reports ``LocalNetworkAccessPermissionDenied``. Pages on
    insecure origins (``http://`` other than localhost) cannot be granted it: Chromium reports
    ``InsecureLocalNetwork`` for them, as it does for real users.

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
    ) -> None:
        self.executable = find_executable(executable)
        self.grant_local_network_access = grant_local_network_access
        try:
            import playwright.sync_api  # noqa: F401  (fail here, with the install hint)
        except ImportError as exc:
            raise missing_extra(exc) from exc
        started = time.monotonic()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="corsguard-chromium")
        try:
            driver = self._thread.submit(
                _Driver, self.executable, grant_local_network_access, launch_timeout
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

    def __init__(self, executable: str, grant_lna: bool, launch_timeout: float) -> None:
        from playwright.sync_api import sync_playwright

        self.grant_local_network_access = grant_lna
        self._playwright: Playwright | None = sync_playwright().start()
        self._browser: Browser | None = None
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=list(LAUNCH_ARGS),
                timeout=launch_timeout * 1000,
            )
            self._session = self._browser.new_browser_cdp_session()
        except Exception as exc:
            self.close()
            raise launch_failed(executable, exc) from exc
        self.version: str = self._browser.version

    def close(self) -> None:
        browser, self._browser = self._browser, None
        driver, self._playwright = self._playwright, None
        try:
            if browser is not None:
                browser.close()
        finally:
            if driver is not None:
                driver.stop()

    def fetch(self, request: FetchRequest, timeout: float) -> ChromiumVerdict:
        from playwright.sync_api import Error

        if self._browser is None:
            raise RuntimeError("this Chromium is closed; create a new one")
        started = time.monotonic()
        try:
            context = self._browser.new_context(service_workers="block")
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
        url = page.page_url(request.origin, request.url)
        events = ProbeEvents(url)
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        _listen(cdp, tab, events, request.origin, url)
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
        outcome: dict[str, Any] = tab.evaluate(
            page.FETCH_SCRIPT, [request.url, init, page.script_body(request.body), timeout * 1000]
        )
        deadline = time.monotonic() + SETTLE_SECONDS
        while not events.settled(bool(outcome.get("ok"))) and time.monotonic() < deadline:
            tab.wait_for_timeout(10)  # lets DevTools events in
        return events.verdict(
            outcome,
            url=request.url,
            version=self.version,
            elapsed_ms=(time.monotonic() - started) * 1000,
        )

    def _grant(self, cdp: CDPSession, url: str) -> None:
        if not self.grant_local_network_access:
            return
        context_id = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        from playwright.sync_api import Error

        # Insecure origins cannot hold the permission ("can't be granted in current context");
        # Chromium then reports InsecureLocalNetwork, which is the real behaviour.
        with contextlib.suppress(Error):
            self._session.send(
                "Browser.grantPermissions",
                {"origin": origin, "browserContextId": context_id, "permissions": LNA_PERMISSIONS},
            )


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
    request: FetchRequest, *, timeout: float = 15.0, executable: str | None = None
) -> ChromiumVerdict:
    """Launch Chromium, run one probe, close it (about 2 seconds)."""
    with Chromium(executable) as chromium:
        return chromium.fetch(request, timeout=timeout)
