"""``CORSPolicy.from_env`` with the variable names and list formats real projects use.

Each row is a minimal reproduction of a settings pattern found in public FastAPI projects: the
full-stack template's ``BACKEND_CORS_ORIGINS`` (comma list or JSON, plus ``FRONTEND_HOST``),
``ALLOWED_ORIGINS`` and ``CORS_ORIGINS`` split by hand, semicolon and space separated lists, and
docker-compose values that keep their quotes.
"""

from __future__ import annotations

from typing import Any

import pytest

from corsguard.policy import ConfigError, CORSPolicy, Problem

A = "https://a.example.com"
B = "https://b.example.com"

# name: (environment, from_env keyword arguments, expected allow_origins)
READS: dict[str, tuple[dict[str, str], dict[str, Any], tuple[str, ...]]] = {
    "comma-list": (
        {"BACKEND_CORS_ORIGINS": f"{A},{B}"},
        {"origins": "BACKEND_CORS_ORIGINS"},
        (A, B),
    ),
    "comma-list-with-spaces": (
        {"ALLOWED_ORIGINS": f"{A}, {B} ,"},
        {"origins": "ALLOWED_ORIGINS"},
        (A, B),
    ),
    "json-list": (
        {"CORS_ORIGINS": f'["{A}", "{B}"]'},
        {"origins": "CORS_ORIGINS"},
        (A, B),
    ),
    "json-list-with-padding": (
        {"CORS_ORIGINS": f'[" {A}", "{B} "]'},
        {"origins": "CORS_ORIGINS"},
        (A, B),
    ),
    "json-list-quoted-by-compose": (
        {"CORS_ORIGINS": f"'[\"{A}\"]'"},
        {"origins": "CORS_ORIGINS"},
        (A,),
    ),
    "comma-list-quoted-by-compose": (
        {"BACKEND_CORS_ORIGINS": f'"{A},{B}"'},
        {"origins": "BACKEND_CORS_ORIGINS"},
        (A, B),
    ),
    "items-quoted": (
        {"CORS_ORIGINS": f'"{A}", "{B}"'},
        {"origins": "CORS_ORIGINS"},
        (A, B),
    ),
    "semicolons": ({"CORS_ORIGINS": f"{A};{B};"}, {"origins": "CORS_ORIGINS"}, (A, B)),
    "spaces": ({"CORS_ORIGINS": f"{A} {B}"}, {"origins": "CORS_ORIGINS"}, (A, B)),
    "several-variables-joined": (
        {"BACKEND_CORS_ORIGINS": A, "FRONTEND_HOST": B},
        {"origins": ("BACKEND_CORS_ORIGINS", "FRONTEND_HOST")},
        (A, B),
    ),
    "several-variables-one-empty": (
        {"BACKEND_CORS_ORIGINS": "", "FRONTEND_HOST": B},
        {"origins": ("BACKEND_CORS_ORIGINS", "FRONTEND_HOST")},
        (B,),
    ),
    "prefix": (
        {"APP_CORS_ALLOW_ORIGINS": A, "APP_CORS_PROFILE": "prod"},
        {"prefix": "APP_CORS_"},
        (A,),
    ),
}


@pytest.mark.parametrize(("environ", "kwargs", "origins"), READS.values(), ids=list(READS))
def test_origins_read_from_real_variable_names(
    environ: dict[str, str], kwargs: dict[str, Any], origins: tuple[str, ...]
) -> None:
    kwargs.setdefault("profile", "prod")
    assert CORSPolicy.from_env(environ, **kwargs).allow_origins == origins


def test_default_names_still_read() -> None:
    policy = CORSPolicy.from_env({"CORS_PROFILE": "prod", "CORS_ALLOW_ORIGINS": f'["{A}"]'})
    assert policy.allow_origins == (A,)


def test_options_in_code_are_defaults_the_environment_overrides() -> None:
    env = {"BACKEND_CORS_ORIGINS": A, "CORS_MAX_AGE": "60"}
    policy = CORSPolicy.from_env(
        env,
        origins="BACKEND_CORS_ORIGINS",
        profile="prod",
        allow_credentials=True,
        allow_methods=["*"],
        max_age=300,
    )
    assert policy.allow_credentials
    assert policy.allows_all_methods
    assert policy.max_age == 60


def test_the_profile_variable_wins_over_the_profile_argument() -> None:
    env = {"CORS_PROFILE": "prod", "CORS_ALLOW_ORIGINS": "http://localhost:5173"}
    with pytest.raises(ConfigError) as caught:
        CORSPolicy.from_env(env, profile="dev")
    assert [p.code for p in caught.value.problems] == ["CG130"]


def test_variables_renames_options_and_the_profile() -> None:
    env = {"ENV_PROFILE": "prod", "ORIGINS": A, "CREDENTIALS": "yes"}
    policy = CORSPolicy.from_env(
        env,
        origins="ORIGINS",
        variables={"allow_credentials": "CREDENTIALS", "profile": "ENV_PROFILE"},
    )
    assert policy.allow_credentials


