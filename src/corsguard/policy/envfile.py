"""The ``.env`` file reader: python-dotenv's grammar, without the dependency.

A file python-dotenv reads is read the same way (``tests/policy/test_envfile.py`` compares the
two on the same inputs):

- ``NAME=value`` bindings, optionally prefixed with ``export``; a name may be single-quoted;
- values in single or double quotes may span several lines; in double quotes ``\\n``, ``\\t``,
  ``\\"``, ``\\\\`` and the other C escapes are decoded, in single quotes only ``\\'`` and
  ``\\\\``;
- an unquoted value runs to the end of the line, less a comment introduced by whitespace and
  ``#``; ``NAME= # comment`` is empty, ``NAME=#x`` is ``#x``;
- ``${NAME}`` and ``${NAME:-default}`` are replaced by an earlier value of the file, else by the
  environment, else by the default or nothing;
- a name without ``=`` is unset.

Where python-dotenv logs a warning and skips a line it cannot parse, this reader reports the line
(CG135): a skipped line may be the CORS setting itself.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from corsguard.codes import policy as codes
from corsguard.policy.problems import Problem, problem, quoted

_BLANK = re.compile(r"\s*")
_SPACES = re.compile(r"[^\S\r\n]*")
_EXPORT = re.compile(r"(?:export[^\S\r\n]+)?")
_QUOTED_NAME = re.compile(r"'([^']+)'")
_NAME = re.compile(r"([^=#\s]+)")
_EQUALS = re.compile(r"=[^\S\r\n]*")
_SINGLE_QUOTED = re.compile(r"'((?:\\.|[^'\\])*)'", re.DOTALL)
_DOUBLE_QUOTED = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_UNQUOTED = re.compile(r"[^\r\n]*")
_COMMENT = re.compile(r"(?:[^\S\r\n]*#[^\r\n]*)?")
_END_OF_LINE = re.compile(r"[^\S\r\n]*(?:\r\n|\n|\r|$)")
# "\r" before "\r\n", as python-dotenv writes it: after a malformed line ending in CRLF the
# "\n" starts the next statement, which then reads as blank.
_REST_OF_LINE = re.compile(r"[^\r\n]*(?:\r|\n|\r\n)?")
_DOUBLE_ESCAPES = re.compile(r"\\[\\'\"abfnrtv]")
_SINGLE_ESCAPES = re.compile(r"\\[\\']")
_VARIABLE = re.compile(r"\$\{(?P<name>[^}:]*)(?::-(?P<default>[^}]*))?\}")
_NEWLINE = re.compile(r"\r\n|\n|\r")


@dataclass(frozen=True, slots=True)
class Binding:
    """One statement of the file: ``name`` is ``None`` for blank and comment lines."""

    name: str | None
    value: str | None  # None: the name has no '='
    line: int
    text: str
    error: bool = False


class _Malformed(Exception):
    """Raised where parsing stopped: the rest of that line is skipped, as python-dotenv does."""

    def __init__(self, at: int) -> None:
        super().__init__(at)
        self.at = at


def parse(text: str) -> list[Binding]:
    """Every statement of a ``.env`` text, malformed ones marked ``error``."""
    text = text.removeprefix("\ufeff")
    found: list[Binding] = []
    at = 0
    line = 1
    while at < len(text):
        start, start_line = at, line
        try:
            name, value, at = _binding(text, at)
            error = False
        except _Malformed as stop:
            match = _REST_OF_LINE.match(text, stop.at)
            at = match.end() if match else len(text)
            name, value, error = None, None, True
        line += len(_NEWLINE.findall(text, start, at))
        statement = text[start:at]
        # The statement starts after the blank lines before it; count them into its line.
        skipped = _BLANK.match(statement)
        first = start_line + len(_NEWLINE.findall(statement, 0, skipped.end() if skipped else 0))
        found.append(Binding(name, value, first, statement.strip(), error))
        if at == start:  # pragma: no cover - every branch consumes input; a guard, not a path
            break
    return found


def _read(pattern: re.Pattern[str], text: str, at: int) -> re.Match[str]:
    match = pattern.match(text, at)
    if match is None:
        raise _Malformed(at)
    return match


def _binding(text: str, at: int) -> tuple[str | None, str | None, int]:
    at = _read(_BLANK, text, at).end()
    if at >= len(text):
        return None, None, at
    at = _read(_EXPORT, text, at).end()
    name: str | None
    if text.startswith("#", at):
        name = None
    else:
        pattern = _QUOTED_NAME if text.startswith("'", at) else _NAME
        match = _read(pattern, text, at)
        name, at = match.group(1), match.end()
    at = _read(_SPACES, text, at).end()
    value: str | None = None
    if text.startswith("=", at):
        equals = _read(_EQUALS, text, at)
        at = equals.end()
        if len(equals.group()) > 1 and text.startswith("#", at):
            value = ""  # "NAME= # comment"
        else:
            value, at = _value(text, at)
    at = _read(_COMMENT, text, at).end()
    at = _read(_END_OF_LINE, text, at).end()
    return name, value, at


def _value(text: str, at: int) -> tuple[str, int]:
    char = text[at : at + 1]
    if char == "'":
        match = _read(_SINGLE_QUOTED, text, at)
        return _decode(_SINGLE_ESCAPES, match.group(1)), match.end()
    if char == '"':
        match = _read(_DOUBLE_QUOTED, text, at)
        return _decode(_DOUBLE_ESCAPES, match.group(1)), match.end()
    if char in ("", "\n", "\r"):
        return "", at
    match = _read(_UNQUOTED, text, at)
    return re.sub(r"\s+#.*", "", match.group()).rstrip(), match.end()


def _decode(escapes: re.Pattern[str], value: str) -> str:
    return escapes.sub(lambda m: codecs.decode(m.group(), "unicode-escape"), value)


def interpolate(bindings: list[Binding], environ: Mapping[str, str]) -> dict[str, str | None]:
    """Values with ``${NAME}`` and ``${NAME:-default}`` replaced, in file order.

    An earlier value of the file wins over the environment, as with python-dotenv's
    ``dotenv_values``; an unset name gives its default, or nothing.
    """
    values: dict[str, str | None] = {}
    for binding in bindings:
        if binding.name is None:
            continue
        if binding.value is None:
            values[binding.name] = None
            continue

        def resolve(match: re.Match[str]) -> str:
            name = match.group("name")
            found = values[name] if name in values else environ.get(name)
            if found is None:
                found = match.group("default") if name not in values else None
            return found or ""

        values[binding.name] = _VARIABLE.sub(resolve, binding.value)
    return values


def read_env_file(
    path: str | os.PathLike[str], problems: list[Problem], environ: Mapping[str, str]
) -> dict[str, str]:
    """The file's values (names without ``=`` left out), every malformed line reported."""
    where = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        problems.append(
            problem(
                codes.INVALID_ENV_FILE,
                "env_file",
                where,
                f"{where}: cannot read the environment file ({reason.lower()})",
                "Check the path passed as env_file, or leave env_file out to read only the "
                "process environment.",
            )
        )
        return {}
    bindings = parse(text)
    problems.extend(
        problem(
            codes.INVALID_ENV_FILE,
            "env_file",
            binding.text,
            f"{where}:{binding.line}: {quoted(binding.text)} is not a NAME=value line",
            "Write NAME=value, optionally quoted or prefixed with 'export '; start comments "
            "with '#'.",
        )
        for binding in bindings
        if binding.error
    )
    resolved = interpolate(bindings, environ)
    return {name: value for name, value in resolved.items() if value is not None}
