"""Terminal colour: a layer over the same text, only on a terminal, never in a pipe."""

from __future__ import annotations

import io
import re
import sys

import pytest
from rich.console import Console

from corsguard.cli.colour import write_report

SCAN = "https://a/\n  HIGH     reflected-origin (CG301)\n    fix:     Allow a list.\n"
AUDIT = "corsguard audit of app m:app\n\nCG101 [critical] m.py:3\n  fix: List origins.\n"
CHECK = "BLOCKED: PUT https://a/ from https://b\n  < access-control-allow-origin: x  <-- decisive\n"
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("report", [SCAN, AUDIT, CHECK])
def test_forced_terminal_colours_the_same_lines(report: str) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard")
    write_report(report, out, console)
    coloured = out.getvalue()
    assert "\x1b[" in coloured
    assert ESCAPE.sub("", coloured) == report


def test_severity_word_is_what_gets_coloured() -> None:
    out = io.StringIO()
    write_report(SCAN, out, Console(file=out, force_terminal=True, color_system="standard"))
    assert "\x1b[31mHIGH\x1b[0m" in out.getvalue()


@pytest.mark.parametrize("report", [SCAN, AUDIT, CHECK])
def test_pipe_gets_plain_text(report: str) -> None:
    out = io.StringIO()
    write_report(report, out)
    assert out.getvalue() == report


def test_terminal_with_rich_is_coloured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = FakeTerminal()
    write_report(SCAN, out)
    assert "\x1b[" in out.getvalue()


def test_no_color_keeps_a_terminal_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = FakeTerminal()
    write_report(SCAN, out)
    assert out.getvalue() == SCAN


def test_without_rich_a_terminal_gets_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    out = FakeTerminal()
    write_report(SCAN, out)
    assert out.getvalue() == SCAN
