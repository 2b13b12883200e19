"""Loading a configuration from a repository: root files, includes, templates, limits.

A file given is one root. A directory gives its nginx.conf files as roots, then every other
nginx file under it that no root includes (``conf.d`` fragments, ``sites-available`` sites,
templates); files that are not nginx syntax are skipped and listed in the notes. Each root's
includes are inlined (``nginx_includes`` says where they point), each file is read once
(``nginx_files`` refuses what is not a regular file or too large) and parsed once
(``nginx_syntax``).

Limits keep the load bounded in time and memory whatever the input: nesting (blocks and
includes together) stops at ``MAX_NESTING``, include chains at ``MAX_INCLUDE_DEPTH``, a cycle of
includes is refused (nginx itself crashes on one), and the inlined tree holds at most
``MAX_DIRECTIVES`` directives (a file included from every location multiplies).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corsguard.audit.nginx import (
    MAIN_FILE_NAMES,
    Directive,
    FileLevel,
    IncludeSite,
    LoadOptions,
    NginxConfig,
    NginxConfigError,
    ParseError,
    SourceFile,
    directive_contexts,
    known_directives,
    walk,
)
from corsguard.audit.nginx_files import FileBudget, check_regular, is_regular, read_start
from corsguard.audit.nginx_includes import IncludeResolver, Resolution, is_glob, is_stock
from corsguard.audit.nginx_syntax import MAX_NESTING, SyntaxProblem, parse
from corsguard.audit.nginx_templates import (
    TEMPLATE_SUFFIXES,
    defined_variables,
    drop_placeholder_statements,
    is_template,
    other_template_language,
    placeholders,
    substitute,
)
from corsguard.codes import Severity
from corsguard.codes import audit as codes
from corsguard.findings import Finding

MAX_INCLUDE_DEPTH = 32
MAX_DIRECTIVES = 1_000_000

# Blocks whose entries are table rows (a key and a value), not directives.
TABLES = frozenset({"map", "geo", "types", "split_clients", "charset_map", "match"})
# Files a directory audit reads besides *.conf: templates, and Debian's extension-less sites.
_SITE_DIRS = frozenset({"sites-available", "sites-enabled"})
# nginx-proxy's per-host snippets, named for the host they serve (``vhost.d/api.example.com``).
_VHOST_DIRS = frozenset({"vhost.d"})
# How much of an extension-less file is read to tell whether it is nginx configuration.
_SNIFF_BYTES = 65536
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})
# OpenResty's directives (lua-nginx-module): a file of only these is nginx configuration.
_OPENRESTY = re.compile(r"lua_[a-z0-9_]+|[a-z0-9_]+_by_lua(?:_block|_file)?")
_DIRECTIVE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LINE = re.compile(r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)(?:[ \t][^\n]*)?[;{]", re.M)

# nginx's context masks (ngx_conf_file.h, ngx_http_config.h), as crossplane spells them.
_MAIN, _HTTP, _SERVER, _SERVER_IF, _LOCATION, _LOCATION_IF = (
    0x00040000,
    0x02000000,
    0x04000000,
    0x20000000,
    0x08000000,
    0x40000000,
)
# A map or geo block with no template syntax ('{{') and no brace inside.
_PLAIN_DEFINITION = re.compile(r"^[ \t]*(?:map|geo)[ \t][^{};\n]*\{[^{}]*\}", re.M)
# NGX_CONF_BLOCK: the directive takes a { ... } block.
_BLOCK = 0x00000100
_LEVELS: tuple[FileLevel, ...] = ("location", "server", "http", "main")
# A file includes files of its own level or an inner one: read outer levels first.
_INCLUDERS_FIRST: dict[FileLevel, int] = {"main": 0, "http": 1, "server": 2, "location": 3}


@dataclass(frozen=True, slots=True)
class Expansion:
    """Directives with their includes inlined: how many in all, and how deeply nested."""

    directives: tuple[Directive, ...]
    size: int
    height: int


class Loader:
    """One load: the files read, what was found on the way, and the limits."""

    def __init__(self, options: LoadOptions) -> None:
        self.options = options
        self.budget = FileBudget()
        self.known = known_directives()
        self.parsed: dict[str, tuple[Directive, ...] | SyntaxProblem] = {}
        self.sites: dict[str, dict[IncludeSite, None]] = {}
        self.errors: list[ParseError] = []
        self.findings: list[Finding] = []
        self.notes: dict[str, None] = {}
        self.placeholders: set[str] = set()
        self.definitions: list[Directive] = []
        self.unknown: dict[str, list[Directive]] = {}
        self.missing: set[tuple[str, int]] = set()
        self.count = 0
        self.realpaths: dict[str, str] = {}
        self.expanded: dict[tuple[str, str], Expansion] = {}
        self.resolver = IncludeResolver(".", ".", ())

    # -- roots ------------------------------------------------------------------------------------

    def load(self, path: str) -> NginxConfig:
        try:
            info = os.stat(path)
        except OSError:
            raise NginxConfigError(f"{path}: no such file or directory") from None
        directory = os.path.isdir(path)
        if directory:
            candidates = list(_candidates(path, self.known))
            if not candidates:
                raise NginxConfigError(
                    f"{path}: no nginx.conf and no nginx files (*.conf, *.template, *.tpl) in "
                    "the directory"
                )
            audited = path
        else:
            check_regular(path, info.st_mode)
            candidates = [path]
            audited = os.path.dirname(os.path.abspath(path))
        prefix = self.options.prefix
        if prefix is not None and not os.path.isdir(prefix):
            raise NginxConfigError(f"--prefix {prefix}: no such directory")
        readable = (audited, prefix) if prefix else (audited,)

        roots: list[Directive] = []
        skipped: list[str] = []
        levels: dict[str, FileLevel] = {}
        found: list[tuple[str, tuple[Directive, ...], bool, FileLevel]] = []
        for candidate in candidates:
            if directory and not is_regular(candidate):
                skipped.append(f"{candidate} (not a regular file)")
                continue
            tree = self._root_tree(
                candidate,
                single=not directory,
                skipped=skipped,
                sniffed=directory and not _named(candidate),
            )
            if tree is None:
                continue
            main = _is_main(candidate)
            found.append((candidate, tree, main, "main" if main else self._level(tree)))
        # Files that include others first: a snippet next to the site that includes it is
        # audited where it is included, not a second time, out of context, as a fragment.
        found.sort(key=lambda item: (_INCLUDERS_FIRST[item[3]], not _includes(item[1])))
        mains = [os.path.dirname(os.path.abspath(f)) for f, _, main, _ in found if main]
        for candidate, tree, _, level in found:
            if self._real(candidate) in {self._real(f) for f in self.sites}:
                continue  # already inlined by a root read before
            levels[candidate] = level
            conf_prefix = (_nginx_root(candidate, mains) if directory else "") or audited
            self.resolver = IncludeResolver(prefix or conf_prefix, conf_prefix, readable)
            self.sites.setdefault(candidate, {})
            self.expanded.clear()  # includes resolve differently from another root
            top = self._expand(tree, level, 0, (candidate,)).directives
            roots.append(Directive("main", (), candidate, 0, top))
        # A file that is not nginx on its own (only OpenResty's directives) but that a root
        # includes was read there: it is no skipped file.
        read = {self._real(f) for f in self.sites}
        skipped = [s for s in skipped if self._real(s.rsplit(" (", 1)[0]) not in read]
        if skipped:
            self.notes["skipped, not nginx configuration: " + "; ".join(skipped)] = None
        if not roots:
            raise NginxConfigError(
                f"{path}: no nginx configuration found; skipped: {'; '.join(skipped)}"
            )
        self._report_unknown()
        sources = tuple(
            SourceFile(
                file,
                levels.get(file) or self._level(self._tree(file)),
                tuple(sites),
            )
            for file, sites in sorted(self.sites.items())
        )
        names = self.placeholders - defined_variables(roots)
        return NginxConfig(
            roots=tuple(roots),
            errors=tuple(self._distinct_errors()),
            files=tuple(sorted(self.sites)),
            sources=sources,
            findings=tuple(self.findings),
            notes=tuple(self.notes),
            placeholders=frozenset(names),
            definitions=tuple(self.definitions),
        )

    def _root_tree(
        self, candidate: str, *, single: bool, skipped: list[str], sniffed: bool = False
    ) -> tuple[Directive, ...] | None:
        """The file's directives, or None when it is skipped (and listed in ``skipped``).

        ``sniffed``: an extension-less file read because its first lines look like nginx; one
        that turns out not to be (a shell script full of ``if ...;``) is left out without a
        note or a syntax error, except in ``vhost.d``, which only holds nginx snippets.
        """
        text = self._read(candidate)
        if is_template(candidate) and other_template_language(text):
            if single:
                raise NginxConfigError(
                    f"{candidate}: a Go or Jinja template ({{{{ ... }}}}), not nginx syntax or "
                    "an envsubst template; render it first and audit the result"
                )
            skipped.append(f"{candidate} (a Go or Jinja template)")
            self.definitions += _template_definitions(text, candidate)
            return None
        try:
            tree = parse(text, candidate)
            _check_blocks(tree)
        except SyntaxProblem as problem:
            if sniffed and os.path.basename(os.path.dirname(candidate)) not in _VHOST_DIRS:
                return None
            if not _looks_like_nginx(text, self.known):
                if single:
                    raise _foreign(candidate, None) from None
                skipped.append(f"{candidate} (not nginx syntax)")
                return None
            if single:
                raise NginxConfigError(
                    f"{candidate}: cannot parse the nginx configuration: {problem}"
                ) from None
            self.errors.append(ParseError(problem.file, problem.line, problem.message))
            self.sites.setdefault(candidate, {})
            return None
        if not tree:
            if single:
                raise NginxConfigError(f"{candidate}: the file holds no nginx directive")
            skipped.append(f"{candidate} (empty)")
            return None
        nginx, odd = _nginx_syntax(tree, self.known)
        if not nginx:
            if sniffed:
                return None
            if single:
                raise _foreign(candidate, odd)
            skipped.append(f"{candidate} (not nginx syntax)")
            return None
        self.parsed[candidate] = tree
        return tree

    def _read(self, file: str) -> str:
        text = self.budget.read(file)
        template = is_template(file)
        text = substitute(text, self.options.defines)
        self.placeholders |= placeholders(text, template=template)
        return drop_placeholder_statements(text)

    def _distinct_errors(self) -> Iterator[ParseError]:
        """Each syntax error once: a fragment read in a directory and included by a site (under
        another spelling of its path) fails the same way twice."""
        seen: set[tuple[str, int | None, str]] = set()
        for error in self.errors:
            key = (self._real(error.file), error.line, error.message)
            if key not in seen:
                seen.add(key)
                yield error

    def _tree(self, file: str) -> tuple[Directive, ...]:
        """An included file's directives, parsed once; a syntax error is recorded once."""
        cached = self.parsed.get(file)
        if cached is None:
            try:
                cached = parse(self._read(file), file)
                _check_blocks(cached)
            except SyntaxProblem as problem:
                cached = problem
                self.errors.append(ParseError(problem.file, problem.line, problem.message))
            self.parsed[file] = cached
        return () if isinstance(cached, SyntaxProblem) else cached

    # -- includes ---------------------------------------------------------------------------------

    def _expand(
        self, block: tuple[Directive, ...], context: str, depth: int, stack: tuple[str, ...]
    ) -> Expansion:
        """``block`` with its includes inlined, and its size and height once inlined."""
        out: list[Directive] = []
        changed = False
        size = height = 0
        table = context in TABLES
        for directive in block:
            if directive.name == "include" and directive.block is None:
                for included in self._include(directive, context, depth, stack):
                    out.extend(included.directives)
                    size += included.size
                    height = max(height, included.height)
                changed = True
                continue
            self._count(directive, 1)
            size += 1
            unknown = not table and directive.name not in self.known
            if unknown:
                self.unknown.setdefault(directive.name, []).append(directive)
            if not directive.block or unknown:
                out.append(directive)
                continue
            if depth + 1 > MAX_NESTING:
                raise NginxConfigError(
                    f"{directive.location}: blocks nested more than {MAX_NESTING} levels deep "
                    "across includes; real configurations nest a few levels."
                )
            inner = self._expand(directive.block, directive.name, depth + 1, stack)
            size += inner.size
            height = max(height, inner.height + 1)
            if inner.directives is directive.block:
                out.append(directive)
            else:
                changed = True
                out.append(
                    Directive(
                        directive.name,
                        directive.args,
                        directive.file,
                        directive.line,
                        inner.directives,
                    )
                )
        return Expansion(tuple(out) if changed else block, size, height)

    def _count(self, directive: Directive, size: int) -> None:
        self.count += size
        if self.count > MAX_DIRECTIVES:
            raise NginxConfigError(
                f"{directive.location}: more than {MAX_DIRECTIVES:,} directives once the "
                "includes are inlined; audit one site's file at a time."
            )

    def _include(
        self, directive: Directive, context: str, depth: int, stack: tuple[str, ...]
    ) -> Iterator[Expansion]:
        if len(directive.args) != 1:
            self.errors.append(
                ParseError(
                    directive.file,
                    directive.line,
                    'invalid number of arguments in "include" directive',
                )
            )
            return
        if len(stack) > MAX_INCLUDE_DEPTH:
            raise NginxConfigError(
                f"{directive.location}: includes nested more than {MAX_INCLUDE_DEPTH} files "
                f"deep ({' -> '.join(stack[:3])} -> ...)."
            )
        resolution = self.resolver.resolve(directive.args[0])
        files = resolution.files
        if resolution.note:
            # A fallback by name must not find the file that includes it.
            files = tuple(f for f in files if f not in stack)
            if files and resolution.stand_in:
                self._missing(directive, resolution)
            elif files:
                note = f"{directive.location}: include {directive.args[0]}: {resolution.note}"
                self.notes[note] = None
        if not files:
            self._missing(directive, resolution)
            return
        site = IncludeSite(directive.file, directive.line, context)
        real_stack = [self._real(f) for f in stack]
        for file in files:
            real = self._real(file)
            if real in real_stack:
                chain = " -> ".join((*stack[real_stack.index(real) :], file))
                raise NginxConfigError(
                    f"{directive.location}: include {directive.args[0]} makes a cycle "
                    f"({chain}); nginx cannot load a configuration that includes itself."
                )
            self.sites.setdefault(file, {})[site] = None
            # A file's inlined contents depend only on the block it is included in: a file
            # included from every location is inlined once (a cycle through it would have been
            # found the first time).
            key = (real, context)
            done = self.expanded.get(key)
            if done is None:
                done = self._expand(self._tree(file), context, depth, (*stack, file))
                self.expanded[key] = done
            else:
                self._count(directive, done.size)
                if depth + done.height > MAX_NESTING:
                    raise NginxConfigError(
                        f"{directive.location}: blocks nested more than {MAX_NESTING} levels "
                        "deep across includes; real configurations nest a few levels."
                    )
            yield done

    def _real(self, file: str) -> str:
        real = self.realpaths.get(file)
        if real is None:
            real = self.realpaths[file] = os.path.realpath(file)
        return real

    def _missing(self, directive: Directive, resolution: Resolution) -> None:
        key = (directive.file, directive.line)
        if key in self.missing:  # one finding per include line, whatever includes its file
            return
        self.missing.add(key)
        argument = directive.args[0]
        code = codes.INCLUDE_NOT_FOUND
        if resolution.outside:
            problem = (
                f"include {argument} names a file outside the audited directory, and it is "
                "not read from the machine running the audit"
            )
        elif is_glob(argument):
            problem = (
                f"include {argument} matches no file (looked for {resolution.looked_for}); "
                "nginx accepts a glob that matches nothing without a word"
            )
        else:
            problem = f"include {argument}: no such file (looked for {resolution.looked_for})"
        stock = is_stock(argument)
        if stock:
            problem += "; a stock file nginx or certbot ships, which holds no CORS headers"
        elif resolution.stand_in:
            problem += f"; {resolution.note}"
        else:
            problem += ", so the rules did not see what it was meant to include"
        self.findings.append(
            Finding(
                code=code.code,
                severity=Severity.INFO if stock or resolution.stand_in else code.severity,
                message=problem,
                fix=code.fix,
                location=directive.location,
                evidence={"include": argument, "looked_for": resolution.looked_for},
            )
        )

    # -- what the loader reports ------------------------------------------------------------------

    def _report_unknown(self) -> None:
        code = codes.UNKNOWN_DIRECTIVE
        for name, seen in self.unknown.items():
            first = seen[0]
            kind = "block" if first.block is not None else "directive"
            more = f" (and {len(seen) - 1} more)" if len(seen) > 1 else ""
            self.findings.append(
                Finding(
                    code=code.code,
                    severity=code.severity,
                    message=f"'{name}' is no directive of nginx or its common modules (a "
                    f"third-party module?): this {kind}{more} was skipped, and CORS headers it "
                    "may set are not audited",
                    fix=code.fix,
                    location=first.location,
                    evidence={"directive": name, "locations": [d.location for d in seen]},
                )
            )

    def _level(self, tree: tuple[Directive, ...]) -> FileLevel:
        """The innermost level at which every top-level directive of a file is valid."""
        allowed = set(_LEVELS)
        for directive in tree:
            levels = _levels_of(directive.name)
            if levels:
                allowed &= levels
        return next((level for level in _LEVELS if level in allowed), "main")


