"""Token lists as Chromium parses Access-Control-Allow-* and -Request-Headers."""

from __future__ import annotations

import pytest

from corsguard.protocol.tokens import combine, is_token, parse_token_list


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("GET, PUT", ["GET", "PUT"]),
        (" ,PUT,, ", ["PUT"]),
        ("x-foo,\tx-bar", ["x-foo", "x-bar"]),
        ("", []),
        ("GET PUT", None),
        ("x foo", None),
        ('"x"', None),
    ],
    ids=[
        "plain",
        "empty-elements-ignored",
        "tab-trimmed",
        "empty",
        "space-inside",
        "space-header",
        "quoted",
    ],
)
def test_parse_token_list(value: str, expected: list[str] | None) -> None:
    assert parse_token_list(value) == expected


def test_parse_token_list_is_bounded() -> None:
    hostile = ",".join(f"x-{i}" for i in range(10_000))
    assert parse_token_list(hostile, max_items=64) is None
    assert parse_token_list("a,b", max_items=2) == ["a", "b"]


def test_combine_is_fetch_get() -> None:
    assert combine([]) is None
    assert combine(["*", " * "]) == "*, *"
    assert is_token("x-foo")
    assert not is_token("x foo")
    assert not is_token("")
