#!/usr/bin/env python3
"""Run tests/compat in one virtualenv per row of scripts/matrix.toml (Python x FastAPI x Starlette).

Usage: scripts/matrix.py [ROW ...] [--jobs N] [--rebuild] [--list]

Each row's virtualenv lives in .matrix/<row>-<key>/, where the key hashes the interpreter's
version and the row's requirements: a rerun reuses it, a changed pin builds a new one (and
removes the old). The `latest` row's key also carries the date, so it picks up new releases
once a day. corsguard is not installed into the rows: the tests import it from src/ through
PYTHONPATH, so they always run the working tree. A Python the machine lacks skips its row
locally and fails it under CI (CI=true), where every row must run. Exits 1 if any row failed.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    sys.exit("scripts/matrix.py needs Python 3.11 or later (tomllib); run it with python3.11.")

ROOT = Path(__file__).resolve().parent.parent
MATRIX = ROOT / "scripts" / "matrix.toml"
CACHE = Path(os.environ.get("CORSGUARD_MATRIX_DIR", ROOT / ".matrix"))
LATEST = "latest"
# Far above a row's usual ~15 s; a hung server test is stopped by pytest-timeout before this.
PYTEST_DEADLINE = 600
INSTALL_DEADLINE = 900
SHOWN = ("fastapi", "starlette", "pydantic", "uvicorn", "httpx")

_print_lock = threading.Lock()


def _run(command: Sequence[str], **options: Any) -> subprocess.CompletedProcess[str]:
    # Every command is built here from the matrix file and paths this script creates.
    return subprocess.run(command, **options)  # noqa: S603


def say(message: str) -> None:
    with _print_lock:
        print(message, flush=True)


@dataclass(frozen=True)
class Row:
    name: str
    python: str
    packages: dict[str, str]
    note: str = ""

    def requirements(self, tools: dict[str, str], extra: Sequence[str]) -> list[str]:
        pins = [_requirement(name, version) for name, version in {**self.packages, **tools}.items()]
        return [*pins, *extra]

    @property
    def floating(self) -> bool:
        return LATEST in self.packages.values()


@dataclass
class Outcome:
    row: Row
    status: str  # "passed", "failed", "skipped", "error"
    summary: str
    seconds: float
    versions: dict[str, str] = field(default_factory=dict)


def _requirement(name: str, version: str) -> str:
    return name if version == LATEST else f"{name}=={version}"


def load_matrix() -> tuple[list[Row], dict[str, str]]:
    data = tomllib.loads(MATRIX.read_text(encoding="utf-8"))
    rows = [
        Row(row["name"], row["python"], dict(row["packages"]), row.get("note", ""))
        for row in data["row"]
    ]
    return rows, dict(data.get("tools", {}))


def cli_extra() -> list[str]:
    """The requirements of corsguard's `cli` extra, as pyproject.toml declares them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["optional-dependencies"]["cli"])


