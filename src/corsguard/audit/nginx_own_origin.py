"""Servers whose CORS headers only ever grant the server's own origin.

A browser runs the CORS check only on a cross-origin request (Fetch, "main fetch": a request
whose origin is the URL's own gets a basic response, its Access-Control-* headers unread). A
server with one exact name whose every ``Access-Control-Allow-Origin`` is ``https://that-name``
grants nothing: its own pages never look at the headers, and every other origin is refused
whatever else the response carries. A duplicated header, a missing ``always`` or a header an
``if`` drops changes nothing a browser does there, so the level rules stay silent on such a
server (the headers are dead weight, not a hole).

A server with several names, a wildcard or regex name, or ``default_server`` (reached under any
Host) can be cross-origin to the origin it grants, and is audited as usual.
"""

from __future__ import annotations

import re

from corsguard.audit.nginx import Directive, walk

ACAO = "access-control-allow-origin"
_ORIGIN = re.compile(r"https?://(?P<host>[a-z0-9.-]+)(?::\d+)?", re.IGNORECASE)
_EXACT_NAME = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


def own_origin_servers(root: Directive) -> frozenset[int]:
    """The ids of the server blocks under ``root`` whose CORS grants only their own origin."""
    return frozenset(
        id(server)
        for server in walk(root)
        if server.name == "server" and server.block is not None and _grants_itself(server)
    )


def _grants_itself(server: Directive) -> bool:
    name = _only_name(server)
    if name is None:
        return False
    origins = _allow_origins(server)
    if not origins:
        return False
    for value in origins:
        found = _ORIGIN.fullmatch(value)
        if found is None or found.group("host").lower() != name:
            return False
    return True


def _only_name(server: Directive) -> str | None:
    """The server's one exact name, if it has exactly one and is not a default server."""
    names: list[str] = []
    for directive in server.block or ():
        if directive.name == "server_name":
            names += directive.args
        elif directive.name == "listen" and {"default_server", "default"} & set(directive.args):
            return None
    if len(names) != 1 or not _EXACT_NAME.fullmatch(names[0]):
        return None
    return names[0].lower()


def _allow_origins(server: Directive) -> list[str]:
    """Every Allow-Origin value written anywhere in the server (its includes inlined)."""
    values: list[str] = []
    for directive in walk(server):
        if directive.name == "add_header" and len(directive.args) >= 2:
            if directive.args[0].lower() == ACAO:
                values.append(directive.args[1])
        elif directive.name == "more_set_headers":
            for arg in directive.args:
                header, _, value = arg.partition(":")
                if header.strip().lower() == ACAO:
                    values.append(value.strip())
    return values
