"""Configurations that carry their expected findings: '# expect: CG503 CG507' on the line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from corsguard.audit.nginx import load
from corsguard.audit.nginx_rules import audit_nginx
from corsguard.findings import Finding

EXPECT = re.compile(r"#\s*expect:((?:\s+CG5\d\d)+)")


def write(tmp_path: Path, text: str, name: str = "nginx.conf") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def expected(path: Path) -> set[tuple[str, str]]:
    """(code, file:line) for every '# expect:' marker in the file."""
    out: set[tuple[str, str]] = set()
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            out |= {(code, f"{path}:{number}") for code in match.group(1).split()}
    return out


def found(target: Path) -> list[Finding]:
    return audit_nginx(load(target))


def pairs(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.location) for f in findings}
