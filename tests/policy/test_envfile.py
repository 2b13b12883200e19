"""The ``.env`` reader reads every file exactly as python-dotenv does.

Each input is given to both readers: corsguard's ``envfile.parse`` and ``interpolate`` against
python-dotenv's ``parse_stream`` and ``dotenv_values``. python-dotenv is a test dependency (the
``dev`` extra); corsguard itself never imports it.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsguard.policy import ConfigError, CORSPolicy
from corsguard.policy.envfile import interpolate, parse

dotenv = pytest.importorskip("dotenv", reason="python-dotenv is in the dev extra")
from dotenv.parser import parse_stream  # noqa: E402

# name: .env text, as real projects write them
INPUTS: dict[str, str] = {
    "plain": "CORS_PROFILE=prod\nCORS_ALLOW_ORIGINS=https://app.example.com\n",
    "export": "export CORS_PROFILE=prod\nexport  A=1\n",
    "double-quoted-list": 'BACKEND_CORS_ORIGINS="http://localhost,https://app.example.com"\n',
    "json-list-single-quoted": 'CORS_ORIGINS=\'["https://a.example.com", "https://b.example.com"]\'\n',
    "multi-line-double": 'ORIGINS="https://a.example.com,\nhttps://b.example.com"\nNEXT=1\n',
    "multi-line-single": "KEY='-----BEGIN-----\nabc\n-----END-----'\nNEXT=1\n",
    "escapes-double": 'A="tab\\there\\nnew \\"quoted\\" back\\\\slash"\n',
    "escapes-single": "A='it\\'s \\\\ \\n kept'\n",
    "comments": "# full line\nA=1 # after\nB=2#glued\nC= # empty\nD=#x\n",
    "spaces-around-equals": "A = 1\n  B=  2  \n",
    "empty-values": "A=\nB=''\nC=\"\"\n",
    "bare-name": "A\nB=1\n",
    "quoted-name": "'A B'=1\n",
    "interpolation": "HOST=example.com\nORIGIN=https://app.${HOST}\nX=${MISSING:-fallback}\n",
    "interpolation-of-bare": "A\nB=${A:-d}\n",
    "crlf": 'A=1\r\nB="x\r\ny"\r\n',
    "bom": "\ufeffA=1\n",
    "malformed-then-good": "A B\nC=1\n",
    "malformed-crlf": "Aexport A\r\nB=1\r\n",
    "unterminated-quote": 'A="open\nB=1\n',
    "trailing-text": 'A="x" y\nB=1\n',
    "no-final-newline": "A=1",
    "blank-lines-first": "\n\n\nA=1\n",
    "equals-in-value": "URL=postgres://u:p@h/db?x=1\n",
    "unicode": "GREETING=héllo wörld\n",
}


def _theirs(text: str) -> list[tuple[str | None, str | None, bool]]:
    return [(b.key, b.value, b.error) for b in parse_stream(io.StringIO(text))]


def _mine(text: str) -> list[tuple[str | None, str | None, bool]]:
    return [(b.name, b.value, b.error) for b in parse(text)]


@pytest.fixture(autouse=True)
def _quiet_dotenv(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="dotenv.main")


@pytest.mark.parametrize("text", INPUTS.values(), ids=list(INPUTS))
def test_statements_match_python_dotenv(text: str) -> None:
    assert _mine(text) == _theirs(text)


@pytest.mark.parametrize("text", INPUTS.values(), ids=list(INPUTS))
def test_values_match_python_dotenv(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FROM_ENVIRONMENT", "outside")
    expected = dict(dotenv.dotenv_values(stream=io.StringIO(text)))
    assert interpolate(parse(text), os.environ) == expected


_ALPHABET = st.sampled_from([*"AB_=#'\"\\ \t\n\r$`{}:-x1,[]", "export ", "${A}", "\r\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_any_text_is_read_as_python_dotenv_reads_it(text: str) -> None:
    logging.getLogger("dotenv.main").setLevel(logging.ERROR)
    assert _mine(text) == _theirs(text)
    assert interpolate(parse(text), {}) == _values_without_environment(text)


def _values_without_environment(text: str) -> dict[str, str | None]:
    saved = dict(os.environ)
    os.environ.clear()
    try:
        return dict(dotenv.dotenv_values(stream=io.StringIO(text)))
    finally:
        os.environ.update(saved)


def test_a_multi_line_value_feeds_the_policy(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        'CORS_PROFILE=staging\nCORS_ALLOW_ORIGINS="https://a.example.com,\n'
        '  https://b.example.com"\nCORS_DEBUG=false\n',
        encoding="utf-8",
    )
    policy = CORSPolicy.from_env({}, env_file=path)
    assert policy.allow_origins == ("https://a.example.com", "https://b.example.com")


def test_interpolation_uses_the_environment_given(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("CORS_ALLOW_ORIGINS=https://app.${DOMAIN}\n", encoding="utf-8")
    policy = CORSPolicy.from_env({"CORS_PROFILE": "prod", "DOMAIN": "example.com"}, env_file=path)
    assert policy.allow_origins == ("https://app.example.com",)


def test_malformed_line_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("\n\n# cors\nCORS PROFILE=prod\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        CORSPolicy.from_env({"CORS_PROFILE": "dev"}, env_file=path)
    (problem,) = caught.value.problems
    assert problem.message == f"{path}:4: 'CORS PROFILE=prod' is not a NAME=value line"


def test_a_name_without_a_value_is_unset(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("CORS_PROFILE=test\nCORS_ALLOW_ORIGINS\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        CORSPolicy.from_env({}, env_file=path)
    assert [p.code for p in caught.value.problems] == ["CG128"]
