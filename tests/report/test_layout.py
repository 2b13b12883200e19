"""The HTML reports in headless Chromium at 1280 px and 390 px: no text over other text, nothing
cut off, the matrix's endpoint column sticky, and a big report laid out in under 2 s.

Screenshots go to .artifacts/reports/ (ignored by git; CI keeps them as artifacts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.servers import require_binary

from . import reports

pytestmark = pytest.mark.chromium

ARTIFACTS = reports.ROOT / ".artifacts" / "reports"
WIDTHS = (1280, 390)

# Every text node's line boxes; two boxes of different nodes that share more than a pixel in
# both directions overlap. Text inside the scrolling matrix is compared only within it.
OVERLAPS = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node, id = 0;
  while ((node = walker.nextNode())) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const wrap = node.parentElement.closest('.matrix-wrap');
    const clip = wrap ? wrap.getBoundingClientRect() : null;
    for (const box of range.getClientRects()) {
      const r = {l: box.left, r: box.right, t: box.top, b: box.bottom};
      if (clip) {  // what the matrix's own scrolling box hides is not on screen
        r.l = Math.max(r.l, clip.left); r.r = Math.min(r.r, clip.right);
        r.t = Math.max(r.t, clip.top); r.b = Math.min(r.b, clip.bottom);
      }
      if (r.r - r.l < 1 || r.b - r.t < 1) continue;
      boxes.push({id, text: node.textContent.trim().slice(0, 40),
                  l: r.l, r: r.r, t: r.t + window.scrollY, b: r.b + window.scrollY});
    }
    id++;
  }
  boxes.sort((a, b) => a.t - b.t);
  const hits = [];
  for (let i = 0; i < boxes.length && hits.length < 10; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j].t < boxes[i].b; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.id === b.id) continue;
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
      const h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 1 && h > 1) hits.push([a.text, b.text]);
    }
  }
  return hits;
}"""

# Text outside the matrix's own scrolling box must lie inside the viewport and the page must not
# scroll sideways.
CLIPPED = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) out.push('page scrolls sideways');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode()) && out.length < 10) {
    if (!node.textContent.trim() || node.parentElement.closest('.matrix-wrap')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects())
      if (r.width >= 1 && (r.left < -1 || r.right > width + 1))
        out.push(node.textContent.trim().slice(0, 40));
  }
  return out;
}"""

STICKY = """() => {
  const wrap = document.querySelector('.matrix-wrap');
  wrap.scrollLeft = wrap.scrollWidth;
  const cell = document.querySelector('tbody th.target');
  const result = [wrap.scrollWidth > wrap.clientWidth,
                  Math.abs(cell.getBoundingClientRect().left - wrap.getBoundingClientRect().left)];
  wrap.scrollLeft = 0;
  return result;
}"""

LOAD_MS = """() => {
  const [nav] = performance.getEntriesByType('navigation');
  return nav.loadEventEnd - nav.startTime;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = require_binary("chromium", "/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {
        "check": reports.check_page(),
        "check-blocked": reports.blocked_check_page(),
        "audit-nginx": reports.nginx_audit_page(),
        "audit": reports.big_audit_page(40),
        "scan": reports.scan_page(),
    }


def _open(browser: Any, html: str, name: str, width: int) -> Any:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{width}.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri(), wait_until="load")
    return page


def _screenshot(page: Any, name: str, width: int) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["check", "check-blocked", "audit-nginx", "audit", "scan"])
def test_no_text_overlaps_and_nothing_is_cut_off(
    browser: Any, pages: dict[str, str], name: str, width: int
) -> None:
    page = _open(browser, pages[name], name, width)
    try:
        _screenshot(page, name, width)
        assert page.evaluate(OVERLAPS) == []
        assert page.evaluate(CLIPPED) == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_matrix_scrolls_in_its_box_with_the_endpoint_column_sticky(
    browser: Any, pages: dict[str, str], width: int
) -> None:
    page = _open(browser, pages["scan"], "scan-scrolled", width)
    try:
        scrolls, offset = page.evaluate(STICKY)
        assert scrolls
        assert offset < 2
    finally:
        page.close()


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("audit-1000", lambda: reports.big_audit_page(1000)),
        ("scan-100", lambda: reports.scan_page(100)),
    ],
)
def test_a_big_report_renders_in_under_two_seconds(
    browser: Any, name: str, build: Callable[[], str]
) -> None:
    page = _open(browser, build(), name, 1280)
    try:
        elapsed = page.evaluate(LOAD_MS)
        assert elapsed < 2000, f"{name} took {elapsed:.0f} ms to load"
        assert page.evaluate(OVERLAPS) == []
    finally:
        page.close()


def test_print_layout_shows_the_whole_matrix(browser: Any, pages: dict[str, str]) -> None:
    page = _open(browser, pages["scan"], "scan-print", 1280)
    try:
        page.emulate_media(media="print")
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.matrix-wrap')).overflow"
        ) == ("visible")
        pdf: bytes = page.pdf()
        (ARTIFACTS / "scan.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")
    finally:
        page.close()


def test_artifacts_are_ignored_by_git() -> None:
    assert ".artifacts/" in Path(reports.ROOT / ".gitignore").read_text().splitlines()
