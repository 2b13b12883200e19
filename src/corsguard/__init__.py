"""corsguard: CORS for FastAPI and ASGI apps, correct by construction.

from corsguard import CORSMiddleware, CORSPolicy, ConfigError, install
"""

from __future__ import annotations

from corsguard._version import __version__
from corsguard.middleware import CORSMiddleware, install
from corsguard.policy import ConfigError, CORSPolicy, Problem

__all__ = [
    "CORSMiddleware",
    "CORSPolicy",
    "ConfigError",
    "Problem",
    "__version__",
    "install",
]
