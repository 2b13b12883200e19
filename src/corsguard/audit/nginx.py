"""The loaded nginx configuration: one tree of directives per root file, includes inlined.

The rules need the merged tree, because add_header inheritance crosses file boundaries, so every
``include`` is replaced by the directives of the files it names, while every directive keeps the
file and line it came from. How a configuration is read (from the audited repository, never
from the machine running the audit) is ``nginx_loader``'s business; this module holds the model
the rules work on, and ``load``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from corsguard.findings import Finding

MAIN_FILE_NAMES = ("nginx.conf",)
# The level a file's top-level directives belong to (see SourceFile.level).
FileLevel = Literal["main", "http", "server", "location"]


class NginxUnavailable(RuntimeError):
    """The nginx extra is not installed."""


class NginxConfigError(ValueError):
    """The configuration cannot be read, does not parse, or is not an nginx configuration."""


@dataclass(frozen=True, slots=True)
class Directive:
    """One nginx directive; ``block`` is ``None`` for simple directives.

    ``file`` and ``line`` are where the directive is written; a directive from an included file
    keeps its own file and line. ``children(name)`` is indexed (built on first use), so looking
    a setting up in a server with 60,000 locations does not rescan them.
    """

    name: str
    args: tuple[str, ...]
    file: str
    line: int
    block: tuple[Directive, ...] | None = None
    _index: dict[str, tuple[Directive, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    def children(self, name: str) -> Iterator[Directive]:
        """The directives named ``name`` directly in this block, in order."""
        index = self._index
        if index is None:
            if not self.block:
                return iter(())
            lists: dict[str, list[Directive]] = {}
            for child in self.block:
                lists.setdefault(child.name, []).append(child)
            index = {name: tuple(found) for name, found in lists.items()}
            object.__setattr__(self, "_index", index)
        return iter(index.get(name, ()))


@dataclass(frozen=True, slots=True)
class ParseError:
    """An error crossplane reported; the rest of the file was still parsed."""

    file: str
    line: int | None
    message: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class IncludeSite:
    """An ``include`` that pulls a file in: where it is written, and the block it is in.

    ``context`` is the name of the enclosing block ("main" at the top of a main file; "http",
    "server", "location", "if", "upstream", ...), or for the top of a root fragment, the level
    that fragment was read at.
    """

    file: str
    line: int
    context: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file read for the configuration, and how it is used.

    ``sites`` are the include lines that pull it in (empty for a root file, the file audited or
    found in the audited directory). ``level`` is the level its top-level directives belong to,
    judged from the directives themselves: "main" (events, http), "http" (server, upstream,
    map), "server" (listen, server_name, location) or "location" (only directives valid in a
    location, such as add_header and proxy_pass: a snippet meant for inclusion in a location).
    A root file of level "location" or "server" is a fragment: the rules audit its top level as
    such a block body.
    """

    path: str
    level: FileLevel
    sites: tuple[IncludeSite, ...] = ()


