"""Score ``corsguard audit`` against the corpus: true and false positives, misses, per case.

A finding is identified by (code, file, line), the file relative to the case directory. An
expected finding that is reported is a true positive; a reported finding that is neither
expected nor listed as optional is a false positive (a second report of the same key counts
as another false positive: one finding per code and line is the rule); an expected finding
that is not reported is a miss. Optional findings count neither way.

The audit runs in-process through the command line's JSON output, so a case's ``args``
(``--prefix``, ``--define``) reach it exactly as a user would pass them. A case the command
refuses (exit 2) or that raises is an error: all of its expected findings are misses.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent

Key = tuple[str, str, int]  # code, file relative to the case, line


@dataclass(frozen=True)
class Case:
    name: str
    directory: Path
    source: str
    pattern: str
    target: str
    args: tuple[str, ...]
    expected: frozenset[Key]
    optional: frozenset[Key]

    @classmethod
    def load(cls, directory: Path) -> Case:
        data = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
        return cls(
            name=directory.name,
            directory=directory,
            source=data["source"],
            pattern=data["pattern"],
            target=data.get("target", "."),
            args=tuple(data.get("args", ())),
            expected=frozenset(_keys(data.get("findings", ()))),
            optional=frozenset(_keys(data.get("optional", ()))),
        )


@dataclass(frozen=True)
class Outcome:
    case: Case
    reported: tuple[Key, ...] = ()
    error: str = ""  # why the audit did not complete: refused (exit 2) or raised
    true_positives: frozenset[Key] = field(default_factory=frozenset)
    false_positives: tuple[Key, ...] = ()
    misses: frozenset[Key] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Score:
    outcomes: tuple[Outcome, ...]

    @property
    def true_positives(self) -> int:
        return sum(len(o.true_positives) for o in self.outcomes)

    @property
    def false_positives(self) -> int:
        return sum(len(o.false_positives) for o in self.outcomes)

    @property
    def misses(self) -> int:
        return sum(len(o.misses) for o in self.outcomes)

    @property
    def errors(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.error)

    @property
    def precision(self) -> float:
        reported = self.true_positives + self.false_positives
        return self.true_positives / reported if reported else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.misses
        return self.true_positives / expected if expected else 1.0


def cases(corpus: Path = CORPUS) -> list[Case]:
    return [Case.load(d) for d in sorted(corpus.iterdir()) if (d / "expected.json").is_file()]


def measure(selected: list[Case] | None = None) -> Score:
    return Score(tuple(run(case) for case in (cases() if selected is None else selected)))


def run(case: Case) -> Outcome:
    from corsguard.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    argv = ["audit", case.target, "--format", "json", "--fail-on", "critical", *case.args]
    try:
        with (
            _inside(case.directory),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(argv)
    except SystemExit as exit_:  # argparse refusing an option
        code = exit_.code if isinstance(exit_.code, int) else 2
    except Exception as error:  # a crash is what this records
        return outcome(case, (), f"raised {type(error).__name__}: {error}")
    if code not in (0, 1):
        message = err.getvalue().strip().splitlines()
        return outcome(case, (), f"exit {code}: {message[-1] if message else 'no message'}")
    report: dict[str, Any] = json.loads(out.getvalue())
    reported = tuple(_key(f, case.directory) for f in report["findings"])
    return outcome(case, reported, "")


def outcome(case: Case, reported: tuple[Key, ...], error: str) -> Outcome:
    """Score one case's reported findings against its expected and optional ones."""
    counts = Counter(reported)
    false_positives: list[Key] = []
    for key, count in counts.items():
        extra = count - 1 if key in case.expected or key in case.optional else count
        false_positives += [key] * extra
    return Outcome(
        case=case,
        reported=reported,
        error=error,
        true_positives=frozenset(k for k in counts if k in case.expected),
        false_positives=tuple(sorted(false_positives)),
        misses=frozenset(case.expected - counts.keys()),
    )


def _key(finding: dict[str, Any], directory: Path) -> Key:
    location = str(finding.get("location", ""))
    file, _, line = location.rpartition(":")
    if not line.isdigit():
        file, line = location, "0"
    path = Path(file)
    if not path.is_absolute():
        path = directory / path
    relative = os.path.relpath(os.path.normpath(path), directory)
    return (str(finding["code"]), Path(relative).as_posix(), int(line))


def _keys(entries: Any) -> Iterator[Key]:
    for entry in entries:
        yield (str(entry["code"]), str(entry["file"]), int(entry["line"]))


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    # Case paths and args are relative to the case, as a user runs the audit from the repository.
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def render(score: Score) -> str:
    lines: list[str] = []
    for o in score.outcomes:
        status = "error" if o.error else "ok" if not (o.false_positives or o.misses) else "diff"
        lines.append(
            f"{o.case.name}: {status}  tp={len(o.true_positives)} fp={len(o.false_positives)} "
            f"miss={len(o.misses)}"
        )
        if o.error:
            lines.append(f"    error: {o.error}")
        lines += [f"    false positive: {_show(k)}" for k in o.false_positives]
        lines += [f"    miss: {_show(k)}" for k in sorted(o.misses)]
    lines.append("")
    lines.append(
        f"cases: {len(score.outcomes)}  errors: {len(score.errors)}  "
        f"true positives: {score.true_positives}  false positives: {score.false_positives}  "
        f"misses: {score.misses}"
    )
    lines.append(f"precision: {score.precision:.1%}  recall: {score.recall:.1%}")
    return "\n".join(lines) + "\n"


def _show(key: Key) -> str:
    code, file, line = key
    return f"{code} {file}:{line}"
