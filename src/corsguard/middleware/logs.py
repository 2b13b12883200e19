"""The ``corsguard`` logger, and escaping of request-supplied values before they are logged.

An ``Origin`` or ``Access-Control-Request-Headers`` value comes from whoever sent the request.
Logged raw, a value holding a line break could forge a second, fake log line ("log
injection"). Every request-supplied value therefore goes through ``escape`` first: control
characters, backslashes and non-ASCII characters become escape sequences, and long values are
cut short so a hostile 64 KiB header cannot flood the log either.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("corsguard")

# Longest request-supplied value written to a log line, in characters after escaping.
MAX_LOGGED_LENGTH = 200

# Backslash first, so the escapes added for other characters stay unambiguous.
_ESCAPES = (
    {ord("\\"): "\\\\", ord("'"): "\\'"}
    | {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}
    | {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
)


def escape(value: str | bytes) -> str:
    """``value`` as a single printable line of ASCII, quoted, at most ``MAX_LOGGED_LENGTH`` long."""
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    shortened = len(text) > MAX_LOGGED_LENGTH
    if shortened:
        text = text[:MAX_LOGGED_LENGTH]
    text = text.translate(_ESCAPES).encode("ascii", "backslashreplace").decode("ascii")
    suffix = f"... ({len(value)} characters)" if shortened else ""
    return f"'{text}'{suffix}"
