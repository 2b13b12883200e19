"""One in-process scan of the whole zoo, shared by the class tests and the report tests."""

from __future__ import annotations

import pytest

from corsguard.scan.probes import parse_trusted
from corsguard.scan.runner import ScanOptions, Target, TargetResult, scan
from tests.scan import zoo

API = zoo.API


def zoo_targets(names: list[str] | None = None) -> tuple[list[Target], list[Target]]:
    """Targets trusting the single-page app, and the subdomain-pattern ones."""
    names = names or [*zoo.MISCONFIGURED, *zoo.CORRECT]
    plain = [Target(f"{API}/{n}") for n in names if n not in zoo.SUBDOMAIN_ENDPOINTS]
    pattern = [Target(f"{API}/{n}") for n in names if n in zoo.SUBDOMAIN_ENDPOINTS]
    return plain, pattern


def scan_zoo(options: ScanOptions, base: str = API) -> dict[str, TargetResult]:
    plain, pattern = zoo_targets()
    if base != API:
        plain = [Target(t.url.replace(API, base), t.methods) for t in plain]
        pattern = [Target(t.url.replace(API, base), t.methods) for t in pattern]
    results = scan(plain, [parse_trusted(zoo.TRUSTED)], options)
    results += scan(pattern, [parse_trusted(zoo.SUBDOMAIN_PATTERN)], options)
    return {result.target.url.rsplit("/", 1)[1]: result for result in results}


@pytest.fixture(scope="session")
def zoo_results() -> dict[str, TargetResult]:
    return scan_zoo(ScanOptions(app=zoo.app, token="cgtest1"))
