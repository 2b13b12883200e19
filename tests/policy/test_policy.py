"""``CORSPolicy`` as a value: defaults, normalization, immutability, and the contract surface."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import re
from typing import Any

import pytest
from pydantic import AnyHttpUrl, TypeAdapter
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware

import corsguard
from corsguard.policy import ConfigError, CORSPolicy, Problem, validate
from corsguard.policy.options import DEFAULTS


def test_package_exports_the_contract() -> None:
    import corsguard.policy as package

    assert package.__all__ == ["CORSPolicy", "ConfigError", "Problem", "validate"]
    assert corsguard.CORSPolicy is CORSPolicy
    assert corsguard.ConfigError is ConfigError
    assert corsguard.Problem is Problem


def test_defaults_follow_starlette() -> None:
    starlette = inspect.signature(StarletteCORSMiddleware.__init__).parameters
    ours = {f.name: f.default for f in dataclasses.fields(CORSPolicy) if f.init}
    for name, parameter in starlette.items():
        if name in ("self", "app"):
            continue
        assert name in ours, name
        expected = parameter.default
        if isinstance(expected, (list, tuple)):
            expected = tuple(expected)
        assert ours[name] == expected, name
    policy = CORSPolicy()
    assert policy.methods == ("GET",)
    assert policy.max_age == 600
    assert not policy.allow_credentials


def test_option_table_matches_the_dataclass() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(CORSPolicy) if f.init}
    assert fields == DEFAULTS


def test_policy_is_immutable_and_hashable() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_methods=["GET", "POST"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.max_age = 5  # type: ignore[misc]
    assert isinstance(policy.allow_origins, tuple)
    assert isinstance(policy.allow_methods, tuple)
    same = CORSPolicy(allow_origins=("https://app.example.com",), allow_methods=("GET", "POST"))
    assert policy == same
    assert hash(policy) == hash(same)
    assert len({policy, same}) == 1


def test_sequences_are_copied_so_later_mutation_has_no_effect() -> None:
    origins = ["https://app.example.com"]
    policy = CORSPolicy(allow_origins=origins)
    origins.append("https://evil.example")
    assert not policy.match_origin("https://evil.example")


def test_generators_are_read_once() -> None:
    policy = CORSPolicy(
        allow_origins=(f"https://app{i}.example.com" for i in range(3)),  # type: ignore[arg-type]
        allow_methods=(m for m in ["GET", "PUT"]),  # type: ignore[arg-type]
    )
    assert len(policy.allow_origins) == 3
    assert policy.allow_methods == ("GET", "PUT")
    assert policy.methods == ("GET", "PUT")


def test_replace_revalidates() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    assert dataclasses.replace(policy, max_age=60).max_age == 60
    with pytest.raises(ConfigError):
        dataclasses.replace(policy, allow_origins=["*"], allow_credentials=True)


def test_pickle_and_deepcopy_rebuild_a_working_matcher() -> None:
    policy = CORSPolicy(
        allow_origins=["https://*.example.com"], allow_origin_regex=r"https://a\.example\.org"
    )
    for again in (pickle.loads(pickle.dumps(policy)), copy.deepcopy(policy)):
        assert again == policy
        assert again.match_origin("https://x.example.com")
        assert again.match_origin("https://a.example.org")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (
            ["get", "post", "put", "delete", "options", "head"],
            ("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"),
        ),
        (["patch", "PATCH", "Purge"], ("patch", "PATCH", "Purge")),
        (["GET", "get"], ("GET",)),
    ],
    ids=["standard-names-upper-cased", "others-keep-their-case", "duplicates-dropped"],
)
def test_methods_are_normalized_like_fetch(given: list[str], stored: tuple[str, ...]) -> None:
    assert CORSPolicy(allow_methods=given).methods == stored


def test_headers_are_lower_cased_and_deduplicated() -> None:
    policy = CORSPolicy(allow_headers=["X-Request-Id", "x-request-id", "Content-Type"])
    assert policy.headers == ("x-request-id", "content-type")
    assert policy.allow_headers == ("X-Request-Id", "x-request-id", "Content-Type")


@pytest.mark.parametrize(
    ("options", "flags"),
    [
        ({"allow_methods": ["*"]}, (False, True, False)),
        ({"allow_headers": ["*"]}, (False, False, True)),
        ({"allow_origins": ["*"]}, (True, False, False)),
        ({"allow_methods": ["GET", "*"], "allow_headers": ["*", "X-A"]}, (False, True, True)),
    ],
)
def test_wildcards(options: dict[str, Any], flags: tuple[bool, bool, bool]) -> None:
    policy = CORSPolicy(**options)
    assert (
        policy.allows_all_origins,
        policy.allows_all_methods,
        policy.allows_all_headers,
    ) == flags
    assert "*" not in policy.methods
    assert "*" not in policy.headers


def test_expose_keeps_wildcard_without_credentials() -> None:
    policy = CORSPolicy(allow_origins=["*"], expose_headers=["*", "X-Total"])
    assert policy.expose == ("*", "x-total")


def test_pydantic_urls_are_accepted() -> None:
    urls = TypeAdapter(list[AnyHttpUrl]).validate_python(
        ["https://app.example.com", "http://localhost:3000"]
    )
    assert str(urls[0]) == "https://app.example.com/"  # what pydantic produces
    policy = CORSPolicy(allow_origins=urls)  # type: ignore[arg-type]
    assert policy.allow_origins == ("https://app.example.com", "http://localhost:3000")
    assert [p.code for p in policy.warnings] == []


def test_pydantic_url_with_a_path_is_still_refused() -> None:
    (url,) = TypeAdapter(list[AnyHttpUrl]).validate_python(["https://app.example.com/api"])
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(allow_origins=[url])  # type: ignore[list-item]
    assert [p.code for p in caught.value.problems] == ["CG102"]


@pytest.mark.parametrize("item", [None, 42, b"https://app.example.com", ("https://a.com",)])
def test_non_string_items_are_refused(item: object) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(allow_origins=[item])  # type: ignore[list-item]
    assert [p.code for p in caught.value.problems] == ["CG114"]
    assert caught.value.problems[0].option == "allow_origins[0]"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("allow_origins", None),
        ("allow_methods", b"GET"),
        ("max_age", "600"),
        ("max_age", True),
        ("max_age", 60.0),
        ("debug", 1),
        ("allow_origin", "https://app.example.com"),
        ("allow_origin_regex", 5),
        ("allow_origin_regex", re.compile(rb"https://a")),
    ],
)
def test_wrong_types_are_refused(option: str, value: object) -> None:
    errors, _ = validate(**{option: value})
    assert [p.code for p in errors] == ["CG114"]
    assert errors[0].option == option


def test_compiled_regex_is_accepted() -> None:
    policy = CORSPolicy(allow_origin_regex=re.compile(r"https://[a-z]+\.example\.com"))
    assert policy.match_origin("https://app.example.com")


def test_loose_regex_opt_in() -> None:
    policy = CORSPolicy(
        allow_origin_regex=r"https://.*\.example\.com", dangerously_allow_loose_origin_regex=True
    )
    assert policy.match_origin("https://a.b.example.com")


@pytest.mark.parametrize(
    ("options", "origin"),
    [
        (
            {
                "allow_origins": ["http://intranet.example"],
                "dangerously_allow_insecure_origins": True,
            },
            "http://intranet.example",
        ),
        (
            {
                "allow_origins": ["https://*.github.io"],
                "dangerously_allow_public_suffix_wildcards": True,
            },
            "https://someone.github.io",
        ),
    ],
    ids=["insecure-origins", "public-suffix-wildcards"],
)
def test_credential_gate_opt_ins(options: dict[str, object], origin: str) -> None:
    policy = CORSPolicy(allow_credentials=True, **options)  # type: ignore[arg-type]
    assert policy.match_origin(origin)


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:3000",
        "http://127.0.0.1:8000",
        "http://[::1]:8080",
        "http://*.localhost:*",
        "https://*.example.com",
        "https://*.myorg.github.io",
        "https://*.city.kawasaki.jp",
    ],
)
def test_credentials_allowed_for_secure_and_owned_origins(origin: str) -> None:
    assert CORSPolicy(allow_origins=[origin], allow_credentials=True).allow_credentials


@pytest.mark.parametrize(
    "pattern",
    [
        "https://*.com",
        "https://*.co.uk",
        "https://*.github.io",
        "https://*.vercel.app",
        "https://*.amazonaws.com",
        "https://*.kawasaki.jp",
        "https://*.xn--p1ai",
        "https://*.рф",
        "https://*.internal",
    ],
)
def test_public_suffix_wildcards_are_refused_with_credentials(pattern: str) -> None:
    errors, _ = validate(allow_origins=[pattern], allow_credentials=True)
    assert "CG109" in [p.code for p in errors]
    assert validate(allow_origins=[pattern])[0] == []  # without credentials it is allowed


def test_match_origin_is_bound_to_the_compiled_matcher() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    assert policy.match_origin("https://app.example.com")
    assert CORSPolicy.match_origin(policy, "https://app.example.com")
    assert "match_origin" not in repr(policy)
    assert "_matcher" not in repr(policy)


def test_asdict_works_for_logging_the_configuration() -> None:
    policy = CORSPolicy(allow_origins=["https://*.example.com"], max_age=7300)
    data = dataclasses.asdict(policy)
    assert data["allow_origins"] == ("https://*.example.com",)
    assert data["warnings"][0]["code"] == "CG120"
