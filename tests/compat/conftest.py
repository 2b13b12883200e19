"""Compatibility tests: what must work on every supported FastAPI, Starlette and Python.

They run in the main test suite and, through ``scripts/matrix.py``, in one virtualenv per row
of ``scripts/matrix.toml`` with only the frameworks, uvicorn, httpx, PyYAML, anyio and pytest
installed. A row without FastAPI runs every test on Starlette alone: the ``framework`` fixture
has a FastAPI case only where FastAPI is installed, so nothing is skipped.
"""

from __future__ import annotations

import importlib.metadata
import json
import os

import pytest

from tests.compat.apps import FRAMEWORKS


def pytest_sessionstart(session: pytest.Session) -> None:
    """In a matrix row, refuse to test anything but the releases the row pins."""
    expected = json.loads(os.environ.get("CORSGUARD_MATRIX_EXPECT", "{}"))
    wrong = []
    for name, version in expected.items():
        try:
            found = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found = "not installed"
        if found != version:
            wrong.append(f"{name} {found} instead of {version}")
    if wrong:
        pytest.exit(f"matrix row: {'; '.join(wrong)}; rebuild it with --rebuild", returncode=3)


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)
