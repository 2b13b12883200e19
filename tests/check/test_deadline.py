"""``--timeout`` bounds each request as a whole, not only each read from the socket."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from corsguard.browser import FetchRequest
from corsguard.check import CheckNetworkError, run_check
from corsguard.cli.main import main

ORIGIN = "https://app.example.com"


def _trickle(connection: socket.socket, stop: threading.Event, *, headers: bool) -> None:
    with connection:
        try:
            connection.recv(65536)
            if headers:
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n"
                    b"Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
                )
            else:
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.wait(0.3):
                connection.sendall(b"x")
        except OSError:
            pass


def _serve(*, headers: bool) -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(
                target=_trickle, args=(connection, stop), kwargs={"headers": headers}, daemon=True
            ).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.fixture
def trickling_body() -> Iterator[str]:
    yield from _serve(headers=True)


def test_a_trickled_body_is_cut_at_the_deadline_and_the_verdict_kept(trickling_body: str) -> None:
    started = time.monotonic()
    result = run_check(FetchRequest(trickling_body, ORIGIN), timeout=1.0)
    assert time.monotonic() - started < 3.0
    assert result.allowed
    exchange = result.verdict.exchanges[-1]
    assert exchange.response.status == 200
    assert 0 < len(exchange.response.body) < 1000


def test_the_cli_timeout_is_a_deadline(
    trickling_body: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code = main(["check", trickling_body, "--origin", ORIGIN, "--timeout", "1"])
    assert time.monotonic() - started < 3.0
    assert code == 0, capsys.readouterr().err


def test_a_timeout_is_worded_once() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts the connection in the kernel, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        with pytest.raises(CheckNetworkError) as caught:
            run_check(FetchRequest(url, ORIGIN), timeout=0.3)
    finally:
        listener.close()
    message = str(caught.value)
    assert message.count("timed out") == 1
    assert "0.3 s" in message
