"""Where each code's documentation page lives: ``code_url("CG101")``.

Findings and reports link every code to its page of the documentation site. The base URL is,
in order: the ``CORSGUARD_DOCS_URL`` environment variable; the site built locally by
``make docs`` (``site/`` beside the source tree, as a ``file://`` URL) when it exists; else the
published site, ``PUBLISHED_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CORSGUARD_DOCS_URL"
PUBLISHED_URL = "https://corsguard.github.io/corsguard"

# src/corsguard/codes/links.py -> the checkout's root, where `make docs` writes site/.
_LOCAL_SITE = Path(__file__).resolve().parents[3] / "site"


def docs_base_url() -> str:
    """The base URL of the documentation site, without a trailing slash."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return configured.rstrip("/")
    if (_LOCAL_SITE / "index.html").is_file():
        return _LOCAL_SITE.as_uri()
    return PUBLISHED_URL


def code_url(code: str) -> str:
    """The page of one code, for example ``https://…/codes/CG101/``.

    A ``file://`` base gets ``index.html`` appended: browsers list a directory opened from
    disk instead of showing its index page.
    """
    base = docs_base_url()
    url = f"{base}/codes/{code}/"
    return url + "index.html" if base.startswith("file:") else url
