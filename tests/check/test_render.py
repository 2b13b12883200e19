"""The text report's line wrapping keeps quoted values whole."""

from __future__ import annotations

import pytest

from corsguard.check.render import _wrap


@pytest.mark.parametrize(
    "value", ["' https://admin.example.com'", "'https://admin.example.com '", "' X-Trace-Id'"]
)
def test_a_quoted_value_with_an_edge_space_is_never_split_there(value: str) -> None:
    for filler in range(60, 100):
        text = "x" * filler + f" it is there as {value}, with surrounding whitespace"
        lines = _wrap(text, "  ", "      ")
        assert any(value in line for line in lines), lines
        assert all(len(line) <= 100 for line in lines if value not in line)


def test_other_spaces_still_wrap() -> None:
    lines = _wrap("word " * 40, "  ")
    assert len(lines) == 3
    assert all(len(line) <= 100 for line in lines)
