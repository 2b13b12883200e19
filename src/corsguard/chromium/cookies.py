"""What real Chromium did with each ``Set-Cookie``: stored or blocked (with reasons), then sent.

DevTools gives its own account of both halves:

- ``Network.responseReceivedExtraInfo`` of every hop of the fetch carries the raw
  ``Set-Cookie`` lines and ``blockedCookies`` (Chromium's ``SetCookieBlockedReason`` names per
  line); a line not listed there is stored if the profile holds the cookie afterwards (a
  line Chromium drops silently, such as one on a fetch without credentials, is neither);
- ``Network.requestWillBeSentExtraInfo`` of a repeat of the same request carries
  ``associatedCookies``: a cookie listed with no ``blockedReasons`` was sent, one with
  reasons (``CookieBlockedReason`` names) was not, and one missing was not considered.

``cookie_disagreements`` compares an observation with the model's verdict. Chromium 156
reports the ``Schemeful…`` variant of every SameSite exclusion where the model names the
plain one, and names nothing for the drops corsguard names itself: both count as agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corsguard.cookies import CookieVerdict

# Reasons DevTools never reports: the model names them, Chromium drops the line silently.
SILENT_REASONS = frozenset(
    {"CredentialsNotIncluded", "InvalidPartitioned", "OtherPartition", "Expired"}
)


@dataclass(frozen=True)
class ObservedCookie:
    """One ``Set-Cookie`` line as Chromium handled it; ``sent`` is ``None`` when not stored."""

    name: str
    stored: bool
    reasons: tuple[str, ...]
    sent: bool | None
    send_reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The fields of the model's ``cookies`` entries, plus every reason Chromium gave."""
        return {
            "name": self.name,
            "stored": self.stored,
            "reason": self.reasons[0] if self.reasons else None,
            "sent": self.sent,
            "send_reason": self.send_reasons[0] if self.send_reasons else None,
            "reasons": list(self.reasons),
            "send_reasons": list(self.send_reasons),
        }


@dataclass
class CookieEvents:
    """Collects the cookie events of one page; filled by DevTools callbacks."""

    page_url: str
    main_ids: list[str] = field(default_factory=list)  # non-preflight requests, in order
    responses: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def request_will_be_sent(self, event: dict[str, Any]) -> None:
        if event.get("request", {}).get("url") == self.page_url:
            return
        if event.get("initiator", {}).get("type") == "preflight":
            return
        request_id = str(event.get("requestId"))
        if request_id not in self.main_ids:
            self.main_ids.append(request_id)

    def response_received_extra_info(self, event: dict[str, Any]) -> None:
        self.responses.append(event)

    def request_will_be_sent_extra_info(self, event: dict[str, Any]) -> None:
        self.requests.append(event)

    def has_response(self, request_id: str) -> bool:
        return any(str(r.get("requestId")) == request_id for r in self.responses)

    def request_info(self, request_id: str) -> dict[str, Any] | None:
        return next((r for r in self.requests if str(r.get("requestId")) == request_id), None)

    def set_cookie_responses(self, request_id: str) -> list[dict[str, Any]]:
        """The raw responses of every hop of ``request_id`` that set cookies, in order."""
        return [
            r
            for r in self.responses
            if str(r.get("requestId")) == request_id and set_cookie_lines(r)
        ]


def set_cookie_lines(response: dict[str, Any]) -> list[str]:
    """The ``Set-Cookie`` lines of a raw response (DevTools joins them with newlines)."""
    headers = response.get("headers", {})
    values = [str(v) for k, v in headers.items() if k.lower() == "set-cookie"]
    return [line for value in values for line in value.split("\n") if line]


def observe(
    responses: list[dict[str, Any]], jar: set[str], repeat: dict[str, Any] | None
) -> tuple[ObservedCookie, ...]:
    """Each ``Set-Cookie`` line of ``responses`` (in order), given the names in the profile
    after them (``jar``) and the repeat's ``requestWillBeSentExtraInfo`` (``None``: no repeat)."""
    observed: list[ObservedCookie] = []
    for response in responses:
        blocked = response.get("blockedCookies", [])
        for line in set_cookie_lines(response):
            name = line.partition(";")[0].partition("=")[0].strip()
            entry = next((b for b in blocked if b.get("cookieLine") == line), None)
            reasons = tuple(entry.get("blockedReasons", ())) if entry else ()
            if reasons or name not in jar:
                observed.append(ObservedCookie(name, False, reasons, None, ()))
                continue
            associated = [
                a
                for a in (repeat or {}).get("associatedCookies", [])
                if a.get("cookie", {}).get("name") == name
            ]
            send_reasons = tuple(associated[0].get("blockedReasons", ())) if associated else ()
            sent = bool(associated) and not send_reasons
            observed.append(ObservedCookie(name, True, (), sent, send_reasons))
    return tuple(observed)


def _plain(reasons: tuple[str, ...] | list[str]) -> set[str]:
    return {reason.removeprefix("Schemeful") for reason in reasons} - SILENT_REASONS


def cookie_disagreements(model: CookieVerdict, real: dict[str, Any]) -> list[str]:
    """How Chromium's observation (``ObservedCookie.to_json()``) differs from the model's
    verdict on the same line: empty when they agree on stored, reasons, sent and send reasons."""
    problems = []
    if model.stored != real.get("stored"):
        problems.append(f"stored: chromium {real.get('stored')}, model {model.stored}")
    if _plain(real.get("reasons", ())) != _plain(model.storing.reasons):
        problems.append(f"reasons: chromium {real.get('reasons')}, model {model.storing.reasons}")
    if model.sent != real.get("sent"):
        problems.append(f"sent: chromium {real.get('sent')}, model {model.sent}")
    model_send = model.sending.reasons if model.sending is not None else ()
    if _plain(real.get("send_reasons", ())) != _plain(model_send):
        problems.append(f"send reasons: chromium {real.get('send_reasons')}, model {model_send}")
    return problems
