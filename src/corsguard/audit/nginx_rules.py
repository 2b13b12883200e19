"""CORS rules over a parsed nginx configuration (CG5xx), one small rule per mistake.

Each rule looks at one level (see :mod:`corsguard.audit.nginx_levels`) and reports on the line
that causes the problem, usually an add_header; :func:`merged` then makes one finding per code and
line, listing every block it affects. The rules only report what a browser or an attacker would
hit: a duplicate that breaks the response, a missing header on a response that needs it.
"""

from __future__ import annotations

from collections.abc import Callable

from corsguard.audit.nginx import Directive, NginxConfig
from corsguard.audit.nginx_findings import Draft, finding, merged, quoted
from corsguard.audit.nginx_if_rules import if_findings, shadowed
from corsguard.audit.nginx_levels import PASSES, Header, Level, levels, setting
from corsguard.audit.nginx_origins import regex_findings
from corsguard.audit.nginx_own_origin import own_origin_servers
from corsguard.audit.nginx_variables import Kind, Variables, analyse, names
from corsguard.codes import audit as codes
from corsguard.findings import Finding

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
# What a preflight answer needs (Fetch, CORS-preflight fetch); Expose-Headers is ignored there,
# and Max-Age only saves the next preflight.
PREFLIGHT_HEADERS = frozenset(
    {
        ACAO,
        ACAC,
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-allow-private-network",
    }
)
# What an actual (not preflight) response needs (Fetch, CORS check; CORS-exposed header list).
ACTUAL_HEADERS = frozenset({ACAO, ACAC, "access-control-expose-headers"})
APP_HEADER = "upstream_http_access_control_"


def audit_nginx(config: NginxConfig) -> list[Finding]:
    """Every CG5xx finding in ``config``, one per code and line, in file order."""
    unparsed = [
        Finding(
            code=codes.UNPARSED.code,
            severity=codes.UNPARSED.severity,
            message=f"nginx could not parse this part of the configuration: {error.message}",
            fix=codes.UNPARSED.fix,
            location=error.location,
        )
        for error in config.errors
    ]
    found: list[Draft] = []
    for root in config.roots:
        defined = root
        if config.definitions:
            top = (*config.definitions, *(root.block or ()))
            defined = Directive(root.name, root.args, root.file, root.line, top)
        variables = analyse(defined, placeholders=config.placeholders)
        context = Context(variables, app_sends_cors=_reads_app_cors(root))
        found += regex_findings(root, variables)
        own_origin = own_origin_servers(root)
        tree = [level for level in levels(root, variables) if id(_server(level)) not in own_origin]
        never_sent = shadowed(tree)
        for level in tree:
            if id(level) in never_sent:
                continue  # a later 'if' replaces its configuration on every request it matches
            for rule in RULES:
                found += rule(level, context)
        found += if_findings(tree)
    included_at = {
        source.path: tuple(site.location for site in source.sites)
        for source in config.sources
        if source.sites
    }
    return sorted([*unparsed, *merged(found, included_at)], key=_order)


def _server(level: Level) -> Directive | None:
    """The server block a level is in (None for http, or a fragment's top level)."""
    current: Level | None = level
    while current is not None and current.directive.name != "server":
        current = current.parent
    return None if current is None else current.directive


def _order(item: Finding) -> tuple[str, int, str]:
    file, _, line = item.location.rpartition(":")
    return (file, int(line) if line.isdigit() else 0, item.code)


class Context:
    """What every rule may consult besides the level: the variables, the application's CORS."""

    __slots__ = ("app_sends_cors", "fill_ins", "variables")

    def __init__(self, variables: Variables, *, app_sends_cors: bool) -> None:
        self.variables = variables
        self.app_sends_cors = app_sends_cors
        self.fill_ins = _fill_ins(variables)


