"""Read an nginx configuration into one tree of directives, includes inlined, each with file:line.

Parsing is done by ``nginx-crossplane`` (the maintained fork of nginxinc/crossplane, same
``crossplane`` import name and output shape). crossplane parses each included file separately
and links it from the ``include`` directive; the rules need the merged tree, because add_header
inheritance crosses file boundaries, so the includes are inlined here while every directive keeps
the file and line it came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAIN_FILE_NAMES = ("nginx.conf",)


class NginxUnavailable(RuntimeError):
    """The nginx extra is not installed."""


class NginxConfigError(ValueError):
    """The configuration cannot be read, does not parse, or is not an nginx configuration."""


@dataclass(frozen=True, slots=True)
class Directive:
    """One nginx directive; ``block`` is ``None`` for simple directives."""

    name: str
    args: tuple[str, ...]
    file: str
    line: int
    block: tuple[Directive, ...] | None = None

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    def children(self, name: str) -> Iterator[Directive]:
        for child in self.block or ():
            if child.name == name:
                yield child


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
class NginxConfig:
    """A parsed configuration: the top-level directives of each root file, and parse errors."""

    roots: tuple[Directive, ...]  # one synthetic "main" directive per root file
    errors: tuple[ParseError, ...]
    files: tuple[str, ...]


def load(path: str | os.PathLike[str]) -> NginxConfig:
    """Parse a file, or a directory (its nginx.conf, else every ``*.conf`` under it)."""
    crossplane = _crossplane()
    target = Path(path)
    if not target.exists():
        raise NginxConfigError(f"{target}: no such file or directory")
    if target.is_dir():
        main = next((target / n for n in MAIN_FILE_NAMES if (target / n).is_file()), None)
        candidates = [main] if main else sorted(target.rglob("*.conf"))
        if not candidates:
            raise NginxConfigError(f"{target}: no nginx.conf and no *.conf files in the directory")
    else:
        candidates = [target]

    roots: list[Directive] = []
    errors: list[ParseError] = []
    seen: set[str] = set()
    for candidate in candidates:
        name = str(candidate)
        if name in seen:
            continue
        # Files other than nginx.conf are often fragments (conf.d/*.conf holding server
        # blocks), so directive contexts are checked only for a main file; 'nginx -t' checks
        # the rest on the server.
        payload = crossplane.parse(
            name, catch_errors=True, check_ctx=candidate.name in MAIN_FILE_NAMES
        )
        configs: Sequence[Mapping[str, Any]] = payload.get("config", ())
        seen.update(str(c.get("file", "")) for c in configs)
        errors += [
            ParseError(
                file=str(error.get("file", name)),
                line=error.get("line"),
                message=str(error.get("error", "parse error")),
            )
            for error in payload.get("errors", ())
        ]
        if configs:
            top = _inline(configs, 0, stack=())
            roots.append(Directive("main", (), name, 0, top))
    syntax = [error for error in errors if not _unreadable_include(error)]
    if syntax:
        # Text nginx would refuse to load ('nginx -t' fails): nothing sound to audit. A missing
        # include only hides that file, and stays a finding (CG510).
        shown = "; ".join(f"{error.location}: {error.message}" for error in syntax[:5])
        more = f" (and {len(syntax) - 5} more)" if len(syntax) > 5 else ""
        raise NginxConfigError(f"{target}: cannot parse the nginx configuration: {shown}{more}")
    _refuse_foreign(target, roots, _known_directives(crossplane))
    return NginxConfig(tuple(roots), tuple(errors), tuple(sorted(seen)))


def _unreadable_include(error: ParseError) -> bool:
    # crossplane reports an include it cannot open with the OSError text: "[Errno 2] ...".
    return error.message.startswith("[Errno ")


def _known_directives(crossplane: Any) -> frozenset[str]:
    analyzer = getattr(crossplane, "analyzer", None)
    return frozenset(getattr(analyzer, "DIRECTIVES", {}))


def _refuse_foreign(target: Path, roots: list[Directive], known: frozenset[str]) -> None:
    """A file that is not nginx syntax (Python, TOML, Markdown) still "parses": refuse it."""
    if not known or not roots:
        return
    names = [d for root in roots for d in _all_directives(root)]
    odd = next((d for d in names if not _DIRECTIVE_NAME.fullmatch(d.name)), None)
    if odd is not None or not any(d.name in known for d in names):
        where = f" ({odd.location}: {odd.name[:40]!r} is no directive name)" if odd else ""
        raise NginxConfigError(
            f"{target}: not an nginx configuration{where}; give the nginx.conf, a file it "
            "includes, or the directory that holds them"
        )


_DIRECTIVE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# Blocks whose entries are table rows (a key and a value), not directives.
_TABLES = frozenset({"map", "geo", "types", "split_clients", "charset_map", "match"})


def _all_directives(directive: Directive) -> Iterator[Directive]:
    for child in directive.block or ():
        yield child
        if child.name not in _TABLES:
            yield from _all_directives(child)


def _inline(
    configs: Sequence[Mapping[str, Any]], index: int, *, stack: tuple[int, ...]
) -> tuple[Directive, ...]:
    if index in stack or index >= len(configs):  # include cycle: nginx itself would refuse it
        return ()
    config = configs[index]
    file = str(config.get("file", ""))
    return _convert(configs, config.get("parsed", ()), file, (*stack, index))


def _convert(
    configs: Sequence[Mapping[str, Any]],
    parsed: Sequence[Mapping[str, Any]],
    file: str,
    stack: tuple[int, ...],
) -> tuple[Directive, ...]:
    out: list[Directive] = []
    for item in parsed:
        name = str(item.get("directive", ""))
        if name == "#":
            continue
        if name == "include" and "includes" in item:
            for index in item["includes"]:
                out.extend(_inline(configs, int(index), stack=stack))
            continue
        block = item.get("block")
        out.append(
            Directive(
                name=name,
                args=tuple(str(a) for a in item.get("args", ())),
                file=file,
                line=int(item.get("line", 0)),
                block=None if block is None else _convert(configs, block, file, stack),
            )
        )
    return tuple(out)


def _crossplane() -> Any:
    try:
        import crossplane
    except ImportError:  # pragma: no cover - depends on the environment
        raise NginxUnavailable(
            "auditing nginx configuration needs the nginx extra: pip install 'corsguard[nginx]'"
        ) from None
    return crossplane
