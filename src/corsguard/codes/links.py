"""Where each code's documentation page lives, so that reports can link a finding to it."""

from __future__ import annotations

import os

DEFAULT_DOCS_URL = "https://corsguard.readthedocs.io/en/latest"


def code_url(code: str) -> str:
    """The page of one code; the base comes from CORSGUARD_DOCS_URL when it is set."""
    base = os.environ.get("CORSGUARD_DOCS_URL") or DEFAULT_DOCS_URL
    return f"{base.rstrip('/')}/codes/{code}/"
