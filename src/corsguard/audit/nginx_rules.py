"""CORS rules over a parsed nginx configuration (CG5xx).

The rules follow nginx's own merge semantics (ngx_http_headers_module): the add_header lines in
effect at a level (http, server, location, 'if' in location) are the level's own lines when it has
any, otherwise the enclosing level's; ``add_header_inherit merge`` (nginx 1.29.3) adds the
parent's to the own lines instead. proxy_hide_header and its fastcgi/uwsgi/grpc siblings are array
directives with the same all-or-nothing inheritance.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from corsguard.audit.nginx import Directive, NginxConfig
from corsguard.audit.nginx_origins import (
    VARIABLE,
    Variables,
    finding,
    origin_variables,
    quoted,
    regex_findings,
)
from corsguard.codes import audit as codes
from corsguard.findings import Finding

LEVELS = frozenset({"http", "server", "location", "if"})
# The directive that passes a request to an application, and the one that hides its headers.
PASSES = {
    "proxy_pass": "proxy_hide_header",
    "fastcgi_pass": "fastcgi_hide_header",
    "uwsgi_pass": "uwsgi_hide_header",
    "grpc_pass": "grpc_hide_header",
}
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"


@dataclass(frozen=True, slots=True)
class Header:
    directive: Directive
    name: str  # lower-case
    value: str
    always: bool

    @property
    def is_cors(self) -> bool:
        return self.name.startswith("access-control-")


@dataclass(frozen=True, slots=True)
class Level:
    """One level of add_header inheritance and what is in effect there."""

    directive: Directive
    label: str
    own: tuple[Header, ...]
    headers: tuple[Header, ...]  # in effect at this level
    hidden: dict[str, frozenset[str]]  # hide directive -> header names (lower-case)
    merge: bool
    guarded: bool  # inside an 'if' that tests the request's Origin
    parent: Level | None = field(default=None, repr=False)


def audit_nginx(config: NginxConfig) -> list[Finding]:
    """Every CG5xx finding in ``config``, in file order."""
    findings = [
        Finding(
            code=codes.UNPARSED.code,
            severity=codes.UNPARSED.severity,
            message=f"nginx could not parse this part of the configuration: {error.message}",
            fix=codes.UNPARSED.fix,
            location=error.location,
        )
        for error in config.errors
    ]
    for root in config.roots:
        variables = origin_variables(root)
        findings += regex_findings(root)
        for level in _levels(root, variables):
            findings += _level_findings(level, variables)
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple[str, int, str]:
    file, _, line = finding.location.rpartition(":")
    return (file, int(line) if line.isdigit() else 0, finding.code)


# -- the tree of levels ---------------------------------------------------------------------------


def _levels(root: Directive, variables: Variables) -> Iterator[Level]:
    top = Level(root, "main", (), (), {}, merge=False, guarded=False)
    yield from _walk(top, variables)


def _walk(parent: Level, variables: Variables) -> Iterator[Level]:
    for child in parent.directive.block or ():
        if child.name not in LEVELS or child.block is None:
            continue
        own = tuple(_headers(child))
        merge = parent.merge or any(
            d.args[:1] == ("merge",) for d in child.children("add_header_inherit")
        )
        if any(d.args[:1] in (("on",), ("off",)) for d in child.children("add_header_inherit")):
            merge = False
        # ngx_http_headers_module: a level without add_header inherits the parent's lines.
        headers = parent.headers if not own else (*parent.headers, *own) if merge else own
        hidden = dict(parent.hidden)
        for hide in PASSES.values():
            names = frozenset(d.args[0].lower() for d in child.children(hide) if d.args)
            if names:
                hidden[hide] = names
        guarded = parent.guarded or (child.name == "if" and _tests_origin(child, variables))
        level = Level(
            child, _label(child, parent), own, headers, hidden, merge, guarded, parent=parent
        )
        yield level
        yield from _walk(level, variables)


def _headers(block: Directive) -> Iterator[Header]:
    for directive in block.children("add_header"):
        if len(directive.args) >= 2:
            yield Header(
                directive,
                directive.args[0].lower(),
                directive.args[1],
                always="always" in directive.args[2:],
            )


def _label(directive: Directive, parent: Level) -> str:
    if directive.name == "server":
        listen = next((d.args[0] for d in directive.children("listen") if d.args), "")
        names = next((" ".join(d.args) for d in directive.children("server_name")), "")
        if names:
            return f"server {names}"
        return f"server listen {listen}" if listen else "server"
    if directive.name == "location":
        return "location " + " ".join(directive.args)
    if directive.name == "if":
        condition = " ".join(directive.args)
        where = f" in {parent.label}" if parent.directive.name == "location" else ""
        return f"if ({condition}){where}"
    return directive.name


def _tests_origin(block: Directive, variables: Variables) -> bool:
    names = {name for arg in block.args for name in VARIABLE.findall(arg)}
    return "http_origin" in names or bool(names & variables.validated)


def _reflects(header: Header, level: Level, variables: Variables) -> bool:
    names = set(VARIABLE.findall(header.value))
    if names & variables.reflecting:
        return True
    return "http_origin" in names and not level.guarded


# -- the rules ------------------------------------------------------------------------------------


def _level_findings(level: Level, variables: Variables) -> list[Finding]:
    found: list[Finding] = []
    where = level.label
    by_name = {h.name: h for h in level.headers}
    credentials = ACAC in by_name and by_name[ACAC].value.lower() == "true"
    covered = _returns_covered_status(level)
    for header in level.own:
        if not header.is_cors:
            continue
        original = header.directive.args[0]
        if not header.always and not covered:
            fixed = " ".join(quoted(a) for a in (*header.directive.args[:2], "always"))
            found.append(
                finding(
                    codes.NOT_ALWAYS,
                    header.directive,
                    f"{where}: add_header {original} has no 'always', so 4xx and 5xx "
                    "responses leave it out and errors look like CORS failures",
                    fix=f"Append 'always': add_header {fixed};",
                )
            )
        if header.name != ACAO:
            continue
        if _reflects(header, level, variables):
            code = codes.ORIGIN_REFLECTED_CREDENTIALS if credentials else codes.ORIGIN_REFLECTED
            tail = ", together with Access-Control-Allow-Credentials: true" if credentials else ""
            found.append(
                finding(
                    code,
                    header.directive,
                    f"{where}: Access-Control-Allow-Origin echoes the request's Origin "
                    f"({header.value}) without validating it{tail}, so every website is allowed",
                    credentials=credentials,
                )
            )
        elif header.value == "*" and credentials:
            found.append(
                finding(
                    codes.WILDCARD_CREDENTIALS,
                    header.directive,
                    f"{where}: 'Access-Control-Allow-Origin: *' with "
                    "'Access-Control-Allow-Credentials: true' fails every credentialed request",
                )
            )
        if "$" in header.value and not any(
            h.name == "vary" and "origin" in h.value.lower() for h in level.headers
        ):
            found.append(
                finding(
                    codes.VARY_MISSING,
                    header.directive,
                    f"{where}: Access-Control-Allow-Origin is computed from the request "
                    f"({header.value}) but no 'add_header Vary Origin' is in effect here",
                )
            )
    found += _dropped(level)
    found += _duplicates(level)
    found += _options_shortcut(level, variables)
    found += _proxy_errors(level)
    found += _limit_except(level)
    return found


# ngx_http_headers_module: add_header without 'always' applies to these statuses.
ADD_HEADER_STATUSES = frozenset(
    {"200", "201", "204", "206", "301", "302", "303", "304", "307", "308"}
)


def _returns_covered_status(level: Level) -> bool:
    """The block ends in 'return' with a status add_header covers: 'always' changes nothing."""
    last = (level.directive.block or ())[-1:]
    if not last or last[0].name != "return" or not last[0].args:
        return False
    status = last[0].args[0]
    # 'return URL;' is a 302.
    return status in ADD_HEADER_STATUSES or (len(last[0].args) == 1 and not status.isdigit())


def _setting(level: Level | None, name: str) -> Directive | None:
    """The directive in effect: this level's, else the nearest enclosing level's."""
    while level is not None:
        own = next(level.directive.children(name), None)
        if own is not None:
            return own
        level = level.parent
    return None


def _proxy_errors(level: Level) -> list[Finding]:
    if next(level.directive.children("proxy_pass"), None) is None:
        return []
    intercept = _setting(level, "proxy_intercept_errors")
    if intercept is None or intercept.args[:1] != ("on",) or not _setting(level, "error_page"):
        return []
    if any(h.name == ACAO and h.always for h in level.headers):
        return []
    return [
        finding(
            codes.INTERCEPTED_ERRORS,
            level.directive,
            f"{level.label}: 'proxy_intercept_errors on' ({intercept.location}) replaces the "
            "application's error responses with nginx's error_page, which carries no CORS "
            "headers",
        )
    ]


# Directives that make limit_except refuse the methods it does not list.
_RESTRICTIONS = frozenset({"deny", "auth_basic", "auth_request", "auth_jwt"})


def _limit_except(level: Level) -> list[Finding]:
    found: list[Finding] = []
    cors = any(h.is_cors for h in level.headers)
    proxied = any(next(level.directive.children(name), None) for name in PASSES)
    for limit in level.directive.children("limit_except"):
        methods = {method.upper() for method in limit.args}
        restricted = any(d.name in _RESTRICTIONS for d in limit.block or ())
        if "OPTIONS" in methods or not restricted or not (cors or proxied):
            continue
        allowed = " ".join(limit.args)
        found.append(
            finding(
                codes.LIMIT_EXCEPT_PREFLIGHT,
                limit,
                f"{level.label}: 'limit_except {allowed}' refuses OPTIONS, so every preflight "
                "is answered 401/403 by nginx without CORS headers",
                fix=f"Let preflights through: 'limit_except {allowed} OPTIONS {{ ... }}'.",
            )
        )
    return found


def _dropped(level: Level) -> list[Finding]:
    parent = level.parent
    if parent is None or not level.own or level.merge:
        return []
    inherited = {h.name: h for h in parent.headers if h.is_cors}
    lost = [h for name, h in inherited.items() if name not in {o.name for o in level.own}]
    if not lost:
        return []
    names = ", ".join(h.directive.args[0] for h in lost)
    first_own = level.own[0].directive
    return [
        finding(
            codes.INHERITANCE_DROP,
            level.directive,
            f"{level.label}: 'add_header {first_own.args[0]}' (line {first_own.line}) stops "
            f"nginx inheriting {names} from {parent.label}, so responses here have no "
            f"{'such header' if len(lost) == 1 else 'such headers'}",
            dropped=[h.directive.location for h in lost],
        )
    ]


def _duplicates(level: Level) -> list[Finding]:
    found: list[Finding] = []
    for name, hide in PASSES.items():
        for passing in level.directive.children(name):
            hidden = level.hidden.get(hide, frozenset())
            added = [h for h in level.headers if h.is_cors and h.name not in hidden]
            if not added:
                continue
            upstream = passing.args[0] if passing.args else "the upstream"
            headers = ", ".join(dict.fromkeys(h.directive.args[0] for h in added))
            lines = ", ".join(dict.fromkeys(h.directive.location for h in added))
            hides = " ".join(
                f"{hide} {h};" for h in dict.fromkeys(h.directive.args[0] for h in added)
            )
            message = (
                f"{level.label}: adds {headers} ({lines}) to responses from {name} "
                f"{upstream}; when the application sets them too, the browser sees two values "
                "and blocks the response"
            )
            fix = (
                f"Let one layer own CORS: add '{hides}' in this location to keep nginx's "
                "headers, or remove the add_header lines and let the application answer CORS."
            )
            found.append(
                finding(
                    codes.PROXY_DUPLICATES,
                    level.directive,
                    message,
                    fix=fix,
                    upstream=upstream,
                    headers=[h.directive.args[0] for h in added],
                    added_at=[h.directive.location for h in added],
                    fix_lines=[f"{hide} {h.directive.args[0]};" for h in added],
                )
            )
    return found


def _options_shortcut(level: Level, variables: Variables) -> list[Finding]:
    directive = level.directive
    if directive.name != "if" or "OPTIONS" not in [a.strip("'\"").upper() for a in directive.args]:
        return []
    if "$request_method" not in directive.args[0]:
        return []
    returns = [d for d in directive.children("return") if d.args and d.args[0].startswith("2")]
    if not returns:
        return []
    grants = [
        h
        for h in level.headers
        if h.name == ACAO and (h.value == "*" or _reflects(h, level, variables))
    ]
    if not grants:
        return []
    return [
        finding(
            codes.OPTIONS_SHORTCUT,
            directive,
            f"{level.label}: answers every preflight with 'return {returns[0].args[0]}' and "
            f"Access-Control-Allow-Origin {grants[0].value}, granting every origin whatever "
            "the application's policy says",
        )
    ]
