"""Every audit rule is documented in docs/audit.md, and the CI example is valid YAML."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from corsguard.cli.main import build_parser, main
from corsguard.codes import Code
from corsguard.codes import audit as codes

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("code", [c.code for c in (*codes.APP_CODES, *codes.NGINX_CODES)])
def test_rule_is_documented(code: str) -> None:
    assert f"### {code} " in (ROOT / "docs" / "audit.md").read_text()


def test_github_actions_example_runs_audit_and_scan_on_push() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text())
    assert "push" in workflow[True]  # YAML 1.1 reads the key 'on' as true
    steps = workflow["jobs"]["corsguard"]["steps"]
    commands = " ".join(str(step.get("run", "")) for step in steps)
    assert "corsguard audit" in commands
    assert "corsguard scan" in commands
    assert (ROOT / "examples" / "github-actions.yml").read_text() in (
        ROOT / "docs" / "audit.md"
    ).read_text()


def test_github_actions_commands_parse_with_the_real_cli() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text())
    parser = build_parser()
    runs = [step["run"] for step in workflow["jobs"]["corsguard"]["steps"] if "run" in step]
    commands = [shlex.split(run) for run in runs if run.startswith("corsguard ")]
    assert [argv[1] for argv in commands] == ["audit", "audit", "scan"]
    for argv in commands:
        args = parser.parse_args(argv[1:])
        assert args.handler is not None
        assert args.format == "sarif"


@pytest.mark.parametrize("code", [*codes.APP_CODES, *codes.NGINX_CODES], ids=lambda c: c.code)
def test_rule_text_in_docs_matches_the_registry(code: Code) -> None:
    docs = (ROOT / "docs" / "audit.md").read_text()
    assert f"- Why: {code.why}" in docs
    assert f"- Fix: {code.fix}" in docs


def test_fix_example_in_docs_is_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", "examples.basic:app", "--fix", "--no-probe"])
    printed = capsys.readouterr().out
    assert (
        f"$ corsguard audit examples.basic:app --fix --no-probe\n{printed}```"
        in (ROOT / "docs" / "audit.md").read_text()
    )
