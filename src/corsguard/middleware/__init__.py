"""The ASGI CORS middleware and its installer.

from corsguard.middleware import CORSMiddleware, install
"""

from __future__ import annotations

from corsguard.middleware.asgi import CORSMiddleware
from corsguard.middleware.install import install, installed

__all__ = ["CORSMiddleware", "install", "installed"]
