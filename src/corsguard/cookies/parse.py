"""``Set-Cookie`` parsed as browsers parse it (RFC 6265bis section 5.6, with Chromium's limits).

Parsing never raises: a line a browser rejects comes back as ``InvalidSetCookie`` carrying
Chromium's ``SetCookieBlockedReason`` name (``DisallowedCharacter``, ``NoCookieContent``,
``NameValuePairExceedsMaxSize``). Attributes a browser ignores (an
unknown ``SameSite`` value, a relative ``Path``, an over-long value) are ignored here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SameSite = Literal["strict", "lax", "none"]

# RFC 6265bis 5.6: the name and value together at most 4096 bytes; an attribute value at most
# 1024 bytes (a longer one is ignored).
MAX_NAME_VALUE = 4096
MAX_ATTRIBUTE_VALUE = 1024
_WHITESPACE = " \t"
# Control characters other than HTAB abort the line (RFC 6265bis 5.6 step 1).
_CONTROL = frozenset(chr(c) for c in (*range(0x09), *range(0x0A, 0x20), 0x7F))


@dataclass(frozen=True, slots=True)
class SetCookie:
    """A parsed ``Set-Cookie`` line; ``None`` attributes were absent (or ignored)."""

    line: str
    name: str
    value: str
    domain: str | None = None  # lower-case, leading dot removed; "" when given empty
    path: str | None = None  # only a value starting with "/"
    secure: bool = False
    http_only: bool = False
    same_site: SameSite | None = None  # None: absent or unrecognized ("unspecified")
    partitioned: bool = False
    max_age: int | None = None
    expires: str | None = None  # the raw attribute value

    @property
    def deletes(self) -> bool:
        """``Max-Age`` zero or negative: the line removes the cookie instead of storing it."""
        return self.max_age is not None and self.max_age <= 0


@dataclass(frozen=True, slots=True)
class InvalidSetCookie:
    """A line the browser ignores, and Chromium's name for why."""

    line: str
    reason: str
    name: str = ""


def parse_set_cookie(line: str) -> SetCookie | InvalidSetCookie:
    if any(c in _CONTROL for c in line):
        return InvalidSetCookie(line, "DisallowedCharacter", _name_of(line))
    pair, _, rest = line.partition(";")
    if "=" in pair:
        raw_name, _, raw_value = pair.partition("=")
    else:  # RFC 6265bis: a pair without "=" is a value with an empty name
        raw_name, raw_value = "", pair
    name, value = raw_name.strip(_WHITESPACE), raw_value.strip(_WHITESPACE)
    if "\t" in name or "\t" in value:
        return InvalidSetCookie(line, "DisallowedCharacter", name)
    if not name and not value:
        return InvalidSetCookie(line, "NoCookieContent")
    if len((name + value).encode("utf-8")) > MAX_NAME_VALUE:
        return InvalidSetCookie(line, "NameValuePairExceedsMaxSize", name)
    attributes: dict[str, object] = {}
    for av in rest.split(";") if rest else ():
        key, _, raw = av.partition("=")
        key, raw = key.strip(_WHITESPACE).lower(), raw.strip(_WHITESPACE)
        if len(raw.encode("utf-8")) > MAX_ATTRIBUTE_VALUE:
            continue
        _attribute(attributes, key, raw)
    return SetCookie(line, name, value, **attributes)  # type: ignore[arg-type]


def _attribute(attributes: dict[str, object], key: str, raw: str) -> None:
    """RFC 6265bis 5.6.1-5.6.7; the last occurrence of an attribute wins."""
    if key == "domain":
        attributes["domain"] = raw.removeprefix(".").lower()
    elif key == "path":
        if raw.startswith("/"):
            attributes["path"] = raw
        else:  # an empty or relative path means the default path
            attributes.pop("path", None)
    elif key == "secure":
        attributes["secure"] = True
    elif key == "httponly":
        attributes["http_only"] = True
    elif key == "partitioned":
        attributes["partitioned"] = True
    elif key == "samesite":
        lowered = raw.lower()
        attributes["same_site"] = lowered if lowered in ("strict", "lax", "none") else None
    elif key == "max-age":
        digits = raw.removeprefix("-")
        if digits.isascii() and digits.isdigit():  # RFC 6265bis 5.6.2: otherwise ignored
            attributes["max_age"] = int(raw)
    elif key == "expires":
        attributes["expires"] = raw


def _name_of(line: str) -> str:
    pair = line.partition(";")[0]
    return pair.partition("=")[0].strip(_WHITESPACE) if "=" in pair else ""
