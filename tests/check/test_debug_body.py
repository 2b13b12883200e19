"""corsguard's debug body for a refused preflight names the part; check reads it back."""

from __future__ import annotations

import pytest

from corsguard.check.refusals import from_debug_body


@pytest.mark.parametrize(
    ("body", "part", "value"),
    [
        ("CORS preflight refused: origin 'https://evil.example' is not allowed.", "origin",
         "https://evil.example"),
        ("CORS preflight refused: method 'patch' is not allowed.", "method", "patch"),
        ("CORS preflight refused: request header 'x-it\\'s' is not allowed.", "header", "x-it's"),
        ("CORS preflight refused: the preflight asks for private network access, which is not "
         "enabled.", "private-network", "private network access"),
        ("CORS preflight refused: Access-Control-Request-Headers is longer than 4096 bytes.\n"
         "Send fewer custom request headers.\n",
         "request-headers", "Access-Control-Request-Headers is longer than 4096 bytes"),
    ],
)  # fmt: skip
def test_the_debug_body_names_the_part(body: str, part: str, value: str) -> None:
    refused = from_debug_body(body)
    assert refused is not None
    assert (refused.part, refused.value) == (part, value)
    assert from_debug_body("CORS preflight refused") is None
