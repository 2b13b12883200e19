"""JSON for scripts: ``{"targets": [{"url", "findings": [{"class", "severity", ...}]}]}``."""

from __future__ import annotations

import json
from typing import Any

from corsguard.codes.links import code_url
from corsguard.findings import Finding
from corsguard.report.model import Report, TargetReport, class_of

# Evidence keys lifted to the top of each finding, where scripts look for them first.
_LIFTED = ("probe_origin", "method", "credentials", "exploit", "why")


def finding_json(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {"class": class_of(finding), **finding.to_json()}
    data["docs"] = code_url(finding.code)
    for key in _LIFTED:
        if key in finding.evidence:
            data[key] = finding.evidence[key]
    return data


def target_json(target: TargetReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": target.target,
        "findings": [finding_json(f) for f in target.findings],
    }
    if target.error:
        data["error"] = target.error
    if target.requests:
        data["requests"] = target.requests
    return data


def report_json(report: Report) -> dict[str, Any]:
    return {
        "tool": report.tool,
        **report.info,
        "targets": [target_json(t) for t in report.targets],
    }


class JsonFormatter:
    name = "json"

    def render(self, report: Report) -> str:
        return json.dumps(report_json(report), indent=2, sort_keys=False) + "\n"


FORMATTER = JsonFormatter()
