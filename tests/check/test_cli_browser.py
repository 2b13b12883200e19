"""``corsguard check --browser`` with real Chromium: the report carries both verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corsguard.cli.main import main
from tests.support.servers import require_binary

pytestmark = [pytest.mark.chromium, pytest.mark.uvicorn]


def test_cli_browser_flag_with_an_in_process_app(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # --browser --app serves the app on loopback so real Chromium can run the same fetch().
    require_binary("chromium", "/usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    monkeypatch.delenv("DEMO_DATABASE_URL", raising=False)
    code = main(
        [
            "check", "/items", "--app", "examples.demo_app:app",
            "--origin", "https://app.example.com", "-X", "PUT",
            "-H", "Content-Type: application/json", "--data", '{"name": "x"}',
            "--credentials", "include", "--browser", "--format", "json",
        ]
    )  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["agreement"] is True
    assert document["browser"]["cors_error"] == document["cors_error"] == "MissingAllowOriginHeader"
    assert "KeyError: 'DEMO_DATABASE_URL'" in document["findings"][0]["message"]
