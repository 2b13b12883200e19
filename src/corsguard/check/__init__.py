"""``corsguard check``: predict Chrome's CORS verdict for one request and name the real cause.

``run_check(request, app=None)`` performs the exchange (over HTTP, or in-process against an
ASGI app), judges it with the browser model and diagnoses the result.
"""

from __future__ import annotations

from corsguard.check.exchange import AppError, CheckNetworkError
from corsguard.check.result import CheckResult
from corsguard.check.run import DEFAULT_TIMEOUT, run_check

__all__ = ["DEFAULT_TIMEOUT", "AppError", "CheckNetworkError", "CheckResult", "run_check"]
