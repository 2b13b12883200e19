"""What an nginx variable carries from the request's Origin, followed through set, map and geo.

Access-Control-Allow-Origin is rarely ``$http_origin`` itself: configurations pass the Origin
through ``map`` (often a chain of them, sometimes keyed on the application's own header
``$upstream_http_access_control_allow_origin``), ``set`` inside an ``if`` that tests it, or
``geo``. Each variable gets one :class:`Kind`, the worst any of its assignments can produce; the
kinds are computed to a fixed point, so chains resolve whatever their order in the files.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from corsguard.audit.nginx import Directive

ORIGIN = "http_origin"
VARIABLE = re.compile(r"\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")
# 'if' operators under which a true condition means the value was checked.
CHECKS = frozenset({"=", "~", "~*"})
REGEX_CHECKS = frozenset({"~", "~*"})
NEGATED_CHECKS = frozenset({"!=", "!~", "!~*"})
# Blocks whose entries define one variable from another.
DEFINITIONS = frozenset({"map", "geo", "split_clients"})
# Built-in variables that depend on the request but not on its Origin (ngx_http_variables.c).
_REQUEST_PREFIXES = ("http_", "arg_", "cookie_", "sent_http_", "upstream_", "request", "remote_")
_REQUEST_NAMES = frozenset(
    {"host", "scheme", "uri", "document_uri", "args", "query_string", "is_args", "server_name",
     "server_addr", "server_port", "hostname", "binary_remote_addr", "content_type",
     "content_length", "https", "proxy_host", "proxy_port", "realpath_root", "document_root"}
)  # fmt: skip

# '$CORS_ORIGIN' / '${CORS_ORIGIN}' in a template: envsubst's convention is capitals.
_PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*")


class Kind(enum.IntEnum):
    """What a value carries, from harmless to dangerous (a variable takes the worst it can)."""

    CONSTANT = 0  # fixed text, whatever the request
    REQUEST = 1  # depends on the request (host, client address), not on its Origin
    UNKNOWN = 2  # a variable defined nowhere in the audited files
    KEYED = 3  # fixed texts chosen by the Origin (a map from it, a set inside an 'if' on it)
    VALIDATED = 4  # the Origin itself, after a map or 'if' checked it
    REFLECTED = 5  # the Origin itself, unchecked

    @property
    def follows_origin(self) -> bool:
        """The value can differ between two origins (a cache must Vary on Origin)."""
        return self >= Kind.UNKNOWN

    @property
    def checks_origin(self) -> bool:
        """A condition on this value tells trusted origins from the others.

        A variable defined nowhere in the audited files (its map is in a file not given) is
        given the benefit of the doubt: conditions on it are how such maps are used.
        """
        return self in (Kind.UNKNOWN, Kind.KEYED, Kind.VALIDATED)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One way a variable gets a value: a map or geo entry, or a set."""

    target: str
    value: str
    directive: Directive
    source: str | None = None  # map: the expression it maps from
    key: str | None = None  # map: the entry's key ('default' for the default)
    tests: tuple[tuple[str, ...], ...] = ()  # set: the conditions of the enclosing 'if's


@dataclass(frozen=True, slots=True)
class Variables:
    """The kind of every variable the configuration defines, and what it was computed from."""

    kinds: Mapping[str, Kind]
    assignments: tuple[Assignment, ...]

    def kind(self, value: str, *, guarded: bool = False) -> Kind:
        """The kind of a value such as ``$cors_origin`` or ``https://$host``.

        ``guarded``: the value is used inside an 'if' that checked the Origin, so the Origin
        itself is validated there.
        """
        return value_kind(value, self.kinds, origin=Kind.VALIDATED if guarded else Kind.REFLECTED)

    def checks_origin(self, condition: tuple[str, ...]) -> bool:
        """An 'if' condition that only holds for origins it checked: ``=``, ``~``, ``~*`` on the
        Origin, or on a variable computed by a check; ``if ($cors_origin)`` on the latter (a
        bare ``if ($http_origin)`` only tests that there is one)."""
        if len(condition) == 1:
            return self.kind(condition[0]).checks_origin
        if len(condition) != 3 or condition[1] not in CHECKS:
            return False
        subject = self.kind(condition[0])
        return subject is Kind.REFLECTED or subject.checks_origin

    def refuses_others(self, block: Directive) -> bool:
        """``if ($http_origin !~ ...) { return 403; }``: the origins it did not check never get
        past this 'if', so what follows it sees checked origins only."""
        condition = block.args
        if block.name != "if" or len(condition) != 3 or condition[1] not in NEGATED_CHECKS:
            return False
        if next(block.children("return"), None) is None:
            return False
        subject = self.kind(condition[0])
        return subject is Kind.REFLECTED or subject.checks_origin

    def defined_from(self, prefix: str) -> bool:
        """Some variable is computed from a variable whose name starts with ``prefix``."""
        return any(
            name.startswith(prefix)
            for a in self.assignments
            for name in names(f"{a.source or ''} {a.value}")
        )


@functools.lru_cache(maxsize=4096)
def names(value: str) -> tuple[str, ...]:
    """The variables ``value`` uses (a big configuration repeats the same few values)."""
    return tuple(braced or bare for braced, bare in VARIABLE.findall(value))


