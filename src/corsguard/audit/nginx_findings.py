"""Findings about an nginx configuration: one per code and line, naming every place it affects.

A line in a snippet included in ten locations, or an add_header in a server block inherited by
ten locations, is one mistake: it is reported once, on that line, and the evidence
``locations`` lists the server and location blocks whose responses it affects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from corsguard.audit.nginx import Directive
from corsguard.codes import Code
from corsguard.findings import Finding


def finding(
    code: Code,
    directive: Directive,
    where: str,
    message: str,
    *,
    fix: str = "",
    **evidence: object,
) -> Finding:
    """A finding on ``directive``; ``where`` is the block label ('' when it names no block)."""
    return Finding(
        code=code.code,
        severity=code.severity,
        message=message,
        fix=fix or code.fix,
        location=directive.location,
        evidence={
            "directive": render(directive),
            "locations": [where] if where else [],
            **evidence,
        },
    )


def merged(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (code, file:line), its message prefixed with the blocks it affects."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for item in findings:
        groups.setdefault((item.code, item.location), []).append(item)
    out: list[Finding] = []
    for group in groups.values():
        first = group[0]
        labels = list(dict.fromkeys(label for f in group for label in _labels(f)))
        prefix = labels[0] if labels else ""
        if len(labels) > 1:
            others = len(labels) - 1
            prefix += f" (and {others} other block{'s' if others > 1 else ''})"
        message = f"{prefix}: {first.message}" if prefix else first.message
        evidence = {**first.evidence, "locations": labels}
        out.append(
            Finding(
                code=first.code,
                severity=first.severity,
                message=message,
                fix=first.fix,
                location=first.location,
                evidence=evidence,
            )
        )
    return out


def _labels(item: Finding) -> list[str]:
    labels = item.evidence.get("locations", [])
    return [str(label) for label in labels] if isinstance(labels, list) else []


def quoted(arg: str) -> str:
    return arg if arg and not any(c in arg for c in " ;{}'\"") else json.dumps(arg)


def render(directive: Directive) -> str:
    args = " ".join(quoted(a) for a in directive.args)
    return f"{directive.name} {args}".strip() + (" { ... }" if directive.block is not None else ";")
