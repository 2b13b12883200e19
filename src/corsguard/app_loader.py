"""Import an ASGI app from ``module:attr``, with errors that say what to change."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from typing import Any

from corsguard.policy import ConfigError

_MISSING = object()


class AppLoadError(ValueError):
    """The target cannot be imported or is not an ASGI app; the message has the fix."""


class AppConfigError(AppLoadError):
    """corsguard refused the app's CORS policy while the app was built; ``problems`` has why."""

    def __init__(self, message: str, error: ConfigError) -> None:
        super().__init__(message)
        self.problems = error.problems


def config_error(where: str, error: ConfigError) -> AppConfigError:
    """The error for a ConfigError raised while building the app: every code, with its hint."""
    count = len(error.problems)
    lines = [f"{where}: corsguard refused the app's CORS policy ({count} problem(s)):"]
    lines += [f"  {problem.code} {problem.message}. {problem.hint}" for problem in error.problems]
    lines.append(
        "Fix the options named above where the app builds its CORSPolicy or CORSMiddleware; "
        "the server would refuse to start with them too."
    )
    return AppConfigError("\n".join(lines), error)


def raised_at(error: BaseException) -> str:
    """``file:line in function`` of the app's own frame that raised ``error``, if any.

    The innermost frame in a file under the current directory (the project, as uvicorn runs
    it) that exists on disk; compiled libraries report relative names such as
    ``pydantic/main.py`` that are not the app's.
    """
    import traceback

    from corsguard.check.exchange import app_error

    if isinstance(error, SyntaxError) and error.filename and error.lineno:
        # The line that does not parse, not the import statement that reached it.
        return f"{_relative(error.filename)}:{error.lineno}"
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if is_app_file(frame.filename):
            return f"{os.path.relpath(frame.filename)}:{frame.lineno} in {frame.name}"
    return app_error("", error).where


def is_app_file(filename: str) -> bool:
    """Whether ``filename`` is the app's own code: a file on disk under the current directory
    (the project, as uvicorn runs it), outside installed packages and corsguard itself."""
    here = os.path.abspath(os.getcwd()) + os.sep
    path = os.path.abspath(filename)
    return (
        path.startswith(here)
        and os.path.isfile(path)
        and "site-packages" not in path
        and os.sep + "corsguard" + os.sep not in path[len(here) - 1 :]
    )


def is_app_target(target: str) -> bool:
    """``module:attr`` (and not a path such as ``C:\\nginx`` or ``./conf:d``)."""
    module, sep, attr = target.partition(":")
    if not sep or not module or not attr:
        return False
    return all(part.isidentifier() for part in module.split(".")) and all(
        part.isidentifier() for part in attr.split(".")
    )


def load_app(target: str, *, factory: bool = False) -> Any:
    """Import ``module`` and return ``attr`` (dotted attributes allowed: ``pkg.main:api.app``).

    The current directory is put on ``sys.path`` first, as uvicorn does, so that
    ``corsguard audit main:app`` works from the project directory. With ``factory`` the
    attribute is an app factory (uvicorn's ``--factory``), called without arguments.
    """
    if not is_app_target(target):
        raise AppLoadError(
            f"{target}: not an app reference; write it as module:attribute, "
            "for example 'main:app' or 'myproject.api:app'."
        )
    module_name, _, attr_path = target.partition(":")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise AppLoadError(
                f"{target}: module {module_name!r} not found; run corsguard from the directory "
                "that contains it, or install the project into this environment."
            ) from error
        raise AppLoadError(
            f"{target}: importing {module_name!r} failed because {error.name!r} is missing; "
            "install the app's dependencies into the environment corsguard runs in."
        ) from error
    except ConfigError as error:
        raise config_error(f"{target}: importing {module_name!r}", error) from error
    except Exception as error:
        raise AppLoadError(
            f"{target}: importing {module_name!r} raised {type(error).__name__}{_at(error)}: "
            f"{error}; the module must import without a running server or extra setup."
        ) from error
    value: Any = module
    for part in attr_path.split("."):
        try:
            value = getattr(value, part, _MISSING)
        except ConfigError as error:
            raise config_error(f"{target}: reading {attr_path!r}", error) from error
        except Exception as error:  # a module __getattr__ or a property that raised
            raise AppLoadError(
                f"{target}: reading {attr_path!r} from {module_name!r} raised "
                f"{type(error).__name__}{_at(error)}: {error}; fix what the message names (such "
                "as an environment variable) and run again."
            ) from error
        if value is _MISSING:
            raise AppLoadError(
                f"{target}: module {module_name!r} has no attribute {attr_path!r}; "
                "name the variable that holds the app, for example 'main:app'."
            )
    if factory:
        value = _call_factory(target, value)
    elif _looks_like_factory(value):
        raise AppLoadError(
            f"{target}: {attr_path!r} is a function that takes no arguments, not an ASGI app "
            "(which takes scope, receive and send); if it builds and returns the app, pass "
            "--factory, as with uvicorn --factory."
        )
    if not callable(value):
        raise AppLoadError(
            f"{target}: {attr_path!r} is a {type(value).__name__}, not an ASGI app; "
            "point to the FastAPI or Starlette application object."
        )
    return value


def _looks_like_factory(value: Any) -> bool:
    """A plain function without required parameters: an ASGI app takes three."""
    if not (inspect.isfunction(value) or inspect.ismethod(value)):
        return False
    try:
        parameters = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):
        return False
    required = [
        p
        for p in parameters
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return not required and not any(p.kind == p.VAR_POSITIONAL for p in parameters)


def _call_factory(target: str, factory: Any) -> Any:
    if not callable(factory):
        raise AppLoadError(
            f"{target}: --factory given, but it is a {type(factory).__name__}, not a function; "
            "drop --factory to load the app object itself."
        )
    try:
        app = factory()
    except ConfigError as error:
        raise config_error(f"{target}: the app factory", error) from error
    except Exception as error:
        raise AppLoadError(
            f"{target}: the app factory raised {type(error).__name__}{_at(error)}: {error}; it "
            "must build the app without arguments, as uvicorn --factory calls it."
        ) from error
    if inspect.isawaitable(app):
        if inspect.iscoroutine(app):
            app.close()
        raise AppLoadError(
            f"{target}: the app factory is async and returned an awaitable; uvicorn --factory "
            "calls it without awaiting, so make it a plain function that returns the app."
        )
    return app


def _relative(filename: str) -> str:
    path = os.path.abspath(filename)
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _at(error: BaseException) -> str:
    place = raised_at(error)
    return f" at {place}" if place else ""
