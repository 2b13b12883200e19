"""``corsguard audit``: formats, --fix, --output and the exit codes shared with scan."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from corsguard.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BROKEN = str(EXAMPLES / "nginx" / "broken.conf")
FIXED = str(EXAMPLES / "nginx" / "fixed.conf")


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        ([BROKEN], 1),
        ([FIXED], 0),
        ([BROKEN, "--fail-on", "critical"], 1),
        ([str(EXAMPLES / "nginx")], 1),  # no nginx.conf: every *.conf in it, broken.conf too
        (["missing.conf"], 2),
        (["no_such_module_xyz:app"], 2),
        (["examples.basic:nothing"], 2),
        ([BROKEN, "--fail-on", "severe"], 2),
        (["examples.basic:app", "--no-probe"], 1),
        (["examples.basic:app", "--no-probe", "--fail-on", "critical"], 1),
    ],
    ids=[
        "findings-exit-1",
        "clean-exit-0",
        "critical-present",
        "directory",
        "missing-file",
        "missing-module",
        "missing-attribute",
        "bad-severity",
        "basic-app",
        "basic-app-critical",
    ],
)
def test_exit_codes(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", *argv]) == code
    capsys.readouterr()


def test_fail_on_threshold_above_every_finding_exits_0(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp { server { location / {\n"
        "  add_header Access-Control-Allow-Origin https://a.example; } } }\n"
    )
    assert main(["audit", str(conf), "--fail-on", "medium"]) == 1  # CG502 is medium
    assert main(["audit", str(conf), "--fail-on", "high"]) == 0


def test_text_report_lists_code_location_message_and_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["audit", BROKEN])
    out, err = capsys.readouterr()
    assert f"CG504 [critical] {BROKEN}:18" in out
    assert "fix: " in out
    assert "corsguard audit:" in err
    assert "critical" in err


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", BROKEN, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["kind"] == "nginx"
    assert report["target"] == BROKEN
    assert {f["code"] for f in report["findings"]} >= {"CG501", "CG504"}
    assert all(
        {"code", "severity", "message", "fix", "location"} <= f.keys() for f in report["findings"]
    )


def test_sarif_report_is_sarif_2_1_0(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", BROKEN, "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    rule_ids = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    result_ids = {result["ruleId"] for result in run["results"]}
    assert result_ids <= rule_ids
    assert "CG501" in result_ids


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "audit.json"
    assert main(["audit", BROKEN, "--format", "json", "--output", str(out)]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["findings"]


def test_fix_for_nginx_prints_the_lines_to_add(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", BROKEN, "--fix"])
    out = capsys.readouterr().out
    assert "proxy_hide_header Access-Control-Allow-Origin;" in out


def test_fix_for_the_basic_app_prints_only_the_snippet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "examples.basic:app", "--fix", "--no-probe"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("from corsguard import CORSPolicy, install\n")
    compile(out, "<fix>", "exec")
    assert "CG101" not in out.split("policy = ")[1]
    assert "critical" in err


def test_basic_example_report_names_the_three_article_mistakes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["audit", "examples.basic:app", "--no-probe", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    by_code = {f["code"]: f for f in report["findings"]}
    assert "echoes every request's Origin" in by_code["CG101"]["message"]
    assert "require_session" in by_code["CG402"]["message"]
    assert "ServerErrorMiddleware" in by_code["CG403"]["message"]
    assert report["fix"].startswith("from corsguard import")


def test_factory_builds_the_app_first(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["audit", "tests.audit.apps:trailing_slash_route", "--no-probe", "--format", "json"]
    assert main([*argv, "--factory"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert sorted(f["code"] for f in report["findings"]) == ["CG403", "CG404"]


def test_factory_that_raises_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "tests.audit.apps:options_route", "--factory"]) == 2
    assert "the app factory raised TypeError" in capsys.readouterr().err


def test_an_app_whose_module_getattr_raises_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CORS_PROFILE", raising=False)
    monkeypatch.delitem(sys.modules, "examples.profiles_app", raising=False)
    assert main(["audit", "examples.profiles_app:app", "--no-probe"]) == 2
    err = capsys.readouterr().err
    assert "corsguard refused the app's CORS policy" in err
    assert "CG133 CORS_PROFILE" in err


def test_an_unwritable_output_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["audit", BROKEN, "--format", "sarif", "-o", "/nonexistent/dir/x.sarif"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("corsguard audit: cannot write /nonexistent/dir/x.sarif")


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_fix_with_a_report_format_is_refused(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "examples.basic:app", "--fix", "--format", fmt, "--no-probe"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--fix" in err
    assert fmt in err


def test_a_module_without_attribute_suggests_module_attr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", "examples.basic"]) == 2
    assert "'examples.basic:app'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["pyproject.toml", "README.md"])
def test_a_file_that_is_not_nginx_configuration_is_a_usage_error(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(EXAMPLES.parent / name)]) == 2
    assert "not an nginx configuration" in capsys.readouterr().err


def test_an_unparseable_configuration_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp { server { listen 80; }\n")
    assert main(["audit", str(conf)]) == 2
    assert "cannot parse the nginx configuration" in capsys.readouterr().err


def test_fix_for_an_app_with_corsguard_installed_keeps_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORS_PROFILE", "prod")
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://app.example.com")
    monkeypatch.delitem(sys.modules, "examples.profiles_app", raising=False)
    main(["audit", "examples.profiles_app:app", "--fix", "--no-probe"])
    out = capsys.readouterr().out
    assert "install(app, policy)" not in out.replace("keep the install(app, policy) call", "")
    assert "already installed" in out
    assert "policy = CORSPolicy(" not in out


def test_an_app_allowing_any_port_is_probed_without_false_findings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORS_PROFILE", "dev")  # allows http://*.localhost:* and the like
    monkeypatch.delitem(sys.modules, "examples.profiles_app", raising=False)
    assert main(["audit", "examples.profiles_app:app", "--format", "json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert not [f for f in report["findings"] if f["code"] == "CG408"]
