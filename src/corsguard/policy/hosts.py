"""Host names as browsers serialize them in an origin, and the ones that cannot be read one way.

Browsers send hosts lower-cased, with international names in punycode (UTS #46 processing) and
IPv6 addresses compressed. Python's ``idna`` codec implements IDNA 2003, which agrees with
browsers except on four "deviation" characters, so hosts containing those are refused rather
than converted.
"""

from __future__ import annotations

import ipaddress

# Characters of a normalized ASCII host label (WHATWG hosts may contain "_"; browsers send them).
HOST_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
# IDNA 2003 (Python's codec) and UTS #46 non-transitional processing (browsers) disagree on these.
_IDNA_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")


def normalize_host(host: str) -> tuple[str | None, str, str]:
    """The host as a browser serializes it, or ``None`` with the reason and a hint."""
    if not host:
        return None, "has an empty host", "Write the host name, e.g. 'https://app.example.com'."
    if host.startswith("["):
        return _normalize_ipv6(host)
    if host.endswith(".") and host.strip("."):
        trimmed = host.rstrip(".")
        return (
            None,
            "ends with a dot, which makes it a different origin from the one without",
            f"Did you mean {trimmed!r} as the host?",
        )
    if not host.isascii():
        if any(c in _IDNA_DEVIATIONS for c in host):
            return (
                None,
                "contains a character (such as 'ß' or 'ς') that browsers and older IDNA "
                "rules convert differently",
                "Write the host in punycode exactly as the browser's address bar shows it.",
            )
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return (
                None,
                "has an international host name that cannot be converted to punycode",
                "Write the host in punycode exactly as the browser's address bar shows it.",
            )
    host = host.lower()
    labels = host.split(".")
    if len(host) > 253 or any(not label or len(label) > 63 for label in labels):
        return (
            None,
            "has an empty or over-long label in its host",
            "Write a host made of dot-separated labels of 1 to 63 characters.",
        )
    if any(not HOST_LABEL_CHARS.issuperset(label) for label in labels):
        return (
            None,
            "has a character that is not allowed in a host name",
            "Use letters, digits, '-' and '_' in host labels, and punycode for other scripts.",
        )
    if "xn--" in host:
        try:
            host.encode("ascii").decode("idna")
        except UnicodeError:
            return (None, "has an invalid punycode label", "Copy the host from the address bar.")
    if labels[-1].isdigit() and not is_ipv4(host):
        return (
            None,
            "looks like an IPv4 address but is not written as four decimal numbers",
            "Write the address in dotted-quad form, e.g. '127.0.0.1'.",
        )
    return host, "", ""


def _normalize_ipv6(host: str) -> tuple[str | None, str, str]:
    if not host.endswith("]"):
        return None, "has an unterminated IPv6 address", "Write it as '[::1]'."
    try:
        address = ipaddress.IPv6Address(host[1:-1])
    except ValueError:
        return None, "has an invalid IPv6 address", "Write it in compressed form, e.g. '[::1]'."
    if address.scope_id is not None:
        return None, "has an IPv6 zone, which origins never carry", "Remove the '%zone' part."
    return f"[{address.compressed}]", "", ""


def is_ipv4(host: str) -> bool:
    try:
        return str(ipaddress.IPv4Address(host)) == host
    except ValueError:
        return False
