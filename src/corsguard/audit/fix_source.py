"""Where the app declares its CORS middleware, read with ``ast``: the expression of each option.

``audit`` reads the options from the running app, where ``allow_origins=settings.all_cors_origins``
is already the list of this machine's settings (often ``["http://localhost:5173"]``). Printing
that list in ``--fix`` would ship a development policy. So the fix looks up the call that adds
the middleware in the app's source, and keeps every option whose value is not a literal as the
expression the user wrote.

The call is one of ``app.add_middleware(CORSMiddleware, ...)``, ``Middleware(CORSMiddleware,
...)`` (Starlette's ``middleware=[...]``) or ``CORSMiddleware(app, ...)``, looked for in the
app's module first, then in the other modules of its project.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_FILES = 2000
# Directories that hold other people's code or generated files, never the app's own.
_SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".mypy_cache",
        ".nox",
        ".ruff_cache",
        ".tox",
        ".venv",
        "__pycache__",
        "build",
        "dist",
        "node_modules",
        "site-packages",
        "venv",
    }
)


@dataclass(frozen=True, slots=True)
class Declaration:
    """One call that adds a CORS middleware, and the source text of its option expressions."""

    file: str
    line: int
    expressions: Mapping[str, str]  # option name -> source text, for values that are not literals
    literals: frozenset[str]  # option names whose values are literals
    splat: str | None = None  # the ``**expression`` that supplies the other options
    app: str = ""  # the expression add_middleware is called on (``application``), if any

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def find_declaration(module: Any, option_names: frozenset[str]) -> Declaration | None:
    """The CORS middleware declaration of the app defined in ``module``, if one can be told.

    ``option_names`` are the options the running app holds: when the project has several
    declarations, the one that sets exactly those names is chosen.
    """
    found = list(_declarations_in(_module_file(module)))
    if not found:
        for path in _project_files(module):
            found += _declarations_in(path)
    if len(found) <= 1:
        return found[0] if found else None
    matching = [d for d in found if set(d.expressions) | d.literals == option_names]
    return matching[0] if len(matching) == 1 else None


def _module_file(module: Any) -> Path | None:
    if module is None:
        return None
    try:
        file = inspect.getsourcefile(module)
    except TypeError:
        return None
    return Path(file) if file else None


def _project_files(module: Any) -> Iterator[Path]:
    """The ``.py`` files of the project ``module`` belongs to: its top package, or its folder."""
    file = _module_file(module)
    if file is None:
        return
    depth = str(getattr(module, "__name__", "")).count(".")
    root = file.parent
    for _ in range(depth):
        root = root.parent
    if not root.is_dir():
        return
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py") and (Path(folder) / name) != file:
                count += 1
                if count > MAX_FILES:
                    return
                yield Path(folder) / name


def _declarations_in(path: Path | None) -> list[Declaration]:
    if path is None:
        return []
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return []
    found = [
        _declaration(path, source, node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _adds_cors(node)
    ]
    return sorted(found, key=lambda d: d.line)


def _adds_cors(call: ast.Call) -> bool:
    func = call.func
    name = _name(func)
    if _is_cors_name(name):
        return True  # CORSMiddleware(app, ...)
    adds = (isinstance(func, ast.Attribute) and func.attr == "add_middleware") or name in (
        "Middleware",
        "add_middleware",
    )
    return adds and bool(call.args) and _is_cors_name(_name(call.args[0]))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_cors_name(name: str) -> bool:
    return name.lower().endswith("corsmiddleware")


def _declaration(path: Path, source: str, call: ast.Call) -> Declaration:
    expressions: dict[str, str] = {}
    literals: set[str] = set()
    splat: str | None = None
    for keyword in call.keywords:
        text = ast.get_source_segment(source, keyword.value) or ast.unparse(keyword.value)
        if keyword.arg is None:
            splat = text
            continue
        if _is_static(keyword.value):
            literals.add(keyword.arg)
        else:
            # A call spread over lines is written on one, as ast prints it.
            expressions[keyword.arg] = ast.unparse(keyword.value) if "\n" in text else text
    func = call.func
    receiver = ""
    if isinstance(func, ast.Attribute) and func.attr == "add_middleware":
        receiver = ast.get_source_segment(source, func.value) or ""
    return Declaration(
        file=_relative(path),
        line=call.lineno,
        expressions=expressions,
        literals=frozenset(literals),
        splat=splat,
        app=receiver if receiver.isidentifier() else "",
    )


# Nodes that read something at run time: a variable, an attribute, a call, an index.
_DYNAMIC = (
    ast.Name,
    ast.Attribute,
    ast.Call,
    ast.Subscript,
    ast.Lambda,
    ast.comprehension,
    ast.NamedExpr,
    ast.Await,
    ast.Starred,
    ast.FormattedValue,
)


def _is_static(node: ast.expr) -> bool:
    """Literals and operators on literals only (``["https://a.example"]``, ``10 ** 6``)."""
    return not any(isinstance(part, _DYNAMIC) for part in ast.walk(node))


def _relative(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    return path.as_posix()
