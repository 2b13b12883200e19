"""A deliberately wrong rule in the model must make the conformance suite fail.

Each row breaks one rule the way a plausible bug would, runs the scenario that covers it and
asserts that the harness reports a disagreement with Chromium. If this test fails, the
suite has gone blind to that rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from corsguard.browser import fetch as model_fetch
from corsguard.browser.request import HttpResponse
from corsguard.chromium import Chromium

from .harness import disagreements, run
from .scenario_server import ScenarioServer
from .scenarios import SCENARIOS

pytestmark = pytest.mark.chromium


def acao_ignoring_trailing_slash(original: Callable[..., Any]) -> Callable[..., Any]:
    def check(response: HttpResponse, origin: str, **kw: Any) -> Any:
        lines = tuple(
            (n, v.rstrip("/") if n.lower() == "access-control-allow-origin" else v)
            for n, v in response.headers
        )
        return original(HttpResponse(response.status, lines, response.body), origin, **kw)

    return check


def spec_only_safelist(original: Callable[..., Any]) -> Callable[..., Any]:
    def needs(method: str, headers: Any, **kw: Any) -> Any:
        return original(method, headers, chromium=False)

    return needs


def credentials_ignored_on_preflight(original: Callable[..., Any]) -> Callable[..., Any]:
    def check(response: HttpResponse, **kw: Any) -> Any:
        return original(response, **{**kw, "include_credentials": False})

    return check


MUTATIONS = [
    ("check_access", acao_ignoring_trailing_slash, "acao-trailing-slash"),
    ("needs_preflight", spec_only_safelist, "dpr-client-hint"),
    ("check_preflight", credentials_ignored_on_preflight, "acam-star-with-credentials-is-literal"),
]


@pytest.mark.parametrize(("name", "mutate", "slug"), MUTATIONS, ids=[m[2] for m in MUTATIONS])
def test_a_wrong_model_rule_is_caught(
    chromium: Chromium,
    scenario_server: ScenarioServer,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    mutate: Callable[[Callable[..., Any]], Callable[..., Any]],
    slug: str,
) -> None:
    scenario = next(s for s in SCENARIOS if s.slug == slug)
    scenario_server.routes[scenario.slug] = scenario.routes
    assert not disagreements(scenario, run(chromium, scenario_server, scenario))
    monkeypatch.setattr(model_fetch, name, mutate(getattr(model_fetch, name)))
    assert disagreements(scenario, run(chromium, scenario_server, scenario))