def _levels_of(name: str) -> set[FileLevel]:
    if name == "location":  # nests in a location too, but a file of locations is a server body
        return {"server"}
    levels: set[FileLevel] = set()
    for mask in directive_contexts(name):
        if mask & _MAIN:
            levels.add("main")
        if mask & _HTTP:
            levels.add("http")
        if mask & (_SERVER | _SERVER_IF):
            levels.add("server")
        if mask & (_LOCATION | _LOCATION_IF):
            levels.add("location")
    return levels


def _candidates(directory: str, known: frozenset[str]) -> Iterator[str]:
    """nginx.conf files first, then the other nginx files, each group in path order.

    Besides ``*.conf`` and templates, a file without an extension (``default``, ``cors_support``,
    ``default_location``) or in nginx-proxy's ``vhost.d`` is read when its text is nginx
    directives: such files are included by name, and a Dockerfile or LICENSE next to them is
    not configuration, so those are left out without a note.
    """
    files: list[str] = []
    for current, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        base = os.path.basename(current)
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = os.path.join(current, name)
            named = _named(path)
            sniffed = "." not in name or base in _VHOST_DIRS
            if named or (sniffed and _sniffs_as_nginx(path, known)):
                files.append(path)
    yield from (f for f in files if _is_main(f))
    yield from (f for f in files if not _is_main(f))


