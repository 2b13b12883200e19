"""DevTools events of one probe, and the verdict they add up to.

Chromium reports a CORS failure on the *main* request (``Network.loadingFailed`` with
``corsErrorStatus``), preflight failures included (their names start with ``Preflight``);
preflights also appear as requests of their own with ``initiator.type == "preflight"``.
The console line (``Access to fetch at …``) arrives separately, on the page's console.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from corsguard.chromium.verdict import ChromiumVerdict

# Console lines that explain a block; "Failed to load resource: net::ERR_FAILED" follows every
# CORS failure and says nothing more.
_EXPLAINING_PREFIXES = ("Access to fetch at ", "Mixed Content: ")


@dataclass
class ProbeEvents:
    """Collects the events of one page; mutable, filled by DevTools callbacks."""

    page_url: str
    answered: list[str] = field(default_factory=list)  # "METHOD URL STATUS", in order
    current: dict[str, tuple[str, str]] = field(default_factory=dict)  # requestId -> hop
    main_id: str | None = None
    preflight_ids: set[str] = field(default_factory=set)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)
    statuses: dict[str, int] = field(default_factory=dict)
    raw_statuses: dict[str, int] = field(default_factory=dict)  # latest status on the wire
    console: list[str] = field(default_factory=list)

    def request_will_be_sent(self, event: dict[str, Any]) -> None:
        request = event.get("request", {})
        url = str(request.get("url", ""))
        if url == self.page_url:
            return
        request_id = str(event.get("requestId"))
        if event.get("initiator", {}).get("type") == "preflight":
            self.preflight_ids.add(request_id)
        elif self.main_id is None:
            self.main_id = request_id
        # A redirect reuses the request id; the hop it leaves got this response.
        self._answer(request_id, event.get("redirectResponse"))
        self.current[request_id] = (str(request.get("method", "?")), url)

    def response_received(self, event: dict[str, Any]) -> None:
        request_id = str(event.get("requestId"))
        status = event.get("response", {}).get("status")
        if isinstance(status, int):
            self.statuses[request_id] = status
        self._answer(request_id, event.get("response"))

    def response_received_extra_info(self, event: dict[str, Any]) -> None:
        # Sent for responses the CORS check then blocks, which get no responseReceived.
        status = event.get("statusCode")
        if isinstance(status, int):
            self.raw_statuses[str(event.get("requestId"))] = status

    def exchanges(self) -> tuple[str, ...]:
        """Answered requests, plus a last hop whose response CORS kept from the page."""
        blocked = [
            f"{method} {url} {self.raw_statuses[request_id]}"
            for request_id, (method, url) in self.current.items()
            if request_id in self.raw_statuses
        ]
        return (*self.answered, *blocked)

    def _answer(self, request_id: str, response: dict[str, Any] | None) -> None:
        # Only requests that got an answer are listed: an actual request held back by a
        # failed preflight is announced by DevTools but never reaches the server.
        hop = self.current.pop(request_id, None)
        if hop is not None and response is not None:
            self.answered.append(f"{hop[0]} {hop[1]} {response.get('status')}")

    def loading_failed(self, event: dict[str, Any]) -> None:
        self.failures[str(event.get("requestId"))] = event

    def loading_finished(self, event: dict[str, Any]) -> None:
        self.finished.add(str(event.get("requestId")))

    def console_message(self, text: str) -> None:
        if text.startswith(_EXPLAINING_PREFIXES):
            self.console.append(text)

    # -- settling ---------------------------------------------------------------------------

    def settled(self, script_ok: bool) -> bool:
        """Every event the verdict needs has arrived (they race with the script's promise)."""
        if self.main_id is None:
            return True
        failure = self.failures.get(self.main_id)
        if failure is None:
            return script_ok or self.main_id in self.finished
        explained = failure.get("corsErrorStatus") or failure.get("blockedReason")
        return not explained or bool(self.console)

    def verdict(
        self, outcome: dict[str, Any], *, url: str, version: str, elapsed_ms: float
    ) -> ChromiumVerdict:
        """Map the script's outcome and the main request's events to a verdict."""
        failure = self.failures.get(self.main_id or "", {})
        cors = failure.get("corsErrorStatus") or {}
        allowed = bool(outcome.get("ok"))
        status = outcome.get("status") if allowed else self.statuses.get(self.main_id or "")
        error_text: str | None = failure.get("errorText") or None
        blocked_reason: str | None = failure.get("blockedReason") or None
        if outcome.get("name") == "TimeoutError":
            # The probe's own deadline aborted the fetch (net::ERR_ABORTED on the request).
            error_text = "timeout"
        elif not allowed and not failure:
            # No network failure: fetch() threw before sending anything.
            error_text = str(outcome.get("error") or "") or None
            if self.main_id is None:
                web = urlsplit(url).scheme.lower() in ("http", "https")
                blocked_reason = "invalid-request" if web else "unsupported-scheme"
        cors_error = cors.get("corsError") or None
        return ChromiumVerdict(
            allowed=allowed,
            cors_error=cors_error,
            console_message=self.console[0] if self.console and not allowed else None,
            version=version,
            status=status if isinstance(status, int) else None,
            failed_parameter=cors.get("failedParameter") if cors_error else None,
            blocked_reason=blocked_reason,
            error_text=error_text if not allowed else None,
            url=str(outcome.get("url") or url),
            exchanges=self.exchanges(),
            readable_headers=tuple(outcome.get("headers") or ()),
            elapsed_ms=elapsed_ms,
        )
