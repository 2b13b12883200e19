"""Each code's page: what, why, fix, who reports it, examples quoted from the guides."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

from corsguard import codes
from corsguard.codes.pages import REPORTERS, Guide, link_reference, render_page, render_pages

ROOT = Path(__file__).resolve().parents[2]


def test_every_registry_group_names_its_reporters() -> None:
    assert {code[:3] for code in codes.all_codes()} <= set(REPORTERS)


def test_page_has_what_why_fix_and_reporters() -> None:
    entry = codes.get("CG101")
    page = render_page(entry, [])
    assert page.startswith("# CG101 wildcard-with-credentials\n")
    assert entry.why in page
    assert entry.fix in page
    assert "`CORSPolicy`" in page
    assert "(../policy.md)" in page
    assert "## Examples" not in page
    assert "(../codes.md#cg101-wildcard-with-credentials)" in page


@pytest.mark.parametrize(
    ("code", "guide"),
    [("CG201", "check.md"), ("CG301", "scan.md"), ("CG401", "audit.md"), ("CG501", "audit.md")],
)
def test_group_decides_which_command_reports_it(code: str, guide: str) -> None:
    assert f"(../{guide})" in render_page(codes.get(code), [])


def test_examples_quote_the_guides_code_blocks_that_cite_the_code() -> None:
    guide = Guide(
        "policy.md",
        "The CORS policy",
        "# The CORS policy\n\n```pycon\n>>> CORSPolicy(...)\nCG101 allow_origins\n```\n\n"
        "```python\nunrelated()\n```\n",
    )
    page = render_page(codes.get("CG101"), [guide])
    assert "## Examples" in page
    assert "From [The CORS policy](../policy.md):" in page
    assert "CG101 allow_origins" in page
    assert "unrelated()" not in page
    assert "Mentioned in: [The CORS policy](../policy.md)." in page


def test_render_pages_covers_every_code() -> None:
    pages = render_pages(ROOT / "docs")
    assert set(pages) == {f"codes/{code}.md" for code in codes.all_codes()}


def test_reference_links_each_heading_to_its_page() -> None:
    linked = link_reference("### CG101 wildcard-with-credentials\n\ntext\n")
    page_link = "[Page of CG101](codes/CG101.md)"
    assert linked == f"### CG101 wildcard-with-credentials\n\n{page_link}\n\ntext\n"


def test_module_writes_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["corsguard.codes", "--pages", str(tmp_path), "--docs", str(ROOT / "docs")]
    monkeypatch.setattr(sys, "argv", argv)
    runpy.run_module("corsguard.codes", run_name="__main__")
    written = sorted(p.stem for p in (tmp_path / "codes").glob("*.md"))
    assert written == sorted(codes.all_codes())
