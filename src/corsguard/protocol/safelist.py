"""Safelists and forbidden names from the Fetch standard, with Chromium's additions marked.

Shared by the policy (which refuses forbidden names) and the browser model (which decides
whether a request needs a preflight and which response headers script may read).
"""

from __future__ import annotations

import re

# https://fetch.spec.whatwg.org/#cors-safelisted-method
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})

# https://fetch.spec.whatwg.org/#forbidden-method (compared case-insensitively)
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

# https://fetch.spec.whatwg.org/#concept-method-normalize: fetch() and XHR upper-case only these.
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})

# https://fetch.spec.whatwg.org/#forbidden-request-header (lower-case)
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
FORBIDDEN_REQUEST_HEADER_PREFIXES = ("proxy-", "sec-")
METHOD_OVERRIDE_HEADERS = frozenset(
    {"x-http-method", "x-http-method-override", "x-method-override"}
)

# https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)
# https://fetch.spec.whatwg.org/#forbidden-response-header-name: never readable by script.
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})

# The request headers the Fetch standard safelists.
SPEC_SAFELISTED_REQUEST_HEADERS = frozenset(
    {"accept", "accept-language", "content-language", "content-type", "range"}
)
# Chromium also safelists these script-settable client-hint names (cors.cc
# IsCorsSafelistedHeader); Firefox and Safari do not.
CHROMIUM_EXTRA_SAFELISTED_REQUEST_HEADERS = frozenset(
    {
        "device-memory",
        "downlink",
        "dpr",
        "ect",
        "intervention",
        "rtt",
        "save-data",
        "viewport-width",
        "width",
    }
)

SAFELISTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)

MAX_SAFELISTED_VALUE_BYTES = 128
MAX_SAFELISTED_TOTAL_BYTES = 1024

# https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte
_UNSAFE_BYTES = frozenset(set(range(0x20)) - {0x09}) | frozenset(b'"():<>?@[\\]{}\x7f')
_LANGUAGE_BYTES = frozenset(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;="
)
_RANGE = re.compile(rb"bytes=([0-9]+)-([0-9]*)")
_DIGITS = re.compile(rb"[0-9]+")
_DECIMAL = re.compile(rb"[0-9]+(\.[0-9]+)?")
_ECT_VALUES = frozenset({b"slow-2g", b"2g", b"3g", b"4g"})
_MIME_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def normalize_method(method: str) -> str:
    """What fetch() sends for ``method``: only the six standard names are upper-cased."""
    upper = method.upper()
    return upper if upper in NORMALIZED_METHODS else method


def is_forbidden_method(method: str) -> bool:
    return method.upper() in FORBIDDEN_METHODS


def is_forbidden_request_header(name: str) -> bool:
    """Names that script can never set (the method-override value rule is not modelled here)."""
    lower = name.lower()
    return lower in FORBIDDEN_REQUEST_HEADERS or lower.startswith(FORBIDDEN_REQUEST_HEADER_PREFIXES)


def has_unsafe_byte(value: bytes) -> bool:
    return any(b in _UNSAFE_BYTES for b in value)


def mime_essence(value: str) -> str | None:
    """The essence of a MIME type under the WHATWG "parse a MIME type", or ``None`` on failure.

    Only the type/subtype part decides safelisting; parameters need only be well-formed enough
    for the parser not to fail, and the WHATWG parser never fails on parameters.
    See https://mimesniff.spec.whatwg.org/#parse-a-mime-type
    """
    value = value.strip(" \t\r\n")
    slash = value.find("/")
    if slash < 0:
        return None
    type_ = value[:slash]
    if not type_ or _MIME_TOKEN.fullmatch(type_) is None:
        return None
    rest = value[slash + 1 :]
    semicolon = rest.find(";")
    subtype = (rest if semicolon < 0 else rest[:semicolon]).rstrip(" \t\r\n")
    if not subtype or _MIME_TOKEN.fullmatch(subtype) is None:
        return None
    return f"{type_}/{subtype}".lower()


def _client_hint_ok(name: str, value: bytes) -> bool:
    # Chromium cors.cc IsCorsSafelistedHeader: per-name value rules for its extra safelist.
    if name == "intervention":
        return True
    if name == "save-data":
        return value.lower() == b"on"
    if name == "ect":
        return value in _ECT_VALUES
    if name in ("rtt", "width", "viewport-width"):
        return _DIGITS.fullmatch(value) is not None
    return _DECIMAL.fullmatch(value) is not None  # device-memory, dpr, downlink


def is_safelisted_request_header(name: str, value: bytes, *, chromium: bool = True) -> bool:
    """https://fetch.spec.whatwg.org/#cors-safelisted-request-header, plus Chromium's extras."""
    if len(value) > MAX_SAFELISTED_VALUE_BYTES:
        return False
    lower = name.lower()
    if lower == "accept":
        return not has_unsafe_byte(value)
    if lower in ("accept-language", "content-language"):
        return all(b in _LANGUAGE_BYTES for b in value)
    if lower == "content-type":
        if has_unsafe_byte(value):
            return False
        essence = mime_essence(value.decode("latin-1"))
        return essence in SAFELISTED_CONTENT_TYPES
    if lower == "range":
        match = _RANGE.fullmatch(value)
        if match is None:
            return False
        start, end = match.group(1), match.group(2)
        return not end or int(start) <= int(end)
    if chromium and lower in CHROMIUM_EXTRA_SAFELISTED_REQUEST_HEADERS:
        return _client_hint_ok(lower, value)
    return False


def cors_unsafe_request_header_names(
    headers: list[tuple[str, bytes]], *, chromium: bool = True
) -> list[str]:
    """https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names

    ``headers`` must already be combined the way Blink combines repeated names (one entry per
    name, values joined by ``", "``). Returns the sorted, lower-cased, de-duplicated names.
    """
    unsafe: set[str] = set()
    safelisted: list[str] = []
    total = 0
    for name, value in headers:
        if is_safelisted_request_header(name, value, chromium=chromium):
            safelisted.append(name.lower())
            total += len(value)
        else:
            unsafe.add(name.lower())
    if total > MAX_SAFELISTED_TOTAL_BYTES:
        unsafe.update(safelisted)
    return sorted(unsafe)