def _named(path: str) -> bool:
    """A file whose name says it is nginx configuration (or a site of Debian's layout)."""
    name = os.path.basename(path)
    site = os.path.basename(os.path.dirname(path)) in _SITE_DIRS and "." not in name
    return site or name.endswith((".conf", *TEMPLATE_SUFFIXES))


def _sniffs_as_nginx(path: str, known: frozenset[str]) -> bool:
    """A file with no telling name whose first lines are nginx directives (not binary)."""
    start = read_start(path, _SNIFF_BYTES)
    if start is None or b"\0" in start:
        return False
    return _looks_like_nginx(start.decode("utf-8", errors="replace"), known)


def _nginx_root(file: str, mains: list[str]) -> str:
    """The directory deployed as nginx's prefix for ``file``: that of the nearest nginx.conf
    at or above it (``nginx/default`` next to ``nginx/nginx.conf`` includes
    ``/etc/nginx/cors.conf`` from ``nginx/``), else the file's own for a main file, else the
    audited directory's (the caller's default)."""
    here = os.path.dirname(os.path.abspath(file))
    above = [m for m in mains if here == m or here.startswith(m + os.sep)]
    return max(above, key=len) if above else here if _is_main(file) else ""


def _includes(tree: tuple[Directive, ...]) -> bool:
    return any(d.name == "include" for d in walk(Directive("main", (), "", 0, tree)))


