"""Findings link to their code's page; the base URL is configurable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corsguard.codes import Severity, links
from corsguard.findings import Finding
from corsguard.report.model import Report, TargetReport, get_formatter


def test_environment_variable_sets_the_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(links.ENV_VAR, "https://docs.internal.example/corsguard/")
    assert links.code_url("CG101") == "https://docs.internal.example/corsguard/codes/CG101/"


def test_local_build_is_used_when_present(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(links.ENV_VAR, raising=False)
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    monkeypatch.setattr(links, "_LOCAL_SITE", tmp_path)
    assert links.code_url("CG301") == f"{tmp_path.as_uri()}/codes/CG301/index.html"


def test_published_site_otherwise(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(links.ENV_VAR, raising=False)
    monkeypatch.setattr(links, "_LOCAL_SITE", tmp_path / "absent")
    assert links.code_url("CG201") == f"{links.PUBLISHED_URL}/codes/CG201/"


def _report() -> Report:
    finding = Finding("CG301", Severity.HIGH, "origin reflected.", "Allow a list.", "https://a/")
    return Report("corsguard scan", (TargetReport("https://a/", (finding,)),))


def test_json_and_sarif_carry_the_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(links.ENV_VAR, "https://docs.example")
    data = json.loads(get_formatter("json").render(_report()))
    assert data["targets"][0]["findings"][0]["docs"] == "https://docs.example/codes/CG301/"
    sarif = json.loads(get_formatter("sarif").render(_report()))
    rule = sarif["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["helpUri"] == "https://docs.example/codes/CG301/"
