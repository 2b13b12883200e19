"""The browser model against real Chromium, scenario by scenario (see scenarios.py).

Each scenario runs in headless Chromium and through ``corsguard.browser.simulate`` against the
same raw HTTP server. Both must give the verdict derived from the protocol notes, and the
model must agree with Chromium on everything both report: allowed, CorsError, failed
parameter, console text, the exact requests the server saw, the headers script can read.
"""

from __future__ import annotations

import pytest

from corsguard.chromium import Chromium

from .harness import disagreements, model_outcome, real_outcome, run
from .scenario_server import ScenarioServer
from .scenarios import SCENARIOS, Scenario

pytestmark = pytest.mark.chromium

# Known differences between the model and Chromium 156, each with what was observed. The
# marks are strict: once the model is fixed the test passes, xfail fails, and the entry goes.
# Scenarios where the model is known to differ from Chromium (strict xfail: remove the entry
# once the model is fixed). Empty: the model agrees with Chromium on the whole matrix.
KNOWN_DISAGREEMENTS: dict[str, str] = {}
# Chromium's answer depends on the target being loopback (Local Network Access); the model
# answers for a public server. Compared against the expectations only: model -> Chromium.
LOOPBACK_ONLY = {"redirect-loop": "net::ERR_TOO_MANY_REDIRECTS"}


def params() -> list[object]:
    return [
        pytest.param(
            s,
            id=s.slug,
            marks=[
                pytest.mark.xfail(
                    reason=KNOWN_DISAGREEMENTS[s.slug], raises=AssertionError, strict=True
                )
            ]
            if s.slug in KNOWN_DISAGREEMENTS
            else [],
        )
        for s in SCENARIOS
    ]


def test_the_matrix_is_large_and_named_uniquely() -> None:
    assert len(SCENARIOS) >= 80
    assert len({s.slug for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("scenario", params())
def test_model_agrees_with_chromium(
    chromium: Chromium, scenario_server: ScenarioServer, scenario: Scenario
) -> None:
    scenario_server.routes[scenario.slug] = scenario.routes
    result = run(chromium, scenario_server, scenario)
    assert real_outcome(result.real) == scenario.expect, (
        f"chromium said {real_outcome(result.real)} ({result.real.console_message}); "
        f"the protocol notes say {scenario.expect}"
    )
    if scenario.slug in LOOPBACK_ONLY:
        assert result.model is not None
        assert model_outcome(result.model) == LOOPBACK_ONLY[scenario.slug]
        return
    problems = disagreements(scenario, result)
    assert not problems, "\n".join(problems)
