"""Exit codes shared by every command (documented in the README)."""

from __future__ import annotations

OK = 0  # allowed / nothing at or above --fail-on
FAILED = 1  # blocked / findings at or above --fail-on
USAGE = 2  # bad arguments or input
NETWORK = 3  # the target could not be reached
