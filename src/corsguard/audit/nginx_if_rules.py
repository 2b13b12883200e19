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

from corsguard.audit.nginx_findings import finding
from corsguard.audit.nginx_levels import Level
from corsguard.codes import audit as codes
from corsguard.findings import Finding

ACAO = "access-control-allow-origin"


def if_findings(tree: Iterable[Level]) -> list[Finding]:
    by_block: dict[int, list[Level]] = {}
    for level in tree:
        if level.directive.name == "if" and level.parent is not None:
            by_block.setdefault(id(level.parent), []).append(level)
    found: list[Finding] = []
    for ifs in by_block.values():
        found += _lost_headers(ifs)
    return found


def _lost_headers(ifs: list[Level]) -> list[Finding]:
    assigned = {
        d.args[0]
        for level in ifs
        for d in level.directive.block or ()
        if d.name == "set" and d.args
    }
    found: list[Finding] = []
    for index, winner in enumerate(ifs):
        if not (winner.own or winner.returns) or _allows_origin(winner):
            continue
        losers = [
            other
            for position, other in enumerate(ifs)
            if other is not winner
            and any(h.name == ACAO for h in other.own)
            and _overrides(winner, index, other, position)
            and not _exclusive(winner.directive.args, other.directive.args, assigned)
        ]
        if not losers:
            continue
        lost = losers[0].own[0].directive
        other = " ".join(losers[0].directive.args)
        answer = "answers preflights" if winner.preflight_only else "matches"
        found.append(
            finding(
                codes.IF_LOSES_CORS_HEADERS,
                winner.directive,
                winner.label,
                f"this 'if' {answer} the same requests as 'if ({other})' "
                f"(line {losers[0].directive.line}) and replaces its configuration, so the "
                f"response goes out without its Access-Control-Allow-Origin ({lost.location})",
                lost=[h.directive.location for other in losers for h in other.own],
            )
        )
    return found


def _allows_origin(level: Level) -> bool:
    return any(h.name == ACAO for h in level.headers)


def _overrides(winner: Level, index: int, other: Level, position: int) -> bool:
    """``winner`` decides the response when both match: later and ``other`` did not return,
    or earlier and it returns (the run stops there)."""
    if position < index:
        return other.returns is None
    return winner.returns is not None


def _exclusive(first: tuple[str, ...], second: tuple[str, ...], assigned: set[str]) -> bool:
    """Two conditions no request satisfies at once: the same variable, never 'set' in these
    blocks, compared to values no one value satisfies both ways."""
    if len(first) != 3 or len(second) != 3 or first[0] != second[0] or first[0] in assigned:
        return False
    if first[0] == "$request_method":
        return not any(_holds(first, m) and _holds(second, m) for m in METHODS)
    ops = {first[1], second[1]}
    a, b = first[2].strip("'\""), second[2].strip("'\"")
    if ops == {"="}:
        return a != b
    return ops == {"=", "!="} and a == b


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


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
