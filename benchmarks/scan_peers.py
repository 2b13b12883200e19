"""corsguard scan against CORScanner and corsair-scan on the same zoo, in one run.

The zoo (``tests/scan/zoo.py``: one endpoint per misconfiguration class plus correctly
configured ones) runs under uvicorn with TLS in its own process, as ``https://api.example.com``
trusting ``https://app.example.com``. Every tool reaches it through the same local CONNECT
proxy (``HTTPS_PROXY``), so real-looking host names work without DNS changes and every tool
derives its probes from the host it would see in production. The server counts the requests
each run sends. Each tool runs once untimed (warm caches, e.g. tldextract's suffix list), then
``--runs`` times, the tools in turns; the table shows the median wall time.

    .venv/bin/python benchmarks/scan_peers.py [--runs 3] [--keep DIR]

``BENCH_CORSGUARD_ARGS`` adds options to corsguard's command line (e.g. ``--per-host 4``), to
compare settings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scan import zoo  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

BIN = Path(sys.executable).parent
API = "https://api.example.com"

# ---------------------------------------------------------------- the counted zoo (server side)

_COUNT = {"requests": 0}


async def counted_zoo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The zoo, plus ``/__stats`` which returns and resets the request count."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/__stats":
        body = json.dumps(_COUNT).encode()
        _COUNT["requests"] = 0
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
        return
    _COUNT["requests"] += 1
    await zoo.app(scope, receive, send)


# ---------------------------------------------------------------- a CONNECT proxy


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(ConnectionError, OSError):
        writer.close()


def _serve_proxy(port: int, upstream: int, ready: threading.Event) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"CONNECT "):
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------- scoring


@dataclass
class Outcome:
    found: dict[str, set[str]] = field(default_factory=dict)  # endpoint -> classes reported

    def add(self, endpoint: str, class_id: str) -> None:
        self.found.setdefault(endpoint, set()).add(class_id)


def endpoint_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


CORSCANNER_TYPES = {
    "reflect_origin": "origin-reflection",
    "prefix_match": "prefix-match",
    "suffix_match": "suffix-match",
    "trust_null": "null-origin",
    "include_match": "substring-match",
    "not_escape_dot": "unescaped-dot",
    "custom_third_parties": "third-party-origin",
    "special_characters_bypass": "special-char-bypass",
    "trust_any_subdomain": "any-subdomain",
    "https_trust_http": "insecure-origin",
}
CORSAIR_TESTS = {
    "post-domain": "prefix-match",
    "sub-domain": "any-subdomain",
    "pre-domain": "suffix-match",
}


def read_corsguard(path: Path) -> Outcome:
    outcome = Outcome()
    for target in json.loads(path.read_text())["targets"]:
        for finding in target["findings"]:
            # informational findings (a public '*') are context, not a misconfiguration claim
            if finding["severity"] != "info" or endpoint_of(target["url"]) not in zoo.CORRECT:
                outcome.add(endpoint_of(target["url"]), finding["class"])
    return outcome


def read_corscanner(path: Path) -> Outcome:
    outcome = Outcome()
    for item in json.loads(path.read_text() or "[]"):
        outcome.add(endpoint_of(item["url"]), CORSCANNER_TYPES.get(item["type"], item["type"]))
    return outcome


def read_corsair(path: Path) -> Outcome:
    outcome = Outcome()
    for entry in json.loads(path.read_text())["report"]:
        endpoint = endpoint_of(entry["url"])
        for test in ("fake_origin", *CORSAIR_TESTS):
            result = entry.get(test) or {}
            if not result.get("misconfigured"):
                continue
            allow = result.get("Access-Control-Allow-Origin")
            if allow == "*":
                outcome.add(
                    endpoint,
                    "wildcard-with-credentials" if result["credentials"] else "wildcard-origin",
                )
            elif allow == "null":
                outcome.add(endpoint, "null-origin")
            else:
                outcome.add(endpoint, CORSAIR_TESTS.get(test, "origin-reflection"))
    return outcome


# ---------------------------------------------------------------- the tools


@dataclass
class Tool:
    name: str
    command: Callable[[Path], list[str]]
    read: Callable[[Path], Outcome]
    output: str


def tools(proxy: str, urls: Path, own_urls: Path, corsair_input: Path) -> list[Tool]:
    return [
        Tool(
            "corsguard scan",
            lambda out: [
                str(BIN / "corsguard"),
                "scan",
                f"@{own_urls}",
                "--origin",
                zoo.TRUSTED,
                "--proxy",
                proxy,
                *os.environ.get("BENCH_CORSGUARD_ARGS", "").split(),
                "--format",
                "json",
                "--output",
                str(out),
            ],
            read_corsguard,
            "corsguard.json",
        ),
        Tool(
            "CORScanner 0.9.7 (-t 50)",
            lambda out: [str(BIN / "corscanner"), "-i", str(urls), "-t", "50", "-o", str(out)],
            read_corscanner,
            "corscanner.json",
        ),
        Tool(
            "corsair-scan 0.2.0",
            lambda out: [str(BIN / "corsair"), str(corsair_input), "-r", str(out)],
            read_corsair,
            "corsair.json",
        ),
    ]


def stats(port: int) -> int:
    import httpx

    response = httpx.get(f"https://127.0.0.1:{port}/__stats", verify=False)
    return int(response.json()["requests"])


@dataclass
class Row:
    tool: str
    seconds: list[float]
    cpu: list[float]  # the tool's own CPU time (user + system)
    server_cpu: list[float]  # the zoo server's CPU time while the tool ran
    requests: int
    outcome: Outcome

    def found(self) -> list[str]:
        return [c for c in zoo.MISCONFIGURED if c in self.outcome.found.get(c, set())]

    def false_positives(self) -> list[str]:
        return [e for e in zoo.CORRECT if self.outcome.found.get(e)]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_tools(
    tools: list[Tool], work: Path, env: dict[str, str], port: int, runs: int, server: int
) -> list[Row]:
    """Warm every tool up once, then time them in turns, so load from other processes on a
    shared machine falls on every tool alike."""
    rows = [Row(tool.name, [], [], [], 0, Outcome()) for tool in tools]
    for tool in tools:
        out = work / tool.output
        warmup = subprocess.run(
            tool.command(out), env=env, cwd=work, capture_output=True, timeout=600
        )
        if not out.exists():
            sys.stderr.write(f"{tool.name} wrote no report:\n{warmup.stderr.decode()[-2000:]}\n")
        stats(port)
    for _ in range(runs):
        for tool, row in zip(tools, rows, strict=True):
            out = work / tool.output
            out.unlink(missing_ok=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            server_before = process_cpu(server)
            started = time.perf_counter()
            subprocess.run(tool.command(out), env=env, cwd=work, capture_output=True, timeout=600)
            row.seconds.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            row.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            row.server_cpu.append(process_cpu(server) - server_before)
            row.requests = stats(port)
            row.outcome = tool.read(out)
    return rows


@contextlib.contextmanager
def zoo_server(work: Path) -> Iterator[tuple[int, Path, int]]:
    cert, key = work / "cert.pem", work / "key.pem"
    names = "DNS:api.example.com,DNS:*.example.com,IP:127.0.0.1"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=api.example.com",
            "-addext",
            f"subjectAltName={names}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "benchmarks.scan_peers:counted_zoo",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--backlog",
            "4096",
            "--ssl-keyfile",
            str(key),
            "--ssl-certfile",
            str(cert),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                stats(port)
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the zoo server did not start") from None
                time.sleep(0.1)
        yield port, cert, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)


def table(rows: list[Row]) -> str:
    total = len(zoo.MISCONFIGURED)
    lines = [
        "| tool | classes found | false positives | requests (at the server) "
        "| wall time, median (min–max) | tool CPU | server CPU |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        fps = row.false_positives()
        spread = f"{min(row.seconds):.2f}–{max(row.seconds):.2f}"
        lines.append(
            f"| {row.tool} | {len(row.found())}/{total} | {len(fps)} of {len(zoo.CORRECT)} correct"
            f"{' (' + ', '.join(fps) + ')' if fps else ''} | {row.requests} | "
            f"{statistics.median(row.seconds):.2f} s ({spread})"
            f" | {statistics.median(row.cpu):.2f} s | {statistics.median(row.server_cpu):.2f} s |"
        )
    lines += ["", "| class | " + " | ".join(row.tool for row in rows) + " |"]
    lines.append("|---|" + "---|" * len(rows))
    for class_id in zoo.MISCONFIGURED:
        marks = ["yes" if class_id in row.found() else "–" for row in rows]
        lines.append(f"| `{class_id}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="copy every tool's report into this directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with zoo_server(work) as (port, cert, server_pid):
            proxy_port = free_port()
            ready = threading.Event()
            threading.Thread(
                target=_serve_proxy, args=(proxy_port, port, ready), daemon=True
            ).start()
            ready.wait(10)
            proxy = f"http://127.0.0.1:{proxy_port}"
            endpoints = [*zoo.MISCONFIGURED, *zoo.CORRECT]
            urls = work / "urls.txt"
            urls.write_text("".join(f"{API}/{e}\n" for e in endpoints))
            # corsguard is told what each endpoint trusts: the two subdomain endpoints trust
            # every subdomain on purpose (a URL list line may name the origins after the URL).
            own_urls = work / "corsguard-urls.txt"
            own_urls.write_text(
                "".join(
                    f"{API}/{e} {zoo.SUBDOMAIN_PATTERN}\n"
                    if e in zoo.SUBDOMAIN_ENDPOINTS
                    else f"{API}/{e}\n"
                    for e in endpoints
                )
            )
            corsair_input = work / "corsair.input.json"
            corsair_input.write_text(
                json.dumps(
                    [
                        {
                            "verb": "GET",
                            "url": f"{API}/{e}",
                            "params": "",
                            "headers": {"Origin": zoo.TRUSTED},
                        }
                        for e in endpoints
                    ]
                )
            )
            (work / "tldextract").mkdir()
            env = {
                **os.environ,
                "HTTPS_PROXY": proxy,
                "https_proxy": proxy,
                "NO_PROXY": "",
                "no_proxy": "",
                "SSL_CERT_FILE": str(cert),
                "REQUESTS_CA_BUNDLE": str(cert),
                "TLDEXTRACT_CACHE": str(work / "tldextract"),
                "PYTHONPATH": str(ROOT),
            }
            rows = run_tools(
                tools(proxy, urls, own_urls, corsair_input), work, env, port, args.runs, server_pid
            )
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for report in work.glob("*.json"):
                    (args.keep / report.name).write_bytes(report.read_bytes())
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
