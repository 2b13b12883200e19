"""CG513: several 'if's in one location, and the one that wins loses another's CORS headers.

nginx runs the 'if's of a location in order (ngx_http_rewrite_module); each one whose condition
holds replaces the location's configuration with its own, add_header lines included, and a
'return' inside one ends the run. So when two 'if's match the same request, the response gets
the add_header lines of the last one that matched (or of the first that returned), never both:
a preflight answered by 'if ($request_method = OPTIONS) { ... return 204; }' goes out without
the Access-Control-Allow-Origin that an 'if ($http_origin ~ ...)' adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corsguard.audit.nginx_findings import Draft, finding
from corsguard.audit.nginx_levels import Level
from corsguard.codes import audit as codes

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


def if_findings(tree: Iterable[Level]) -> list[Draft]:
    by_block: dict[int, list[Level]] = {}
    for level in tree:
        if level.directive.name == "if" and level.parent is not None:
            by_block.setdefault(id(level.parent), []).append(level)
    found: list[Draft] = []
    for ifs in by_block.values():
        found += _lost_headers(ifs)
        found += _preflight_without_origin(ifs)
    return found


def _preflight_without_origin(ifs: list[Level]) -> list[Draft]:
    """CG516: a preflight answered in nginx with CORS headers and no Allow-Origin, where no
    other line of the location adds one (those cases are CG506 and CG513)."""
    if any(h.name == ACAO for level in ifs for h in (*level.own, *level.replaced)):
        return []
    found: list[Draft] = []
    for level in ifs:
        if not level.preflight_only or level.returns is None or not level.covered_return:
            continue
        parent = level.parent
        if parent is not None and any(h.name == ACAO for h in (*parent.headers, *parent.replaced)):
            continue
        cors = [h for h in (*level.headers, *level.replaced) if h.name.startswith(_CORS)]
        if not cors:
            continue
        names = ", ".join(dict.fromkeys(h.directive.args[0] for h in cors))
        found.append(
            finding(
                codes.PREFLIGHT_WITHOUT_ALLOW_ORIGIN,
                level.directive,
                level.label,
                f"answers preflights with 'return {level.returns.args[0]}' and {names} but no "
                "Access-Control-Allow-Origin, so the browser fails every preflight",
            )
        )
    return found


_CORS = "access-control-allow-"


def shadowed(tree: Iterable[Level]) -> set[int]:
    """The ``id`` of every 'if' whose configuration never reaches a response: each request it
    matches is matched by a later 'if' of the same block, whose configuration replaces it.

    Only tests of ``$request_method`` are compared (nothing can change it between two tests):
    the copies of the enable-cors snippet that open with 'if ($request_method ~
    (OPTIONS|GET|POST))' and then repeat the headers in one 'if' per method never send the
    first 'if''s lines.
    """
    by_block: dict[int, list[Level]] = {}
    for level in tree:
        if level.directive.name == "if" and level.parent is not None:
            by_block.setdefault(id(level.parent), []).append(level)
    out: set[int] = set()
    for ifs in by_block.values():
        for index, level in enumerate(ifs):
            if level.returns is not None or not _on_method(level):
                continue
            later = [other for other in ifs[index + 1 :] if _on_method(other)]
            matched = [m for m in _ANY_METHOD if _holds(level.directive.args, m)]
            if matched and all(any(_holds(o.directive.args, m) for o in later) for m in matched):
                out.add(id(level))
    return out


def _on_method(level: Level) -> bool:
    args = level.directive.args
    return len(args) == 3 and args[0] == "$request_method"


def _lost_headers(ifs: list[Level]) -> list[Draft]:
    found: list[Draft] = []
    for index, winner in enumerate(ifs):
        if not _decides(winner):
            continue
        needed = _needed(winner)
        lost_by = [
            (other, lost)
            for position, other in enumerate(ifs)
            if other is not winner
            and _overrides(winner, index, other, position)
            and not _exclusive(winner, other)
            and (lost := [h for h in other.own if h.name in needed])
        ]
        if not lost_by:
            continue
        other, lost = lost_by[0]
        names = ", ".join(dict.fromkeys(h.directive.args[0] for h in lost))
        condition = " ".join(other.directive.args)
        answer = "the preflight answer" if winner.preflight_only else "the response"
        found.append(
            finding(
                codes.IF_LOSES_CORS_HEADERS,
                winner.directive,
                winner.label,
                f"this 'if' matches requests that 'if ({condition})' (line "
                f"{other.directive.line}) matches too and replaces its configuration, so "
                f"{answer} goes out without its {names}",
                lost=[h.directive.location for _, lost in lost_by for h in lost],
            )
        )
    return found


# What a response needs from another 'if' (Fetch, CORS check and CORS-preflight fetch).
_ACTUAL_NEEDS = frozenset({ACAO, ACAC})
_PREFLIGHT_NEEDS = frozenset(
    {
        ACAO,
        ACAC,
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-allow-private-network",
    }
)


def _needed(winner: Level) -> frozenset[str]:
    """The CORS headers the winner's response needs and does not carry itself."""
    needs = _PREFLIGHT_NEEDS if winner.preflight_only else _ACTUAL_NEEDS
    return needs - {h.name for h in winner.headers}


