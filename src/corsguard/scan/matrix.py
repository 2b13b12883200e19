"""Scan results as a report: findings per target and the endpoints × probes verdict matrix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corsguard.report.model import Cell, Column, Report, TargetReport
from corsguard.scan import responses as r
from corsguard.scan.probes import BASELINE, Probe
from corsguard.scan.requests import Observation
from corsguard.scan.runner import TargetResult


def verdict(probe: Probe, observations: Sequence[Observation]) -> Cell:
    """How the target treated one probe origin, judged as the browser would."""
    answered = [o for o in observations if o.status is not None]
    if not answered:
        return Cell(probe.origin, "error", observations[0].error or "" if observations else "")
    simple = [o for o in answered if o.request.kind == "simple" and o.request.credentials == "none"]
    primary = simple or [o for o in answered if o.request.kind == "preflight"] or answered
    if any(r.grants_origin(o) for o in primary):
        if probe.kind == BASELINE:
            return Cell(probe.origin, "baseline")
        credentialed = any(r.grants_read(o, credentialed=True) for o in primary)
        return Cell(probe.origin, "credentialed" if credentialed else "granted")
    conditional = [
        o
        for o in answered
        if o.request.credentials != "none" and r.grants_read(o, credentialed=True)
    ]
    if conditional and probe.kind != BASELINE:
        return Cell(probe.origin, "credentialed", f"only with {conditional[0].request.credentials}")
    if any(r.allow_origin(o) == "*" for o in primary):
        return Cell(probe.origin, "wildcard")
    status = primary[0].status
    return Cell(probe.origin, "refused", f"status {status}")


def to_report(results: Sequence[TargetResult], info: dict[str, Any]) -> Report:
    columns: dict[str, Column] = {}
    targets = []
    for result in results:
        grouped: dict[Probe, list[Observation]] = {}
        for observation in result.observations:
            grouped.setdefault(observation.request.probe, []).append(observation)
        cells = []
        for probe in result.probes:
            columns.setdefault(probe.origin, Column(probe.origin, probe.origin, probe.kind))
            cells.append(verdict(probe, grouped.get(probe, [])))
        targets.append(
            TargetReport(
                result.target.url,
                result.findings,
                result.error,
                tuple(cells),
                result.requests_sent,
            )
        )
    return Report("corsguard scan", tuple(targets), tuple(columns.values()), info)
