"""``corsguard check`` usage errors: exit 2 with a message, never a traceback or exit 3."""

from __future__ import annotations

import sys

import pytest

from corsguard.cli.main import main

ORIGIN = "https://app.example.com"


@pytest.mark.parametrize("timeout", ["-1", "0", "nan", "inf", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
    timeout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "http://127.0.0.1:9/x", "--origin", ORIGIN, "--timeout", timeout]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "--timeout" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url",
    ["http://[::1", "http://127.0.0.1:abc/x", "http://127.0.0.1:99999/x", "http://:80/x"],
)
def test_a_malformed_url_is_a_usage_error(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", url, "--origin", ORIGIN, "--timeout", "1"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err


def test_an_app_whose_module_getattr_raises_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CORS_PROFILE", raising=False)
    monkeypatch.delitem(sys.modules, "examples.profiles_app", raising=False)
    argv = ["check", "/items", "--origin", ORIGIN, "--app", "examples.profiles_app:app"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "corsguard refused the app's CORS policy" in err
    assert "CG133" in err
    assert "Traceback" not in err


def test_a_hung_app_is_named_as_the_cause(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "/", "--origin", ORIGIN, "--app", "tests.check.apps:hangs", "--timeout", "0.2"]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "the app" in err
    assert "Check that the server is running" not in err