def _is_main(path: str) -> bool:
    """nginx.conf, or a template rendered into it (nginx.conf.template)."""
    name = os.path.basename(path)
    for suffix in TEMPLATE_SUFFIXES:
        name = name.removesuffix(suffix)
    return name in MAIN_FILE_NAMES


def _looks_like_nginx(text: str, known: frozenset[str]) -> bool:
    """Most statement-like lines start with a known directive (for text that does not parse).

    The start of the file is enough to tell, and keeps the check fast on a huge file.
    """
    text = text[:65536]
    lines = [
        line
        for line in (raw.strip() for raw in text.splitlines())
        if line and not line.startswith(("#", "}", "{"))
    ]
    if not lines:
        return False
    directives = sum(1 for found in _LINE.finditer(text) if found.group(1) in known)
    return directives * 2 >= len(lines)


def _template_definitions(text: str, file: str) -> list[Directive]:
    """The ``map`` and ``geo`` blocks of a Go or Jinja template written without template
    syntax inside (the template renders them as they are), each at its own line."""
    found: list[Directive] = []
    for match in _PLAIN_DEFINITION.finditer(text):
        lines = "\n" * text.count("\n", 0, match.start())
        try:
            found += parse(lines + match.group(), file)
        except SyntaxProblem:
            continue
    return found


