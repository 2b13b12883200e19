"""The browser as a state machine: which requests ``fetch()`` sends, and what it concludes.

No I/O: the caller sends each ``next_request()`` however it likes (HTTP, in-process ASGI, a
test table) and hands the response to ``receive()``. The steps follow fetch.bs #main-fetch,
#http-fetch and #http-redirect-fetch in the order Chromium's ``CorsURLLoader`` runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from corsguard.browser import blocking, differences
from corsguard.browser.cors_check import AccessFailure, check_access
from corsguard.browser.errors import CorsError, console_message, mixed_content_message
from corsguard.browser.exposure import readable_headers
from corsguard.browser.preflight import (
    PreflightResult,
    check_preflight,
    needs_preflight,
    preflight_request,
    unsafe_header_names,
)
from corsguard.browser.redirects import (
    MAX_REDIRECTS,
    headers_after_redirect,
    is_unsafe_redirect,
    location_error,
    method_after_redirect,
    redirect_location,
    taints_origin,
)
from corsguard.browser.request import (
    FetchRequest,
    Headers,
    HttpRequest,
    HttpResponse,
    InvalidFetchRequest,
    prepare_author_request,
)
from corsguard.browser.urls import canonical_url
from corsguard.browser.verdict import Exchange, Verdict
from corsguard.codes import diagnosis
from corsguard.findings import Finding
from corsguard.protocol.origin import (
    NULL_ORIGIN,
    Origin,
    origin_of_url,
    parse_serialized_origin,
    same_origin,
)

BROWSERS = ("chromium",)


class BrowserFetch:
    """One ``fetch()`` call from a page, as Chrome runs it."""

    def __init__(self, request: FetchRequest, *, browser: str = "chromium") -> None:
        if browser not in BROWSERS:
            raise ValueError(f"unknown browser {browser!r}; the model implements chromium")
        self._request = request
        self._initiator: Origin | None = parse_serialized_origin(request.origin)
        self._include = request.credentials == "include"
        self._url = canonical_url(request.url)
        self._initial_url = self._url
        self._cors_flag = False
        self._tainted = False
        self._redirects = 0
        self._exchanges: list[Exchange] = []
        self._findings: list[Finding] = []
        self._cache: dict[tuple[str, str], PreflightResult] = {}
        self._pending: HttpRequest | None = None
        self._verdict: Verdict | None = None
        self._method = request.method
        self._headers: Headers = ()
        self._body = request.body
        try:
            self._method, self._headers, dropped = prepare_author_request(request)
        except InvalidFetchRequest as exc:
            # fetch() throws before anything is sent; the page sees only the TypeError.
            self._block(
                "invalid-request", f"TypeError: Failed to execute 'fetch' on 'Window': {exc}"
            )
            return
        if dropped:
            self._note(
                differences.finding(
                    diagnosis.FORBIDDEN_HEADER_DROPPED,
                    f"{self._url}: fetch() ignores the forbidden header(s) "
                    f"{', '.join(dropped)}; the browser never sends them from script",
                    location=self._url,
                    headers=dropped,
                )
            )
        self._start_hop()

    # -- public interface -------------------------------------------------------------------

    def next_request(self) -> HttpRequest | None:
        """The next request the browser sends, or ``None`` once the verdict is known."""
        return None if self._verdict is not None else self._pending

    def receive(self, response: HttpResponse) -> None:
        """The response to the last ``next_request()``."""
        request = self._pending
        if request is None or self._verdict is not None:
            raise RuntimeError("receive() called without a pending request")
        self._exchanges.append(Exchange(request, response))
        if request.is_preflight:
            self._receive_preflight(request, response)
        else:
            self._receive_actual(request, response)

    @property
    def verdict(self) -> Verdict:
        if self._verdict is None:
            raise RuntimeError("the fetch is not finished: send next_request() first")
        return self._verdict

    # -- hops -------------------------------------------------------------------------------

    @property
    def _request_origin(self) -> str:
        """The serialized origin this hop carries: ``null`` for opaque or tainted origins."""
        if self._tainted or self._initiator is None:
            return NULL_ORIGIN
        return self._request.origin

    def _start_hop(self) -> None:
        url = self._url
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            # fetch() of ftp:, file: and the like rejects with no CORS console message.
            self._block(
                "unsupported-scheme", f"Fetch API cannot load {url}. URL scheme is not supported."
            )
            return
        if blocking.is_mixed_content(self._request.origin, url):
            self._note(
                differences.finding(
                    diagnosis.MIXED_CONTENT,
                    f"{url}: the https page {self._request.origin} requests plain http; Chrome "
                    "blocks it before CORS runs",
                    "Serve the API over https and call it with an https:// URL.",
                    url,
                )
            )
            page = f"{self._request.origin}/"
            self._block("mixed-content", mixed_content_message(page, url))
            return
        if blocking.is_bad_port(url):
            self._note(
                differences.finding(
                    diagnosis.UNSAFE_PORT, f"{url}: browsers refuse this port", location=url
                )
            )
            self._block("unsafe-port", None, network_error="net::ERR_UNSAFE_PORT")
            return
        lna = differences.local_network_access(self._request.origin, url)
        if lna is not None:
            self._note(lna)
            space = blocking.local_network_target(self._request.origin, url)
            if space is not None and not blocking.is_secure_context(self._request.origin):
                # lna.bs: a request from a non-secure context to a more private address
                # space fails outright; there is no permission to ask for.
                self._fail(AccessFailure(CorsError.INSECURE_LOCAL_NETWORK, "", "", hint=space), url)
                return
        self._cors_flag = self._cors_flag or not same_origin(self._initiator, origin_of_url(url))
        if not self._cors_flag:
            self._pending = self._actual_request()
            return
        unsafe = unsafe_header_names(self._headers)
        self._note(
            differences.chromium_only_safelist(
                self._headers, unsafe, unsafe_header_names(self._headers, chromium=False), url
            )
        )
        if needs_preflight(self._method, self._headers) and not self._cached(unsafe):
            self._pending = preflight_request(
                url, self._request_origin, self._method, self._headers, initiator=self._initiator
            )
        else:
            self._pending = self._actual_request()

    def _cached(self, unsafe: list[str]) -> bool:
        entry = self._cache.get((self._request_origin, self._url))
        return entry is not None and entry.allows(
            self._method, unsafe, include_credentials=self._include
        )

    def _actual_request(self) -> HttpRequest:
        lines = list(self._headers)
        if not any(name.lower() == "accept" for name, _ in lines):
            lines.insert(0, ("Accept", "*/*"))
        # fetch.bs #append-a-request-origin-header: CORS requests and non-GET/HEAD requests.
        if self._cors_flag or self._method not in ("GET", "HEAD"):
            lines.append(("Origin", self._request_origin))
        lines += [
            ("Sec-Fetch-Mode", "cors"),
            ("Sec-Fetch-Site", fetch_site(self._initiator, self._url)),
            ("Sec-Fetch-Dest", "empty"),
        ]
        return HttpRequest(self._method, self._url, tuple(lines), False, self._body)

    def _receive_preflight(self, request: HttpRequest, response: HttpResponse) -> None:
        unsafe = unsafe_header_names(self._headers)
        result, failure = check_preflight(
            response,
            origin=self._request_origin,
            method=self._method,
            unsafe_names=unsafe,
            include_credentials=self._include,
        )
        self._note(differences.max_age_caps(response, request.url))
        if failure is not None or result is None:
            self._fail(failure, request.url)
            return
        self._note(differences.authorization_under_wildcard(result, unsafe, request.url))
        if result.max_age > 0:
            self._cache[(self._request_origin, self._url)] = result
        self._pending = self._actual_request()

    def _receive_actual(self, request: HttpRequest, response: HttpResponse) -> None:
        new_url = redirect_location(response, request.url)
        if new_url is not None and is_unsafe_redirect(new_url):
            self._block("network-error", None, network_error="net::ERR_UNSAFE_REDIRECT")
            return
        if self._cors_flag:
            # fetch.bs #http-fetch step 4.4: every response, redirects and errors included.
            failure = check_access(
                response, self._request_origin, include_credentials=self._include
            )
            if failure is not None:
                self._fail(failure, request.url)
                return
        if new_url is None:
            self._finish_allowed(response)
            return
        if self._redirects >= MAX_REDIRECTS:
            self._note(
                differences.finding(
                    diagnosis.TOO_MANY_REDIRECTS,
                    f"{self._initial_url}: more than {MAX_REDIRECTS} redirects",
                    location=self._initial_url,
                )
            )
            self._block("network-error", None, network_error="net::ERR_TOO_MANY_REDIRECTS")
            return
        self._redirects += 1
        error = location_error(new_url, self._initiator, tainted=self._tainted)
        if error is CorsError.CORS_DISABLED_SCHEME:
            # Chromium names the new location as the URL it refused, "redirected from" the first.
            self._url = new_url
            self._fail(AccessFailure(error, "", "location"), new_url)
            return
        if error is not None:
            # Chromium 156 reports RedirectContainsCredentials with an empty parameter, at the
            # URL that redirected.
            self._fail(AccessFailure(error, "", "location"), request.url)
            return
        method = method_after_redirect(response.status, self._method)
        method_changed = method != self._method
        cross_origin = not same_origin(origin_of_url(request.url), origin_of_url(new_url))
        self._headers, _ = headers_after_redirect(
            self._headers, cross_origin=cross_origin, method_changed=method_changed
        )
        if method_changed:
            self._body = None
        self._method = method
        self._tainted = self._tainted or taints_origin(request.url, new_url, self._initiator)
        self._url = canonical_url(new_url)
        self._start_hop()

    # -- endings ----------------------------------------------------------------------------

    def _note(self, finding: Finding | None) -> None:
        if finding is not None and finding not in self._findings:
            self._findings.append(finding)

    def _finish_allowed(self, response: HttpResponse) -> None:
        self._verdict = Verdict(
            allowed=True,
            cors_error=None,
            console_message=None,
            failed_parameter=None,
            blocked_reason=None,
            exchanges=tuple(self._exchanges),
            readable_headers=readable_headers(
                response, cors=self._cors_flag, include_credentials=self._include
            ),
            findings=tuple(self._findings),
            status=response.status,
            url=self._url,
            decisive_exchange=len(self._exchanges) - 1,
            decisive_header="access-control-allow-origin" if self._cors_flag else None,
            tainted_origin=self._tainted,
        )

    def _fail(self, failure: AccessFailure | None, url: str) -> None:
        if failure is None:  # pragma: no cover - check_preflight returns one of the pair
            raise RuntimeError("a failed check without a failure")
        message = console_message(
            failure.error,
            url=url,
            origin=self._request.origin,
            failed_parameter=failure.hint if failure.hint is not None else failure.failed_parameter,
            initial_url=self._initial_url if self._redirects else None,
        )
        self._verdict = Verdict(
            allowed=False,
            cors_error=failure.error.value,
            console_message=message,
            failed_parameter=failure.failed_parameter or "",
            blocked_reason=None,
            exchanges=tuple(self._exchanges),
            readable_headers=(),
            findings=tuple(self._findings),
            status=self._exchanges[-1].response.status if self._exchanges else None,
            url=url,
            decisive_exchange=len(self._exchanges) - 1 if self._exchanges else None,
            decisive_header=failure.header,
            network_error="net::ERR_FAILED",
            tainted_origin=self._tainted,
        )

    def _block(self, reason: str, message: str | None, *, network_error: str | None = None) -> None:
        self._pending = None
        self._verdict = Verdict(
            allowed=False,
            cors_error=None,
            console_message=message,
            failed_parameter=None,
            blocked_reason=reason,
            exchanges=tuple(self._exchanges),
            readable_headers=(),
            findings=tuple(self._findings),
            status=None,
            url=self._url,
            network_error=network_error,
            tainted_origin=self._tainted,
        )


def fetch_site(initiator: Origin | None, url: str) -> str:
    target = origin_of_url(url)
    if initiator is None or target is None:
        return "cross-site"
    if initiator == target:
        return "same-origin"
    if initiator.scheme == target.scheme and _site(initiator.host) == _site(target.host):
        return "same-site"
    return "cross-site"


def _site(host: str) -> str:
    # Without the public suffix list: the last two labels, or the whole IP literal.
    if host.startswith("[") or host.replace(".", "").isdigit():
        return host
    return ".".join(host.split(".")[-2:])


def simulate(request: FetchRequest, send: Callable[[HttpRequest], HttpResponse]) -> Verdict:
    """Run one ``fetch()`` to its verdict, sending each request through ``send``."""
    fetch = BrowserFetch(request)
    while (outgoing := fetch.next_request()) is not None:
        fetch.receive(send(outgoing))
    return fetch.verdict
