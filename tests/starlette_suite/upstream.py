"""Running Starlette's and FastAPI's own CORS tests against corsguard's middleware.

The tests come from the source distribution of the *installed* version, fetched from the
package index with ``pip download`` and kept under ``.cache/upstream/`` (git-ignored; they are
never copied into the repository). Only the test files are extracted, the one import of
``CORSMiddleware`` is swapped for corsguard's, and pytest runs them in a subprocess with a
small conftest written here, so the outcome does not depend on this repository's pytest
configuration or on the upstream project's development dependencies.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

import corsguard

REPOSITORY = Path(__file__).resolve().parents[2]
CACHE = REPOSITORY / ".cache" / "upstream"
INDEX = "https://pypi.org/simple"
SWAPPED_IN = "from corsguard import CORSMiddleware"

# The fixture Starlette's tests ask for, and the one name they import from their own
# ``tests/types.py``; written here rather than taken from the sdist, whose conftest needs the
# project's development tools (blockbuster, httpx2).
CONFTEST = """\
import functools

import pytest

import corsguard
from starlette.testclient import TestClient


@pytest.fixture
def test_client_factory(anyio_backend_name, anyio_backend_options):
    return functools.partial(
        TestClient, backend=anyio_backend_name, backend_options=anyio_backend_options
    )
"""
TYPES = """\
from collections.abc import Callable

from starlette.testclient import TestClient

