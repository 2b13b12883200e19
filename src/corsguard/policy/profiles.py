"""Deployment profiles and configuration from ``CORS_*`` environment variables.

- ``dev``: every loopback origin (localhost and its subdomains, 127.0.0.1, [::1]) on any port,
  over http and https, with credentials, any method and header, debug on. What people reach for
  with ``["*"]``, without exposing anyone to the web.
- ``test`` and ``staging``: explicit origins required; ``*`` refused.
- ``prod``: explicit origins required; plain-http and loopback origins refused; debug off.

Missing or empty configuration that a profile needs is an error naming the variable to set,
never a fallback to something permissive.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corsguard.codes import policy as codes
from corsguard.policy.origin_regex import insecure_alternatives
from corsguard.policy.origins import OriginEntry
from corsguard.policy.problems import ConfigError, Problem, problem, quoted, raw_literal
from corsguard.policy.validation import check

if TYPE_CHECKING:
    from corsguard.policy.policy import CORSPolicy

PROFILE_VARIABLE = "CORS_PROFILE"
PROFILES = ("dev", "test", "staging", "prod")

# Option -> variable. The dangerously_ opt-ins are deliberately not read from the environment:
# they belong in code, where a reviewer sees them.
VARIABLES: dict[str, str] = {
    "allow_origins": "CORS_ALLOW_ORIGINS",
    "allow_credentials": "CORS_ALLOW_CREDENTIALS",
    "allow_methods": "CORS_ALLOW_METHODS",
    "allow_headers": "CORS_ALLOW_HEADERS",
    "expose_headers": "CORS_EXPOSE_HEADERS",
    "max_age": "CORS_MAX_AGE",
    "allow_origin_regex": "CORS_ALLOW_ORIGIN_REGEX",
    "allow_private_network": "CORS_ALLOW_PRIVATE_NETWORK",
    "debug": "CORS_DEBUG",
}

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

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def policy_from_profile(cls: type[CORSPolicy], name: str, options: Mapping[str, Any]) -> CORSPolicy:
    return _build(cls, name, dict(options), {}, [])


def policy_from_env(
    cls: type[CORSPolicy],
    environ: Mapping[str, str] | None,
    *,
    env_file: str | os.PathLike[str] | None,
) -> CORSPolicy:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    if env_file is not None:
        values.update(read_env_file(env_file, problems))
    # Real environment variables override the file, as with docker, systemd and dotenv.
    values.update(os.environ if environ is None else environ)
    options, labels = _options_from(values, problems)
    name = values.get(PROFILE_VARIABLE, "").strip().lower()
    return _build(cls, name, options, labels, problems)


def _options_from(
    values: Mapping[str, str], problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, str]]:
    options: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for option, variable in VARIABLES.items():
        labels[option] = variable
        raw = values.get(variable, "").strip()
        if not raw:
            continue  # unset and empty are the same; profiles decide what is required
        parse = _PARSERS.get(option, _parse_list)
        value = parse(raw, variable, problems)
        if value is not None:
            options[option] = value
    return options, labels


def _parse_list(raw: str, variable: str, problems: list[Problem]) -> tuple[str, ...]:
    # Comma-separated; whitespace around items and empty items are tolerated.
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _parse_flag(raw: str, variable: str, problems: list[Problem]) -> bool | None:
    lowered = raw.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    problems.append(
        problem(
            codes.INVALID_ENV_VALUE,
            variable,
            raw,
            f"{variable}: {quoted(raw)} is not a boolean",
            f"Set {variable} to true or false (1/0, yes/no and on/off are accepted too).",
        )
    )
    return None


def _parse_seconds(raw: str, variable: str, problems: list[Problem]) -> int | None:
    if raw.isascii() and raw.lstrip("-").isdigit():
        return int(raw)
    problems.append(
        problem(
            codes.INVALID_ENV_VALUE,
            variable,
            raw,
            f"{variable}: {quoted(raw)} is not a whole number of seconds",
            f"Set {variable} to a number of seconds from 0 to 86400, e.g. {variable}=600.",
        )
    )
    return None


def _parse_text(raw: str, variable: str, problems: list[Problem]) -> str:
    return raw


_PARSERS: dict[str, Callable[[str, str, list[Problem]], Any]] = {
    "allow_credentials": _parse_flag,
    "allow_private_network": _parse_flag,
    "debug": _parse_flag,
    "max_age": _parse_seconds,
    "allow_origin_regex": _parse_text,
}


def read_env_file(path: str | os.PathLike[str], problems: list[Problem]) -> dict[str, str]:
    """``NAME=value`` lines; ``export``, quotes, blank lines and ``#`` comments understood."""
    where = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        problems.append(
            problem(
                codes.INVALID_ENV_FILE,
                "env_file",
                where,
                f"{where}: cannot read the environment file ({reason.lower()})",
                "Check the path passed as env_file, or leave env_file out to read only the "
                "process environment.",
            )
        )
        return {}
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = _parse_env_line(line)
        if parsed is None:
            problems.append(
                problem(
                    codes.INVALID_ENV_FILE,
                    "env_file",
                    line,
                    f"{where}:{number}: {quoted(line)} is not a NAME=value line",
                    "Write NAME=value, optionally quoted or prefixed with 'export '; start "
                    "comments with '#'.",
                )
            )
        elif parsed:
            values[parsed[0]] = parsed[1]
    return values


def _parse_env_line(line: str) -> tuple[str, str] | tuple[()] | None:
    """``(name, value)``, ``()`` for a blank or comment line, ``None`` if malformed."""
    text = line.strip()
    if not text or text.startswith("#"):
        return ()
    if text.startswith("export "):
        text = text.removeprefix("export ").lstrip()
    name, equals, value = text.partition("=")
    name = name.strip()
    if not equals or _ENV_NAME.fullmatch(name) is None:
        return None
    value = value.strip()
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        if end < 0 or value[end + 1 :].strip()[:1] not in ("", "#"):
            return None
        return name, value[1:end]
    # An unquoted value ends at a comment introduced by whitespace and '#'.
    comment = re.search(r"\s#", value)
    return name, (value[: comment.start()] if comment else value).strip()


def _build(
    cls: type[CORSPolicy],
    name: str,
    options: dict[str, Any],
    labels: Mapping[str, str],
    problems: list[Problem],
) -> CORSPolicy:
    if name not in PROFILES:
        problems.append(_unknown_profile(name))
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


def _unknown_profile(name: str) -> Problem:
    choices = ", ".join(PROFILES)
    if not name:
        message = f"{PROFILE_VARIABLE}: no deployment profile is set"
    else:
        message = f"{PROFILE_VARIABLE}: {name!r} is not a deployment profile"
    return problem(
        codes.UNKNOWN_PROFILE,
        PROFILE_VARIABLE,
        name,
        message,
        f"Set {PROFILE_VARIABLE} to one of {choices}, e.g. {PROFILE_VARIABLE}=prod.",
    )


def _profile_problems(
    name: str,
    options: Mapping[str, Any],
    entries: tuple[OriginEntry, ...],
    labels: Mapping[str, str],
) -> list[Problem]:
    where = labels.get("allow_origins", "allow_origins")
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
                "Set CORS_ALLOW_ORIGINS to the comma-separated origins of your frontends, e.g. "
                "CORS_ALLOW_ORIGINS=https://app.example.com.",
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
                    "List the frontend origins instead, e.g. "
                    "CORS_ALLOW_ORIGINS=https://app.example.com.",
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
                "Turn debug off in production: unset CORS_DEBUG or pass debug=False.",
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
