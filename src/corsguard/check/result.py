"""The result of ``corsguard check``: the model's verdict, the exchanges, the diagnosis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corsguard.browser import Exchange, FetchRequest, Verdict
from corsguard.browser.verdict import exchange_to_json, headers_to_json
from corsguard.check.exchange import AppError
from corsguard.cookies import CookieVerdict
from corsguard.findings import Finding


def by_severity(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Highest severity first; equal severities keep their order (the root cause first)."""
    return tuple(sorted(findings, key=lambda finding: -finding.severity))


@dataclass(frozen=True)
class CheckResult:
    request: FetchRequest
    verdict: Verdict
    findings: tuple[Finding, ...]  # highest severity first; for equal ones, the root cause first
    elapsed_ms: float
    transport: str  # "http" or "asgi"
    app_errors: tuple[AppError, ...] = ()
    probes: tuple[Exchange, ...] = ()  # extra preflights the diagnosis sent to find the cause
    cookies: tuple[CookieVerdict, ...] = ()  # every Set-Cookie in the exchanges, in order

    @property
    def allowed(self) -> bool:
        return self.verdict.allowed

    @property
    def preflight(self) -> Exchange | None:
        """The preflight that decided: the last one sent, or ``None`` without a preflight."""
        preflights = self.verdict.preflights
        return preflights[-1] if preflights else None

    @property
    def actual(self) -> Exchange | None:
        """The last actual request and its response; ``None`` when a preflight failed first."""
        exchanges = self.verdict.exchanges
        if not exchanges or exchanges[-1].request.is_preflight:
            return None
        return exchanges[-1]

    def _needs_json(self) -> dict[str, Any] | None:
        from corsguard.check.needs import needs

        wanted = needs(self.request, self.verdict)
        if wanted is None:
            return None
        preflight = headers_to_json(wanted.preflight) if wanted.preflight is not None else None
        return {"preflight": preflight, "actual": headers_to_json(wanted.actual)}

    def to_json(self) -> dict[str, Any]:
        verdict = self.verdict
        preflight, actual = self.preflight, self.actual
        return {
            "allowed": verdict.allowed,
            "cors_error": verdict.cors_error,
            "console_message": verdict.console_message,
            "failed_parameter": verdict.failed_parameter,
            "blocked_reason": verdict.blocked_reason,
            "network_error": verdict.network_error,
            "status": verdict.status,
            "request": {
                "url": self.request.url,
                "origin": self.request.origin,
                "method": self.request.method,
                "headers": headers_to_json(self.request.headers),
                "credentials": self.request.credentials,
            },
            "preflight": exchange_to_json(preflight) if preflight else None,
            "actual": exchange_to_json(actual) if actual else None,
            "exchanges": [exchange_to_json(e) for e in verdict.exchanges],
            "readable_headers": list(verdict.readable_headers),
            "needs": self._needs_json(),
            "cookies": [cookie.to_json() for cookie in self.cookies],
            "findings": [f.to_json() for f in self.findings],
            "probes": [exchange_to_json(e) for e in self.probes],
            "elapsed_ms": round(self.elapsed_ms, 2),
            "transport": self.transport,
        }
