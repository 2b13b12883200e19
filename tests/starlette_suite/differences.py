"""The documented differences from Starlette: the tables of ``docs/migrating.md``.

Each suite has a section whose heading names its test module; its table lists the tests
that fail with corsguard's middleware, each with a kind, the reason and the change to make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MIGRATING = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"

# Only these may be listed: a difference that is neither is a bug to fix, not to document.
KINDS = frozenset({"security refusal", "safer"})

_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Difference:
    test: str
    kind: str
    why: str
    change: str


def documented(test_module: str, text: str | None = None) -> list[Difference]:
    """The rows of the table under the heading that names ``test_module`` (in backticks)."""
    text = MIGRATING.read_text() if text is None else text
    section = _section(text, f"`{test_module}`")
    rows: list[Difference] = []
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in _CELL_SEPARATOR.split(line.strip())[1:-1]]
        if len(cells) != 4 or set(cells[0]) <= {"-", ":"} or cells[0] == "test":
            continue
        name = cells[0].strip("`")
        rows.append(Difference(name, cells[1], cells[2], cells[3]))
    return rows


def _section(text: str, marker: str) -> str:
    """The lines after the heading that contains ``marker``, up to the next heading."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("#") and marker in line:
            end = next(
                (j for j in range(index + 1, len(lines)) if lines[j].startswith("#")),
                len(lines),
            )
            return "\n".join(lines[index + 1 : end])
    raise LookupError(f"{MIGRATING.name} has no heading naming {marker}")