@dataclass(frozen=True, slots=True)
class NginxConfig:
    """A loaded configuration: the top-level directives of each root file, and what came up.

    ``roots`` holds one synthetic "main" directive per root file, whose block is that file's
    top level with every include inlined. ``errors`` are syntax errors in included files (that
    file's contents are missing from the tree; a syntax error in a root file stops the load).
    ``findings`` are the loader's own findings (missing includes, directives of unknown modules
    that were skipped), ``notes`` what the loader decided that a reader should know (files
    skipped in a directory, includes found by name). ``placeholders`` are envsubst template
    variables (``${NAME}``) left symbolic: their value is set at deploy time, not by nginx.
    """

    roots: tuple[Directive, ...]
    errors: tuple[ParseError, ...]
    files: tuple[str, ...]
    sources: tuple[SourceFile, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    placeholders: frozenset[str] = frozenset()
    # map and geo blocks read from a Go template the directory audit skipped (nginx-proxy's
    # nginx.tmpl defines the variables its vhost.d snippets use): they resolve variables only.
    definitions: tuple[Directive, ...] = ()

    def source(self, path: str) -> SourceFile | None:
        """How the file ``path`` (as in ``Directive.file``) is used, if it was read."""
        return next((s for s in self.sources if s.path == path), None)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to read a configuration that comes from a repository, not from this machine.

    ``prefix`` is the directory that stands for nginx's own directory (``/etc/nginx`` and the
    prefixes nginx is built with): includes under those paths, and relative includes, are read
    from there. Without it, the audited directory (or the audited file's directory) is used.
    ``defines`` substitutes envsubst template variables (``${NAME}`` and ``$NAME``), as the
    deployment would.
    """

    prefix: str | None = None
    defines: Mapping[str, str] = field(default_factory=dict)


def load(path: str | os.PathLike[str], options: LoadOptions | None = None) -> NginxConfig:
    """Read a file, or a directory (its nginx.conf, else every nginx file under it).

    Raises ``NginxConfigError`` with the file (and line) when the configuration cannot be
    audited: a syntax error in the file given, not nginx syntax, not a regular file, too
    large, nested too deep, or includes that make a cycle.
    """
    from corsguard.audit.nginx_loader import Loader

    return Loader(options or LoadOptions()).load(os.fspath(path))


def known_directives() -> frozenset[str]:
    """Directive names of nginx and its common modules, as ``nginx-crossplane`` lists them,
    and the third-party directives the audit reads itself."""
    analyzer = getattr(_crossplane(), "analyzer", None)
    return frozenset(getattr(analyzer, "DIRECTIVES", {})) | _NEWER_DIRECTIVES | AUDITED_MODULES


# Third-party directives the rules judge: headers-more's more_set_headers replaces a header,
# the application's included, so it is read like add_header rather than skipped.
AUDITED_MODULES = frozenset(["more_set_headers"])


def directive_contexts(name: str) -> tuple[int, ...]:
    """nginx's context bit masks for a directive (``NGX_HTTP_LOC_CONF`` ...), if known."""
    analyzer = getattr(_crossplane(), "analyzer", None)
    masks = getattr(analyzer, "DIRECTIVES", {}).get(name, ())
    return tuple(int(mask) for mask in masks)


# Directives of nginx's own modules (1.19 and later, njs, HTTP/3) that the crossplane release
# this depends on does not list yet.
_NEWER_DIRECTIVES = frozenset(
    [
        "add_header_inherit",
        "add_trailer_inherit",
        "auth_delay",
        "early_hints",
        "grpc_ssl_conf_command",
        "http3",
        "http3_hq",
        "http3_max_concurrent_streams",
        "http3_stream_buffer_size",
        "js_body_filter",
        "js_engine",
        "js_fetch_trusted_certificate",
        "js_header_filter",
        "js_import",
        "js_periodic",
        "js_preload_object",
        "js_shared_dict_zone",
        "js_var",
        "keepalive_time",
        "mp4_start_key_frame",
        "proxy_half_close",
        "proxy_pass_trailers",
        "proxy_ssl_conf_command",
        "quic_active_connection_id_limit",
        "quic_bpf",
        "quic_gso",
        "quic_host_key",
        "quic_retry",
        "ssl_alpn",
        "ssl_certificate_cache",
        "ssl_conf_command",
        "ssl_key_log",
        "ssl_object_cache_inheritable",
        "ssl_ocsp",
        "ssl_ocsp_cache",
        "ssl_ocsp_responder",
        "ssl_reject_handshake",
        "uwsgi_ssl_conf_command",
    ]
)


def _crossplane() -> Any:
    try:
        import crossplane
    except ImportError:  # pragma: no cover - depends on the environment
        raise NginxUnavailable(
            "auditing nginx configuration needs the nginx extra: pip install 'corsguard[nginx]'"
        ) from None
    return crossplane


def walk(directive: Directive) -> Iterator[Directive]:
    """Every directive under ``directive``, depth first, without recursion."""
    stack = list(reversed(directive.block or ()))
    while stack:
        current = stack.pop()
        yield current
        if current.block:
            stack.extend(reversed(current.block))
