"""Finding the Chromium executable: an explicit path, ``CORSGUARD_CHROMIUM``, then the usual places.

Playwright's own browser download is never used: corsguard drives the browser the system
already has (Debian's ``chromium`` package, or any Chrome/Chromium the user points at).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping

from corsguard.chromium.errors import ENV_VARIABLE, bad_executable, missing_browser

# Names on PATH first, then the install locations of common distributions.
NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome")
PATHS = (
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_executable(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The Chromium executable to launch; raises ``ChromiumUnavailable`` when there is none.

    An explicit path or ``CORSGUARD_CHROMIUM`` must work as given: silently falling back to
    another browser would prove something about a browser the user did not ask for.
    """
    env = os.environ if environ is None else environ
    for path, source in (
        (explicit, "the executable argument"),
        (env.get(ENV_VARIABLE), ENV_VARIABLE),
    ):
        if path:
            found = shutil.which(path) or (path if _is_executable(path) else None)
            if found is None:
                raise bad_executable(path, source)
            return found
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in PATHS:
        if _is_executable(path):
            return path
    raise missing_browser((*NAMES, *PATHS))
