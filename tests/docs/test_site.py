"""The documentation site builds strictly, offline, with a page for every registered code."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corsguard import codes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mkdocs-material is missing: install the docs extra")
        pytest.skip("mkdocs-material is not installed (pip install 'corsguard[docs]')")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return out


@pytest.mark.parametrize("code", list(codes.all_codes()))
def test_every_code_has_a_page(site: Path, code: str) -> None:
    page = site / "codes" / code / "index.html"
    assert page.is_file(), f"no page for {code}"
    entry = codes.get(code)
    html = page.read_text(encoding="utf-8")
    assert entry.name in html
    assert "Why it matters" in html
    assert "Reported by" in html


def test_reference_page_links_each_code_page(site: Path) -> None:
    html = (site / "codes" / "index.html").read_text(encoding="utf-8")
    for code in codes.all_codes():
        assert f'href="{code}/"' in html, code


def test_home_and_guides_are_built(site: Path) -> None:
    for page in ("index.html", "getting-started/index.html", "check/index.html"):
        assert (site / page).is_file(), page


def test_site_needs_no_network_to_read(site: Path) -> None:
    # No web fonts or other third-party assets: the site reads offline and from file://.
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html
    assert "fonts.gstatic.com" not in html
