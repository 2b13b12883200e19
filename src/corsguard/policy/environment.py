"""``CORSPolicy.from_env``: the policy from environment variables and ``.env`` files.

By default the variables are ``CORS_PROFILE``, ``CORS_ALLOW_ORIGINS`` and the other ``CORS_*``
names of ``VARIABLES``. Real projects name them otherwise, so:

- ``prefix="APP_CORS_"`` reads ``APP_CORS_PROFILE``, ``APP_CORS_ALLOW_ORIGINS`` and so on;
- ``origins="BACKEND_CORS_ORIGINS"`` reads the allowed origins from that variable instead; with
  several names (``origins=("BACKEND_CORS_ORIGINS", "FRONTEND_HOST")``) their lists are joined;
- ``variables={"allow_credentials": "CORS_CREDENTIALS", "profile": "CORS_ENV"}`` renames any
  other variable;
- ``profile="prod"`` is the profile used when the profile variable is unset;
- keyword options (``allow_credentials=True``) are defaults that a set variable overrides.

Values are read by ``env_values`` (JSON lists or comma-separated lists); problems name the
variable to fix, down to the item of the variable it came from.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from corsguard.codes import policy as codes
from corsguard.policy.env_values import PARSERS
from corsguard.policy.envfile import read_env_file
from corsguard.policy.problems import ConfigError, Problem

if TYPE_CHECKING:
    from corsguard.policy.policy import CORSPolicy

DEFAULT_PREFIX = "CORS_"
PROFILE_NAME = "PROFILE"
# Option -> variable name after the prefix. The dangerously_ opt-ins are deliberately not read
# from the environment: they belong in code, where a reviewer sees them.
NAMES: dict[str, str] = {
    "allow_origins": "ALLOW_ORIGINS",
    "allow_credentials": "ALLOW_CREDENTIALS",
    "allow_methods": "ALLOW_METHODS",
    "allow_headers": "ALLOW_HEADERS",
    "expose_headers": "EXPOSE_HEADERS",
    "max_age": "MAX_AGE",
    "allow_origin_regex": "ALLOW_ORIGIN_REGEX",
    "allow_private_network": "ALLOW_PRIVATE_NETWORK",
    "debug": "DEBUG",
}
VARIABLES = {option: DEFAULT_PREFIX + name for option, name in NAMES.items()}
PROFILE_VARIABLE = DEFAULT_PREFIX + PROFILE_NAME


@dataclasses.dataclass(frozen=True, slots=True)
class Names:
    """The variable(s) each option is read from, and the profile's variable."""

    options: dict[str, tuple[str, ...]]
    profile: str

    def label(self, option: str) -> str:
        return " + ".join(self.options[option])


def variable_names(
    prefix: str,
    origins: str | Sequence[str] | None,
    variables: Mapping[str, str] | None,
) -> Names:
    options: dict[str, tuple[str, ...]] = {
        option: (prefix + name,) for option, name in NAMES.items()
    }
    profile = prefix + PROFILE_NAME
    for option, variable in (variables or {}).items():
        if option == "profile":
            profile = variable
        elif option in options:
            options[option] = (variable,)
        else:
            known = ", ".join(["profile", *NAMES])
            raise TypeError(
                f"from_env: variables has {option!r}, which is not read from the environment; "
                f"use one of {known}."
            )
    if origins is not None:
        options["allow_origins"] = (origins,) if isinstance(origins, str) else tuple(origins)
        if not options["allow_origins"]:
            raise TypeError("from_env: origins names no variable; pass a name or leave it out.")
    return Names(options, profile)


def policy_from_env(
    cls: type[CORSPolicy],
    environ: Mapping[str, str] | None,
    *,
    env_file: str | os.PathLike[str] | None,
    prefix: str,
    origins: str | Sequence[str] | None,
    variables: Mapping[str, str] | None,
    profile: str | None,
    options: Mapping[str, Any],
) -> CORSPolicy:
    from corsguard.policy.profiles import DEV_ORIGINS, build

    names = variable_names(prefix, origins, variables)
    process = os.environ if environ is None else environ
    problems: list[Problem] = []
    values: dict[str, str] = {}
    if env_file is not None:
        values.update(read_env_file(env_file, problems, process))
    # Real environment variables override the file, as with docker, systemd and dotenv.
    values.update(process)
    read, counts = _read_options(values, names, problems)
    labels = {option: names.label(option) for option in names.options}
    labels["profile"] = names.profile
    name = values.get(names.profile, "").strip().lower() or (profile or "")
    try:
        return build(cls, name, {**options, **read}, labels, problems)
    except ConfigError as error:
        combined = labels["allow_origins"]
        # The dev profile puts its loopback origins before the ones read from the variables.
        offset = len(DEV_ORIGINS) if name == "dev" else 0
        found = [_relabel(p, combined, counts, offset) for p in error.problems]
        # An origins variable that could not be read already says why no origin is set.
        unread = {p.option for p in found if p.code == codes.INVALID_ENV_VALUE.code}
        if unread & set(names.options["allow_origins"]):
            found = [p for p in found if p.code != codes.PROFILE_REQUIRES_ORIGINS.code]
        raise ConfigError(found) from None


def _read_options(
    values: Mapping[str, str], names: Names, problems: list[Problem]
) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    """The options set in ``values``, and how many origins each origins variable gave."""
    options: dict[str, Any] = {}
    counts: list[tuple[str, int]] = []
    for option, variables in names.options.items():
        parse = PARSERS[option]
        found: list[Any] = []
        for variable in variables:
            raw = values.get(variable, "")
            if not raw.strip():
                continue  # unset and empty are the same; profiles decide what is required
            value = parse(raw, variable, problems)
            if value is not None:
                found.append(value)
                if option == "allow_origins":
                    counts.append((variable, len(value)))
        if not found:
            continue
        if option == "allow_origins":
            options[option] = tuple(item for value in found for item in value)
        else:
            options[option] = found[0]
    return options, counts


def _relabel(found: Problem, combined: str, counts: list[tuple[str, int]], offset: int) -> Problem:
    """``A + B[3]`` becomes ``B[1]`` when ``A`` gave two origins: the item the user wrote."""
    if not counts:
        return found
    match = re.fullmatch(re.escape(combined) + r"\[(\d+)\]", found.option)
    if match is None:
        return found
    index = int(match.group(1)) - offset
    for variable, count in counts:
        if index < count:
            where = f"{variable}[{index}]"
            message = found.message.replace(found.option, where, 1)
            return dataclasses.replace(found, option=where, message=message)
        index -= count
    return found
