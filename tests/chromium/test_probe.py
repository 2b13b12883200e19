"""The probe itself: finding the browser, clear failures, cleanup, LNA, cookies, timing."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from corsguard.browser import FetchRequest
from corsguard.chromium import Chromium, ChromiumUnavailable, check_in_chromium, find_executable

from .scenario_server import Reply, Route, ScenarioServer
from .scenarios import ALLOW_CREDS, LOCAL_ORIGIN, ORIGIN

pytestmark = pytest.mark.chromium


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc, so the test needs no extra package)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def left_behind(before: set[int], seconds: float = 5.0) -> dict[int, str]:
    """Processes started since ``before`` that are still alive after ``seconds``.

    Chromium's helper processes exit a moment after the browser; give them that moment.
    """
    deadline = time.monotonic() + seconds
    while (extra := descendants(os.getpid()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    found = {}
    for pid in extra:
        try:
            found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return found


def route(server: ScenarioServer, name: str, r: Route) -> str:
    server.routes[name] = {"start": r}
    server.forget(name)
    return f"{server.base(name, 'a')}/start"


def test_missing_browser_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr("corsguard.chromium.executable.PATHS", ())
    with pytest.raises(ChromiumUnavailable, match=r"apt-get install chromium.*CORSGUARD_CHROMIUM"):
        find_executable(environ={})


def test_a_wrong_CORSGUARD_CHROMIUM_is_an_error_not_a_fallback(chromium_path: str) -> None:
    with pytest.raises(ChromiumUnavailable, match=r"/nonexistent/chrome.*CORSGUARD_CHROMIUM"):
        find_executable(environ={"CORSGUARD_CHROMIUM": "/nonexistent/chrome"})
    assert find_executable(environ={"CORSGUARD_CHROMIUM": chromium_path}) == chromium_path


def test_missing_extra_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, chromium_path: str
) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    with pytest.raises(ChromiumUnavailable, match=r"pip install 'corsguard\[browser\]'"):
        Chromium(chromium_path)


def test_an_executable_that_is_not_chromium_fails_cleanly() -> None:
    before = descendants(os.getpid())
    with pytest.raises(ChromiumUnavailable, match="/bin/false did not start"):
        Chromium("/bin/false", launch_timeout=10)
    assert not left_behind(before)


def test_check_in_chromium_reports_and_leaves_no_process(scenario_server: ScenarioServer) -> None:
    url = route(scenario_server, "one-shot", Route(ALLOW_CREDS))
    before = descendants(os.getpid())
    started = time.monotonic()
    verdict = check_in_chromium(FetchRequest(url, ORIGIN, credentials="include"))
    elapsed = time.monotonic() - started
    assert verdict.allowed
    assert verdict.status == 200
    assert verdict.cors_error is None
    assert verdict.version.split(".")[0].isdigit()
    assert set(verdict.to_json()) >= {"allowed", "cors_error", "console_message", "version"}
    assert elapsed < 10
    assert not left_behind(before)


def test_a_closed_chromium_refuses_probes(chromium_path: str) -> None:
    browser = Chromium(chromium_path)
    browser.close()
    browser.close()  # twice is fine
    assert browser.closed
    with pytest.raises(RuntimeError, match="closed"):
        browser.fetch(FetchRequest("http://127.0.0.1:1/", ORIGIN))


def test_without_the_lna_grant_headless_chromium_denies_loopback(
    chromium_path: str, scenario_server: ScenarioServer
) -> None:
    url = route(scenario_server, "lna-denied", Route(ALLOW_CREDS))
    with Chromium(chromium_path, grant_local_network_access=False) as browser:
        verdict = browser.fetch(FetchRequest(url, ORIGIN))
    assert verdict.cors_error == "LocalNetworkAccessPermissionDenied"
    assert scenario_server.log("lna-denied") == []


def test_insecure_page_cannot_reach_loopback(
    chromium: Chromium, scenario_server: ScenarioServer
) -> None:
    url = route(scenario_server, "insecure-page", Route(ALLOW_CREDS))
    verdict = chromium.fetch(FetchRequest(url, "http://app.example.com"))
    assert verdict.cors_error == "InsecureLocalNetwork"
    assert verdict.console_message is not None
    assert "more-private address space `loopback`" in verdict.console_message


@pytest.mark.parametrize(("credentials", "sent"), [("include", True), ("omit", False)])
def test_credentials_include_really_sends_the_cookie(
    chromium: Chromium, scenario_server: ScenarioServer, credentials: str, sent: bool
) -> None:
    name = f"cookie-{credentials}"
    url = route(scenario_server, name, Route(ALLOW_CREDS)).replace("127.0.0.1", "localhost")
    verdict = chromium.fetch(FetchRequest(url, LOCAL_ORIGIN, credentials=credentials))  # type: ignore[arg-type]
    assert verdict.allowed
    assert [seen.cookie for seen in scenario_server.log(name)] == [sent]


def test_opaque_origin_page_sends_origin_null(
    chromium: Chromium, scenario_server: ScenarioServer
) -> None:
    url = route(scenario_server, "opaque", Route(ALLOW_CREDS))
    verdict = chromium.fetch(FetchRequest(url, "null"))
    # A sandboxed page cannot hold the Local Network Access permission, so loopback targets
    # are refused before the request leaves; the console still names the opaque origin.
    assert verdict.cors_error == "LocalNetworkAccessPermissionDenied"
    assert verdict.console_message is not None
    assert "from origin 'null'" in verdict.console_message


def test_a_probe_takes_about_half_a_second(
    chromium: Chromium, scenario_server: ScenarioServer
) -> None:
    url = route(scenario_server, "timing", Route(ALLOW_CREDS))
    started = time.monotonic()
    for _ in range(3):
        assert chromium.fetch(FetchRequest(url, ORIGIN)).allowed
    assert (time.monotonic() - started) / 3 < 3


def test_usable_where_an_asyncio_loop_runs(scenario_server: ScenarioServer) -> None:
    url = route(scenario_server, "in-a-loop", Route(ALLOW_CREDS))

    async def probe() -> bool:
        return check_in_chromium(FetchRequest(url, ORIGIN)).allowed

    assert asyncio.run(probe())


def test_a_server_that_never_answers_times_out(chromium: Chromium) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        started = time.monotonic()
        verdict = chromium.fetch(FetchRequest(f"http://127.0.0.1:{port}/", ORIGIN), timeout=1)
    assert not verdict.allowed
    assert verdict.error_text == "timeout"
    assert verdict.cors_error is None
    assert time.monotonic() - started < 5


def test_exchanges_list_only_what_reached_the_server(
    chromium: Chromium, scenario_server: ScenarioServer
) -> None:
    url = route(scenario_server, "held-back", Route(ALLOW_CREDS, Reply(204)))
    verdict = chromium.fetch(FetchRequest(url, ORIGIN, method="PUT"))
    assert verdict.cors_error == "PreflightMissingAllowOriginHeader"
    assert verdict.exchanges == (f"OPTIONS {url} 204",)
    assert [seen.method for seen in scenario_server.log("held-back")] == ["OPTIONS"]


def test_a_crashed_browser_is_reported_not_leaked(chromium_path: str) -> None:
    before = descendants(os.getpid())
    browser = Chromium(chromium_path)
    try:
        started = descendants(os.getpid()) - before
        main = [pid for pid in started if _is_browser_main(pid)]
        assert main, "no chromium process found below this test"
        for pid in main:
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(ChromiumUnavailable, match="the probe broke down"):
            browser.fetch(FetchRequest("http://127.0.0.1:1/", ORIGIN), timeout=5)
    finally:
        browser.close()
    assert not left_behind(before)


def _is_browser_main(pid: int) -> bool:
    """The browser process: chromium's helpers (renderer, GPU, utility) carry ``--type=``."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"chromium" in argv[0] and not any(arg.startswith(b"--type=") for arg in argv)


def test_exchanges_include_a_response_the_cors_check_blocked(
    chromium: Chromium, scenario_server: ScenarioServer
) -> None:
    redirect = Reply(302, (("Access-Control-Allow-Origin", "{origin}"), ("Location", "{a}/next")))
    scenario_server.routes["blocked-last-hop"] = {
        "start": Route(redirect),
        "next": Route(Reply(500)),
    }
    url = f"{scenario_server.base('blocked-last-hop', 'a')}"
    verdict = chromium.fetch(FetchRequest(f"{url}/start", ORIGIN))
    assert verdict.cors_error == "MissingAllowOriginHeader"
    assert verdict.exchanges == (f"GET {url}/start 302", f"GET {url}/next 500")
