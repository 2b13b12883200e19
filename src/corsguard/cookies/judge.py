"""One ``Set-Cookie`` judged end to end: stored or not, then sent or not on the next request."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from corsguard.cookies.context import CookieContext
from corsguard.cookies.send import SendDecision, send
from corsguard.cookies.store import StoreDecision, store


@dataclass(frozen=True, slots=True)
class CookieVerdict:
    """What the browser does with one ``Set-Cookie`` line; ``sending`` is ``None`` if not stored."""

    context: CookieContext
    storing: StoreDecision
    sending: SendDecision | None
    next_url: str

    @property
    def name(self) -> str:
        return self.storing.name

    @property
    def stored(self) -> bool:
        return self.storing.stored

    @property
    def sent(self) -> bool | None:
        return None if self.sending is None else self.sending.sent

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stored": self.stored,
            "reason": self.storing.reason,
            "sent": self.sent,
            "send_reason": None if self.sending is None else self.sending.reason,
        }


def judge(line: str, context: CookieContext, next_url: str | None = None) -> CookieVerdict:
    """Store ``line`` as received from ``context.url``; then send it to ``next_url``.

    ``next_url`` defaults to a repeat of the same request (same URL, same page, same mode).
    """
    storing = store(line, context)
    following = replace(context, url=next_url or context.url, preflight=False)
    sending = send(storing, following) if storing.stored else None
    return CookieVerdict(context, storing, sending, following.url)
