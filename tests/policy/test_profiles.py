"""Deployment profiles and ``CORSPolicy.from_env``: safe defaults, and errors naming variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corsguard.policy import ConfigError, CORSPolicy, Problem


def _problems(call: Any) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        call()
    return list(caught.value.problems)


# --- dev --------------------------------------------------------------------------------------

DEV_ALLOWED = [
    "http://localhost:5173",
    "http://localhost",
    "https://localhost:8443",
    "http://app.localhost:3000",
    "http://127.0.0.1:8000",
    "https://127.0.0.1",
    "http://[::1]:8080",
]
DEV_REFUSED = [
    "https://app.example.com",
    "http://localhost.evil.com",
    "http://127.0.0.2:8000",
    "http://192.168.1.10:3000",
    "null",
]


def test_dev_allows_every_loopback_origin_with_credentials() -> None:
    policy = CORSPolicy.profile("dev")
    assert all(policy.match_origin(origin) for origin in DEV_ALLOWED)
    assert not any(policy.match_origin(origin) for origin in DEV_REFUSED)
    assert policy.allow_credentials
    assert policy.debug
    assert policy.allows_all_methods
    assert policy.allows_all_headers
    assert not policy.allows_all_origins
    assert policy.warnings == ()


def test_dev_adds_given_origins_and_still_validates_them() -> None:
    policy = CORSPolicy.profile("dev", allow_origins=["https://tunnel.example.dev"])
    assert policy.match_origin("https://tunnel.example.dev")
    assert policy.match_origin("http://localhost:3000")
    codes = [p.code for p in _problems(lambda: CORSPolicy.profile("dev", allow_origins=["*"]))]
    assert codes == ["CG110", "CG101"]


def test_options_override_profile_defaults() -> None:
    policy = CORSPolicy.profile("dev", allow_credentials=False, debug=False)
    assert not policy.allow_credentials
    assert not policy.debug


# --- test, staging, prod ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["test", "staging", "prod"])
def test_profiles_require_explicit_origins(name: Any) -> None:
    (problem,) = _problems(lambda: CORSPolicy.profile(name))
    assert problem.code == "CG128"
    assert "CORS_ALLOW_ORIGINS" in problem.hint


@pytest.mark.parametrize("name", ["test", "staging", "prod"])
def test_profiles_refuse_wildcard(name: Any) -> None:
    codes = [p.code for p in _problems(lambda: CORSPolicy.profile(name, allow_origins=["*"]))]
    assert codes == ["CG131"]


@pytest.mark.parametrize("name", ["test", "staging", "prod"])
def test_dynamic_origins_satisfy_the_requirement(name: Any) -> None:
    policy = CORSPolicy.profile(name, allow_origin=lambda origin: origin.endswith(".example.com"))
    assert policy.allow_origin is not None


@pytest.mark.parametrize(
    ("origin", "code"),
    [
        ("http://app.example.com", "CG129"),
        ("http://localhost:3000", "CG130"),
        ("https://localhost:3000", "CG130"),
        ("http://127.0.0.1:8000", "CG130"),
        ("http://*.localhost:*", "CG130"),
    ],
)
def test_prod_refuses_insecure_and_loopback_origins(origin: str, code: str) -> None:
    problems = _problems(lambda: CORSPolicy.profile("prod", allow_origins=[origin]))
    assert [p.code for p in problems] == [code]
    assert problems[0].option == "allow_origins[0]"


def test_test_and_staging_accept_local_and_http_origins() -> None:
    for name in ("test", "staging"):
        policy = CORSPolicy.profile(name, allow_origins=["http://localhost:3000", "http://ci"])
        assert policy.match_origin("http://ci")
    assert CORSPolicy.profile("test", allow_origins=["http://ci"]).debug
    assert not CORSPolicy.profile("staging", allow_origins=["http://ci"]).debug


def test_prod_refuses_debug() -> None:
    problems = _problems(
        lambda: CORSPolicy.profile("prod", allow_origins=["https://app.example.com"], debug=True)
    )
    assert [p.code for p in problems] == ["CG132"]


def test_prod_accepts_https_origins() -> None:
    policy = CORSPolicy.profile(
        "prod", allow_origins=["https://app.example.com", "https://*.example.com"]
    )
    assert policy.match_origin("https://app.example.com")
    assert not policy.debug


def test_unknown_profile() -> None:
    (problem,) = _problems(lambda: CORSPolicy.profile("production"))  # type: ignore[arg-type]
    assert problem.code == "CG133"
    assert "'production'" in problem.message
    assert "prod" in problem.hint


# --- from_env ---------------------------------------------------------------------------------


def test_from_env_reads_every_variable() -> None:
    policy = CORSPolicy.from_env(
        {
            "CORS_PROFILE": "prod",
            "CORS_ALLOW_ORIGINS": " https://app.example.com , ,https://admin.example.com,",
            "CORS_ALLOW_CREDENTIALS": "true",
            "CORS_ALLOW_METHODS": "GET, POST, patch",
            "CORS_ALLOW_HEADERS": "Authorization, X-Request-Id",
            "CORS_EXPOSE_HEADERS": "X-Total-Count",
            "CORS_MAX_AGE": "3600",
            "CORS_ALLOW_ORIGIN_REGEX": r"https://pr-[0-9]+\.preview\.example\.com",
            "CORS_ALLOW_PRIVATE_NETWORK": "off",
            "CORS_DEBUG": "0",
            "UNRELATED": "ignored",
        }
    )
    assert policy.allow_origins == ("https://app.example.com", "https://admin.example.com")
    assert policy.allow_credentials
    assert policy.methods == ("GET", "POST", "patch")
    assert policy.headers == ("authorization", "x-request-id")
    assert policy.expose == ("x-total-count",)
    assert policy.max_age == 3600
    assert policy.match_origin("https://pr-7.preview.example.com")
    assert not policy.allow_private_network
    assert not policy.debug


def test_from_env_requires_a_profile() -> None:
    (problem,) = _problems(lambda: CORSPolicy.from_env({"CORS_ALLOW_ORIGINS": "https://a.com"}))
    assert problem.code == "CG133"
    assert problem.option == "CORS_PROFILE"
    assert "CORS_PROFILE=" in problem.hint


@pytest.mark.parametrize("value", ["", "  ", " , ,"])
def test_empty_origins_name_the_variable(value: str) -> None:
    env = {"CORS_PROFILE": "staging", "CORS_ALLOW_ORIGINS": value}
    (problem,) = _problems(lambda: CORSPolicy.from_env(env))
    assert problem.code == "CG128"
    assert problem.message.startswith("CORS_ALLOW_ORIGINS: ")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CORS_ALLOW_CREDENTIALS", "ture"),
        ("CORS_ALLOW_PRIVATE_NETWORK", "2"),
        ("CORS_DEBUG", "enabled"),
        ("CORS_MAX_AGE", "10m"),
        ("CORS_MAX_AGE", "1.5"),
    ],
)
def test_invalid_values_name_the_variable(variable: str, value: str) -> None:
    env = {"CORS_PROFILE": "test", "CORS_ALLOW_ORIGINS": "https://a.example.com", variable: value}
    (problem,) = _problems(lambda: CORSPolicy.from_env(env))
    assert problem.code == "CG134"
    assert problem.option == variable
    assert problem.message.startswith(f"{variable}: ")


def test_problems_from_env_name_variables_and_all_are_reported() -> None:
    env = {
        "CORS_PROFILE": "prod",
        "CORS_ALLOW_ORIGINS": "https://app.example.com/,http://localhost:3000",
        "CORS_MAX_AGE": "-5",
        "CORS_DEBUG": "true",
    }
    problems = _problems(lambda: CORSPolicy.from_env(env))
    assert [(p.code, p.option) for p in problems] == [
        ("CG119", "CORS_MAX_AGE"),
        ("CG102", "CORS_ALLOW_ORIGINS[0]"),
        ("CG130", "CORS_ALLOW_ORIGINS[1]"),
        ("CG132", "CORS_DEBUG"),
    ]


def test_negative_max_age_from_env_is_range_checked() -> None:
    env = {"CORS_PROFILE": "test", "CORS_ALLOW_ORIGINS": "https://a.example.com"}
    (problem,) = _problems(lambda: CORSPolicy.from_env({**env, "CORS_MAX_AGE": "-1"}))
    assert problem.code == "CG119"


def test_dev_from_env_needs_nothing_else() -> None:
    policy = CORSPolicy.from_env({"CORS_PROFILE": " DEV "})
    assert policy.match_origin("http://localhost:5173")
    assert policy.debug


def test_from_env_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_PROFILE", "test")
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://ci.example.com")
    assert CORSPolicy.from_env().allow_origins == ("https://ci.example.com",)


# --- .env files -------------------------------------------------------------------------------

ENV_FILE = """\
# deployment settings
export CORS_PROFILE=staging
CORS_ALLOW_ORIGINS="https://staging.example.com, https://admin.staging.example.com"
CORS_ALLOW_CREDENTIALS = true   # cookies for the admin UI
CORS_ALLOW_HEADERS='Authorization'
CORS_MAX_AGE=120