TestClientFactory = Callable[..., TestClient]
"""
PYTEST_INI = """\
[pytest]
addopts = -p no:cacheprovider
"""


@dataclass(frozen=True)
class Suite:
    """Which files of a distribution make up its CORS tests, and the import to swap."""

    distribution: str
    tests: str  # the test module, relative to the sdist's root
    support: tuple[str, ...]  # other files or folders the tests import
    imports: tuple[str, ...]  # ``from ... import CORSMiddleware`` lines to replace

    @property
    def version(self) -> str:
        return metadata.version(self.distribution)


STARLETTE = Suite(
    distribution="starlette",
    tests="tests/middleware/test_cors.py",
    support=(),
    imports=("from starlette.middleware.cors import CORSMiddleware",),
)
FASTAPI = Suite(
    distribution="fastapi",
    tests="tests/test_tutorial/test_cors/test_tutorial001.py",
    support=("docs_src/cors",),
    imports=(
        "from fastapi.middleware.cors import CORSMiddleware",
        "from starlette.middleware.cors import CORSMiddleware",
    ),
)


def sdist(suite: Suite) -> Path:
    """The sdist of the installed version, downloaded once into the cache."""
    name = f"{suite.distribution}-{suite.version}"
    for found in CACHE.glob(f"{name}.tar.gz"):
        return found
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as download:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet"),
                "--disable-pip-version-check",
                f"{suite.distribution}=={suite.version}",
                *("--no-deps", "--no-binary", ":all:", "--dest", download),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        archives = list(Path(download).glob("*.tar.gz"))
        if done.returncode != 0 or len(archives) != 1:
            # pip prepares the sdist's metadata, which today's build backends refuse for
            # some old releases (FastAPI 0.79's flit configuration): fetch the file itself.
            try:
                archives = [_from_index(suite.distribution, suite.version, Path(download))]
            except (OSError, ValueError) as error:
                message = (
                    f"could not download the {name} sdist: {done.stderr.strip()[-1500:]}; "
                    f"from the index: {error}"
                )
                if os.environ.get("CI"):
                    pytest.fail(message)
                pytest.skip(message)
        # A rename is atomic: a concurrent run sees the whole archive or none.
        return Path(shutil.move(str(archives[0]), CACHE / archives[0].name))


def _from_index(distribution: str, version: str, into: Path) -> Path:
    """The sdist from the index's simple API (PEP 691 JSON), checked against its sha256."""
    request = urllib.request.Request(
        f"{INDEX}/{distribution}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    wanted = f"{distribution}-{version}.tar.gz"
    entry = next((each for each in files if each["filename"] == wanted), None)
    if entry is None:
        raise ValueError(f"the index lists no {wanted}")
    with urllib.request.urlopen(entry["url"], timeout=120) as response:
        content = response.read()
    expected = entry.get("hashes", {}).get("sha256")
    if expected and hashlib.sha256(content).hexdigest() != expected:
        raise ValueError(f"{wanted} does not match the index's sha256")
    target = into / wanted
    target.write_bytes(content)
    return target


def extract(suite: Suite, archive: Path, into: Path) -> Path:
    """Write the suite's files under ``into`` (a package tree like upstream's); the test path.

    Skips when this version's sdist does not ship its tests (Starlette's before 0.3x).
    """
    wanted = (suite.tests, *suite.support)
    with tarfile.open(archive) as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        root = members[0].name.split("/", 1)[0]
        found: dict[str, bytes] = {}
        for member in members:
            relative = member.name[len(root) + 1 :]
            if any(relative == each or relative.startswith(f"{each}/") for each in wanted):
                stream = tar.extractfile(member)
                if stream is not None:
                    found[relative] = stream.read()
    if suite.tests not in found:
        pytest.skip(f"the {archive.name} sdist does not ship {suite.tests}")
    swapped = 0
    for relative, content in found.items():
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content.decode()
        if relative.endswith(".py"):
            changed = swap_import(text, suite.imports)
            swapped += changed != text
            text = changed
        target.write_text(text)
    if not swapped:
        # Upstream changed how the tests import the middleware: running them now would
        # test Starlette's, and pass for the wrong reason.
        pytest.fail(f"no import of CORSMiddleware to swap in {archive.name}: {wanted}")
    # Packages for every folder of the test module, as upstream has them.
    for folder in Path(suite.tests).parents:
        if folder != Path():
            (into / folder / "__init__.py").touch()
    if suite.distribution == "starlette":
        (into / "tests" / "conftest.py").write_text(CONFTEST)
        (into / "tests" / "types.py").write_text(TYPES)
    (into / "pytest.ini").write_text(PYTEST_INI)
    return into / suite.tests


def swap_import(source: str, imports: tuple[str, ...]) -> str:
    """``source`` with each of ``imports`` replaced by corsguard's ``CORSMiddleware``."""
    for line in imports:
        source = source.replace(line, SWAPPED_IN)
    return source


def defined_tests(test_file: Path) -> list[str]:
    """The test functions a module defines, in order."""
    tree = ast.parse(test_file.read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    ]


@dataclass(frozen=True)
class Outcome:
    passed: bool
    detail: str  # the first line of the failure, for the assertion message


def run(test_file: Path, root: Path) -> dict[str, Outcome]:
    """Run the module with pytest in a subprocess; each test function's outcome.

    A function passed if every one of its parametrizations passed. A module that cannot be
    imported fails all of its tests.
    """
    report = root / "report.xml"
    src = Path(corsguard.__file__).resolve().parent.parent
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-c", str(root / "pytest.ini")),
            *("--rootdir", str(root), f"--junitxml={report}", str(test_file)),
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(src)])},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    results: dict[str, list[Outcome]] = {}
    if report.exists():
        for case in ElementTree.parse(report).iter("testcase"):
            name = case.get("name", "").split("[", 1)[0]
            problem = next(
                (child for child in case if child.tag in ("failure", "error", "skipped")), None
            )
            results.setdefault(name, []).append(_outcome(problem))
    names = defined_tests(test_file)
    # Whatever failed outside a test (the module's import) explains the tests that never ran.
    elsewhere = [each for name, runs in results.items() if name not in names for each in runs]
    reason = next((each.detail for each in elsewhere if not each.passed), "")
    outcomes = {}
    for name in names:
        runs = results.get(name, [])
        failed = [each for each in runs if not each.passed]
        if runs and not failed:
            outcomes[name] = Outcome(True, "")
        elif failed:
            outcomes[name] = failed[0]
        else:
            outcomes[name] = Outcome(False, f"did not run: {reason or done.stdout[-500:]}")
    return outcomes


def _outcome(problem: ElementTree.Element | None) -> Outcome:
    if problem is None:
        return Outcome(True, "")
    lines = [line for line in (problem.text or "").splitlines() if line.startswith("E   ")]
    detail = lines[-1][4:].strip() if lines else problem.get("message", "")
    return Outcome(False, f"{problem.tag}: {detail}")
