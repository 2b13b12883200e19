"""The CORS policy: validated options, compiled origin matching, deployment profiles.

from corsguard.policy import CORSPolicy, ConfigError, Problem, validate
"""

from __future__ import annotations

from corsguard.policy.policy import CORSPolicy
from corsguard.policy.problems import ConfigError, Problem
from corsguard.policy.validation import validate

__all__ = ["CORSPolicy", "ConfigError", "Problem", "validate"]
