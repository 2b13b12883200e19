"""Starlette's and FastAPI's own CORS tests, run against corsguard's middleware.

Every test that fails must be a documented difference in ``docs/migrating.md`` (a security
refusal or a safer answer, with the reason and the change to make in the test), and every
documented difference must really fail, so the list stays true in both directions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import upstream
from .differences import KINDS, Difference, documented

SUITES = [
    pytest.param(upstream.STARLETTE, id="starlette"),
    pytest.param(upstream.FASTAPI, id="fastapi"),
]


@pytest.mark.parametrize("suite", SUITES)
def test_every_failure_is_a_documented_difference(suite: upstream.Suite, tmp_path: Path) -> None:
    test_file = upstream.extract(suite, upstream.sdist(suite), tmp_path)
    outcomes = upstream.run(test_file, tmp_path)
    listed = {row.test: row for row in documented(suite.tests)}

    failed = {name: outcome.detail for name, outcome in outcomes.items() if not outcome.passed}
    passed = {name for name, outcome in outcomes.items() if outcome.passed}
    print(f"{suite.distribution} {suite.version}: {len(passed)} of {len(outcomes)} pass")

    assert {name: failed[name] for name in failed.keys() - listed.keys()} == {}, (
        "fails with corsguard but is not in docs/migrating.md"
    )
    assert sorted(listed.keys() & passed) == [], "listed in docs/migrating.md but passes"
    assert sorted(listed.keys() - outcomes.keys()) == [], "listed but not in the test module"


@pytest.mark.parametrize("suite", SUITES)
def test_the_documented_differences_are_only_refusals_and_safer_answers(
    suite: upstream.Suite,
) -> None:
    rows = documented(suite.tests)
    assert rows
    for row in rows:
        assert row.kind in KINDS, row
        assert row.why
        assert row.change


TABLE = """\
# Title

### Starlette's `tests/middleware/test_cors.py`

| test | kind | why it fails with corsguard | what to change in the test |
|---|---|---|---|
| `test_one` | safer | a reason with a `a\\|b` pipe | a change |
| `test_two` | security refusal | another | another change |

### Next section

| test | kind | why | change |
|---|---|---|---|
| `test_elsewhere` | safer | x | y |
"""


def test_the_table_is_read_from_the_section_naming_the_module() -> None:
    assert documented("tests/middleware/test_cors.py", TABLE) == [
        Difference("test_one", "safer", "a reason with a `a\\|b` pipe", "a change"),
        Difference("test_two", "security refusal", "another", "another change"),
    ]


def test_a_module_without_a_section_is_an_error() -> None:
    with pytest.raises(LookupError, match=r"test_other\.py"):
        documented("tests/test_other.py", TABLE)