def value_kind(value: str, kinds: Mapping[str, Kind], *, origin: Kind) -> Kind:
    worst = Kind.CONSTANT
    for name in names(value):
        # nginx's own variable names are case-insensitive: $HTTP_ORIGIN is the Origin, even in
        # a template (envsubst leaves a name the environment does not define as it is).
        builtin = name.lower()
        if builtin == ORIGIN:
            kind = origin
        elif name in kinds:
            kind = kinds[name]
        elif name.isdigit():
            kind = Kind.REQUEST  # a regex capture; see _assignment_kind for checked ones
        elif builtin.startswith(_REQUEST_PREFIXES) or builtin in _REQUEST_NAMES:
            kind = Kind.REQUEST
        elif _PLACEHOLDER.fullmatch(name):
            # Defined nowhere and in capitals: nginx would refuse to start on it, so it is a
            # placeholder a deploy-time envsubst replaces by text (files it renders under any name).
            kind = Kind.CONSTANT
        else:
            kind = Kind.UNKNOWN
        worst = max(worst, kind)
    return worst


def analyse(root: Directive, *, placeholders: frozenset[str] = frozenset()) -> Variables:
    """The kinds of the variables under ``root``; ``placeholders`` are envsubst template names
    (``${NAME}``) left in the text, which the deployment replaces by fixed text."""
    assignments = tuple(_assignments(root, ()))
    seeds = dict.fromkeys(placeholders, Kind.CONSTANT)
    kinds: dict[str, Kind] = dict(seeds)
    # Each round can only raise a kind, and there are few kinds: a fixed point comes quickly.
    for _ in range(len(Kind) * max(1, len({a.target for a in assignments}))):
        updated = {**seeds, **_round(assignments, kinds)}
        if updated == kinds:
            break
        kinds = updated
    return Variables(kinds, assignments)


def _round(assignments: tuple[Assignment, ...], kinds: Mapping[str, Kind]) -> dict[str, Kind]:
    current = Variables(kinds, assignments)
    out: dict[str, Kind] = {}
    values: dict[str, set[str]] = {}
    keyed_by: dict[str, Kind] = {}
    for assignment in assignments:
        kind = _assignment_kind(assignment, current)
        out[assignment.target] = max(out.get(assignment.target, Kind.CONSTANT), kind)
        values.setdefault(assignment.target, set()).add(assignment.value)
        if assignment.source is not None:
            keyed_by[assignment.target] = current.kind(assignment.source)
    for target, source in keyed_by.items():
        # Different fixed texts chosen by the source: the variable follows the source.
        if len(values[target]) > 1 and out[target] < Kind.KEYED:
            chosen = Kind.KEYED if source >= Kind.KEYED else min(source, Kind.UNKNOWN)
            out[target] = max(out[target], chosen)
    return out


def _assignment_kind(assignment: Assignment, variables: Variables) -> Kind:
    kinds = variables.kinds
    if assignment.source is not None:
        source = variables.kind(assignment.source)
        carries_origin = source in (Kind.REFLECTED, Kind.VALIDATED)
        if source < Kind.KEYED:
            # A map from something else (the application's header, the method, the host):
            # its keys check nothing about the Origin.
            return value_kind(assignment.value, kinds, origin=Kind.REFLECTED)
        if assignment.key == "default" and carries_origin:
            # The default is what every origin the keys did not list gets.
            return value_kind(assignment.value, kinds, origin=Kind.REFLECTED)
        checked = value_kind(assignment.value, kinds, origin=Kind.VALIDATED)
        if any(name.isdigit() for name in names(assignment.value)):
            checked = max(checked, Kind.VALIDATED)  # a capture of the checked Origin
        return checked
    if any(variables.checks_origin(test) for test in assignment.tests):
        kind = value_kind(assignment.value, kinds, origin=Kind.VALIDATED)
        return max(kind, Kind.KEYED)
    return value_kind(assignment.value, kinds, origin=Kind.REFLECTED)


def _assignments(block: Directive, tests: tuple[tuple[str, ...], ...]) -> Iterator[Assignment]:
    for child in block.block or ():
        if child.name == "set" and len(child.args) == 2:
            yield Assignment(_name(child.args[0]), child.args[1], child, tests=tests)
        elif child.name == "map" and len(child.args) == 2:
            source, target = child.args[0], _name(child.args[1])
            for entry in _entries(child):
                yield Assignment(target, entry.args[0], entry, source=source, key=entry.name)
        elif child.name in ("geo", "split_clients") and child.args:
            target = _name(child.args[-1])
            for entry in _entries(child):
                # geo values are texts chosen by the client's address, not by its Origin.
                yield Assignment(target, entry.args[0], entry, source="$remote_addr")
        elif child.block is not None and child.name not in DEFINITIONS:
            inner = (*tests, child.args) if child.name == "if" else tests
            yield from _assignments(child, inner)


def _entries(block: Directive) -> Iterator[Directive]:
    for entry in block.block or ():
        if len(entry.args) == 1 and entry.name not in ("hostnames", "volatile", "include"):
            if block.name == "geo" and entry.name in ("ranges", "proxy", "delete"):
                continue
            yield entry


def _name(variable: str) -> str:
    return variable.lstrip("$").strip("{}")
