"""One finding per root cause: a failure shared by many routes is reported once, with the routes.

An app whose lifespan did not run, or whose authentication middleware rejects every preflight,
blocks every route for the same reason. Nineteen copies of one diagnosis hide the one thing to
fix and anything else in the report; a single finding listing the nineteen routes says it once.
Findings are grouped by what the diagnosis blames: the exception the app raised (its type and
message, wherever it was raised), the entry of the app's CORS options at fault (whatever
response showed it), or, without either, the diagnosis code and its message with the request's
URL taken out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from corsguard.findings import Finding

# Diagnoses start with the URL they are about: "https://api.example.test/items: the real …".
_URL_PREFIX = re.compile(r"^\S+://\S*?: ")
MAX_LISTED = 12


def group_blocked(target: str, findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` with every set of two or more sharing a root cause merged into one."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(_cause_key(finding), []).append(finding)
    return [
        members[0] if len(members) == 1 else _merged(target, members) for members in groups.values()
    ]


def _cause_key(finding: Finding) -> tuple[Any, ...]:
    evidence = finding.evidence
    diagnosis = evidence.get("diagnosis") or [{}]
    cause = diagnosis[0] if isinstance(diagnosis, list) and diagnosis else {}
    errors = tuple(evidence.get("app_errors") or ())
    if errors:
        return ("raised", evidence.get("cors_error"), errors[0])
    blamed = cause.get("evidence") or {}
    if isinstance(blamed, dict) and blamed.get("configuration") and blamed.get("option"):
        # An entry of the app's CORS options (or the origin missing from them): one mistake
        # however each request shows it (a 307, a 422, a refused preflight).
        value = blamed.get("value", evidence.get("origin"))
        return ("configuration", cause.get("code"), blamed["option"], str(value))
    message = _URL_PREFIX.sub("", str(cause.get("message", "")))
    for value in (str(evidence.get("url", "")), str(evidence.get("method", ""))):
        if value:
            message = message.replace(value, "…")
    return ("diagnosis", evidence.get("cors_error"), cause.get("code"), message)


def _merged(target: str, members: list[Finding]) -> Finding:
    first = members[0]
    routes = list(dict.fromkeys(_route(member) for member in members))
    origins = list(dict.fromkeys(str(member.evidence.get("origin", "")) for member in members))
    diagnosis = first.evidence.get("diagnosis") or []
    cause = diagnosis[0] if isinstance(diagnosis, list) and diagnosis else {}
    errors = dict.fromkeys(str(m.evidence.get("cors_error") or "blocked") for m in members)
    reason = ", ".join(errors)
    why = _URL_PREFIX.sub("", str(cause.get("message", ""))) if cause else ""
    source = f"from {origins[0]}" if len(origins) == 1 else f"from {len(origins)} origins"
    listed = ", ".join(routes[:MAX_LISTED])
    more = f" and {len(routes) - MAX_LISTED} more" if len(routes) > MAX_LISTED else ""
    message = (
        f"{target}: fetch() {source} is blocked on {len(routes)} routes for one reason ({reason})"
    )
    if why:
        message += f"; on {routes[0]}: {why}"
    message += f"; routes: {listed}{more}"
    return replace(
        first,
        message=message,
        location=f"{target} {routes[0]} (+{len(routes) - 1} more)",
        evidence={**first.evidence, "routes": routes, "origins": origins},
    )


def _route(finding: Finding) -> str:
    evidence = finding.evidence
    path = str(evidence.get("path", "")) or str(evidence.get("url", ""))
    return f"{evidence.get('method', '')} {path}".strip()