def _decides(level: Level) -> bool:
    """An 'if' whose configuration shapes the response: it answers with a 2xx/3xx, or adds
    headers of its own. (An 'if' that refuses with a 4xx, or only sets a variable, does not.)"""
    if level.returns is not None:
        return level.covered_return
    return bool(level.own)


def _overrides(winner: Level, index: int, other: Level, position: int) -> bool:
    """``winner`` decides the response when both match: later and ``other`` did not return,
    or earlier and it returns (the run stops there)."""
    if position < index:
        return other.returns is None
    return winner.returns is not None


def _exclusive(first: Level, second: Level) -> bool:
    """No request satisfies both conditions: the same variable, not 'set' between the two tests,
    compared to values no one value satisfies both ways."""
    a, b = first.directive.args, second.directive.args
    if len(a) != 3 or len(b) != 3 or a[0] != b[0] or _set_between(first, second, a[0]):
        return False
    if a[0] == "$request_method":
        return not any(_holds(a, m) and _holds(b, m) for m in METHODS)
    ops = {a[1], b[1]}
    left, right = a[2].strip("'\""), b[2].strip("'\"")
    if ops == {"="}:
        return left != right
    return ops == {"=", "!="} and left == right


def _set_between(first: Level, second: Level, variable: str) -> bool:
    """A 'set' of ``variable`` runs after one test and before the other."""
    block = list(first.parent.directive.block or ()) if first.parent else []
    positions = sorted(
        next(i for i, d in enumerate(block) if d is level.directive) for level in (first, second)
    )
    name = variable.lstrip("$").strip("{}")
    for directive in block[positions[0] : positions[1]]:
        inner = directive.block if directive.name == "if" else ()
        for candidate in (directive, *(inner or ())):
            if candidate.name == "set" and candidate.args[:1] in ((f"${name}",), (f"${{{name}}}",)):
                return True
    return False


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# ... and methods no configuration lists, for conditions such as '!= OPTIONS'.
_ANY_METHOD = (*METHODS, "TRACE", "CONNECT", "PROPFIND")


def _holds(condition: tuple[str, ...], method: str) -> bool:
    """Whether ``$request_method <op> <value>`` holds for ``method`` (unknown: it may)."""
    _, operator, value = condition
    value = value.strip("'\"")
    if operator in ("=", "!="):
        return (method == value) == (operator == "=")
    if operator in ("~", "~*", "!~", "!~*"):
        flags = re.IGNORECASE if operator.endswith("*") else 0
        try:
            matched = re.search(value, method, flags) is not None
        except re.error:
            return True
        return matched == (not operator.startswith("!"))
    return True
