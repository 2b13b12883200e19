"""Real headless Chromium as the last word on a CORS verdict (extra ``corsguard[browser]``).

``check_in_chromium(request)`` loads a page whose origin is ``request.origin`` in the
system's Chromium, runs the ``fetch()`` from it against the real server and reports what
Chromium itself concluded: allowed or not, its CorsError name and its console message.
Playwright is imported only when a browser is launched, so importing this package never
fails; a missing extra or browser raises ``ChromiumUnavailable`` saying what to install.
"""

from __future__ import annotations

from corsguard.chromium.browser import Chromium, check_in_chromium
from corsguard.chromium.errors import ChromiumUnavailable
from corsguard.chromium.executable import find_executable
from corsguard.chromium.verdict import ChromiumVerdict

__all__ = [
    "Chromium",
    "ChromiumUnavailable",
    "ChromiumVerdict",
    "check_in_chromium",
    "find_executable",
]
