"""The real-world nginx corpus as a specification.

The audit is scored against every case's expected findings (precision and recall at least 95%,
no case crashing or refused), and the cases whose findings claim something about responses are
served by real nginx in front of a small app, to check that nginx answers as the case says.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import shutil
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.audit.nginx_corpus.measure import CORPUS, Case, Score, cases, measure, outcome, render
from tests.audit.nginx_server import run_nginx
from tests.support.servers import free_port, serve_asgi

MIN_CASES = 40
MIN_PRECISION = 0.95
MIN_RECALL = 0.95
CODE = re.compile(r"CG5\d\d")


@pytest.fixture(scope="module")
def score() -> Score:
    return measure()


# -- the corpus itself ----------------------------------------------------------------------------


def test_the_corpus_has_enough_cases_and_a_third_of_them_clean() -> None:
    corpus = cases()
    clean = [case for case in corpus if not case.expected]
    assert len(corpus) >= MIN_CASES
    assert len(clean) * 3 >= len(corpus)


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_every_case_names_its_source_and_points_at_real_lines(case: Case) -> None:
    data = json.loads((case.directory / "expected.json").read_text(encoding="utf-8"))
    assert data["source"].strip()
    assert data["pattern"].strip()
    for entry in (*data["findings"], *data["optional"]):
        assert CODE.fullmatch(entry["code"]), entry
        assert entry["why"].strip(), entry
        lines = (case.directory / entry["file"]).read_text(encoding="utf-8").splitlines()
        assert 1 <= entry["line"] <= len(lines), entry
        assert lines[entry["line"] - 1].strip(), entry
    assert not case.expected & case.optional
    assert (case.directory / case.target).exists()


def test_the_readme_lists_every_case() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert [case.name for case in cases() if f"`{case.name}`" not in readme] == []


# -- the audit on the corpus -----------------------------------------------------------------------


def test_no_case_crashes_or_is_refused(score: Score) -> None:
    assert not score.errors, render(Score(score.errors))


def test_precision_on_the_corpus(score: Score) -> None:
    assert score.precision >= MIN_PRECISION, render(score)


def test_recall_on_the_corpus(score: Score) -> None:
    assert score.recall >= MIN_RECALL, render(score)


# -- the scoring rules -----------------------------------------------------------------------------


def scored(
    tmp_path: Path, reported: list[tuple[str, int]], expected: Mapping[str, object]
) -> Score:
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    (case_dir / "nginx.conf").write_text("events {}\n" * 20)
    (case_dir / "expected.json").write_text(
        json.dumps({"source": "s", "pattern": "p", "findings": [], "optional": [], **expected})
    )
    keys = tuple((code, "nginx.conf", line) for code, line in reported)
    return Score((outcome(Case.load(case_dir), keys, ""),))


def entry(code: str, line: int) -> dict[str, object]:
    return {"code": code, "file": "nginx.conf", "line": line, "why": "w"}


def test_a_finding_matches_on_code_file_and_line(tmp_path: Path) -> None:
    score = scored(tmp_path, [("CG504", 3), ("CG503", 4)], {"findings": [entry("CG504", 4)]})
    assert (score.true_positives, score.false_positives, score.misses) == (0, 2, 1)


def test_optional_findings_count_neither_way(tmp_path: Path) -> None:
    expected = {"findings": [entry("CG504", 3)], "optional": [entry("CG514", 1), entry("CG515", 2)]}
    score = scored(tmp_path, [("CG504", 3), ("CG514", 1)], expected)
    assert (score.true_positives, score.false_positives, score.misses) == (1, 0, 0)
    assert score.precision == score.recall == 1.0


def test_a_repeated_finding_is_a_false_positive(tmp_path: Path) -> None:
    score = scored(
        tmp_path, [("CG503", 3), ("CG503", 3), ("CG503", 3)], {"findings": [entry("CG503", 3)]}
    )
    assert (score.true_positives, score.false_positives) == (1, 2)
    assert score.precision == pytest.approx(1 / 3)


def test_a_refused_case_misses_everything_it_expects(tmp_path: Path) -> None:
    case_dir = tmp_path / "refused"
    case_dir.mkdir()
    (case_dir / "nginx.conf").write_text("events {}\nhttp {\n")  # unbalanced: nginx refuses it
    (case_dir / "expected.json").write_text(
        json.dumps({"source": "s", "pattern": "p", "findings": [entry("CG501", 2)], "optional": []})
    )
    score = measure([Case.load(case_dir)])
    [refused] = score.outcomes
    assert refused.error.startswith("exit 2")
    assert score.misses == 1
    assert score.recall == 0.0


# -- what nginx really does with the corpus's configurations ---------------------------------------

APP_ORIGIN = "https://app.example.com"
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """An app with its own CORS: Allow-Origin and Allow-Credentials on every response.

    Paths containing 'no-cors' get none; paths ending in 'missing' are 404s.
    """
    assert scope["type"] == "http"
    path = str(scope["path"])
    headers = [(b"content-type", b"text/plain")]
    if "no-cors" not in path:
        headers += [
            (b"access-control-allow-origin", APP_ORIGIN.encode()),
            (b"access-control-allow-credentials", b"true"),
        ]
    status = 404 if path.endswith("missing") else 200
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"app"})


@dataclass(frozen=True)
class Upstreams:
    http: str  # host:port of the ASGI app
    uwsgi: str  # host:port of the same app's answers over the uwsgi protocol


@pytest.fixture(scope="module")
def upstreams() -> Iterator[Upstreams]:
    with serve_asgi(app) as base, serve_uwsgi() as uwsgi:
        yield Upstreams(base.removeprefix("http://"), uwsgi)


@contextlib.contextmanager
def serve_uwsgi() -> Iterator[str]:
    """A uwsgi-protocol server on loopback that answers every request as ``app`` does a 200."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def answer(connection: socket.socket) -> None:
        with connection:
            header = _receive(connection, 4)  # modifier1, datasize (u16 little-endian), modifier2
            _receive(connection, int.from_bytes(header[1:3], "little"))  # the request's vars
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                b"Access-Control-Allow-Origin: " + APP_ORIGIN.encode() + b"\r\n\r\napp"
            )

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.settimeout(5)
            answer(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _receive(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    status: int
    headers: dict[str, list[str]] = field(default_factory=dict)  # every value, in order; [] absent
    origin: str = APP_ORIGIN


ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
MAX_AGE = "access-control-max-age"
EXPOSE = "access-control-expose-headers"
VARY = "vary"
EVIL = "https://evil.example.net"

# One row per case: the requests that show what its findings (or their absence) claim.
OBSERVED: dict[str, list[Probe]] = {
    "set-flag-ifs-preflight-loses-headers": [
        # CG513: the last matching 'if' has no add_header; the preflight goes out bare.
        Probe("OPTIONS", "/", 204, {ACAO: [], ACAM: [], MAX_AGE: []}),
        Probe("GET", "/index.html", 200, {ACAO: ["*"], ACAM: ["GET, POST, OPTIONS"], EXPOSE: []}),
        # CG502: without 'always' a 404 has no Allow-Origin.
        Probe("GET", "/missing", 404, {ACAO: []}),
    ],
    "origin-if-then-preflight-if": [
        # CG513: both 'if's match the preflight and the last one wins.
        Probe(
            "OPTIONS", "/", 204, {ACAO: [], ACAM: ["GET, POST, PUT"]}, "https://portal.example.com"
        ),
        # The app's header is hidden, inherited by the 'if': one value.
        Probe(
            "GET", "/x", 200, {ACAO: ["https://portal.example.com"]}, "https://portal.example.com"
        ),
    ],
    "preflight-if-echoes-flag-if-adds-credentials": [
        # CG513/CG503: the OPTIONS 'if' wins over the flag 'if': any Origin, no credentials.
        Probe("OPTIONS", "/api/x", 204, {ACAO: [EVIL], ACAC: []}, EVIL),
        Probe("OPTIONS", "/api/x", 204, {ACAO: ["http://localhost"], ACAC: []}, "http://localhost"),
        # CG501: the flag 'if' inherits proxy_pass, so Allow-Credentials comes twice.
        Probe("GET", "/api/x", 200, {ACAC: ["true", "true"]}, "http://localhost"),
    ],
    "if-equality-origin-proxied": [
        # CG501: the 'if' proxies too, so the app's value and nginx's both arrive.
        Probe(
            "GET",
            "/x",
            200,
            {ACAO: [APP_ORIGIN, "https://front.example.com"]},
            "https://front.example.com",
        ),
        Probe("GET", "/x", 200, {ACAO: [APP_ORIGIN]}, EVIL),
    ],
    "three-method-ifs-reflect-credentials": [
        # CG504 + CG501 in the GET 'if'; CG504 + CG505 in the preflight 'if'.
        Probe("GET", "/x", 200, {ACAO: [APP_ORIGIN, EVIL], ACAC: ["true", "true"]}, EVIL),
        Probe("OPTIONS", "/x", 204, {ACAO: [EVIL], ACAC: ["true"]}, EVIL),
    ],
    "reflect-credentials-preflight-if-drops": [
        # CG506: the preflight 'if' drops every CORS header of the location.
        Probe("OPTIONS", "/x", 204, {ACAO: [], ACAC: [], ACAM: [], MAX_AGE: ["86400"]}, EVIL),
        # CG504 + CG501: any Origin echoed with credentials, next to the app's values.
        Probe("GET", "/x", 200, {ACAO: [APP_ORIGIN, EVIL], ACAC: ["true", "true"]}, EVIL),
        # CG502: the app's 404 keeps only the app's own headers.
        Probe("GET", "/missing", 404, {ACAO: [APP_ORIGIN], ACAC: ["true"]}, EVIL),
    ],
    "upstream-map-fallback-reflects-credentials": [
        # CG504: when the app sends no Allow-Origin, nginx echoes any Origin with credentials.
        Probe("GET", "/no-cors", 200, {ACAO: [EVIL], ACAC: ["true"]}, EVIL),
        # CG501: Allow-Credentials is added to the app's own.
        Probe("GET", "/x", 200, {ACAO: [APP_ORIGIN], ACAC: ["true", "true"]}, EVIL),
    ],
    "upstream-map-fallback-wildcard-clean": [
        # Clean: '*' only when the app is silent, never a second value.
        Probe("GET", "/no-cors", 200, {ACAO: ["*"]}),
        Probe("GET", "/x", 200, {ACAO: [APP_ORIGIN]}),
    ],
    "asset-location-drops-server-cors": [
        # CG506: the asset location's Cache-Control drops the server's Allow-Origin.
        Probe("GET", "/app.js", 200, {ACAO: []}),
        Probe("GET", "/index.html", 200, {ACAO: ["*"]}),
    ],
    "static-wildcard-preflight-inherits": [
        # Clean preflight: the bare 'return 204' inherits the location's headers.
        Probe("OPTIONS", "/", 204, {ACAO: ["*"], ACAM: ["GET, POST, OPTIONS"]}),
        # CG502: a 404 without 'always' loses Allow-Origin.
        Probe("GET", "/missing", 404, {ACAO: []}),
    ],
    "snippet-wildcard-static-return-204": [
        # The relative include is read from the prefix; the bare 'return 204' inherits it.
        Probe("OPTIONS", "/", 204, {ACAO: ["*"], ACAM: ["GET, POST, OPTIONS"]}),
        # CG502: a 404 without 'always' loses Allow-Origin.
        Probe("GET", "/missing", 404, {ACAO: []}),
    ],
    "error-page-named-preflight-clean": [
        # Clean: only OPTIONS reaches the named location (469 is no status of nginx's own).
        Probe("OPTIONS", "/app.js", 204, {ACAO: [APP_ORIGIN], ACAM: ["GET, HEAD"], VARY: []}),
        Probe("GET", "/app.js", 200, {ACAO: [APP_ORIGIN], ACAM: [], VARY: ["Origin"]}),
    ],
    "preflight-return-before-add-header-clean": [
        # Clean: add_header after 'return' still applies; 204 is covered without 'always'.
        Probe("OPTIONS", "/", 204, {ACAO: [APP_ORIGIN], ACAM: ["GET, PUT"], MAX_AGE: ["600"]}),
    ],
    "preflight-if-drops-only-expose-clean": [
        # Clean: the preflight lacks only Expose-Headers, which preflights do not use.
        Probe("OPTIONS", "/", 204, {ACAO: [APP_ORIGIN], ACAM: ["GET, POST, OPTIONS"], EXPOSE: []}),
        Probe(
            "GET",
            "/index.html",
            200,
            {ACAO: [APP_ORIGIN], EXPOSE: ["Content-Length, Content-Range"]},
        ),
    ],
    "limit-except-refuses-preflight": [
        # CG512: OPTIONS is refused before the app is asked.
        Probe("OPTIONS", "/api/x", 403),
        Probe("GET", "/api/x", 200, {ACAO: [APP_ORIGIN]}),
    ],
    "limit-except-allows-options-clean": [
        Probe("OPTIONS", "/api/x", 200, {ACAO: [APP_ORIGIN]}),
    ],
    "intercept-errors-drops-app-cors": [
        # CG511: nginx's error page replaces the app's 404 and its CORS headers.
        Probe("GET", "/api/missing", 400, {ACAO: []}),
        Probe("GET", "/api/x", 200, {ACAO: [APP_ORIGIN]}),
    ],
    "hidden-origin-list-headers-added-clean": [
        # Clean: the app's Allow-Origin and Allow-Credentials are hidden, nginx's is the only one.
        Probe("GET", "/_matrix/x", 200, {ACAO: ["https://chat.example.com"], ACAC: []}),
    ],
    "uwsgi-with-proxy-hide-header": [
        # CG501: proxy_hide_header does not act on uwsgi_pass; the app's value stays.
        Probe("GET", "/x", 200, {ACAO: [APP_ORIGIN, "*"]}),
    ],
    "uwsgi-location-wildcard-no-hide": [
        Probe("GET", "/x", 200, {ACAO: [APP_ORIGIN, "*"]}),
    ],
    "method-ifs-first-if-never-applies": [
        # The first 'if''s lines never apply: a later 'if' matches every request it matches.
        Probe("GET", "/index.html", 200, {ACAO: [EVIL], EXPOSE: []}, EVIL),
        # CG513: the OPTIONS 'if' wins, without Allow-Origin.
        Probe("OPTIONS", "/", 204, {ACAO: [], MAX_AGE: ["7200"]}, EVIL),
    ],
    "preflight-if-without-allow-origin": [
        # CG516: the app never sees the preflight; nginx's 204 has no Allow-Origin.
        Probe("OPTIONS", "/api/x", 204, {ACAO: [], ACAC: ["true"]}, APP_ORIGIN),
        # CG501: Allow-Credentials twice on the app's responses.
        Probe("GET", "/api/x", 200, {ACAO: [APP_ORIGIN], ACAC: ["true", "true"]}, APP_ORIGIN),
    ],
    "relative-include-with-prefix": [
        # The relative include is read from nginx's prefix; CG501: two values.
        Probe("GET", "/api/x", 200, {ACAO: [APP_ORIGIN, APP_ORIGIN]}),
    ],
}


@pytest.mark.nginx
@pytest.mark.uvicorn
@pytest.mark.parametrize("name", sorted(OBSERVED))
def test_nginx_answers_as_the_case_says(name: str, upstreams: Upstreams, tmp_path: Path) -> None:
    case = Case.load(CORPUS / name)
    port = free_port()
    root = tmp_path / "nginx"
    config = servable(case, root, port, upstreams)
    with run_nginx(config, root, port) as base:
        for probe in OBSERVED[name]:
            status, headers = send(base, probe)
            assert status == probe.status, (probe, headers)
            for header, values in probe.headers.items():
                assert headers.get(header, []) == values, (probe, header, headers)


def servable(case: Case, root: Path, port: int, upstreams: Upstreams) -> str:
    """The case's configuration on a loopback port, in front of the test apps, rooted in ``root``.

    The files next to the main one are copied so that includes resolve as nginx resolves them;
    /etc/nginx/ is the copy's directory, as the audit reads it. A fragment (a server block, as in
    conf.d) is wrapped in an http block.
    """
    candidates = (case.directory / case.target, case.directory / "nginx.conf")
    main = next(
        path for path in (*candidates, *sorted(case.directory.glob("*.conf"))) if path.is_file()
    )
    shutil.copytree(main.parent, root, ignore=shutil.ignore_patterns("expected.json"))
    www = root / "www"
    www.mkdir()
    for name in ("index.html", "app.js"):
        (www / name).write_text("static\n")
    for conf in {*root.rglob("*.conf"), root / main.name}:
        text = conf.read_text()
        text = re.sub(r"\blisten\s+[^;]*;", f"listen 127.0.0.1:{port};", text)
        text = re.sub(
            r"proxy_pass\s+http://(?:unix:[^;]*|[^/;\s]+)",
            f"proxy_pass http://{upstreams.http}",
            text,
        )
        text = re.sub(r"\buwsgi_pass\s+[^;]*;", f"uwsgi_pass {upstreams.uwsgi};", text)
        text = re.sub(r"\broot\s+/[^;]*;", f"root {www};", text)
        text = text.replace("include /etc/nginx/", f"include {root}/")
        conf.write_text(text)
    config = (root / main.name).read_text()
    return (
        config
        if re.search(r"^\s*http\s*\{", config, re.MULTILINE)
        else f"events {{}}\nhttp {{\n{config}}}\n"
    )


def send(base: str, probe: Probe) -> tuple[int, dict[str, list[str]]]:
    host, _, port = base.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        headers = {"Origin": probe.origin}
        if probe.method == "OPTIONS":
            headers["Access-Control-Request-Method"] = "PUT"
        connection.request(probe.method, probe.path, headers=headers)
        response = connection.getresponse()
        response.read()
        values: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            values.setdefault(name.lower(), []).append(value)
        return response.status, values
    finally:
        connection.close()
