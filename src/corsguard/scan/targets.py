"""What to scan: URLs from arguments, files (``@file``, ``--input``), standard input, OpenAPI.

``--openapi`` expands each base URL to every path and method the API documents, because CORS
is often configured per route (a proxy ``location``, a mounted sub-app) and differs by method.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urljoin, urlsplit

from corsguard.scan.probes import parse_trusted
from corsguard.scan.runner import Target

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\{([^{}/]+)\}")


class TargetError(ValueError):
    """A target list or API description that cannot be used; the message says how to fix it."""


def normalize_url(value: str) -> str:
    text = value.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(
            f"{value!r}: not an http(s) URL; write it as https://api.example.com/path."
        )
    return text if parts.path else f"{text}/"


def read_lines(stream: TextIO) -> list[str]:
    """Lines of a URL list: one target per line, blank lines and ``#`` comments skipped."""
    return [line.strip() for line in stream if line.strip() and not line.lstrip().startswith("#")]


def collect_targets(
    args: Sequence[str], inputs: Sequence[str], stdin: TextIO, methods: tuple[str, ...]
) -> list[Target]:
    """Arguments in order: ``-`` reads standard input, ``@FILE`` reads a file; then ``inputs``.

    A line of a list may name the origins that URL trusts after it (``URL ORIGIN...``), for
    scans of many services that each trust different sites; they replace ``--origin`` there.
    """
    lines: list[str] = []
    for arg in [*args, *(f"@{path}" for path in inputs)]:
        if arg in ("-", "@-"):
            lines += read_lines(stdin)
        elif arg.startswith("@"):
            path = Path(arg[1:])
            try:
                with path.open(encoding="utf-8") as handle:
                    lines += read_lines(handle)
            except OSError as error:
                raise TargetError(f"{path}: cannot read the URL list: {error.strerror}.") from None
        else:
            lines.append(arg)
    targets: dict[str, Target] = {}
    for line in lines:
        url, *origins = line.split()
        trusted = tuple(parse_trusted(o) for o in origins) if origins else None
        target = Target(normalize_url(url), methods, trusted)
        targets.setdefault(target.url, target)
    return list(targets.values())


def parse_spec(text: str, where: str) -> Mapping[str, Any]:
    """An OpenAPI document, JSON or YAML."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        try:
            import yaml
        except ImportError:  # pragma: no cover - depends on the environment
            raise TargetError(
                f"{where}: YAML needs PyYAML; install the command-line extra: "
                "pip install 'corsguard[cli]'."
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise TargetError(f"{where}: neither JSON nor YAML: {error}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
        raise TargetError(
            f"{where}: not an OpenAPI document (no 'paths' object); pass the API's "
            "openapi.json or openapi.yaml."
        )
    return data


def spec_base_urls(spec: Mapping[str, Any], spec_url: str | None) -> list[str]:
    """Base URLs the document names: OpenAPI 3 ``servers`` or Swagger 2 ``host``/``basePath``."""
    bases: list[str] = []
    for server in spec.get("servers") or ():
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            url = server["url"]
            bases.append(urljoin(spec_url, url) if spec_url else url)
    if "host" in spec:
        schemes = spec.get("schemes") or ["https"]
        bases.append(f"{schemes[0]}://{spec['host']}{spec.get('basePath', '')}")
    return [b for b in bases if urlsplit(b).scheme in ("http", "https")]


def _example(parameter: Mapping[str, Any]) -> str:
    schema = parameter.get("schema") if isinstance(parameter.get("schema"), dict) else parameter
    for key in ("example", "default"):
        if key in parameter:
            return str(parameter[key])
        if isinstance(schema, dict) and key in schema:
            return str(schema[key])
    kind = schema.get("type") if isinstance(schema, dict) else None
    return "1" if kind in ("integer", "number") else "corsguard"


def _fill(path: str, item: Mapping[str, Any]) -> str:
    """Replace path templates with an example value, as a client of the API would."""
    examples: dict[str, str] = {}
    operations = [item] + [item[m] for m in HTTP_METHODS if isinstance(item.get(m), dict)]
    for operation in operations:
        for parameter in operation.get("parameters") or ():
            if isinstance(parameter, dict) and parameter.get("in") == "path":
                examples.setdefault(str(parameter.get("name")), _example(parameter))
    return _PARAMETER.sub(lambda m: examples.get(m.group(1), "1"), path)


def expand_spec(spec: Mapping[str, Any], bases: Iterable[str]) -> list[Target]:
    """One target per base URL and path, with the methods the path documents."""
    targets: list[Target] = []
    paths: Mapping[str, Any] = spec["paths"]
    for base in bases:
        root = base.rstrip("/")
        for path, item in paths.items():
            if not isinstance(item, dict) or not str(path).startswith("/"):
                continue
            methods = tuple(m.upper() for m in HTTP_METHODS if isinstance(item.get(m), dict))
            methods = tuple(m for m in methods if m not in ("OPTIONS", "TRACE")) or ("GET",)
            targets.append(Target(root + _fill(str(path), item), methods))
    return targets
