"""Deployment profiles: the safety rules a policy is held to in dev, test, staging and prod.

- ``dev``: every loopback origin (localhost and its subdomains, 127.0.0.1, [::1]) on any port,
  over http and https, with credentials, any method and header, debug on. What people reach for
  with ``["*"]``, without exposing anyone to the web.
- ``test`` and ``staging``: explicit origins required; ``*`` refused.
- ``prod``: explicit origins required; plain-http and loopback origins refused; debug off.

Missing or empty configuration that a profile needs is an error naming the variable to set,
never a fallback to something permissive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from corsguard.codes import policy as codes
from corsguard.policy.environment import PROFILE_VARIABLE, VARIABLES
from corsguard.policy.origin_regex import insecure_alternatives
from corsguard.policy.origins import OriginEntry
from corsguard.policy.problems import ConfigError, Problem, problem, raw_literal
from corsguard.policy.validation import check

if TYPE_CHECKING:
    from corsguard.policy.policy import CORSPolicy

PROFILES = ("dev", "test", "staging", "prod")

DEV_ORIGINS = tuple(
    f"{scheme}://{host}:*"
    for scheme in ("http", "https")
    for host in ("localhost", "*.localhost", "127.0.0.1", "[::1]")
)

PROFILE_DEFAULTS: dict[str, dict[str, Any]] = {
    # max_age=0: a changed policy takes effect on the next request, not after a cached preflight.
    "dev": {
        "allow_credentials": True,
        "allow_methods": ("*",),
        "allow_headers": ("*",),
        "max_age": 0,
        "debug": True,
    },
    "test": {"debug": True},
    "staging": {},
    "prod": {"debug": False},
}


def policy_from_profile(cls: type[CORSPolicy], name: str, options: Mapping[str, Any]) -> CORSPolicy:
    return build(cls, name, dict(options), {}, [])


def build(
    cls: type[CORSPolicy],
    name: str,
    options: dict[str, Any],
    labels: Mapping[str, str],
    problems: list[Problem],
) -> CORSPolicy:
    """The profile's defaults, then ``options``; every problem raised at once.

    ``labels`` names options (and ``"profile"``) the way the user set them: the environment
    variables when the policy comes from ``from_env``.
    """
    if name not in PROFILES:
        problems.append(_unknown_profile(name, labels.get("profile", PROFILE_VARIABLE)))
        raise ConfigError(problems)
    merged = {**PROFILE_DEFAULTS[name], **options}
    given = options.get("allow_origins")
    if name == "dev" and not isinstance(given, str):
        # The loopback origins plus any given; a single string is left for validation to report.
        merged["allow_origins"] = DEV_ORIGINS + _as_tuple(given)
    checked = check(merged, labels)
    problems += checked.errors
    if name != "dev":
        problems += _profile_problems(name, merged, checked.entries, labels)
    if problems:
        raise ConfigError(problems)
    return cls(**merged)


def _as_tuple(value: object) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, Iterable) else (value,)


def _unknown_profile(name: str, variable: str) -> Problem:
    choices = ", ".join(PROFILES)
    if not name:
        message = f"{variable}: no deployment profile is set"
    else:
        message = f"{variable}: {name!r} is not a deployment profile"
    return problem(
        codes.UNKNOWN_PROFILE,
        variable,
        name,
        message,
        f"Set {variable} to one of {choices}, e.g. {variable}=prod, or pass "
        "from_env(profile='prod') for when it is unset.",
    )


def _profile_problems(
    name: str,
    options: Mapping[str, Any],
    entries: tuple[OriginEntry, ...],
    labels: Mapping[str, str],
) -> list[Problem]:
    where = labels.get("allow_origins", "allow_origins")
    # The variable to set: the first of several, or CORS_ALLOW_ORIGINS for profile().
    variable = labels.get("allow_origins", VARIABLES["allow_origins"]).split(" + ")[0]
    found: list[Problem] = []
    has_dynamic = (
        options.get("allow_origin_regex") is not None or options.get("allow_origin") is not None
    )
    if not entries and not has_dynamic:
        found.append(
            problem(
                codes.PROFILE_REQUIRES_ORIGINS,
                where,
                "",
                f"{where}: the {name} profile needs the frontend origins, and none are set",
                f"Set {variable} to the comma-separated origins of your frontends, e.g. "
                f"{variable}=https://app.example.com.",
            )
        )
    for index, entry in enumerate(entries):
        item = f"{where}[{index}]"
        if entry.kind == "all":
            found.append(
                problem(
                    codes.WILDCARD_IN_PROFILE,
                    item,
                    "*",
                    f"{item}: '*' is not allowed in the {name} profile, which requires explicit "
                    "origins",
                    f"List the frontend origins instead, e.g. {variable}=https://app.example.com.",
                )
            )
        elif name == "prod" and entry.pattern is not None:
            found += _production_origin(item, entry)
    regex = options.get("allow_origin_regex")
    source = regex.pattern if isinstance(regex, re.Pattern) else regex
    if name == "prod" and isinstance(source, str):
        found += _production_regex(labels.get("allow_origin_regex", "allow_origin_regex"), source)
    if name == "prod" and options.get("debug") is True:
        debug = labels.get("debug", "debug")
        found.append(
            problem(
                codes.DEBUG_IN_PRODUCTION,
                debug,
                True,
                f"{debug}: debug mode is on in the prod profile, where failed preflights would "
                "explain the policy to anyone",
                f"Turn debug off in production: unset {labels.get('debug', 'CORS_DEBUG')} or pass "
                "debug=False.",
            )
        )
    return found


def _production_regex(where: str, source: str) -> list[Problem]:
    """Every alternative of the regex must start with ``https://``, as prod origins must."""
    secure = insecure_alternatives(source, allow_loopback=False)
    if secure is None:
        return []
    if insecure_alternatives(source, allow_loopback=True) is None:
        return [
            problem(
                codes.LOCALHOST_IN_PRODUCTION,
                where,
                source,
                f"{where}: {raw_literal(source)} matches loopback origins, a development "
                "setting in the prod profile",
                "Remove the localhost alternatives from the production configuration; run "
                "locally with CORS_PROFILE=dev.",
            )
        ]
    return [
        problem(
            codes.INSECURE_ORIGIN_IN_PRODUCTION,
            where,
            source,
            f"{where}: {raw_literal(source)} also matches plain-http origins in the prod profile",
            f"Match only https origins: start every alternative with 'https://', e.g. "
            f"{raw_literal(secure)}.",
        )
    ]


def _production_origin(where: str, entry: OriginEntry) -> list[Problem]:
    pattern = entry.pattern
    if pattern is None:
        return []
    if pattern.is_loopback:
        return [
            problem(
                codes.LOCALHOST_IN_PRODUCTION,
                where,
                entry.text,
                f"{where}: {entry.text!r} is a loopback origin, a development setting in the "
                "prod profile",
                "Remove the localhost origins from the production configuration; run locally "
                "with CORS_PROFILE=dev.",
            )
        ]
    if pattern.scheme == "http":
        secure = "https" + entry.text.removeprefix("http")
        return [
            problem(
                codes.INSECURE_ORIGIN_IN_PRODUCTION,
                where,
                entry.text,
                f"{where}: {entry.text!r} is plain http in the prod profile",
                f"Serve the frontend over https and allow {secure!r}.",
            )
        ]
    return []
