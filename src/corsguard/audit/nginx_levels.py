"""The levels of an nginx configuration as nginx runs them: which headers a response gets where.

add_header follows nginx's merge (ngx_http_headers_module): the lines in effect at a level (http,
server, location, 'if' in location) are the level's own lines when it has any, otherwise the
enclosing level's; ``add_header_inherit merge`` (nginx 1.29.3) adds the parent's to the own lines
instead. proxy_hide_header and its fastcgi/uwsgi/grpc siblings inherit the same all-or-nothing
way. An 'if' in a location keeps the location's content handler (proxy_pass), so a request
matching it still goes to the application, unless the 'if' returns.

A file whose top level holds location-body directives (a ``cors.conf`` of add_header lines meant
for ``include`` in a location) has no http, server or location around it: its top level is
audited as the block it is written for, a location body, a server body when it holds locations
(or listen, server_name), an http body when it holds servers or maps (``conf.d/*.conf``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from corsguard.audit.nginx import Directive
from corsguard.audit.nginx_variables import Variables

LEVELS = frozenset({"http", "server", "location", "if"})
# The directive that passes a request to an application, and the one that hides its headers.
PASSES = {
    "proxy_pass": "proxy_hide_header",
    "fastcgi_pass": "fastcgi_hide_header",
    "uwsgi_pass": "uwsgi_hide_header",
    "grpc_pass": "grpc_hide_header",
    "scgi_pass": "scgi_hide_header",
}
_HIDES = frozenset(PASSES.values())
_PASS_NAMES = frozenset(PASSES)
# Top-level directives that only a main file, or a file included in http, holds.
_MAIN = frozenset({"http", "events", "stream", "mail"})
# Top-level directives of a file included in http (conf.d/*.conf).
_HTTP_BODY = frozenset({"server", "upstream", "map", "geo", "split_clients"})
# Directives that place a file's top level inside a server or location.
_BODY = frozenset(
    {"add_header", "if", "return", "location", "limit_except", *PASSES, *PASSES.values()}
)
# Directives only a server body holds (a location cannot).
_SERVER_BODY = frozenset({"location", "listen", "server_name"})
# Simple directives whose value an inner level inherits, as the rules need them.
SETTINGS = frozenset({"proxy_intercept_errors", "error_page"})
# Statuses nginx answers with itself (ngx_http_special_response.c): an error_page for one of
# them is reached by more than a 'return'.
NGINX_STATUSES = frozenset(
    {"400", "401", "402", "403", "404", "405", "406", "408", "409", "410", "411", "412", "413",
     "414", "415", "416", "421", "429", "494", "495", "496", "497", "498", "499", "500", "501",
     "502", "503", "504", "505", "507"}
)  # fmt: skip
# ngx_http_headers_module: add_header without 'always' applies to these statuses.
ADD_HEADER_STATUSES = frozenset(
    {"200", "201", "204", "206", "301", "302", "303", "304", "307", "308"}
)


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
    hidden: Mapping[str, frozenset[str]]  # hide directive -> header names (lower-case)
    merge: bool
    guarded: bool  # inside an 'if' that checks the request's Origin
    handler: Directive | None  # the *_pass that produces the response, when one does
    options_only: bool = False  # an 'if' (or a named location) only OPTIONS requests reach
    replaced: tuple[Header, ...] = ()  # more_set_headers (headers-more) in effect at this level
    settings: Mapping[str, Directive] = field(default_factory=dict)  # see SETTINGS
    # The 'return' nginx answers with here: an application never sees these requests.
    returns: Directive | None = None
    parent: Level | None = field(default=None, repr=False)

    @property
    def proxied(self) -> bool:
        return self.handler is not None and self.returns is None

    @property
    def covered_return(self) -> bool:
        """nginx answers with a status add_header covers: 'always' changes nothing.

        'return' runs in the rewrite phase, before any response exists, so the add_header
        lines of the block apply wherever they are written, after the 'return' too.
        """
        answer = self.returns
        if answer is None or not answer.args:
            return False
        status = answer.args[0]
        # 'return URL;' is a 302.
        return status in ADD_HEADER_STATUSES or (len(answer.args) == 1 and not status.isdigit())

    @property
    def preflight_only(self) -> bool:
        """An 'if ($request_method = OPTIONS)' that answers with a 2xx: only preflights get it."""
        answer = self.returns
        return (
            self.options_only
            and answer is not None
            and answer.args[:1] != ()
            and answer.args[0].startswith("2")
        )


def is_options_test(condition: tuple[str, ...]) -> bool:
    return (
        len(condition) == 3
        and "$request_method" in condition[0]
        and condition[1] in ("=", "~", "~*")
        and "OPTIONS" in condition[2].strip("'\"^$()").upper().split("|")
    )


def levels(root: Directive, variables: Variables) -> Iterator[Level]:
    """Every level under ``root``, the root itself first when it is a fragment's body."""
    top = Level(root, "main", (), (), {}, False, False, None)
    body = fragment_body(root)
    named = preflight_locations(root, variables)
    if body is not None:
        label = f"{PurePath(root.file).name} ({body} body)"
        top = _level(root, top, variables, named, label=label)
        yield top
    yield from _walk(top, variables, named)


