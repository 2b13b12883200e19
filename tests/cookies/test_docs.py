"""docs/cookies.md documents every cookie code and every name corsguard gives a silent drop."""

from __future__ import annotations

from pathlib import Path

import pytest

from corsguard.codes import all_codes
from corsguard.cookies.send import OTHER_PARTITION
from corsguard.cookies.store import CREDENTIALS_NOT_INCLUDED, EXPIRED, INVALID_PARTITIONED

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "cookies.md").read_text(encoding="utf-8")
COOKIE_CODES = [code for code, entry in all_codes().items() if entry.name.startswith("cookie")]


def test_the_cookie_codes_exist() -> None:
    assert len(COOKIE_CODES) == 11  # CG240-CG249 for check, CG412 for audit


@pytest.mark.parametrize("code", COOKIE_CODES)
def test_code_is_in_the_page(code: str) -> None:
    assert f"| {code} |" in PAGE


@pytest.mark.parametrize(
    "name", [CREDENTIALS_NOT_INCLUDED, INVALID_PARTITIONED, EXPIRED, OTHER_PARTITION]
)
def test_corsguard_names_are_documented(name: str) -> None:
    assert f"| `{name}` |" in PAGE
