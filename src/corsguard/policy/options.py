"""The options of a CORS policy, their defaults, and the types they must have.

Names and defaults follow Starlette's ``CORSMiddleware`` so that migrating is a one-line change;
the ``dangerously_`` options are corsguard's explicit opt-ins for configurations it refuses by
default.
"""

from __future__ import annotations

from typing import Any

# Starlette's defaults: no origin, GET only, no extra headers, a ten-minute preflight cache.
DEFAULTS: dict[str, Any] = {
    "allow_origins": (),
    "allow_methods": ("GET",),
    "allow_headers": (),
    "allow_credentials": False,
    "expose_headers": (),
    "max_age": 600,
    "allow_origin_regex": None,
    "allow_private_network": False,
    "allow_origin": None,
    "debug": False,
    "dangerously_allow_null_origin": False,
    "dangerously_allow_file_origin": False,
    "dangerously_allow_insecure_origins": False,
    "dangerously_allow_public_suffix_wildcards": False,
    "dangerously_allow_loose_origin_regex": False,
}

OPTION_NAMES = frozenset(DEFAULTS)
LIST_OPTIONS = ("allow_origins", "allow_methods", "allow_headers", "expose_headers")
FLAG_OPTIONS = tuple(name for name, default in DEFAULTS.items() if isinstance(default, bool))

# Access-Control-Max-Age bounds: no browser caches a preflight longer than a day (Firefox), and
# Chromium caps the cache at two hours (preflight_result.cc kMaxTimeout).
MAX_AGE_LIMIT = 86400
CHROMIUM_MAX_AGE_CAP = 7200
