"""CORS options from pydantic-settings: ``pip install 'corsguard[settings]'``.

Two ways, depending on how the project's settings are written:

- ``CORSList``, a field type for an existing ``BaseSettings`` class. It reads a JSON array or a
  comma-separated list, the two forms projects write (the FastAPI full-stack template's
  ``BACKEND_CORS_ORIGINS``), so no hand-written ``parse_cors`` validator is needed::

      class Settings(BaseSettings):
          BACKEND_CORS_ORIGINS: CORSList = []

      policy = CORSPolicy(allow_origins=settings.BACKEND_CORS_ORIGINS, allow_credentials=True)

- ``CORSSettings``, a settings model whose fields are the policy's options, read from the
  ``CORS_*`` variables (and a ``.env`` file with ``CORSSettings(_env_file=".env")``)::

      cors = CORSSettings()
      policy = cors.policy()            # through the profile in CORS_PROFILE, if set
      policy = CORSPolicy(**cors)       # the options that were set, as keyword arguments

  Subclass it to rename a variable: ``allow_origins: CORSList = Field([],
  validation_alias="BACKEND_CORS_ORIGINS")``.

Only this module imports pydantic; the rest of corsguard uses the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corsguard.policy import CORSPolicy
from corsguard.policy.env_values import parse_list
from corsguard.policy.problems import Problem


def _list(value: Any) -> Any:
    """A string read from the environment becomes a list; anything else is left to pydantic."""
    if not isinstance(value, str):
        return value
    problems: list[Problem] = []
    items = parse_list(value, "value", problems)
    if items is None:
        reason = problems[0].message.removeprefix("value: ")
        raise ValueError(
            f"{reason}; write a JSON list such as '[\"https://app.example.com\"]' or items "
            "separated by commas"
        )
    return list(items)


# NoDecode: pydantic-settings would otherwise insist on JSON for a list field.
CORSList = Annotated[list[str], NoDecode, BeforeValidator(_list)]

_OPTIONS = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "expose_headers",
    "max_age",
    "allow_origin_regex",
    "allow_private_network",
    "debug",
)


class CORSSettings(BaseSettings):
    """The policy's options as settings: ``CORS_ALLOW_ORIGINS``, ``CORS_PROFILE`` and so on.

    Unset fields are left out of the options, so ``policy()`` gets the profile's defaults (or
    Starlette's) for them. The ``dangerously_`` options are not settings: pass them in code.
    """

    model_config = SettingsConfigDict(env_prefix="CORS_", extra="ignore", env_ignore_empty=True)

    profile: Literal["dev", "test", "staging", "prod"] | None = None
    allow_origins: CORSList = []
    allow_methods: CORSList = ["GET"]
    allow_headers: CORSList = []
    allow_credentials: bool = False
    expose_headers: CORSList = []
    max_age: int = 600
    allow_origin_regex: str | None = None
    allow_private_network: bool = False
    debug: bool = False

    def options(self) -> dict[str, Any]:
        """The options that were set, as ``CORSPolicy`` keyword arguments."""
        return {name: getattr(self, name) for name in _OPTIONS if name in self.model_fields_set}

    # keys() and __getitem__ make CORSPolicy(**settings) work.
    def keys(self) -> Iterator[str]:
        return iter(self.options())

    def __getitem__(self, name: str) -> Any:
        return self.options()[name]

    def policy(self, **options: Any) -> CORSPolicy:
        """The validated policy: the profile's rules when ``profile`` is set, ``options`` on top."""
        merged = {**self.options(), **options}
        if self.profile is not None:
            return CORSPolicy.profile(self.profile, **merged)
        return CORSPolicy(**merged)


__all__ = ["CORSList", "CORSSettings"]
