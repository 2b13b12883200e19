"""Findings about an nginx configuration: one per code and line, naming every place it affects.

A line in a snippet included in ten locations, or an add_header in a server block inherited by
ten locations, is one mistake: it is reported once, on that line, and the evidence
``locations`` lists the server and location blocks whose responses it affects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from corsguard.audit.nginx import Directive
from corsguard.codes import Code
from corsguard.findings import Finding


@dataclass(frozen=True, slots=True)
class Draft:
    """A finding before merging: cheap to make once per level, rendered once per line."""

    code: Code
    directive: Directive
    where: str
    message: str
    fix: str
    evidence: dict[str, object]


def finding(
    code: Code,
    directive: Directive,
    where: str,
    message: str,
    *,
    fix: str = "",
    **evidence: object,
) -> Draft:
    """A finding on ``directive``; ``where`` is the block label ('' when it names no block)."""
    return Draft(code, directive, where, message, fix or code.fix, evidence)


def merged(
    drafts: Iterable[Draft], included_at: Mapping[str, tuple[str, ...]] | None = None
) -> list[Finding]:
    """One finding per (code, file:line), its message prefixed with the blocks it affects.

    ``included_at`` gives, for a file other files include, the include lines that pull it in:
    a finding in a snippet names them, since the snippet's own line says nothing of where it
    is used.
    """
    included_at = included_at or {}
    groups: dict[tuple[str, str], tuple[Draft, dict[str, None]]] = {}
    for draft in drafts:
        key = (draft.code.code, draft.directive.location)
        if key not in groups:
            groups[key] = (draft, {})
        if draft.where:
            groups[key][1][draft.where] = None
    out: list[Finding] = []
    for first, where in groups.values():
        labels = list(where)
        prefix = labels[0] if labels else ""
        if len(labels) > 1:
            others = len(labels) - 1
            prefix += f" (and {others} other block{'s' if others > 1 else ''})"
        sites = included_at.get(first.directive.file, ())
        if sites:
            more = f" and {len(sites) - 1} more" if len(sites) > 1 else ""
            prefix += f", included at {sites[0]}{more}"
        out.append(
            Finding(
                code=first.code.code,
                severity=first.code.severity,
                message=f"{prefix}: {first.message}" if prefix else first.message,
                fix=first.fix,
                location=first.directive.location,
                evidence={
                    "directive": render(first.directive),
                    "locations": labels,
                    **({"included_at": list(sites)} if sites else {}),
                    **first.evidence,
                },
            )
        )
    return out


def quoted(arg: str) -> str:
    return arg if arg and not any(c in arg for c in " ;{}'\"") else json.dumps(arg)


def render(directive: Directive) -> str:
    args = " ".join(quoted(a) for a in directive.args)
    return f"{directive.name} {args}".strip() + (" { ... }" if directive.block is not None else ";")
