"""Audit reports: text for people, JSON for scripts, SARIF for code-scanning dashboards."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from corsguard.audit import AuditResult
from corsguard.findings import Finding


def render(result: AuditResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif(result), indent=2) + "\n"
    if fmt == "html":
        from corsguard.report.html.audit import render as render_html

        return render_html(result)
    return text(result)


def text(result: AuditResult) -> str:
    what = "app" if result.kind == "app" else "nginx configuration"
    lines = [f"corsguard audit of {what} {result.target}", ""]
    if not result.findings:
        lines.append("no CORS problems found")
    for finding in result.findings:
        lines += _finding_lines(finding)
    for note in result.notes:
        lines.append(f"note: {note}")
    if result.fix is not None and result.findings:
        title = (
            "corsguard is already installed (audit --fix prints this alone):"
            if result.fix.installed
            else "equivalent corsguard configuration (audit --fix prints it alone):"
        )
        lines += ["", title, ""]
        lines += ["    " + line if line else "" for line in result.fix.code.splitlines()]
    return "\n".join(lines).rstrip("\n") + "\n"


def _finding_lines(finding: Finding) -> list[str]:
    lines = [f"{finding.code} [{finding.severity}] {finding.location}", f"  {finding.message}"]
    lines.append(f"  fix: {finding.fix}")
    lines.append("")
    return lines


def sarif(result: AuditResult) -> dict[str, Any]:
    """SARIF 2.1.0, built by the shared report builder so every command's SARIF looks alike."""
    from corsguard.codes import get
    from corsguard.report.sarif import build_sarif

    rules = [get(code) for code in dict.fromkeys(f.code for f in result.findings)]
    # Dashboards place results in files: app findings carry their source line as evidence.
    located = [
        replace(f, location=str(f.evidence["source"])) if f.evidence.get("source") else f
        for f in result.findings
    ]
    log: dict[str, Any] = build_sarif(rules, [(result.target, finding) for finding in located])
    return log
