"""The finding: one problem found by check, scan or audit, in one shape for every report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corsguard.codes import Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem with a stable code, what it means here, and the fix.

    ``location`` says where (a URL, ``file:line``, an option name); ``evidence`` holds the
    request/response facts that prove it, as JSON-ready values.
    """

    code: str
    severity: Severity
    message: str
    fix: str
    location: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "fix": self.fix,
            "location": self.location,
            "evidence": self.evidence,
        }
