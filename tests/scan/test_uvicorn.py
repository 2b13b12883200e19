"""The same zoo over real HTTP through uvicorn gives the same classes as in-process."""

from __future__ import annotations

import pytest

from corsguard.scan.runner import ScanOptions, TargetResult
from tests.scan import zoo
from tests.scan.conftest import scan_zoo
from tests.support.servers import serve_asgi


@pytest.mark.uvicorn
def test_network_scan_matches_in_process_scan(zoo_results: dict[str, TargetResult]) -> None:
    with serve_asgi(zoo.app) as base:
        over_http = scan_zoo(ScanOptions(token="cgtest1", concurrency=32), base)
    assert over_http.keys() == zoo_results.keys()
    for name, result in over_http.items():
        assert result.error is None, result.error
        got = {f.evidence["class"]: f.severity for f in result.findings}
        expected = {f.evidence["class"]: f.severity for f in zoo_results[name].findings}
        assert got == expected, name