def preflight_locations(root: Directive, variables: Variables) -> frozenset[str]:
    """Named locations only preflights reach: ``error_page 469 = @cors_preflight`` where every
    ``return 469`` is in an OPTIONS-only 'if', and 469 is no status nginx answers with itself."""
    returns: dict[str, list[bool]] = {}
    targets: dict[str, set[str]] = {}
    stack = [(root, False)]
    while stack:
        directive, in_options = stack.pop()
        args = directive.args
        if directive.name == "return" and args and args[0].isdigit():
            returns.setdefault(args[0], []).append(in_options)
        elif directive.name == "error_page" and len(args) >= 2 and args[-1].startswith("@"):
            targets.setdefault(args[-1], set()).update(a for a in args[:-1] if a.isdigit())
        inner = in_options or (directive.name == "if" and _options_only(args, variables))
        stack.extend((child, inner) for child in directive.block or ())
    return frozenset(
        name
        for name, statuses in targets.items()
        if statuses
        and all(
            status not in NGINX_STATUSES and returns.get(status) and all(returns[status])
            for status in statuses
        )
    )


def fragment_body(root: Directive) -> str | None:
    """The block a file's top level is written for ('http', 'server', 'location'), or None
    for a main file (or one with nothing the rules look at)."""
    names = {child.name for child in root.block or ()}
    if names & _MAIN:
        return None
    if names & _HTTP_BODY:
        return "http"
    if not names & _BODY:
        return None
    return "server" if names & _SERVER_BODY else "location"


def _walk(parent: Level, variables: Variables, named: frozenset[str]) -> Iterator[Level]:
    for child in parent.directive.block or ():
        if child.name not in LEVELS or child.block is None:
            continue
        level = _level(child, parent, variables, named, label=_label(child, parent))
        yield level
        yield from _walk(level, variables, named)


def _level(
    child: Directive, parent: Level, variables: Variables, named: frozenset[str], *, label: str
) -> Level:
    by_name: dict[str, list[Directive]] = {}
    for directive in child.block or ():
        by_name.setdefault(directive.name, []).append(directive)
    own = tuple(_headers(by_name["add_header"])) if "add_header" in by_name else ()
    merge = parent.merge
    if "add_header_inherit" in by_name:
        inherit = {d.args[:1] for d in by_name["add_header_inherit"]}
        merge = (merge or ("merge",) in inherit) and not ({("on",), ("off",)} & inherit)
    # ngx_http_headers_module: a level without add_header inherits the parent's lines.
    headers = parent.headers if not own else (*parent.headers, *own) if merge else own
    hidden = parent.hidden
    for hide in _HIDES.intersection(by_name):
        names = frozenset(d.args[0].lower() for d in by_name[hide] if d.args)
        if names:
            hidden = {**hidden, hide: names}
    guarded = parent.guarded or (
        "if" in by_name and any(variables.refuses_others(d) for d in by_name["if"])
    )
    if child.name == "if" and variables.checks_origin(child.args):
        guarded = True
    handler = next((by_name[name][0] for name in _PASS_NAMES.intersection(by_name)), None)
    if handler is None and child.name == "if":
        handler = parent.handler  # an 'if' keeps its location's content handler
    options_only = (child.name == "if" and _options_only(child.args, variables)) or (
        child.name == "location" and child.args[:1] != () and child.args[0] in named
    )
    # headers-more appends a level's more_set_headers to the enclosing level's.
    replaced = parent.replaced
    if "more_set_headers" in by_name:
        replaced = (*replaced, *_replaced_headers(by_name["more_set_headers"]))
    own_settings = {name: by_name[name][0] for name in SETTINGS.intersection(by_name)}
    # Shared with the parent when the level sets none: no copy per location of a big server.
    settings = {**parent.settings, **own_settings} if own_settings else parent.settings
    return Level(
        child,
        label,
        own,
        headers,
        hidden,
        merge,
        guarded,
        handler,
        options_only,
        replaced,
        settings,
        by_name["return"][0] if "return" in by_name else None,
        parent=parent,
    )


def _options_only(condition: tuple[str, ...], variables: Variables) -> bool:
    """Only OPTIONS requests satisfy ``condition``: it tests the method, or it compares a
    variable with a text only a 'set' inside such a test produces ('${cors}options')."""
    if is_options_test(condition):
        return True
    if len(condition) != 3 or condition[1] != "=" or not condition[0].startswith("$"):
        return False
    target, text = condition[0].lstrip("$").strip("{}"), condition[2]
    in_options = [False]
    for assignment in variables.assignments:
        if assignment.target != target:
            continue
        if any(is_options_test(test) for test in assignment.tests):
            in_options.append(True)
        elif "$" in assignment.value or assignment.value == text:
            return False  # another assignment may produce the text too
    return any(in_options)


def _headers(directives: Iterable[Directive]) -> Iterator[Header]:
    for directive in directives:
        if len(directive.args) >= 2:
            yield Header(
                directive,
                directive.args[0].lower(),
                directive.args[1],
                always="always" in directive.args[2:],
            )


def _replaced_headers(directives: Iterable[Directive]) -> Iterator[Header]:
    """'more_set_headers [-s codes] [-t types] "Name: value" ...': it replaces the header,
    the application's too, on every status unless -s limits it."""
    for directive in directives:
        args = iter(directive.args)
        limited = False
        for arg in args:
            if arg in ("-s", "-t"):
                limited = limited or arg == "-s"
                next(args, None)
                continue
            name, colon, value = arg.partition(":")
            if colon and value.strip():
                yield Header(directive, name.strip().lower(), value.strip(), always=not limited)


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
        where = f" in {parent.label}" if parent.directive.name in ("location", "main") else ""
        return f"if ({condition}){where}"
    return directive.name


def setting(level: Level, name: str) -> Directive | None:
    """The directive in effect (one of SETTINGS): this level's, else the nearest enclosing one's."""
    return level.settings.get(name)
