"""envsubst templates: ``${NAME}`` placeholders filled in at deploy time.

The official nginx image renders ``/etc/nginx/templates/*.template`` with envsubst, substituting
only the environment variables that are defined, so nginx's own ``$host`` or ``$http_origin``
survive. A template is audited as written, its placeholders kept as symbols (nginx would read
``${NAME}`` as a variable reference too); ``--define NAME=value`` substitutes a placeholder as
the deployment would, in ``${NAME}`` and ``$NAME`` form.

A placeholder is a name in capitals: nginx's own variables are lower-case, and envsubst's
convention is upper-case. ``${NAME}`` counts in any file, ``$NAME`` only in a ``.template`` file,
and a name the configuration defines itself (``set``, ``map``, ``geo``) is no placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from corsguard.audit.nginx import Directive, walk

# The official image's suffix, and the ones hand-written entrypoints use with envsubst.
TEMPLATE_SUFFIXES = (".template", ".tpl", ".tmpl")

_BRACED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_BARE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PLACEHOLDER = re.compile(r"[A-Z_][A-Z0-9_]*")
# Directives whose argument defines a variable: "set $x", "map $src $x", "geo [$src] $x", ...
_DEFINING = {"set": 0, "map": 1, "geo": -1, "split_clients": 1, "perl_set": 0, "js_set": 0}


def is_template(path: str) -> bool:
    return path.endswith(TEMPLATE_SUFFIXES)


def other_template_language(text: str) -> bool:
    """Go (confd, consul-template) or Jinja templates: ``{{ ... }}``, ``{% ... %}``."""
    return "{{" in text or "{%" in text


def substitute(text: str, defines: Mapping[str, str]) -> str:
    """``text`` with every defined name replaced, as ``envsubst '$NAME ...'`` does."""
    if not defines or "$" not in text:
        return text

    def replace(found: re.Match[str]) -> str:
        return defines.get(found.group(1), found.group())

    return _BARE.sub(replace, _BRACED.sub(replace, text))


def drop_placeholder_statements(text: str) -> str:
    """``text`` with every line that is only a ``${NAME}`` placeholder, where a directive would
    start, blanked (the line kept, so line numbers hold).

    ``${ALLOW_CIDRS}`` alone on a line stands for whole directives the deployment writes in
    (``allow 10.1.0.0/16;``, or nothing): read as written it would be a directive named
    ``${ALLOW_CIDRS}`` swallowing the next line's, which no nginx module defines.
    """
    if "${" not in text:
        return text
    lines = text.split("\n")
    statement_start = True
    for index, line in enumerate(lines):
        code = line.split("#", 1)[0].strip()
        if not code:
            continue
        found = _BRACED.fullmatch(code)
        if statement_start and found and _PLACEHOLDER.fullmatch(found.group(1)):
            lines[index] = ""
            continue
        statement_start = code.endswith((";", "{", "}"))
    return "\n".join(lines)


def placeholders(text: str, *, template: bool) -> set[str]:
    """The placeholder names written in ``text`` (before nginx's own definitions are removed)."""
    if "$" not in text:
        return set()
    names = set(_BRACED.findall(text))
    if template:
        names.update(_BARE.findall(text))
    return {name for name in names if _PLACEHOLDER.fullmatch(name)}


def defined_variables(roots: Iterable[Directive]) -> set[str]:
    """Variables the configuration defines itself, which are not envsubst placeholders."""
    names: set[str] = set()
    for root in roots:
        for directive in walk(root):
            position = _DEFINING.get(directive.name)
            if position is None or not directive.args:
                continue
            if directive.name == "geo" and len(directive.args) == 1:
                position = 0
            try:
                names.add(directive.args[position].lstrip("$"))
            except IndexError:
                continue
    return names