def find_python(version: str) -> str | None:
    """An interpreter for `3.X`: on PATH (one that really runs), else under pyenv's versions."""
    candidates: list[str] = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        installed = sorted(
            pyenv.glob(f"{version}.*/bin/python{version}"),
            key=lambda path: [int(n) for n in re.findall(r"\d+", path.parts[-3])],
            reverse=True,
        )
        candidates += [str(path) for path in installed]
    for candidate in candidates:
        # pyenv's shims exist for every version but fail for one that is not selected.
        probe = _run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def full_version(python: str) -> str:
    return _run(
        [python, "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def venv_key(python: str, requirements: Sequence[str], floating: bool) -> str:
    material = [full_version(python), *sorted(requirements)]
    if floating:
        material.append(datetime.datetime.now(datetime.timezone.utc).date().isoformat())
    return hashlib.sha256("\n".join(material).encode()).hexdigest()[:12]


def ensure_venv(row: Row, python: str, requirements: list[str], rebuild: bool) -> Path:
    """The row's virtualenv with its requirements installed; built unless a ready one exists."""
    key = venv_key(python, requirements, row.floating)
    venv = CACHE / f"{row.name}-{key}"
    ready = venv / "corsguard-matrix-ready"
    for stale in CACHE.glob(f"{row.name}-*"):
        if stale != venv and re.fullmatch(rf"{re.escape(row.name)}-[0-9a-f]{{12}}", stale.name):
            shutil.rmtree(stale, ignore_errors=True)
    if ready.exists() and not rebuild:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    start = time.monotonic()
    say(f"[{row.name}] creating a virtualenv with Python {row.python} and installing:")
    say(f"[{row.name}]   {' '.join(requirements)}")
    log = CACHE / "logs" / f"{row.name}-install.log"
    with log.open("w", encoding="utf-8") as out:
        for command in (
            [python, "-m", "venv", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements],
        ):
            done = _run(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
                timeout=INSTALL_DEADLINE,
                env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
            )
            if done.returncode != 0:
                raise InstallError(f"`{' '.join(command[:4])} …` failed; see {log}")
    ready.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    say(f"[{row.name}] installed in {time.monotonic() - start:.0f} s")
    return venv


class InstallError(Exception):
    pass


def installed_versions(venv: Path) -> dict[str, str]:
    script = (
        "import importlib.metadata as m, json\n"
        f"names = {list(SHOWN)!r}\n"
        "found = {}\n"
        "for name in names:\n"
        "    try:\n"
        "        found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        pass\n"
        "print(json.dumps(found))\n"
    )
    done = _run(
        [str(venv / "bin" / "python"), "-c", script], capture_output=True, text=True, check=True
    )
    versions: dict[str, str] = json.loads(done.stdout)
    return versions


_SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s", re.MULTILINE)


def run_row(row: Row, tools: dict[str, str], extra: list[str], rebuild: bool) -> Outcome:
    start = time.monotonic()
    python = find_python(row.python)
    if python is None:
        message = f"Python {row.python} is not installed"
        if os.environ.get("CI"):
            say(f"[{row.name}] FAILED: {message}, and CI runs every row")
            return Outcome(row, "error", message, time.monotonic() - start)
        say(f"[{row.name}] skipped: {message} (under CI this fails)")
        return Outcome(row, "skipped", message, time.monotonic() - start)
    requirements = row.requirements(tools, extra)
    try:
        venv = ensure_venv(row, python, requirements, rebuild)
    except (InstallError, subprocess.TimeoutExpired) as error:
        say(f"[{row.name}] FAILED to install: {error}")
        return Outcome(row, "error", "install failed", time.monotonic() - start)
    versions = installed_versions(venv)
    shown = ", ".join(f"{name} {version}" for name, version in versions.items())
    say(f"[{row.name}] running tests/compat with Python {row.python}: {shown}")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "CORSGUARD_MATRIX_ROW": row.name,
        # What the row must have installed; a test compares it with what imports.
        "CORSGUARD_MATRIX_EXPECT": json.dumps(
            {name: version for name, version in row.packages.items() if version != LATEST}
        ),
    }
    log = CACHE / "logs" / f"{row.name}-tests.log"
    command = [str(venv / "bin" / "python"), "-m", "pytest", "tests/compat", "-q"]
    command += ["-p", "no:cacheprovider"]
    try:
        done = _run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=PYTEST_DEADLINE,
        )
        output = done.stdout + done.stderr
        code = done.returncode
    except subprocess.TimeoutExpired as error:
        output, code = f"{error}\n", 124
    log.write_text(output, encoding="utf-8")
    found = _SUMMARY.findall(output)
    summary = found[-1] if found else f"pytest exit {code}"
    seconds = time.monotonic() - start
    if code == 0:
        say(f"[{row.name}] passed: {summary} ({seconds:.0f} s)")
        return Outcome(row, "passed", summary, seconds, versions)
    tail = "\n".join(f"[{row.name}] | {line}" for line in output.rstrip().splitlines()[-60:])
    say(f"[{row.name}] FAILED: {summary} ({seconds:.0f} s); full output in {log}\n{tail}")
    return Outcome(row, "failed", summary, seconds, versions)


def table(outcomes: Sequence[Outcome]) -> str:
    header = ("row", "python", "fastapi", "starlette", "result", "seconds")
    lines = [header]
    for outcome in outcomes:
        row, versions = outcome.row, outcome.versions
        lines.append(
            (
                row.name,
                row.python,
                versions.get("fastapi", row.packages.get("fastapi", "-")),
                versions.get("starlette", row.packages.get("starlette", "-")),
                f"{outcome.status}: {outcome.summary}",
                f"{outcome.seconds:.0f}",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", metavar="ROW", help="rows to run (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="rows run at once (default: 2)")
    parser.add_argument("--rebuild", action="store_true", help="recreate the virtualenvs")
    parser.add_argument("--list", action="store_true", help="print the rows and exit")
    args = parser.parse_args(argv)
    rows, tools = load_matrix()
    if args.list:
        for row in rows:
            pins = " ".join(f"{n}=={v}" for n, v in row.packages.items())
            print(f"{row.name:16} python {row.python}  {pins}")
        return 0
    unknown = sorted(set(args.rows) - {row.name for row in rows})
    if unknown:
        parser.error(f"no such row: {', '.join(unknown)} (see --list)")
    if args.rows:
        rows = [row for row in rows if row.name in args.rows]
    (CACHE / "logs").mkdir(parents=True, exist_ok=True)
    extra = cli_extra()
    start = time.monotonic()
    say(f"matrix: {len(rows)} row(s), {max(1, args.jobs)} at a time, virtualenvs in {CACHE}")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda row: run_row(row, tools, extra, args.rebuild), rows))
    print(f"\n{table(outcomes)}\n\nmatrix: {time.monotonic() - start:.0f} s in all", flush=True)
    failed = [o.row.name for o in outcomes if o.status in ("failed", "error")]
    if failed:
        print(f"matrix: FAILED: {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
