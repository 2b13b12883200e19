"""The protocol base: pure, standard-library-only pieces shared by both halves of CORS.

Nothing here knows about ASGI, HTTP clients or terminals. The server half (policy,
middleware) and the client half (browser model) are both built on these modules.
"""

from __future__ import annotations
