"""Loading ``module:attr``: the app, or an error that says what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from corsguard.app_loader import AppLoadError, is_app_target, load_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("main:app", True),
        ("examples.basic:app", True),
        ("pkg.main:api.app", True),
        ("deploy/nginx.conf", False),
        ("nginx.conf", False),
        ("C:\\nginx\\conf", False),
        ("main:", False),
        (":app", False),
    ],
)
def test_is_app_target(target: str, expected: bool) -> None:
    assert is_app_target(target) is expected


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("nginx.conf", "not an app reference; write it as module:attribute"),
        ("no_such_module_for_corsguard:app", "module 'no_such_module_for_corsguard' not found"),
        ("examples.basic:missing", "has no attribute 'missing'"),
        ("examples.basic:__doc__", "is a str, not an ASGI app"),
    ],
)
def test_load_errors_say_what_to_change(target: str, message: str) -> None:
    with pytest.raises(AppLoadError, match=message):
        load_app(target)


def test_import_failure_inside_the_module_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "needs_missing_dependency.py").write_text("import not_installed_anywhere_xyz\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AppLoadError, match="'not_installed_anywhere_xyz' is missing"):
        load_app("needs_missing_dependency:app")


def test_exception_at_import_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "crashes_on_import.py").write_text("raise RuntimeError('no DATABASE_URL')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AppLoadError) as raised:
        load_app("crashes_on_import:app")
    # The exception, where the app's own code raised it, then its message.
    assert "raised RuntimeError at " in str(raised.value)
    assert "crashes_on_import.py:1 in <module>: no DATABASE_URL" in str(raised.value)


def test_loads_the_app_object() -> None:
    app = load_app("examples.basic:app")
    assert type(app).__name__ == "FastAPI"


def test_exception_from_module_getattr_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lazy_app_module.py").write_text(
        "def __getattr__(name):\n    raise KeyError('CORS_PROFILE is not set')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AppLoadError, match=r"raised KeyError at .*: 'CORS_PROFILE is not set'"):
        load_app("lazy_app_module:app")


def test_an_exception_from_library_code_points_at_the_projects_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiled libraries (pydantic 1) report frames as relative names that are not on disk.
    (tmp_path / "settings_from_library.py").write_text(
        "def load():\n"
        "    exec(compile(\"raise ValueError('field required')\", 'fakelib/main.py', 'exec'))\n"
        "\n"
        "\n"
        "settings = load()\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AppLoadError) as raised:
        load_app("settings_from_library:app")
    assert "raised ValueError at settings_from_library.py:2 in load: field required" in str(
        raised.value
    )


def test_a_function_without_parameters_is_taken_for_a_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "factory_module.py").write_text(
        "def create_app():\n    return None\n\n\nasync def app(scope, receive, send):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AppLoadError, match="pass --factory, as with uvicorn --factory"):
        load_app("factory_module:create_app")
    assert callable(load_app("factory_module:app"))  # an ASGI function app is not a factory


def test_a_syntax_error_points_at_the_line_that_does_not_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A project written for a newer Python than the one corsguard runs on.
    (tmp_path / "imports_newer_syntax.py").write_text("import newer_syntax_module\n")
    (tmp_path / "newer_syntax_module.py").write_text("x = 1\ndef f(:\n    pass\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AppLoadError, match=r"raised SyntaxError at newer_syntax_module\.py:2: "):
        load_app("imports_newer_syntax:app")
