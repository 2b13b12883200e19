"""docs/policy.md documents every option, variable and code, and its code section is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from corsguard.codes import Code
from corsguard.codes import policy as codes
from corsguard.policy.environment import PROFILE_VARIABLE, VARIABLES
from corsguard.policy.options import DEFAULTS
from corsguard.policy.profiles import PROFILES

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")


def _script() -> ModuleType:
    path = ROOT / "scripts" / "policy_codes_doc.py"
    spec = importlib.util.spec_from_file_location("policy_codes_doc", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_code_section_is_current() -> None:
    assert _script().render(DOC) == DOC, "regenerate with: python scripts/policy_codes_doc.py"


@pytest.mark.parametrize("entry", codes.POLICY_CODES, ids=[c.code for c in codes.POLICY_CODES])
def test_every_code_is_documented(entry: Code) -> None:
    assert f"### {entry.code} {entry.name}" in DOC
    assert entry.why in DOC
    assert entry.fix in DOC


@pytest.mark.parametrize("option", sorted(DEFAULTS))
def test_every_option_is_documented(option: str) -> None:
    assert f"| `{option}` |" in DOC


@pytest.mark.parametrize("variable", [PROFILE_VARIABLE, *VARIABLES.values()])
def test_every_variable_is_documented(variable: str) -> None:
    assert f"| `{variable}` |" in DOC


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_is_documented(profile: str) -> None:
    assert f"| `{profile}` |" in DOC
