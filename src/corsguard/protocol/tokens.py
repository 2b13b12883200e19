"""HTTP token and list grammar (RFC 9110 §5.6) as CORS uses it.

``Access-Control-Allow-Methods``, ``-Allow-Headers``, ``-Expose-Headers`` and
``-Request-Headers`` are comma-separated lists of tokens. Chromium splits on ``,``, trims
optional whitespace, ignores empty elements and rejects the whole list if any element is
not a token (preflight_result.cc ``ParseAccessControlAllowList``).
"""

from __future__ import annotations

import re

# tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
#         / DIGIT / ALPHA
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

HTTP_WHITESPACE = " \t\r\n"


def is_token(value: str) -> bool:
    return _TOKEN.fullmatch(value) is not None


def combine(values: list[str]) -> str | None:
    """The Fetch "get" of a header: all values joined by ``", "``, or ``None`` when absent."""
    if not values:
        return None
    return ", ".join(v.strip(HTTP_WHITESPACE) for v in values)


def parse_token_list(value: str, *, max_items: int | None = None) -> list[str] | None:
    """Split a comma-separated token list; ``None`` if any non-empty element is not a token.

    With ``max_items``, return ``None`` as soon as the list is longer, so a hostile header
    costs a bounded amount of work.
    """
    items: list[str] = []
    for raw in value.split(","):
        item = raw.strip(HTTP_WHITESPACE)
        if not item:
            continue
        if not is_token(item):
            return None
        items.append(item)
        if max_items is not None and len(items) > max_items:
            return None
    return items
