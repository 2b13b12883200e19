"""Why a preflight was refused, in words a developer can act on.

A refused preflight is a 403 without CORS headers, so the browser only says "CORS error". In
debug mode (``CORSPolicy(debug=True)``, on in the ``dev`` profile) the 403 body and a log line
name the part that failed (origin, method or which header) and the fix. Outside debug mode
the body is only ``CORS preflight refused``, so a site that is not allowed learns nothing about
the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Part = Literal["origin", "method", "header", "request-headers", "private-network"]


@dataclass(frozen=True, slots=True)
class Refusal:
    """The first check a preflight failed, in the order browsers check them (Fetch step 7)."""

    part: Part
    value: str  # the request-supplied value that failed, unescaped (callers escape it)
    limit: str = ""  # for "request-headers": which bound the list exceeded

    def explain(self, shown: str) -> tuple[str, str]:
        """(message, fix) with ``shown`` as the safely escaped form of ``value``."""
        if self.part == "origin":
            return (
                f"origin {shown} is not allowed",
                f"Add {shown} to allow_origins if that site should call this API "
                "(write it exactly as scheme://host[:port], with no path or trailing slash).",
            )
        if self.part == "method":
            return (
                f"method {shown} is not allowed",
                f"Add {shown} to allow_methods (browsers compare methods case-sensitively, "
                "so list it exactly as the frontend sends it).",
            )
        if self.part == "header":
            return (
                f"request header {shown} is not allowed",
                f"Add {shown} to allow_headers, or stop sending it from the frontend.",
            )
        if self.part == "request-headers":
            return (
                f"Access-Control-Request-Headers {self.limit}",
                "Send fewer custom request headers; browsers list only header names, "
                "separated by commas.",
            )
        return (
            "the preflight asks for private network access, which is not enabled",
            "Pass allow_private_network=True if public websites may call this server on a "
            "private network.",
        )
