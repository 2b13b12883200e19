"""Report formats: JSON shape, SARIF 2.1.0 structure, self-contained escaped HTML, text."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from corsguard.codes import Severity
from corsguard.findings import Finding
from corsguard.report import Report, TargetReport, get_formatter
from corsguard.report.sarif import build_sarif
from corsguard.scan.matrix import to_report
from corsguard.scan.runner import TargetResult


@pytest.fixture(scope="module")
def report(zoo_results: dict[str, TargetResult]) -> Report:
    return to_report(list(zoo_results.values()), {"trusted_origins": ["https://app.example.com"]})


def test_json_lists_targets_and_findings_with_the_agreed_fields(report: Report) -> None:
    data = json.loads(get_formatter("json").render(report))
    assert len(data["targets"]) == len(report.targets)
    by_url = {t["url"]: t for t in data["targets"]}
    (finding,) = by_url["https://api.example.com/origin-reflection"]["findings"]
    for key in ("class", "severity", "probe_origin", "method", "credentials", "evidence", "fix"):
        assert key in finding
    assert finding["class"] == "origin-reflection"
    assert finding["severity"] == "critical"
    assert finding["credentials"] is True
    assert finding["method"] == "GET"
    assert by_url["https://api.example.com/strict"]["findings"] == []


def test_sarif_is_version_2_1_0_with_rules_and_located_results(report: Report) -> None:
    log = json.loads(get_formatter("sarif").render(report))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "corsguard"
    assert all(re.fullmatch(r"CG3\d\d", rule["id"]) for rule in rules)
    assert all(rule["shortDescription"]["text"] and rule["help"]["text"] for rule in rules)
    assert len(run["results"]) == len(report.findings)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("https://api.example.com/")
        assert result["partialFingerprints"]["corsguard/v1"]


def test_build_sarif_locates_file_and_line_findings() -> None:
    from corsguard.codes.scan import WILDCARD_ORIGIN

    finding = Finding("CG313", Severity.INFO, "m", "f", location="deploy/nginx.conf:12:5")
    log: dict[str, Any] = build_sarif([WILDCARD_ORIGIN], [("deploy/nginx.conf", finding)])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "deploy/nginx.conf"
    assert location["region"] == {"startLine": 12, "startColumn": 5}


def test_html_is_self_contained_with_a_matrix_coloured_by_verdict(report: Report) -> None:
    page = get_formatter("html").render(report)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "http-equiv" not in page
    # nothing is loaded from the network; links to each code's documentation page are fine
    assert not re.search(r"(src|href)=['\"]https?:(?!//corsguard\.github\.io/)", page)
    assert "<table class='matrix'>" in page
    assert "class='credentialed'" in page
    assert "class='refused'" in page
    assert "class='baseline'" in page
    assert "class='wildcard'" in page


def test_html_escapes_everything_from_the_target() -> None:
    hostile = "https://x.example/<script>alert(1)</script>"
    finding = Finding("CG313", Severity.INFO, f"{hostile}: '*' \"q\"", "fix <b>", location=hostile)
    page = get_formatter("html").render(
        Report("corsguard scan", (TargetReport(hostile, (finding,)),))
    )
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "fix &lt;b&gt;" in page


def test_text_names_class_severity_why_exploit_and_fix(report: Report) -> None:
    text = get_formatter("text").render(report)
    block = text.split("https://api.example.com/prefix-match\n", 1)[1].split("\n\n", 1)[0]
    assert "HIGH     prefix-match (CG303)" in block
    for label in ("why:", "exploit:", "fix:"):
        assert label in block


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        get_formatter("xml")


@pytest.mark.parametrize(
    ("count", "line"),
    [
        (1, "1 more probe origin granted by the same rule"),
        (5, "5 more probe origins granted by the same rule"),
    ],
)
def test_text_counts_the_other_granted_origins_in_good_english(count: int, line: str) -> None:
    finding = Finding(
        "CG301",
        Severity.CRITICAL,
        "https://api.example.com/: any origin is echoed",
        "List the origins.",
        location="https://api.example.com/",
        evidence={"also_granted_count": count},
    )
    text = get_formatter("text").render(
        Report("corsguard scan", (TargetReport("https://api.example.com/", (finding,)),))
    )
    assert line in " ".join(text.split())
