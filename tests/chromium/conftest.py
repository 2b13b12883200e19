"""One Chromium and one scenario server for the whole session; a fresh context per probe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corsguard.chromium import Chromium
from tests.support.servers import require_binary

from .scenario_server import ScenarioServer, running


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_binary("chromium", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium(chromium_path: str) -> Iterator[Chromium]:
    with Chromium(chromium_path) as browser:
        yield browser


@pytest.fixture(scope="session")
def scenario_server() -> Iterator[ScenarioServer]:
    with running() as server:
        yield server