def _reads_app_cors(root: Directive) -> bool:
    """The configuration reads the application's own CORS headers, so it knows it sends them."""
    stack = [root]
    while stack:
        directive = stack.pop()
        if any(APP_HEADER in arg or APP_HEADER in directive.name for arg in directive.args):
            return True
        stack.extend(directive.block or ())
    return False


def _credentials(level: Level, variables: Variables) -> bool:
    """Allow-Credentials: true is in effect, written as such or as a variable a map, geo or set
    can make 'true' (``map $upstream_http_access_control_allow_credentials $cors_creds
    { '' 'true'; }``)."""
    for header in (*level.headers, *level.replaced):
        if header.name != ACAC:
            continue
        if header.value.lower() == "true" or _may_be_true(header.value, variables):
            return True
    return False


def _may_be_true(value: str, variables: Variables) -> bool:
    used = names(value)
    if len(used) != 1 or value not in (f"${used[0]}", f"${{{used[0]}}}"):
        return False
    return any(a.target == used[0] and a.value.lower() == "true" for a in variables.assignments)


def _allow_origins(level: Level) -> list[Header]:
    """This level's own Allow-Origin lines: add_header, and more_set_headers written here."""
    if not level.replaced:
        return [h for h in level.own if h.name == ACAO]
    written = {id(d) for d in level.directive.block or ()}
    replaced = [h for h in level.replaced if id(h.directive) in written]
    return [h for h in (*level.own, *replaced) if h.name == ACAO]


# -- the rules, in the order they are run ----------------------------------------------------------


def not_always(level: Level, context: Context) -> list[Draft]:
    """CG502: Allow-Origin/-Credentials left off error responses (the only ones 'always' adds).

    Methods, Headers and Max-Age only matter on a successful preflight, which 'always' does not
    change; a block that answers with 'return <2xx/3xx>' is covered without it.
    """
    if level.covered_return:
        return []
    found = []
    for header in level.own:
        if header.always or header.name not in (ACAO, ACAC):
            continue
        fixed = " ".join(quoted(a) for a in (*header.directive.args[:2], "always"))
        found.append(
            finding(
                codes.NOT_ALWAYS,
                header.directive,
                level.label,
                f"add_header {header.directive.args[0]} has no 'always', so 4xx and 5xx "
                "responses leave it out and errors look like CORS failures",
                fix=f"Append 'always': add_header {fixed};",
            )
        )
    return found


def reflected(level: Level, context: Context) -> list[Draft]:
    """CG503/CG504: the Origin echoed unchecked, through any chain of set/map."""
    found = []
    credentials = _credentials(level, context.variables)
    for header in _allow_origins(level):
        if context.variables.kind(header.value, guarded=level.guarded) is not Kind.REFLECTED:
            continue
        code = codes.ORIGIN_REFLECTED_CREDENTIALS if credentials else codes.ORIGIN_REFLECTED
        tail = ", together with Access-Control-Allow-Credentials: true" if credentials else ""
        found.append(
            finding(
                code,
                header.directive,
                level.label,
                f"Access-Control-Allow-Origin echoes the request's Origin ({header.value}) "
                f"without validating it{tail}, so every website is allowed",
                credentials=credentials,
            )
        )
    return found


def wildcard_credentials(level: Level, context: Context) -> list[Draft]:
    """CG509: '*' with credentials, refused by browsers on credentialed requests."""
    if not _credentials(level, context.variables):
        return []
    return [
        finding(
            codes.WILDCARD_CREDENTIALS,
            header.directive,
            level.label,
            "'Access-Control-Allow-Origin: *' with 'Access-Control-Allow-Credentials: true' "
            "fails every credentialed request",
        )
        for header in _allow_origins(level)
        if header.value == "*"
    ]