def test_unknown_variables_key_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="allowed_origins"):
        CORSPolicy.from_env({}, variables={"allowed_origins": "X"})


def _problems(**kwargs: Any) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy.from_env(**kwargs)
    return list(caught.value.problems)


# name: (environment, from_env keyword arguments, (code, option, message start) of each problem)
PROBLEMS: dict[str, tuple[dict[str, str], dict[str, Any], list[tuple[str, str, str]]]] = {
    "trailing-slash-names-the-variable": (
        {"BACKEND_CORS_ORIGINS": f"{A}/"},
        {"origins": "BACKEND_CORS_ORIGINS"},
        [("CG102", "BACKEND_CORS_ORIGINS[0]", f"BACKEND_CORS_ORIGINS[0]: '{A}/' has a path")],
    ),
    "item-of-the-second-variable": (
        {"BACKEND_CORS_ORIGINS": f"{A},{B}", "FRONTEND_HOST": "localhost:5173"},
        {"origins": ("BACKEND_CORS_ORIGINS", "FRONTEND_HOST")},
        [("CG104", "FRONTEND_HOST[0]", "FRONTEND_HOST[0]: 'localhost:5173' has no scheme")],
    ),
    "unset-names-the-first-variable": (
        {},
        {"origins": ("BACKEND_CORS_ORIGINS", "FRONTEND_HOST")},
        [
            (
                "CG128",
                "BACKEND_CORS_ORIGINS + FRONTEND_HOST",
                "BACKEND_CORS_ORIGINS + FRONTEND_HOST: the prod profile needs the frontend origins",
            )
        ],
    ),
    "dev-profile-counts-from-the-users-first-item": (
        {"CORS_ALLOW_ORIGINS": f"{A},http://app.example.com"},
        {"profile": "dev", "allow_credentials": True},
        [
            (
                "CG108",
                "CORS_ALLOW_ORIGINS[1]",
                "CORS_ALLOW_ORIGINS[1]: 'http://app.example.com' is plain http",
            )
        ],
    ),
    "dev-profile-second-variable": (
        {"BACKEND_CORS_ORIGINS": A, "FRONTEND_HOST": "http://app.example.com"},
        {
            "origins": ("BACKEND_CORS_ORIGINS", "FRONTEND_HOST"),
            "profile": "dev",
            "allow_credentials": True,
        },
        [("CG108", "FRONTEND_HOST[0]", "FRONTEND_HOST[0]: 'http://app.example.com' is plain")],
    ),
    "broken-json": (
        {"CORS_ORIGINS": f'["{A}",]'},
        {"origins": "CORS_ORIGINS"},
        [("CG134", "CORS_ORIGINS", "CORS_ORIGINS: '[\"https://a.example.com\",]' starts with")],
    ),
    "json-not-strings": (
        {"CORS_ORIGINS": "[1, 2]"},
        {"origins": "CORS_ORIGINS"},
        [("CG134", "CORS_ORIGINS", "CORS_ORIGINS: '[1, 2]' is JSON but not a list of strings")],
    ),
    "no-profile-names-the-prefixed-variable": (
        {"APP_ALLOW_ORIGINS": A},
        {"prefix": "APP_", "profile": None},
        [("CG133", "APP_PROFILE", "APP_PROFILE: no deployment profile is set")],
    ),
}


@pytest.mark.parametrize(("environ", "kwargs", "expected"), PROBLEMS.values(), ids=list(PROBLEMS))
def test_problems_name_the_variable_the_user_set(
    environ: dict[str, str], kwargs: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    kwargs.setdefault("profile", "prod")
    problems = _problems(environ=environ, **kwargs)
    assert [(p.code, p.option) for p in problems] == [(c, o) for c, o, _ in expected]
    for found, (_, _, start) in zip(problems, expected, strict=True):
        assert found.message.startswith(start), found.message


def test_json_hint_shows_both_forms() -> None:
    (problem,) = _problems(
        environ={"CORS_ORIGINS": "[oops"}, origins="CORS_ORIGINS", profile="prod"
    )
    assert "'[\"https://app.example.com\"]'" in problem.hint
    assert "https://app.example.com,https://admin.example.com" in problem.hint


def test_a_project_whose_environment_names_match_the_profiles() -> None:
    # APP_ENV=prod|dev|test and a JSON ALLOWED_HOSTS list, as some FastAPI projects have.
    env = {"APP_ENV": "prod", "ALLOWED_HOSTS": '["https://conduit.example.com"]'}
    policy = CORSPolicy.from_env(env, origins="ALLOWED_HOSTS", variables={"profile": "APP_ENV"})
    assert policy.allow_origins == ("https://conduit.example.com",)
    dev = CORSPolicy.from_env(
        {"APP_ENV": "dev"}, origins="ALLOWED_HOSTS", variables={"profile": "APP_ENV"}
    )
    assert dev.match_origin("http://localhost:5173")