OTHER=value#not-a-comment
"""


def test_env_file(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(ENV_FILE, encoding="utf-8")
    policy = CORSPolicy.from_env({}, env_file=path)
    assert policy.allow_origins == (
        "https://staging.example.com",
        "https://admin.staging.example.com",
    )
    assert policy.allow_credentials
    assert policy.headers == ("authorization",)
    assert policy.max_age == 120


def test_environment_overrides_env_file(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(ENV_FILE, encoding="utf-8")
    policy = CORSPolicy.from_env({"CORS_MAX_AGE": "60"}, env_file=str(path))
    assert policy.max_age == 60


def test_missing_env_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.env"
    problems = _problems(lambda: CORSPolicy.from_env({"CORS_PROFILE": "dev"}, env_file=missing))
    assert [p.code for p in problems] == ["CG135"]
    assert str(missing) in problems[0].message


@pytest.mark.parametrize(
    "line",
    ["CORS PROFILE=dev", "CORS_PROFILE='dev", 'CORS_PROFILE="dev" trailing', "=dev"],
)
def test_malformed_env_file_lines(tmp_path: Path, line: str) -> None:
    path = tmp_path / ".env"
    path.write_text(f"# header\n{line}\n", encoding="utf-8")
    problems = _problems(lambda: CORSPolicy.from_env({"CORS_PROFILE": "dev"}, env_file=path))
    assert [p.code for p in problems] == ["CG135"]
    assert problems[0].message.startswith(f"{path}:2: ")


def test_dev_reports_a_single_string_given_for_origins() -> None:
    problems = _problems(lambda: CORSPolicy.profile("dev", allow_origins="https://a.example.com"))
    assert [p.code for p in problems] == ["CG113"]


@pytest.mark.parametrize(
    ("regex", "refused"),
    [
        (r"https?://[a-z0-9-]+\.example\.com", True),
        (r"http://[a-z0-9-]+\.example\.com", True),
        (r"http(s)?://[a-z0-9-]+\.example\.com", True),
        (r"http[s]?://[a-z0-9-]+\.example\.com", True),
        (r"(http|https)://app\.example\.com", True),
        (r"https{0,1}://app\.example\.com", True),
        (r"[a-z]+://app\.example\.com", True),
        (r"https://app\.example\.com|http://b\.example\.com", True),
        (r"https://[a-z0-9-]+\.example\.com", False),
        (r"https://(app|admin)\.example\.com", False),
        (r"https://app\.example\.com(:\d+)?", False),
        (r"^(?:https://a\.example\.com|https://b\.example\.com)$", False),
    ],
)
def test_prod_refuses_regexes_that_match_plain_http(regex: str, refused: bool) -> None:
    if refused:
        problems = _problems(lambda: CORSPolicy.profile("prod", allow_origin_regex=regex))
        assert [(p.code, p.option) for p in problems] == [("CG129", "allow_origin_regex")]
    else:
        assert CORSPolicy.profile("prod", allow_origin_regex=regex).allow_origin_regex == regex


def test_prod_refuses_loopback_regexes() -> None:
    problems = _problems(
        lambda: CORSPolicy.profile("prod", allow_origin_regex=r"http://localhost(:\d+)?")
    )
    assert [(p.code, p.option) for p in problems] == [("CG130", "allow_origin_regex")]


@pytest.mark.parametrize(
    "regex",
    [
        r"http://localhost:\d+",
        r"https?://localhost(:\d+)?",
        r"http://(localhost|127\.0\.0\.1)(:\d+)?",
        r"https://app\.example\.com|http://localhost:\d+",
    ],
)
def test_prod_names_loopback_regexes_as_loopback_however_spelled(regex: str) -> None:
    problems = _problems(lambda: CORSPolicy.profile("prod", allow_origin_regex=regex))
    assert [p.code for p in problems] == ["CG130"]
    # ... and dev-like profiles accept them with credentials, as loopback origins.
    policy = CORSPolicy.profile("test", allow_origin_regex=regex, allow_credentials=True)
    assert policy.match_origin("http://localhost:5173")
