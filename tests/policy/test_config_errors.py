"""One test per policy code: the configuration that triggers it, and what the problem says.

Every CG1xx code registered in ``corsguard.codes.policy`` has a row here (a test checks that), so
a new code cannot ship without a test of when it fires.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corsguard.codes import Severity
from corsguard.codes import policy as codes
from corsguard.policy import ConfigError, CORSPolicy, Problem, validate

# code -> (keyword arguments for CORSPolicy, option named by the problem, text in the hint)
ERRORS: dict[str, tuple[dict[str, Any], str, str]] = {
    "CG101": (
        {"allow_origins": ["*"], "allow_credentials": True},
        "allow_origins",
        "allow_credentials=False",
    ),
    "CG102": (
        {"allow_origins": ["https://app.example.com/"]},
        "allow_origins[0]",
        "'https://app.example.com'",
    ),
    "CG103": (
        {"allow_origins": [" https://app.example.com"]},
        "allow_origins[0]",
        "'https://app.example.com'",
    ),
    "CG104": (
        {"allow_origins": ["app.example.com"]},
        "allow_origins[0]",
        "'https://app.example.com'",
    ),
    "CG105": (
        {"allow_origins": ["wss://app.example.com"]},
        "allow_origins[0]",
        "'https://app.example.com'",
    ),
    "CG106": (
        {"allow_origins": ["null"]},
        "allow_origins[0]",
        "dangerously_allow_null_origin=True",
    ),
    "CG107": (
        {"allow_origins": ["file://"]},
        "allow_origins[0]",
        "dangerously_allow_file_origin=True",
    ),
    "CG108": (
        {"allow_origins": ["http://app.example.com"], "allow_credentials": True},
        "allow_origins[0]",
        "'https://app.example.com'",
    ),
    "CG109": (
        {"allow_origins": ["https://*.github.io"], "allow_credentials": True},
        "allow_origins[0]",
        "dangerously_allow_public_suffix_wildcards=True",
    ),
    "CG110": (
        {"allow_origins": ["*", "https://app.example.com"]},
        "allow_origins",
        "'https://app.example.com'",
    ),
    "CG111": ({"allow_origins": ["https://app.*.com"]}, "allow_origins[0]", "allow_origin_regex"),
    "CG112": ({"allow_origins": ["https://app..example.com"]}, "allow_origins[0]", "labels"),
    "CG113": (
        {"allow_origins": "https://app.example.com"},
        "allow_origins",
        "['https://app.example.com']",
    ),
    "CG114": ({"allow_credentials": "false"}, "allow_credentials", "True or False"),
    "CG115": ({"allow_methods": ["GET", "TRACE"]}, "allow_methods[1]", "'TRACE'"),
    "CG116": ({"allow_methods": ["GET, POST"]}, "allow_methods[0]", "'PATCH'"),
    "CG117": ({"allow_headers": ["Cookie"]}, "allow_headers[0]", "allow_credentials"),
    "CG118": ({"expose_headers": ["X-Total: Count"]}, "expose_headers[0]", "one name per entry"),
    "CG119": ({"max_age": -1}, "max_age", "600"),
    "CG121": ({"allow_origin_regex": "https://(app"}, "allow_origin_regex", "re.fullmatch"),
    "CG122": (
        {"allow_origin_regex": "https://app.example.com"},
        "allow_origin_regex",
        r"r'https://app\.example\.com'",
    ),
    "CG123": (
        {"allow_origin_regex": r"https://.*example\.com"},
        "allow_origin_regex",
        r"r'https://([a-z0-9-]+\.)?example\.com'",
    ),
    "CG124": (
        {"allow_origins": [r"https://.*\.example\.com"]},
        "allow_origins[0]",
        r"allow_origin_regex=r'https://.*\.example\.com'",
    ),
    "CG125": ({"expose_headers": ["Set-Cookie"]}, "expose_headers[0]", "custom header"),
    "CG139": ({"allow_origins": [""]}, "allow_origins[0]", "CORSPolicy.from_env()"),
    "CG137": (
        {"allow_headers": ["Access-Control-Allow-Origin"]},
        "allow_headers[0]",
        "server sends it",
    ),
}

WARNINGS: dict[str, tuple[dict[str, Any], str]] = {
    "CG120": ({"allow_origins": ["https://app.example.com"], "max_age": 86400}, "max_age"),
    "CG127": ({"allow_origins": ["HTTPS://App.Example.com:443"]}, "allow_origins[0]"),
    "CG136": (
        {
            "allow_origins": ["https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["*"],
        },
        "expose_headers",
    ),
    "CG138": ({}, "allow_origins"),
}

# Codes only validate() and the profile/environment loaders report; tested in their own files.
ELSEWHERE = {
    "CG126": "test_validate_reports_unknown_options",
    "CG128": "test_profiles.py",
    "CG129": "test_profiles.py",
    "CG130": "test_profiles.py",
    "CG131": "test_profiles.py",
    "CG132": "test_profiles.py",
    "CG133": "test_profiles.py",
    "CG134": "test_profiles.py",
    "CG135": "test_profiles.py",
}


def _errors(options: dict[str, Any]) -> tuple[Problem, ...]:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(**options)
    return caught.value.problems


@pytest.mark.parametrize(("code", "case"), ERRORS.items(), ids=list(ERRORS))
def test_error_code(code: str, case: tuple[dict[str, Any], str, str]) -> None:
    options, option, hint = case
    problems = _errors(options)
    matching = [p for p in problems if p.code == code]
    assert matching, [str(p) for p in problems]
    found = matching[0]
    assert found.option == option
    assert found.message.startswith(f"{option}: ")
    assert found.message == found.message.strip()
    assert not found.message.endswith(".")
    assert hint in found.hint
    assert found.hint[0].isupper()
    assert found.hint.endswith((".", "?"))
    assert found.is_error
    assert found.level == "error"
    assert found.severity is codes_by_id()[code].severity
    assert code in str(ConfigError(problems))


@pytest.mark.parametrize(("code", "case"), WARNINGS.items(), ids=list(WARNINGS))
def test_warning_code(code: str, case: tuple[dict[str, Any], str]) -> None:
    options, option = case
    policy = CORSPolicy(**options)
    matching = [p for p in policy.warnings if p.code == code]
    assert matching, [str(p) for p in policy.warnings]
    assert matching[0].option == option
    assert matching[0].level == "warning"
    assert not matching[0].is_error
    assert code in codes.WARNING_CODES


def codes_by_id() -> dict[str, Any]:
    return {entry.code: entry for entry in codes.POLICY_CODES}


def test_every_policy_code_has_a_test() -> None:
    registered = {entry.code for entry in codes.POLICY_CODES}
    assert all(code.startswith("CG1") for code in registered)
    tested = set(ERRORS) | set(WARNINGS) | set(ELSEWHERE)
    assert registered == tested
    for name in ELSEWHERE.values():
        if name.endswith(".py"):
            assert (Path(__file__).parent / name).exists()


def test_warning_codes_are_exactly_the_warning_table() -> None:
    assert set(WARNINGS) == codes.WARNING_CODES


def test_all_problems_are_reported_at_once() -> None:
    problems = _errors(
        {
            "allow_origins": ["*", "https://app.example.com/"],
            "allow_credentials": True,
            "allow_methods": ["CONNECT"],
            "allow_headers": ["Host"],
            "max_age": -1,
        }
    )
    assert {p.code for p in problems} >= {"CG101", "CG102", "CG110", "CG115", "CG117", "CG119"}
    text = str(ConfigError(problems))
    assert text.startswith(f"invalid CORS policy: {len(problems)} problems")
    assert all(p.code in text for p in problems)


def test_wildcard_with_credentials_says_what_it_exposes() -> None:
    (found,) = list(_errors({"allow_origins": ["*"], "allow_credentials": True}))
    assert found.code == "CG101"
    assert "every website" in found.message
    assert "users' data" in found.message
    assert found.severity is Severity.CRITICAL


def test_validate_reports_unknown_options() -> None:
    errors, warnings = validate(allowed_origins=["https://app.example.com"])
    unknown = [p for p in errors if p.code == "CG126"]
    assert unknown
    assert "'allow_origins'" in unknown[0].hint
    assert [p.code for p in warnings] == ["CG138"]


def test_validate_does_not_raise_and_splits_errors_from_warnings() -> None:
    errors, warnings = validate(allow_origins=["*"], allow_credentials=True, max_age=9000)
    assert [p.code for p in errors] == ["CG101"]
    assert [p.code for p in warnings] == ["CG120"]


def test_problem_to_finding() -> None:
    (found,) = _errors({"allow_origins": ["https://app.example.com/"]})
    finding = found.to_finding()
    assert finding.code == "CG102"
    assert finding.severity is found.severity
    assert finding.fix == found.hint
    assert finding.location == "allow_origins[0]"
    assert finding.to_json()["evidence"] == {
        "option": "allow_origins[0]",
        "value": "https://app.example.com/",
    }


def test_config_error_is_a_value_error_and_pickles() -> None:
    import pickle

    error = ConfigError(_errors({"allow_origins": ["null"]}))
    assert isinstance(error, ValueError)
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems
    assert str(again) == str(error)


def test_values_are_printable_when_they_contain_control_characters() -> None:
    (found, *_) = _errors({"allow_origins": ["https://app.example.com\n"]})
    assert "\n" not in found.value
    assert "\\n" in found.value
