"""From the browser's symptom to the real cause and its fix.

The console names what failed (a missing header); a developer needs why (a 500 page, a
trailing-slash redirect, an auth layer in front of CORS, the CORS policy itself, two layers
adding the header) and the change that fixes it, in corsguard, FastAPI or nginx terms.

``diagnose`` walks two tables of small rules: ``causes.CAUSES`` (the first that applies names
the root cause of a blocked verdict) and ``hazards.HAZARDS`` (every one that applies, blocked
or allowed); then ``cookie_causes`` says why each cookie is not stored or not sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from corsguard.browser import FetchRequest, Verdict
from corsguard.browser.differences import finding
from corsguard.check.causes import cause
from corsguard.check.configuration import CorsConfiguration
from corsguard.check.cookie_causes import cookie_findings
from corsguard.check.evidence import Evidence
from corsguard.check.exchange import AppError
from corsguard.check.hazards import hazards
from corsguard.check.probes import Probes
from corsguard.codes import diagnosis as codes
from corsguard.cookies import CookieVerdict
from corsguard.findings import Finding


def diagnose(
    request: FetchRequest,
    verdict: Verdict,
    app_errors: Sequence[AppError] = (),
    *,
    probes: Probes | None = None,
    configuration: Callable[[], CorsConfiguration | None] | None = None,
    cookies: Sequence[CookieVerdict] = (),
) -> list[Finding]:
    """Root causes for a blocked verdict, plus hazards seen in any verdict.

    ``probes`` lets rules send extra preflights to find out which part of a policy refused;
    ``configuration`` reads the app's CORS configuration (in-process checks) when a rule
    needs it.
    """
    e = Evidence(request, verdict, list(app_errors), probes, configuration, tuple(cookies))
    found: list[Finding] = []
    if verdict.cors_error is not None and verdict.exchanges:
        root = cause(e)
        if root is not None:
            found.append(root)
    found += hazards(e)
    found += cookie_findings(e)
    if verdict.allowed and not verdict.decisive_header and verdict.exchanges:
        found.append(
            finding(
                codes.SAME_ORIGIN,
                f"{verdict.url}: same-origin as {request.origin}; the browser does not apply CORS",
                location=verdict.url,
            )
        )
    return found
