"""Checks for method and header names: HTTP tokens, and nothing browsers refuse to send or show.

Methods keep their case except the six that ``fetch()`` upper-cases (Fetch "normalize a
method"), because browsers compare ``Access-Control-Allow-Methods`` case-sensitively. Header
names are case-insensitive and stored lower-cased.
"""

from __future__ import annotations

from collections.abc import Callable

from corsguard.codes import policy as codes
from corsguard.policy.problems import Problem, problem, quoted
from corsguard.protocol.safelist import (
    FORBIDDEN_RESPONSE_HEADERS,
    is_forbidden_method,
    is_forbidden_request_header,
    normalize_method,
)
from corsguard.protocol.tokens import is_token


def _check_names(
    items: list[str],
    where: str,
    found: list[Problem],
    normalize: Callable[[str], str],
    refuse: Callable[[str, str], Problem | None],
    invalid: Callable[[str, str], Problem],
) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for index, item in enumerate(items):
        item_where = f"{where}[{index}]"
        name = item.strip()
        if name == "*":
            names["*"] = None
            continue
        if not is_token(name) or name != item:
            found.append(invalid(item_where, item))
            continue
        refused = refuse(item_where, name)
        if refused is not None:
            found.append(refused)
            continue
        names[normalize(name)] = None
    return tuple(names)


def check_methods(items: list[str], where: str, found: list[Problem]) -> tuple[str, ...]:
    def refuse(item_where: str, name: str) -> Problem | None:
        if not is_forbidden_method(name):
            return None
        return problem(
            codes.FORBIDDEN_METHOD,
            item_where,
            name,
            f"{item_where}: {name!r} is a forbidden method that browsers never send from script",
            f"Remove {name!r} from allow_methods.",
        )

    def invalid(item_where: str, name: str) -> Problem:
        return problem(
            codes.INVALID_METHOD,
            item_where,
            name,
            f"{item_where}: {quoted(name)} is not a valid method name (an HTTP token)",
            "Use a name such as 'PATCH', without spaces, commas or quotes.",
        )

    # Keep non-standard methods' case: browsers compare Access-Control-Allow-Methods
    # case-sensitively, and fetch() upper-cases only the six standard names (Fetch "normalize").
    return _check_names(items, where, found, normalize_method, refuse, invalid)


def _invalid_header(item_where: str, name: str) -> Problem:
    return problem(
        codes.INVALID_HEADER_NAME,
        item_where,
        name,
        f"{item_where}: {quoted(name)} is not a valid header name (an HTTP token)",
        "Use one name per entry, such as 'Content-Type', without spaces, commas or colons.",
    )


def check_headers(items: list[str], where: str, found: list[Problem]) -> tuple[str, ...]:
    def refuse(item_where: str, name: str) -> Problem | None:
        lower = name.lower()
        if is_forbidden_request_header(lower):
            return problem(
                codes.FORBIDDEN_REQUEST_HEADER,
                item_where,
                name,
                f"{item_where}: {name!r} is a forbidden request header that script can never set",
                f"Remove {name!r} from allow_headers; the browser sets it itself"
                + (" (cookies follow allow_credentials)." if "cookie" in lower else "."),
            )
        if lower.startswith("access-control-"):
            return problem(
                codes.CORS_HEADER_AS_REQUEST_HEADER,
                item_where,
                name,
                f"{item_where}: {name!r} is a CORS response header, not a request header",
                f"Remove {name!r} from allow_headers and from the frontend's request; the "
                "server sends it.",
            )
        return None

    return _check_names(items, where, found, str.lower, refuse, _invalid_header)


def check_expose(
    items: list[str], where: str, credentials: bool, found: list[Problem]
) -> tuple[str, ...]:
    def refuse(item_where: str, name: str) -> Problem | None:
        if name.lower() not in FORBIDDEN_RESPONSE_HEADERS:
            return None
        return problem(
            codes.UNEXPOSABLE_HEADER,
            item_where,
            name,
            f"{item_where}: {name!r} is a forbidden response header that browsers never expose",
            f"Remove {name!r}; return what script needs in the body or a custom header.",
        )

    names = _check_names(items, where, found, str.lower, refuse, _invalid_header)
    if "*" in names and credentials:
        found.append(
            problem(
                codes.WILDCARD_EXPOSE_WITH_CREDENTIALS,
                where,
                "*",
                f"{where}: '*' is read as a header literally named '*' on credentialed "
                "requests, so script sees only the safelisted headers",
                "List the response headers script needs, e.g. expose_headers=['X-Request-Id'].",
            )
        )
    return names
