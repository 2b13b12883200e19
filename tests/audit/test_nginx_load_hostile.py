"""Hostile input through the command line: exit 2 naming the file, within seconds, never a hang.

Each case runs ``corsguard audit PATH`` in a child process with a timeout, so a regression that
blocks (a FIFO opened for reading) fails the test instead of hanging the suite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SECONDS = 20  # generous for a shared CI machine; each case takes well under 2 s alone


def audit(path: Path | str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "corsguard", "audit", str(path)],
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    return result.returncode, result.stderr, time.monotonic() - started


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "s.conf"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        yield path


def fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "fifo.conf")
    return tmp_path / "fifo.conf"


def fifo_included(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe.conf")
    (tmp_path / "nginx.conf").write_text("events {}\nhttp {\n    include pipe.conf;\n}\n")
    return tmp_path / "nginx.conf"


def too_large(tmp_path: Path) -> Path:
    path = tmp_path / "nginx.conf"
    with path.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(17 * 1024 * 1024)
    return path


def one_huge_word(tmp_path: Path) -> Path:
    path = tmp_path / "nginx.conf"
    path.write_text("a" * 10_000_000)
    return path


def deep(tmp_path: Path) -> Path:
    path = tmp_path / "nginx.conf"
    path.write_text("http {\n" + "location / {\n" * 1000 + "}\n" * 1001)
    return path


def includes_itself(tmp_path: Path) -> Path:
    path = tmp_path / "nginx.conf"
    path.write_text("events {}\nhttp {\n    include nginx.conf;\n}\n")
    return path


def include_cycle(tmp_path: Path) -> Path:
    (tmp_path / "a.conf").write_text("include b.conf;\n")
    (tmp_path / "b.conf").write_text("server { include a.conf; }\n")
    (tmp_path / "nginx.conf").write_text("events {}\nhttp {\n    include a.conf;\n}\n")
    return tmp_path / "nginx.conf"


def include_bomb(tmp_path: Path) -> Path:
    # Each level includes the next ten times: 10^7 directives once inlined.
    for level in range(7):
        (tmp_path / f"l{level}.conf").write_text(f"include l{level + 1}.conf;\n" * 10)
    (tmp_path / "l7.conf").write_text("add_header X-A b;\n")
    (tmp_path / "nginx.conf").write_text("events {}\nhttp {\n    include l0.conf;\n}\n")
    return tmp_path / "nginx.conf"


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("fifo", fifo, "fifo.conf: is a named pipe (FIFO)"),
    ("fifo-included", fifo_included, "pipe.conf: is a named pipe (FIFO)"),
    ("too-large", too_large, "nginx.conf: 17 MiB is over the 16 MiB limit"),
    ("10-mb-word", one_huge_word, "nginx.conf: not an nginx configuration"),
    ("1000-nested-blocks", deep, "nginx.conf:101: blocks nested more than 100 levels"),
    ("includes-itself", includes_itself, "nginx.conf:3: include nginx.conf makes a cycle"),
    ("include-cycle", include_cycle, "b.conf:1: include a.conf makes a cycle"),
    ("include-bomb", include_bomb, "more than 1,000,000 directives"),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_a_usage_error_naming_the_file(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    code, err, _ = audit(make(tmp_path))
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_device_is_refused_without_reading_it() -> None:
    code, err, seconds = audit("/dev/zero")
    assert code == 2
    assert "/dev/zero: is a character device" in err
    assert seconds < SECONDS


def test_a_socket_is_refused(unix_socket: Path) -> None:
    code, err, _ = audit(unix_socket)
    assert code == 2
    assert "s.conf: is a socket" in err


def test_a_fifo_in_a_directory_is_skipped_and_listed(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.conf")
    (tmp_path / "site.conf").write_text(
        "server {\n    location / { add_header Access-Control-Allow-Origin * always; }\n}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "corsguard", "audit", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 0
    assert "pipe.conf (not a regular file)" in result.stdout
