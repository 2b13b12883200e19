"""Where an ``include`` points, in the audited repository rather than on this machine.

nginx resolves a relative include against its configuration prefix, the directory of the main
nginx.conf (``nginx -c``), not against the including file; an absolute include names a path on
the server. A repository holds those files somewhere else: ``/etc/nginx`` (and the prefixes
nginx is built with) stands for the repository's nginx directory, given with ``--prefix`` or,
by default, the audited directory. Nothing outside the audited directories is read, so the
machine running the audit never leaks its own ``/etc/nginx/sites-enabled`` into the result.

When the mapped path does not exist, two layouts common in Docker deployments are tried, each
reported as a note: the official image's templates (``templates/X.conf.template`` is rendered to
``conf.d/X.conf``), and files copied in by name (``COPY cors.conf /etc/nginx/snippets/``): the
include's trailing path components, found under the repository's nginx directory.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass

from corsguard.audit.nginx_templates import TEMPLATE_SUFFIXES

# /etc/nginx for distribution packages and the official image, then the prefixes nginx and
# OpenResty are built with; longest first, so /usr/local/nginx/conf wins over /usr/local/nginx.
NGINX_PREFIXES = (
    "/usr/local/openresty/nginx/conf",
    "/usr/local/nginx/conf",
    "/usr/local/etc/nginx",
    "/usr/local/openresty",
    "/usr/local/nginx",
    "/usr/share/nginx",
    "/etc/openresty",
    "/opt/nginx/conf",
    "/etc/nginx",
)

# Files nginx, Debian's package and certbot ship: missing from a repository, they hide nothing
# CORS-related, so a missing one is information, not a gap in the audit.
STOCK_FILES = frozenset(
    {
        "mime.types",
        "fastcgi.conf",
        "koi-utf",
        "koi-win",
        "win-utf",
        "options-ssl-nginx.conf",
        "ssl-dhparams.pem",
        "fastcgi-php.conf",
        "snakeoil.conf",
    }
)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What an include names in the repository: the files, or why there are none."""

    files: tuple[str, ...]
    looked_for: str  # the path (or pattern) in the repository, or the original if outside
    outside: bool = False  # an absolute path that is not under the audited directories
    note: str = ""  # how the files were found, when not at the mapped path
    # The files stand in for what the deployment decides (sites-available for the links it
    # makes in sites-enabled): read, and the include still reported as matching nothing.
    stand_in: bool = False


def is_glob(pattern: str) -> bool:
    return glob.has_magic(pattern)


def is_stock(pattern: str) -> bool:
    """A file nginx or certbot ships, or a glob of Debian's dynamic-module snippets."""
    name = pattern.replace("\\", "/").rsplit("/", 1)[-1]
    return (
        name in STOCK_FILES
        or name.endswith("_params")
        or "/modules-enabled/" in pattern
        or "/modules/" in pattern
    )


