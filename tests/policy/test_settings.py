"""The pydantic-settings integration, on the settings patterns real FastAPI projects use.

The rows reproduce, in a few lines each, what public projects write: the full-stack template's
``BACKEND_CORS_ORIGINS`` (a JSON or comma list validated into ``list[AnyUrl]``) joined with
``FRONTEND_HOST`` into ``all_cors_origins``; a ``CORS_ORIGINS: list[str]`` field read from a
``.env`` file; a standalone ``CORSSettings`` model.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest

pydantic = pytest.importorskip("pydantic", reason="pydantic-settings is the settings extra")
pydantic_settings = pytest.importorskip("pydantic_settings", reason="the settings extra")

from pydantic import AnyUrl, BeforeValidator, Field, ValidationError  # noqa: E402
from pydantic_settings import BaseSettings, SettingsConfigDict  # noqa: E402

from corsguard.policy import ConfigError, CORSPolicy  # noqa: E402
from corsguard.settings import CORSList, CORSSettings  # noqa: E402

A = "https://a.example.com"
B = "https://b.example.com"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if "CORS" in name or name in ("FRONTEND_HOST",):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    "value",
    [f"{A},{B}", f"{A}, {B},", f'["{A}", "{B}"]', f"{A} {B}"],
    ids=["comma", "comma-spaces-trailing", "json", "spaces"],
)
def test_cors_settings_reads_lists_in_every_form(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", value)
    monkeypatch.setenv("CORS_ALLOW_CREDENTIALS", "true")
    settings = CORSSettings()
    assert settings.allow_origins == [A, B]
    policy = CORSPolicy(**settings)
    assert policy.allow_origins == (A, B)
    assert policy.allow_credentials


def test_only_set_options_are_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", A)
    assert dict(**CORSSettings()) == {"allow_origins": [A]}


def test_policy_goes_through_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_PROFILE", "prod")
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "http://localhost:5173")
    with pytest.raises(ConfigError) as caught:
        CORSSettings().policy()
    assert [p.code for p in caught.value.problems] == ["CG130"]


def test_policy_options_in_code_go_on_top(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", A)
    policy = CORSSettings().policy(allow_credentials=True, allow_methods=["GET", "POST"])
    assert policy.allow_credentials
    assert policy.methods == ("GET", "POST")


def test_env_file_with_a_multi_line_value(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(f'CORS_PROFILE=staging\nCORS_ALLOW_ORIGINS="{A},\n{B}"\n', encoding="utf-8")
    settings = CORSSettings(_env_file=path)  # type: ignore[call-arg]
    assert settings.policy().allow_origins == (A, B)


def test_broken_json_is_a_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", f'["{A}",')
    with pytest.raises(ValidationError) as caught:
        CORSSettings()
    text = str(caught.value)
    assert "starts with '[' but is not JSON" in text
    assert "items separated by commas" in text


def test_a_renamed_variable_in_a_subclass(monkeypatch: pytest.MonkeyPatch) -> None:
    class Settings(CORSSettings):
        allow_origins: CORSList = Field([], validation_alias="BACKEND_CORS_ORIGINS")

    monkeypatch.setenv("BACKEND_CORS_ORIGINS", f"{A},{B}")
    assert Settings().policy().allow_origins == (A, B)  # type: ignore[call-arg]


# --- CORSList in a project's own settings --------------------------------------------------


def test_cors_list_replaces_a_hand_written_parse_cors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Settings(BaseSettings):
        model_config = SettingsConfigDict(env_file=tmp_path / ".env", extra="ignore")
        FRONTEND_HOST: str = "http://localhost:5173"
        BACKEND_CORS_ORIGINS: CORSList = []

        @property
        def all_cors_origins(self) -> list[str]:
            return [*self.BACKEND_CORS_ORIGINS, self.FRONTEND_HOST]

    (tmp_path / ".env").write_text(
        'BACKEND_CORS_ORIGINS="http://localhost,https://app.example.com"\n'
        "FRONTEND_HOST=https://dashboard.example.com\n",
        encoding="utf-8",
    )
    settings = Settings()
    policy = CORSPolicy(allow_origins=settings.all_cors_origins, allow_credentials=True)
    assert policy.allow_origins == (
        "http://localhost",
        "https://app.example.com",
        "https://dashboard.example.com",
    )


def _parse_cors(value: Any) -> Any:
    # What the template's own validator does: comma lists split, JSON left to pydantic.
    if isinstance(value, str) and not value.startswith("["):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def test_any_url_origins_from_the_template_pattern_need_no_rstrip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Settings(BaseSettings):
        BACKEND_CORS_ORIGINS: Annotated[list[AnyUrl] | str, BeforeValidator(_parse_cors)] = []

    monkeypatch.setenv("BACKEND_CORS_ORIGINS", f"{A},{B}")
    origins = Settings().BACKEND_CORS_ORIGINS
    assert [str(o) for o in origins] == [f"{A}/", f"{B}/"]  # AnyUrl adds the slash
    assert CORSPolicy(allow_origins=origins).allow_origins == (A, B)  # type: ignore[arg-type]


def test_the_core_never_imports_pydantic() -> None:
    code = (
        "import sys, corsguard, corsguard.policy, corsguard.middleware;"
        "print(sorted(m for m in sys.modules if m.startswith('pydantic')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