def _check_blocks(tree: tuple[Directive, ...]) -> None:
    """Refuse a block on a directive that takes none, and a block directive without one, as
    nginx does (``include a.conf`` missing its ';' before ``http {`` swallows the http block).

    Only directives nginx knows are checked, each by its context masks; ``server`` is both
    (an upstream's server takes no block, http's does), and unknown modules' blocks are theirs.
    """
    stack = list(tree)
    while stack:
        directive = stack.pop()
        masks = directive_contexts(directive.name)
        if masks and directive.name not in TABLES:
            takes = {bool(mask & _BLOCK) for mask in masks}
            if directive.block is not None and takes == {False}:
                raise SyntaxProblem(
                    directive.file,
                    directive.line,
                    f'directive "{directive.name}" is not terminated by ";" (it takes no block)',
                )
            if directive.block is None and takes == {True}:
                message = f'directive "{directive.name}" has no opening "{{"'
                raise SyntaxProblem(directive.file, directive.line, message)
            if directive.block:
                stack.extend(directive.block)  # a known block: its children are directives


def _nginx_syntax(
    tree: tuple[Directive, ...], known: frozenset[str]
) -> tuple[bool, Directive | None]:
    """Whether a file that parses is nginx's (Python or TOML can parse), and the odd name.

    A name that cannot be a directive's, or not one known directive, is another language.
    Table rows and the insides of unknown blocks are not directives, and are not looked at.
    """
    stack = list(tree)
    any_known = False
    while stack:
        directive = stack.pop()
        if not _DIRECTIVE_NAME.fullmatch(directive.name):
            return False, directive
        if directive.name in known or _OPENRESTY.fullmatch(directive.name):
            any_known = True
            if directive.block and directive.name not in TABLES:
                stack.extend(directive.block)
    return any_known, None


def _foreign(path: str, odd: Directive | None) -> NginxConfigError:
    where = f" ({odd.location}: {odd.name[:40]!r} is no directive name)" if odd else ""
    return NginxConfigError(
        f"{path}: not an nginx configuration{where}; give the nginx.conf, a file it includes, "
        "or the directory that holds them"
    )


__all__ = ["MAX_DIRECTIVES", "MAX_INCLUDE_DEPTH", "Loader"]