def vary_missing(level: Level, context: Context) -> list[Draft]:
    """CG507: an Allow-Origin that follows the Origin, cacheable, without 'Vary: Origin'.

    A constant (set/map/geo with one fixed result, or results chosen by something other than
    the Origin) needs no Vary; nor does a preflight-only 'return 204', which shared caches do
    not store.
    """
    if level.preflight_only or any(
        h.name == "vary" and "origin" in h.value.lower() for h in (*level.headers, *level.replaced)
    ):
        return []
    return [
        finding(
            codes.VARY_MISSING,
            header.directive,
            level.label,
            f"Access-Control-Allow-Origin is computed from the request's Origin ({header.value}) "
            "but no 'add_header Vary Origin' is in effect here",
        )
        for header in _allow_origins(level)
        if context.variables.kind(header.value, guarded=level.guarded).follows_origin
    ]


def dropped(level: Level, context: Context) -> list[Draft]:
    """CG506: a nested add_header stops the inheritance of CORS headers this response needs.

    A preflight answer needs Allow-Origin, -Credentials, -Methods and -Headers (Expose-Headers
    is ignored there); an actual response Allow-Origin, -Credentials and Expose-Headers
    (Methods, Headers and Max-Age are read from preflights only). Next to an own
    'Allow-Origin: *', Allow-Credentials changes nothing: credentialed requests fail on '*'.
    """
    parent = level.parent
    if parent is None or not level.own or level.merge:
        return []
    needed = PREFLIGHT_HEADERS if level.preflight_only else ACTUAL_HEADERS
    if any(h.name == ACAO and h.value == "*" for h in level.own):
        needed -= {ACAC}
    own = {o.name for o in level.own}
    lost = [h for h in parent.headers if h.name in needed and h.name not in own]
    if not lost:
        return []
    lost_names = ", ".join(dict.fromkeys(h.directive.args[0] for h in lost))
    first = level.own[0].directive
    return [
        finding(
            codes.INHERITANCE_DROP,
            first,
            level.label,
            f"'add_header {first.args[0]}' stops nginx inheriting {lost_names} from "
            f"{parent.label}, so responses here have no "
            f"{'such header' if len(lost) == 1 else 'such headers'}",
            dropped=[h.directive.location for h in lost],
        )
    ]


def duplicates(level: Level, context: Context) -> list[Draft]:
    """CG501: a second Allow-Origin or Allow-Credentials on the application's responses.

    Browsers merge list headers (Allow-Methods, -Headers, Expose-Headers), so only these two
    break when both layers send them. No application, no duplicate: 'return' and static files
    are left alone.
    """
    if not level.proxied or level.handler is None:
        return []
    if level.directive.name == "if" and not level.own:
        return []  # the location's own lines, reported for the location
    hidden = level.hidden.get(PASSES[level.handler.name], frozenset())
    added = [
        h
        for h in level.headers
        if h.name in (ACAO, ACAC) and h.name not in hidden and not _empty_when_app_sends(h, context)
    ]
    if not added:
        return []
    added.sort(key=lambda h: h.name != ACAO)
    hide = PASSES[level.handler.name]
    upstream = level.handler.args[0] if level.handler.args else "the application"
    headers = ", ".join(dict.fromkeys(h.directive.args[0] for h in added))
    if context.app_sends_cors:
        app = "the application sends its own (the configuration reads $upstream_http_*), so"
    else:
        them = "them" if len({h.name for h in added}) > 1 else "it"
        app = (
            f"when the application sets {them} too (the configuration does not say whether it "
            "does),"
        )
    hides = " ".join(
        f"{hide} {name};" for name in dict.fromkeys(h.directive.args[0] for h in added)
    )
    return [
        finding(
            codes.PROXY_DUPLICATES,
            added[0].directive,
            level.label,
            f"adds {headers} to responses from {level.handler.name} {upstream}; {app} the "
            "browser sees two values and blocks the response",
            fix=f"Let one layer own CORS: add '{hides}' next to {level.handler.name} to keep "
            "nginx's headers, or remove the add_header lines and let the application answer "
            "CORS.",
            upstream=upstream,
            headers=[h.directive.args[0] for h in added],
            added_at=[h.directive.location for h in added],
            fix_lines=[f"{hide} {h.directive.args[0]};" for h in added],
            app_sends_cors=context.app_sends_cors,
        )
    ]


