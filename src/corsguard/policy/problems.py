"""Configuration problems: one per mistake, all collected before anything is raised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from corsguard.codes import Code, Severity
from corsguard.codes.policy import WARNING_CODES
from corsguard.findings import Finding

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a policy's options, with a stable code and the fix."""

    code: str
    option: str
    value: str
    message: str
    hint: str
    severity: Severity = Severity.HIGH
    level: Level = "error"

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        return f"{self.code} {self.message}. {self.hint}"

    def to_finding(self) -> Finding:
        return Finding(
            code=self.code,
            severity=self.severity,
            message=self.message,
            fix=self.hint,
            location=self.option,
            evidence={"option": self.option, "value": self.value},
        )


def problem(code: Code, option: str, value: object, message: str, hint: str) -> Problem:
    """Build a problem whose severity and level come from the code's registry entry."""
    return Problem(
        code=code.code,
        option=option,
        value=printable(value),
        message=message,
        hint=hint,
        severity=code.severity,
        level="warning" if code.code in WARNING_CODES else "error",
    )


def printable(value: object) -> str:
    """The value as text that is safe to print or log: control characters escaped."""
    text = value if isinstance(value, str) else repr(value)
    if text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")


def quoted(value: object) -> str:
    """The value quoted for a message, e.g. ``'https://app.example.com/'``."""
    return repr(value) if isinstance(value, str) else printable(value)


def raw_literal(source: str) -> str:
    """A regular expression as the raw-string literal it is written as in code."""
    if "\\" in source and "'" not in source and not source.endswith("\\"):
        return f"r'{source}'"
    return repr(source)


class ConfigError(ValueError):
    """A policy that cannot be built; ``problems`` holds every reason, not just the first."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"invalid CORS policy: {count} {noun}"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type[ConfigError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))
