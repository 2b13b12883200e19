"""``--format html`` on each command writes the command's page."""

from __future__ import annotations

import pytest

from corsguard.cli.main import main

from .reports import ROOT

NGINX = ROOT / "tests/audit/nginx_corpus/constant-origin-credentials-proxy-no-always/nginx.conf"


def test_audit_html_groups_the_nginx_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(NGINX), "--format", "html"]) == 1
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>")
    assert "<h2>By root cause</h2>" in page
    assert f"<h3>{NGINX}</h3>" in page


def test_check_html_draws_the_exchange(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    argv = ["check", "/items", "--app", "examples.demo_app:app", "--origin",
            "https://app.example.com", "-X", "PUT", "-H", "Content-Type: application/json",
            "--credentials", "include", "--format", "html"]  # fmt: skip
    main(argv)
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>")
    assert "<h3>preflight: OPTIONS → 200</h3>" in page
    assert "<h3>request: PUT →" in page