class IncludeResolver:
    """Resolves include arguments for one root file.

    ``nginx_dir`` is the repository directory standing for /etc/nginx; ``conf_prefix`` is the
    directory relative includes are resolved against (the main file's directory, as nginx
    does with ``-c``); ``readable`` are the directories files may be read from.
    """

    def __init__(self, nginx_dir: str, conf_prefix: str, readable: tuple[str, ...]) -> None:
        self.nginx_dir = os.path.realpath(nginx_dir)
        self.conf_prefix = os.path.realpath(conf_prefix)
        self.readable = tuple(dict.fromkeys(os.path.realpath(d) for d in readable))
        self._cache: dict[str, Resolution] = {}

    def resolve(self, argument: str) -> Resolution:
        """The files ``include argument`` reads, in nginx's order (a glob's matches sorted)."""
        found = self._cache.get(argument)
        if found is None:
            found = self._cache[argument] = self._resolve(argument)
        return found

    def _resolve(self, argument: str) -> Resolution:
        if not os.path.isabs(argument):
            return self._find(os.path.join(self.conf_prefix, argument), argument)
        path = os.path.normpath(argument)
        if self._inside(path):
            return self._find(path, argument)
        mapped = self._map(path)
        if mapped is not None:
            return self._find(mapped, argument)
        found = self._by_name(path)
        if found is not None:
            return found
        return Resolution((), argument, outside=True)

    def _find(self, candidate: str, argument: str) -> Resolution:
        files = self._matches(candidate)
        if files:
            return Resolution(files, candidate)
        for fallback in (
            self._template(candidate),
            self._sites_available(candidate),
            self._by_name(candidate),
        ):
            if fallback is not None:
                return fallback
        return Resolution((), candidate)

    def _map(self, path: str) -> str | None:
        """An absolute path under nginx's directory, in the repository's nginx directory."""
        for prefix in NGINX_PREFIXES:
            if path == prefix or path.startswith(prefix + "/"):
                return os.path.join(self.nginx_dir, os.path.relpath(path, prefix))
        return None

    def _contained(self, path: str) -> str | None:
        """``path`` if it may be read; a link to /etc/nginx/... (Debian's sites-enabled links,
        committed as they are on the server) is followed into the repository instead."""
        if self._inside(os.path.realpath(path)):
            return path
        if os.path.islink(path):
            target = os.readlink(path)
            mapped = self._map(os.path.normpath(target)) if os.path.isabs(target) else None
            if mapped is not None and self._inside(os.path.realpath(mapped)):
                return mapped if os.path.lexists(mapped) else None
        return None

    def _matches(self, candidate: str) -> tuple[str, ...]:
        if is_glob(os.path.basename(candidate)) or is_glob(os.path.dirname(candidate)):
            # nginx expands with glob(3): sorted, dotfiles not matched by '*'.
            head, tail = self._split_literal(candidate)
            found = sorted(glob.glob(os.path.join(glob.escape(head), tail)))
        else:
            found = [candidate] if os.path.lexists(candidate) else []
        # A glob matching a directory would make nginx fail reading it: only files count.
        contained = (self._contained(path) for path in found)
        return tuple(path for path in contained if path is not None and not os.path.isdir(path))

    def _split_literal(self, candidate: str) -> tuple[str, str]:
        # The directories already known (the repository's) may hold glob characters themselves.
        for base in (self.conf_prefix, self.nginx_dir, *self.readable):
            if candidate.startswith(base + "/"):
                return base, candidate[len(base) + 1 :]
        return "/", candidate.lstrip("/")

    def _template(self, candidate: str) -> Resolution | None:
        """The template rendered into ``candidate`` at start: X.template next to it, or the
        official image's templates/X.template for conf.d/X."""
        sources = [candidate + suffix for suffix in TEMPLATE_SUFFIXES]
        conf_d = os.path.join(self.nginx_dir, "conf.d")
        if candidate.startswith(conf_d + "/"):
            rendered = os.path.join(self.nginx_dir, "templates", candidate[len(conf_d) + 1 :])
            sources.append(rendered + ".template")
        for source in sources:
            files = self._matches(source)
            if files:
                names = ", ".join(os.path.relpath(f, self.nginx_dir) for f in files)
                return Resolution(
                    files,
                    source,
                    note=f"read the envsubst template(s) {names}, rendered into this path "
                    "when the container starts",
                )
        return None

    def _sites_available(self, candidate: str) -> Resolution | None:
        """Debian's layout: sites-enabled holds links into sites-available, made on the server
        (or the Dockerfile copies sites-available there)."""
        enabled = os.path.join(self.nginx_dir, "sites-enabled")
        available = os.path.join(self.nginx_dir, "sites-available")
        if not candidate.startswith(enabled + "/") or os.path.isdir(enabled):
            return None
        source = available + candidate[len(enabled) :]
        files = self._matches(source)
        if not files:
            return None
        return Resolution(
            files,
            candidate,
            note="the repository has no sites-enabled/ (its links are made at deploy time), so "
            "every site of sites-available/ was read in its place",
            stand_in=True,
        )

    def _by_name(self, path: str) -> Resolution | None:
        """The include's trailing components, found under the repository's nginx directory.

        Only for a single file: a glob's trailing components (``*``) match anything.
        """
        if is_glob(path):
            return None
        parts = [p for p in path.split("/") if p]
        base = self.nginx_dir
        if path.startswith(base + "/"):
            parts = parts[len([p for p in base.split("/") if p]) :]
        for start in range(1, len(parts)):
            candidate = os.path.join(self.nginx_dir, *parts[start:])
            files = self._matches(candidate)
            if files:
                names = ", ".join(os.path.relpath(f, self.nginx_dir) for f in files)
                return Resolution(
                    files, candidate, note=f"found by name in the repository: {names}"
                )
        return None

    def _inside(self, path: str) -> bool:
        return any(path == d or path.startswith(d.rstrip("/") + "/") for d in self.readable)