def _empty_when_app_sends(header: Header, context: Context) -> bool:
    """``$v`` from a map on the application's own Allow-Origin that is '' whenever it has one.

    nginx does not send an add_header whose value is empty, so such a header only fills in.
    """
    used = names(header.value)
    return (
        len(used) == 1
        and header.value.strip() in (f"${used[0]}", f"${{{used[0]}}}")
        and used[0] in context.fill_ins
    )


def _fill_ins(variables: Variables) -> frozenset[str]:
    maps: dict[str, bool] = {}
    for a in variables.assignments:
        fills = (
            a.source is not None
            and f"{APP_HEADER}allow_origin" in a.source
            and (a.key == "" or a.value == "")
        )
        maps[a.target] = maps.get(a.target, True) and fills
    return frozenset(name for name, fills in maps.items() if fills)


def options_shortcut(level: Level, context: Context) -> list[Draft]:
    """CG505: every preflight answered in nginx for every origin, over an application's policy.

    Without an application behind the location (static files) nginx's answer is the only policy,
    and '*' or the echo is judged by CG503/CG504/CG509 alone.
    """
    if not level.preflight_only or level.returns is None or level.handler is None:
        return []
    grants = [
        h
        for h in level.headers
        if h.name == ACAO
        and (
            h.value == "*"
            or context.variables.kind(h.value, guarded=level.guarded) is Kind.REFLECTED
        )
    ]
    if not grants:
        return []
    return [
        finding(
            codes.OPTIONS_SHORTCUT,
            level.directive,
            level.label,
            f"answers every preflight with 'return {level.returns.args[0]}' and "
            f"Access-Control-Allow-Origin {grants[0].value}, granting every origin whatever "
            "the application's policy says",
        )
    ]


def intercepted_errors(level: Level, context: Context) -> list[Draft]:
    """CG511: nginx's error_page replaces the application's errors and their CORS headers."""
    if level.directive.name != "location" or not level.proxied:
        return []
    intercept = setting(level, "proxy_intercept_errors")
    if intercept is None or intercept.args[:1] != ("on",) or not setting(level, "error_page"):
        return []
    if any(h.name == ACAO and h.always for h in level.headers):
        return []
    return [
        finding(
            codes.INTERCEPTED_ERRORS,
            intercept,
            level.label,
            "'proxy_intercept_errors on' replaces the application's error responses with "
            "nginx's error_page, which carries no CORS headers",
        )
    ]


# Directives that make limit_except refuse the methods it does not list.
_RESTRICTIONS = frozenset({"deny", "auth_basic", "auth_request", "auth_jwt"})


def limit_except(level: Level, context: Context) -> list[Draft]:
    """CG512: limit_except refuses OPTIONS, so preflights get 401/403."""
    found: list[Draft] = []
    cors = any(h.is_cors for h in level.headers)
    for limit in level.directive.children("limit_except"):
        methods = {method.upper() for method in limit.args}
        restricted = any(d.name in _RESTRICTIONS for d in limit.block or ())
        if "OPTIONS" in methods or not restricted or not (cors or level.handler):
            continue
        allowed = " ".join(limit.args)
        found.append(
            finding(
                codes.LIMIT_EXCEPT_PREFLIGHT,
                limit,
                level.label,
                f"'limit_except {allowed}' refuses OPTIONS, so every preflight is answered "
                "401/403 by nginx without CORS headers",
                fix=f"Let preflights through: 'limit_except {allowed} OPTIONS {{ ... }}'.",
            )
        )
    return found


RULES: tuple[Callable[[Level, Context], list[Draft]], ...] = (
    duplicates,
    not_always,
    reflected,
    options_shortcut,
    dropped,
    vary_missing,
    wildcard_credentials,
    intercepted_errors,
    limit_except,
)
