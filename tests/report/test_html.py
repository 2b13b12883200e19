"""HTML reports without a browser: self-contained, escaped, linked to each code's page."""

from __future__ import annotations

import re

import pytest

from corsguard.codes.links import code_url

from . import reports


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {
        "check": reports.blocked_check_page(),
        "audit": reports.big_audit_page(30),
        "nginx": reports.nginx_audit_page(),
        "scan": reports.scan_page(),
    }


@pytest.mark.parametrize("name", ["check", "audit", "nginx", "scan"])
def test_pages_are_self_contained_and_escape_the_target(pages: dict[str, str], name: str) -> None:
    page = pages[name]
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "<img" not in page
    assert not re.search(r"(src|href)=['\"]https?:(?!//corsguard\.github\.io/)", page)
    assert "@media print" in page


@pytest.mark.parametrize("name", ["check", "audit", "scan"])
def test_every_finding_links_to_its_code_page(pages: dict[str, str], name: str) -> None:
    page = pages[name]
    findings = page.count("class='finding ")
    assert findings > 0
    assert page.count(f"href='{code_url('CG101')}'") >= 1
    assert len(
        re.findall(r"<section class='finding [^>]*>\s*<p>.*?href='[^']*/codes/CG", page)
    ) == (findings)


def test_summary_comes_first_and_links_to_the_findings(pages: dict[str, str]) -> None:
    page = pages["audit"]
    assert page.index("What to fix first") < page.index("By root cause") < page.index("By file")
    for target in re.findall(r"<a href='#(finding-\d+)'", page):
        assert f"id='{target}'" in page


def test_check_highlights_the_decisive_header_and_shows_the_cookies(pages: dict[str, str]) -> None:
    page = pages["check"]
    assert "<p class='verdict bad'>blocked</p>" in page
    assert page.count("<tr class=decisive><td>access-control-allow-origin</td>") == 2
    assert "<h2>Cookies</h2>" in page
    assert page.index("<h3>page</h3>") < page.index("<h3>preflight:") < page.index("<h3>request:")


def test_nginx_audit_quotes_the_config_line(pages: dict[str, str]) -> None:
    assert re.search(r"<pre>add_header Access-Control-Allow-[^<]*</pre>", pages["nginx"])


def test_scan_row_with_a_preflight_finding_is_not_clean(pages: dict[str, str]) -> None:
    row = re.search(
        r"<tr><th class='target' scope='row'>.*?resources/3/items.*?</th>", pages["scan"]
    )
    assert row is not None
    assert "sev-critical" in row.group(0)
    assert "trusted origins</dt><dd>https://app.example.com</dd>" in pages["scan"]


def test_code_url_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORSGUARD_DOCS_URL", "file:///tmp/site")
    assert code_url("CG101") == "file:///tmp/site/codes/CG101/index.html"
    monkeypatch.setenv("CORSGUARD_DOCS_URL", "https://docs.example.com/corsguard/")
    assert code_url("CG101") == "https://docs.example.com/corsguard/codes/CG101/"


def test_check_shows_real_chromium_when_it_disagrees() -> None:
    from corsguard.report.html.check import render

    document = reports.check_document()
    document.update(browser={"allowed": False, "cors_error": "<b>PreflightMissing</b>"})
    document["agreement"] = False
    page = render(document)
    assert "<b>real Chromium:</b> &lt;b&gt;PreflightMissing&lt;/b&gt; (disagrees" in page
