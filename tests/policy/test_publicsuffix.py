"""The vendored Public Suffix List and the lookup algorithm, against the list's own test data.

``data/test_psl.txt`` is the Public Suffix List project's test file (public domain): each
``checkPublicSuffix(domain, registrable)`` line gives the registrable domain, which is the
public suffix plus one label.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corsguard.policy.publicsuffix import (
    is_public_suffix,
    parse_rules,
    public_suffix_at_or_below,
    rules,
)

_CHECK = re.compile(r"checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);")
VECTORS = [
    (domain.strip("'"), None if expected == "null" else expected.strip("'"))
    for domain, expected in _CHECK.findall(
        "\n".join(
            line
            for line in (Path(__file__).parent / "data" / "test_psl.txt")
            .read_text(encoding="utf-8")
            .splitlines()
            if not line.startswith("//")
        )
    )
    if domain != "null"
]


def _registrable(domain: str) -> str | None:
    if domain.startswith("."):
        return None
    ascii_domain = domain.encode("idna").decode("ascii").lower()
    suffix = rules().public_suffix(ascii_domain)
    if suffix == ascii_domain:
        return None
    labels = ascii_domain.split(".")
    return ".".join(labels[-(suffix.count(".") + 2) :])


@pytest.mark.parametrize(("domain", "expected"), VECTORS, ids=[d for d, _ in VECTORS])
def test_official_vectors(domain: str, expected: str | None) -> None:
    if expected is not None:
        expected = expected.encode("idna").decode("ascii").lower()
    assert _registrable(domain) == expected


def test_vectors_were_found() -> None:
    assert len(VECTORS) > 50


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        ("com", True),
        ("co.uk", True),
        ("github.io", True),  # private section
        ("example.com", False),
        ("myorg.github.io", False),
        ("city.kawasaki.jp", False),  # exception rule
        ("anything.kawasaki.jp", True),  # wildcard rule
        ("notlisted", True),  # the implicit "*" rule
        ("EXAMPLE.COM.", False),
    ],
)
def test_is_public_suffix(domain: str, public: bool) -> None:
    assert is_public_suffix(domain) is public


@pytest.mark.parametrize(
    ("domain", "suffix"),
    [
        ("github.io", "github.io"),
        ("kawasaki.jp", "*.kawasaki.jp"),
        ("example.com", None),
        ("corp.example.com", None),
    ],
)
def test_public_suffix_at_or_below(domain: str, suffix: str | None) -> None:
    assert public_suffix_at_or_below(domain) == suffix


def test_amazonaws_is_covered_by_the_suffixes_below_it() -> None:
    found = public_suffix_at_or_below("amazonaws.com")
    assert found is not None
    assert found.endswith(".amazonaws.com")


def test_the_vendored_list_has_a_version_and_the_private_section() -> None:
    loaded = rules()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_UTC", loaded.version)
    assert {"github.io", "vercel.app", "herokuapp.com"} <= loaded.normal


def test_parse_rules() -> None:
    parsed = parse_rules("// VERSION: v1\n// comment\ncom\n*.ck\n!www.ck\nприм.рф\n")
    assert parsed.version == "v1"
    assert parsed.normal == {"com", "прим.рф".encode("idna").decode("ascii")}
    assert parsed.wildcard == {"ck"}
    assert parsed.exception == {"www.ck"}
    assert parsed.public_suffix("www.ck") == "ck"
    assert parsed.public_suffix("a.b.ck") == "b.ck"
