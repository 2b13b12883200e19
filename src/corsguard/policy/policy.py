"""``CORSPolicy``: the validated, immutable description of what cross-origin requests to allow."""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from corsguard.policy.matcher import OriginMatcher
from corsguard.policy.options import LIST_OPTIONS
from corsguard.policy.problems import ConfigError, Problem
from corsguard.policy.validation import check

ProfileName = Literal["dev", "test", "staging", "prod"]
OriginPredicate = Callable[[str], "bool | Awaitable[bool]"]


@dataclass(frozen=True, kw_only=True)
class CORSPolicy:
    """What cross-origin browser requests an app allows, checked when it is built.

    The options have Starlette's names and defaults. Construction collects every problem and
    raises one ``ConfigError`` listing them all; problems that do not make the policy unsafe or
    broken (such as ``max_age`` above Chromium's cap) are kept in ``warnings`` instead.

    ``allow_origins`` accepts exact origins (``https://app.example.com``), subdomain patterns
    (``https://*.example.com``: any depth, never the apex), any-port patterns
    (``http://localhost:*``) and ``*`` alone. It is stored normalized.
    """

    allow_origins: Sequence[str] = ()
    allow_methods: Sequence[str] = ("GET",)
    allow_headers: Sequence[str] = ()
    allow_credentials: bool = False
    expose_headers: Sequence[str] = ()
    max_age: int = 600
    allow_origin_regex: str | re.Pattern[str] | None = None
    allow_private_network: bool = False
    allow_origin: OriginPredicate | None = None
    debug: bool = False
    dangerously_allow_null_origin: bool = False
    dangerously_allow_file_origin: bool = False
    dangerously_allow_insecure_origins: bool = False
    dangerously_allow_public_suffix_wildcards: bool = False
    dangerously_allow_loose_origin_regex: bool = False

    # Derived once in __post_init__ and read by the middleware on every request.
    allows_all_origins: bool = field(init=False, default=False)
    allows_all_methods: bool = field(init=False, default=False)
    allows_all_headers: bool = field(init=False, default=False)
    methods: tuple[str, ...] = field(init=False, default=())
    headers: tuple[str, ...] = field(init=False, default=())
    expose: tuple[str, ...] = field(init=False, default=())
    warnings: tuple[Problem, ...] = field(init=False, default=(), compare=False)
    _matcher: OriginMatcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        assign = object.__setattr__
        # Sequences become tuples first, so the policy is immutable and hashable and a
        # generator is read once; a single string is left for validation to report.
        for name in LIST_OPTIONS:
            value = getattr(self, name)
            if isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
                assign(self, name, tuple(value))
        checked = check({name: getattr(self, name) for name in _OPTION_FIELDS})
        if checked.errors:
            raise ConfigError(checked.errors)
        assign(self, "allow_origins", checked.origins)
        for name in ("allow_methods", "allow_headers", "expose_headers"):
            assign(self, name, tuple(str(value) for value in getattr(self, name)))
        assign(self, "allows_all_origins", checked.allows_all_origins)
        assign(self, "allows_all_methods", checked.allows_all_methods)
        assign(self, "allows_all_headers", checked.allows_all_headers)
        assign(self, "methods", checked.methods)
        assign(self, "headers", checked.headers)
        assign(self, "expose", checked.expose)
        assign(self, "warnings", checked.warnings)
        exact = [e.text for e in checked.entries if e.kind in ("null", "file")]
        patterns = [e.pattern for e in checked.entries if e.pattern is not None]
        matcher = OriginMatcher(exact, patterns, checked.regex)
        assign(self, "_matcher", matcher)
        # The middleware calls match_origin on every request: bind the compiled matcher's
        # method directly so the call costs one lookup, not a delegating frame.
        assign(self, "match_origin", matcher.match)

    def match_origin(self, origin: str) -> bool:
        """True if the static rules (exact origins, patterns, regex) allow ``origin``.

        Never true for a ``*`` policy (check ``allows_all_origins`` first) and never consults
        ``allow_origin``. The cost does not depend on how many origins are allowed.
        """
        return self._matcher.match(origin)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild (and so revalidate and recompile) from the options when unpickled.
        options = {name: getattr(self, name) for name in _OPTION_FIELDS}
        return (_rebuild, (options,))

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        env_file: str | os.PathLike[str] | None = None,
        prefix: str = "CORS_",
        origins: str | Sequence[str] | None = None,
        variables: Mapping[str, str] | None = None,
        profile: ProfileName | None = None,
        **options: Any,
    ) -> CORSPolicy:
        """Build the policy from environment variables (``os.environ`` unless ``environ``).

        ``CORS_PROFILE``, ``CORS_ALLOW_ORIGINS`` and the other ``CORS_*`` variables by default;
        ``prefix`` changes ``CORS_``, ``origins`` names the variable(s) holding the allowed
        origins (``"BACKEND_CORS_ORIGINS"``), ``variables`` renames others, ``profile`` applies
        when the profile variable is unset, and ``options`` are defaults the variables
        override. Lists are JSON arrays or comma-separated. ``env_file`` is read first, with
        python-dotenv's syntax; real variables override it. See ``corsguard.policy.environment``.
        """
        from corsguard.policy.environment import policy_from_env

        return policy_from_env(
            cls,
            environ,
            env_file=env_file,
            prefix=prefix,
            origins=origins,
            variables=variables,
            profile=profile,
            options=options,
        )

    @classmethod
    def profile(cls, name: ProfileName, **options: Any) -> CORSPolicy:
        """The ``dev``, ``test``, ``staging`` or ``prod`` profile, with ``options`` on top."""
        from corsguard.policy.profiles import policy_from_profile

        return policy_from_profile(cls, name, options)


_OPTION_FIELDS = tuple(
    name
    for name, spec in CORSPolicy.__dataclass_fields__.items()
    if spec.init and not name.startswith("_")
)


def _rebuild(options: dict[str, Any]) -> CORSPolicy:
    return CORSPolicy(**options)
