"""One registry of codes for every part of corsguard.

Policy problems, diagnosis findings, scan classes and audit rules each have a stable code,
documented once here and used with the same wording wherever the mistake is found. Each part
registers its codes in its own module of this package; ``all_codes()`` loads them all.
"""

from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """How bad a finding is, ordered so that thresholds (``--fail-on``) compare naturally."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            choices = ", ".join(str(s) for s in cls)
            raise ValueError(f"unknown severity {value!r}; choose one of {choices}") from None


@dataclass(frozen=True, slots=True)
class Code:
    """A documented rule: what it detects, why it matters, how to fix it."""

    code: str  # "CG101"
    name: str  # short kebab-case slug, e.g. "wildcard-with-credentials"
    severity: Severity
    title: str  # one line, lower-case, no trailing period
    why: str  # full sentences
    fix: str  # full sentences


_REGISTRY: dict[str, Code] = {}

# The modules that register codes, one per part. Each calls ``register`` at import time.
_PARTS = ("policy", "diagnosis", "scan", "audit")


def register(*codes: Code) -> tuple[Code, ...]:
    """Add codes to the registry; a code or name used twice is a programming error."""
    for entry in codes:
        clash = _REGISTRY.get(entry.code)
        if clash is not None and clash != entry:
            raise RuntimeError(f"code {entry.code} registered twice")
        _REGISTRY[entry.code] = entry
    return codes


def all_codes() -> dict[str, Code]:
    """Every registered code, keyed by code, after loading every part's module."""
    for part in _PARTS:
        importlib.import_module(f"{__name__}.{part}")
    return dict(sorted(_REGISTRY.items()))


def get(code: str) -> Code:
    """Look a code up, loading the parts' modules if needed."""
    if code not in _REGISTRY:
        all_codes()
    return _REGISTRY[code]
