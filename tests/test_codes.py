"""The code registry: every code unique, well-formed, documented, and the reference page current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corsguard import codes

ROOT = Path(__file__).resolve().parents[1]
ALL = codes.all_codes()


def test_every_part_registers_codes() -> None:
    prefixes = {code[:3] for code in ALL}
    assert {"CG1", "CG2", "CG3", "CG4", "CG5"} <= prefixes


def test_names_are_unique() -> None:
    names = [entry.name for entry in ALL.values()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("entry", ALL.values(), ids=list(ALL))
def test_code_is_documented(entry: codes.Code) -> None:
    assert re.fullmatch(r"CG[1-5][0-9]{2}", entry.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.name)
    assert entry.title
    assert entry.title == entry.title.strip()
    assert entry.why.strip()
    assert entry.fix.strip()


def test_reference_page_is_current() -> None:
    page = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    assert page == codes.render_markdown(), (
        "regenerate with: python -m corsguard.codes > docs/codes.md"
    )


def test_get_and_severity_parse() -> None:
    first = next(iter(ALL))
    assert codes.get(first) is ALL[first]
    assert codes.Severity.parse(" High ") is codes.Severity.HIGH
    with pytest.raises(ValueError, match="unknown severity"):
        codes.Severity.parse("severe")
