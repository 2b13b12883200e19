"""The version matrix (scripts/matrix.py, scripts/matrix.toml) and the docs that state it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The runner reads TOML with tomllib: Python 3.11 and later.
pytest.importorskip("tomllib", reason="scripts/matrix.py needs Python 3.11 or later")


def load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("matrix_runner", ROOT / "scripts" / "matrix.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


runner = load_runner()
ROWS, TOOLS = runner.load_matrix()
BY_NAME = {row.name: row for row in ROWS}


def minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no '## {title}' section"
    return match.group(1)


def table_cells(text: str) -> list[list[str]]:
    return [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]


def test_rows_are_oldest_newest_and_latest() -> None:
    assert ROWS[0].name == "oldest"
    assert {"newest", "latest"} <= set(BY_NAME)
    assert not BY_NAME["newest"].floating
    assert set(BY_NAME["latest"].packages.values()) == {"latest"}
    assert {row.python for row in ROWS} == {"3.10", "3.11", "3.12", "3.13"}


def test_readme_states_the_oldest_and_newest_rows() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cells = {row[0]: row[1:] for row in table_cells(section(readme, "Supported versions"))}
    oldest, newest = BY_NAME["oldest"].packages, BY_NAME["newest"].packages
    assert cells["Python"] == [BY_NAME["oldest"].python, BY_NAME["newest"].python]
    assert cells["FastAPI"] == [minor(oldest["fastapi"]), minor(newest["fastapi"])]
    assert cells["Starlette"] == [oldest["starlette"], minor(newest["starlette"])]


def test_docs_table_matches_every_row() -> None:
    docs = (ROOT / "docs" / "versions.md").read_text(encoding="utf-8")
    table = "| row |" + docs.split("| row |", 1)[1].split("\n\n", 1)[0]
    header, *lines = table_cells(table)
    documented = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert set(documented) == set(BY_NAME)
    for row in ROWS:
        stated = documented[row.name]
        assert stated["Python"] == row.python
        for name in ("fastapi", "starlette", "pydantic", "uvicorn", "httpx"):
            pinned = row.packages.get(name, "—")
            expected = "newest" if pinned == "latest" else pinned
            column = {"fastapi": "FastAPI", "starlette": "Starlette"}.get(name, name)
            assert stated[column] == expected, (row.name, name)


def test_pyproject_classifiers_name_every_python_of_the_matrix() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    classifiers = set(re.findall(r"Python :: (3\.\d+)\"", pyproject))
    assert classifiers == {row.python for row in ROWS}
    assert f'requires-python = ">={BY_NAME["oldest"].python}"' in pyproject


def test_a_changed_pin_makes_a_new_virtualenv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "full_version", lambda python: "3.13.0 (main)")
    base = runner.venv_key("python3.13", ["fastapi==0.165.0"], floating=False)
    assert runner.venv_key("python3.13", ["fastapi==0.165.0"], floating=False) == base
    assert runner.venv_key("python3.13", ["fastapi==0.164.0"], floating=False) != base
    assert runner.venv_key("python3.13", ["fastapi==0.165.0"], floating=True) != base


def missing_python_row() -> Any:
    return runner.Row("absent", "2.9", {"starlette": "0.19.1"})


def test_a_missing_python_skips_its_row_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    outcome = runner.run_row(missing_python_row(), TOOLS, [], rebuild=False)
    assert outcome.status == "skipped"


def test_a_missing_python_fails_its_row_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    outcome = runner.run_row(missing_python_row(), TOOLS, [], rebuild=False)
    assert outcome.status == "error"


def test_the_cli_extra_is_installed_in_every_row() -> None:
    row = BY_NAME["oldest"]
    requirements = row.requirements(TOOLS, runner.cli_extra())
    assert "fastapi==0.79.1" in requirements
    assert "httpx>=0.27" in requirements
    assert any(r.startswith("pytest==") for r in requirements)
