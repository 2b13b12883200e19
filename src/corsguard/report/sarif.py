"""SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

``build_sarif(rules, results)`` is shared by every command, so scan and audit results look
alike in a dashboard: one rule per code from the registry, one result per finding with its
location (a URL, or ``file:line[:column]``). Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from corsguard._version import __version__
from corsguard.codes import Code, Severity, get
from corsguard.codes.links import code_url
from corsguard.findings import Finding
from corsguard.report.model import Report, class_of

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/corsguard/corsguard"

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub reads "security-severity" (a CVSS-like score) to rank security alerts.
_SCORES = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_FILE_LINE = re.compile(r"(?P<path>.+?):(?P<line>\d+)(?::(?P<column>\d+))?")


def _rule(code: Code) -> dict[str, Any]:
    return {
        "id": code.code,
        "name": code.name,
        "shortDescription": {"text": code.title},
        "fullDescription": {"text": code.why},
        "helpUri": code_url(code.code),
        "help": {"text": code.fix, "markdown": f"**Why:** {code.why}\n\n**Fix:** {code.fix}"},
        "defaultConfiguration": {"level": _LEVELS[code.severity]},
        "properties": {
            "tags": ["security", "cors"],
            "precision": "high",
            "security-severity": _SCORES[code.severity],
        },
    }


def _location(where: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": where}}
    match = None if "://" in where else _FILE_LINE.fullmatch(where)
    if match:
        physical["artifactLocation"]["uri"] = match["path"]
        region: dict[str, int] = {"startLine": int(match["line"])}
        if match["column"]:
            region["startColumn"] = int(match["column"])
        physical["region"] = region
    return {"physicalLocation": physical}


def _fingerprint(finding: Finding, where: str) -> str:
    key = "\0".join((finding.code, where, str(finding.evidence.get("probe_origin", ""))))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(index: dict[str, int], target: str, finding: Finding) -> dict[str, Any]:
    where = finding.location or target
    properties: dict[str, Any] = {"class": class_of(finding), "severity": str(finding.severity)}
    if finding.evidence:
        properties["evidence"] = json.loads(json.dumps(finding.evidence, default=str))
    return {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.message} Fix: {finding.fix}"},
        "locations": [_location(where)],
        "partialFingerprints": {"corsguard/v1": _fingerprint(finding, where)},
        "properties": properties,
    }


def build_sarif(
    tool_rules: Sequence[Code], results: Iterable[tuple[str, Finding]]
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: ``tool_rules`` as the driver's rules, one result each.

    ``results`` pairs each finding with its target, used as the location when the finding has
    none. Codes used by a result but missing from ``tool_rules`` are added from the registry.
    """
    rules = list(dict.fromkeys(tool_rules))
    pairs = list(results)
    known = {rule.code for rule in rules}
    for _, finding in pairs:
        if finding.code not in known:
            rules.append(get(finding.code))
            known.add(finding.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "corsguard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(index, target, finding) for target, finding in pairs],
            }
        ],
    }


class SarifFormatter:
    name = "sarif"

    def render(self, report: Report) -> str:
        pairs = [(t.target, f) for t in report.targets for f in t.findings]
        rules = [get(code) for code in sorted({f.code for _, f in pairs})]
        log = build_sarif(rules, pairs)
        notes = [
            {"level": "error", "message": {"text": t.error}} for t in report.targets if t.error
        ]
        if notes:
            log["runs"][0]["invocations"] = [
                {"executionSuccessful": False, "toolExecutionNotifications": notes}
            ]
        return json.dumps(log, indent=2) + "\n"


FORMATTER = SarifFormatter()
