"""``corsguard scan`` end to end: inputs, formats, outputs and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from corsguard.cli.main import main
from corsguard.scan.progress import Progress
from corsguard.scan.targets import expand_spec, parse_spec
from tests.support.servers import free_port

API = "https://api.example.com"
ZOO = ["--app", "tests.scan.zoo:app", "--origin", "https://app.example.com", "--token", "cgcli"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("endpoint", "extra", "code"),
    [
        ("strict", [], 0),  # nothing found
        ("public", [], 0),  # only informational: '*' without credentials
        ("origin-reflection", [], 1),
        ("prefix-match", ["--fail-on", "critical"], 0),  # high is below the threshold
        ("prefix-match", ["--fail-on", "high"], 1),
        ("public", ["--fail-on", "info"], 1),
    ],
)
def test_exit_code_follows_fail_on(
    capsys: pytest.CaptureFixture[str], endpoint: str, extra: list[str], code: int
) -> None:
    assert run(capsys, f"{API}/{endpoint}", *ZOO, *extra)[0] == code


@pytest.mark.parametrize(
    "args",
    [
        [],  # no URL
        [f"{API}/x", "--origin", "app.example.com/x"],
        [f"{API}/x", "--fail-on", "severe"],
        [f"{API}/x", "--app", "no_such_module:app"],
        ["ftp://x"],
        ["@/nonexistent/urls.txt"],
        [f"{API}/x", "--header", "no-colon"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["scan", *args]))
    assert exited.value.code == 2
    assert "error" in capsys.readouterr().err


def test_unreachable_target_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    code, _, err = run(
        capsys, url, "--origin", "https://app.example.com", "--timeout", "2", "--retries", "0"
    )
    assert code == 3
    assert "unreachable" in err


def test_report_goes_to_stdout_and_summary_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, f"{API}/null-origin", *ZOO, "--format", "json")
    assert code == 1
    data = json.loads(out)  # nothing but the report on stdout
    assert data["targets"][0]["findings"][0]["class"] == "null-origin"
    assert "1 critical" in err
    assert "\r" not in err


def test_urls_from_stdin_and_files(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"# from stdin\n{API}/null-origin\n\n"))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{API}/strict\n{API}/any-port\n", encoding="utf-8")
    more = tmp_path / "more.txt"
    more.write_text(f"{API}/missing-vary\n", encoding="utf-8")
    code, out, _ = run(capsys, "-", f"@{listing}", "--input", str(more), *ZOO, "--format", "json")
    urls = [t["url"] for t in json.loads(out)["targets"]]
    assert urls == [f"{API}/null-origin", f"{API}/strict", f"{API}/any-port", f"{API}/missing-vary"]
    assert code == 1


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out, _ = run(
        capsys, f"{API}/suffix-match", *ZOO, "--format", fmt, "--output", str(target)
    )
    assert code == 1
    assert out == ""
    assert "suffix-match" in target.read_text(encoding="utf-8")


SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "zoo", "version": "1"},
    "servers": [{"url": API}],
    "paths": {
        "/origin-reflection": {"get": {}, "put": {}},
        "/strict": {"get": {}, "post": {}},
        "/users/{user_id}": {
            "parameters": [{"name": "user_id", "in": "path", "schema": {"type": "integer"}}],
            "delete": {},
        },
    },
}


def test_openapi_expands_every_path_and_method() -> None:
    targets = expand_spec(parse_spec(json.dumps(SPEC), "spec"), [f"{API}/"])
    assert [(t.url, t.methods) for t in targets] == [
        (f"{API}/origin-reflection", ("GET", "PUT")),
        (f"{API}/strict", ("GET", "POST")),
        (f"{API}/users/1", ("DELETE",)),
    ]


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_openapi_file_json_or_yaml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    import yaml

    spec = tmp_path / f"openapi.{suffix}"
    spec.write_text(
        json.dumps(SPEC) if suffix == "json" else yaml.safe_dump(SPEC), encoding="utf-8"
    )
    code, out, _ = run(capsys, "--openapi", str(spec), *ZOO, "--format", "json")
    targets = {t["url"]: t for t in json.loads(out)["targets"]}
    assert set(targets) == {f"{API}/origin-reflection", f"{API}/strict", f"{API}/users/1"}
    assert targets[f"{API}/origin-reflection"]["findings"][0]["class"] == "origin-reflection"
    assert code == 1


@pytest.mark.parametrize("spec", [f"{API}/openapi.json", "/openapi.json"])
def test_openapi_url_of_an_in_process_fastapi_app(
    capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    code, out, _ = run(
        capsys,
        API,
        "--openapi",
        spec,
        "--app",
        "tests.scan.openapi_app:app",
        "--origin",
        "https://app.example.com",
        "--format",
        "json",
    )
    targets = {t["url"]: t for t in json.loads(out)["targets"]}
    assert set(targets) == {f"{API}/reports/1", f"{API}/reports"}
    for target in targets.values():
        assert {f["class"] for f in target["findings"]} >= {"origin-reflection"}
    post = targets[f"{API}/reports"]["findings"][0]
    assert post["method"] == "POST"
    assert post["severity"] == "critical"
    assert code == 1


def test_openapi_without_server_or_url_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(
        json.dumps({"openapi": "3.1.0", "paths": {"/x": {"get": {}}}}), encoding="utf-8"
    )
    code, _, err = run(capsys, "--openapi", str(spec), *ZOO)
    assert code == 2
    assert "base URL" in err


def test_app_without_url_says_how_to_scan_its_routes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--app", "tests.scan.openapi_app:app")
    assert code == 2
    assert "--openapi /openapi.json --app tests.scan.openapi_app:app" in err


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal() -> None:
    terminal = FakeTerminal()
    progress = Progress(terminal)
    progress.update(5, 10)
    progress.update(10, 10)
    progress.close()
    assert "[" in terminal.getvalue()
    assert "10/10 requests" in terminal.getvalue()
    pipe = io.StringIO()
    quiet = Progress(pipe)
    quiet.update(10, 10)
    quiet.close()
    assert pipe.getvalue() == ""
