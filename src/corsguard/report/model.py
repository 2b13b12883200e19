"""What every formatter reads: findings grouped by target, plus an optional probe matrix."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from corsguard.codes import Severity
from corsguard.findings import Finding

# Verdicts of one probe on one target, worst first; the HTML matrix colours cells by them.
VERDICTS = (
    "credentialed",  # the probe origin reads with the user's credentials
    "granted",  # the probe origin reads without credentials
    "wildcard",  # '*': anyone reads anonymously
    "baseline",  # the trusted origin is granted, as intended
    "refused",  # the probe origin cannot read
    "error",  # no answer
)


@dataclass(frozen=True, slots=True)
class Column:
    """A probe, as a matrix column: the Origin sent and the class it tests."""

    key: str
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class Cell:
    column: str  # a Column.key
    verdict: str  # one of VERDICTS
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TargetReport:
    target: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    cells: tuple[Cell, ...] = ()
    requests: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    tool: str  # "corsguard scan"
    targets: tuple[TargetReport, ...]
    columns: tuple[Column, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)  # JSON-ready run facts (origins, timing)

    @property
    def findings(self) -> list[Finding]:
        return [finding for target in self.targets for finding in target.findings]

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


class Formatter(Protocol):
    """Turns a report into the text of one output format."""

    name: str

    def render(self, report: Report) -> str: ...


# --format name -> module in this package defining FORMATTER
FORMATS = ("text", "json", "sarif", "html")


def get_formatter(name: str) -> Formatter:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"corsguard.report.{name}")
    formatter: Formatter = module.FORMATTER
    return formatter


def class_of(finding: Finding) -> str:
    """The finding's class id: the scan class, or the code's name for other commands."""
    value = finding.evidence.get("class")
    if isinstance(value, str):
        return value
    from corsguard.codes import get

    try:
        return get(finding.code).name
    except KeyError:
        return finding.code
