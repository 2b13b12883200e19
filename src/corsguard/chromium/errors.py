"""Why real Chromium cannot be used here, said so that the fix is obvious."""

from __future__ import annotations

INSTALL_EXTRA = "pip install 'corsguard[browser]'"
INSTALL_BROWSER = "apt-get install chromium"
ENV_VARIABLE = "CORSGUARD_CHROMIUM"


class ChromiumUnavailable(RuntimeError):
    """Real Chromium cannot run: the extra, the browser or its launch is missing or broken."""


def missing_extra(reason: object) -> ChromiumUnavailable:
    return ChromiumUnavailable(
        f"real chromium: the browser extra is not installed ({reason}); "
        f"install it with: {INSTALL_EXTRA}"
    )


def missing_browser(searched: tuple[str, ...]) -> ChromiumUnavailable:
    return ChromiumUnavailable(
        f"real chromium: no chromium executable found (looked for {', '.join(searched)}); "
        f"install Debian's chromium with: {INSTALL_BROWSER} (as root), or point "
        f"{ENV_VARIABLE} at a Chromium or Chrome executable."
    )


def bad_executable(path: str, source: str) -> ChromiumUnavailable:
    return ChromiumUnavailable(
        f"real chromium: {path} (from {source}) is not an executable file; point {source} at "
        f"a Chromium or Chrome executable, or install Debian's chromium with: {INSTALL_BROWSER}."
    )


def launch_failed(path: str, reason: object) -> ChromiumUnavailable:
    first_line = str(reason).strip().splitlines()[0] if str(reason).strip() else repr(reason)
    return ChromiumUnavailable(
        f"real chromium: {path} did not start ({first_line}); check that it runs with "
        f"'{path} --headless --no-sandbox --version', or point {ENV_VARIABLE} at another "
        "Chromium or Chrome executable."
    )


def probe_failed(url: str, reason: object) -> ChromiumUnavailable:
    first_line = str(reason).strip().splitlines()[0] if str(reason).strip() else repr(reason)
    return ChromiumUnavailable(
        f"real chromium: {url}: the probe broke down ({first_line}); the browser stopped "
        "answering, so there is no verdict. Run the check again; if it keeps failing, run "
        "Chromium by hand to see why it exits."
    )
