"""Audit CORS before deploy: an ASGI app's setup (``module:attr``) or an nginx configuration.

from corsguard.audit import audit_target
result = audit_target("myproject.main:app")      # or "deploy/nginx.conf"
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from corsguard.app_loader import AppLoadError, config_error, is_app_target, load_app
from corsguard.audit.fix import FixSnippet
from corsguard.audit.nginx import LoadOptions, NginxConfigError, NginxUnavailable
from corsguard.findings import Finding
from corsguard.lifespan import LifespanError, LifespanMode
from corsguard.policy import ConfigError

TargetKind = Literal["app", "nginx"]


@dataclass(frozen=True)
class AuditResult:
    """What an audit found in one target, and for apps the corsguard configuration to use."""

    target: str
    kind: TargetKind
    findings: tuple[Finding, ...]
    fix: FixSnippet | None = None
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "kind": self.kind,
            "findings": [finding.to_json() for finding in self.findings],
            "fix": None if self.fix is None else self.fix.code,
            "files": list(self.files),
            "notes": list(self.notes),
        }


def audit_target(
    target: str,
    *,
    probe: bool = True,
    factory: bool = False,
    lifespan: LifespanMode = "auto",
    probe_unsafe: bool = False,
    nginx: LoadOptions | None = None,
) -> AuditResult:
    """Audit ``module:attr`` or an nginx config path (read with the ``nginx`` options).

    Raises one of ``AUDIT_ERRORS`` when the audit cannot start (the message has the fix).
    """
    if is_app_target(target) and not Path(target).exists():
        return audit_app_target(
            target, probe=probe, factory=factory, lifespan=lifespan, probe_unsafe=probe_unsafe
        )
    if _looks_like_module(target) and not Path(target).exists():
        raise AppLoadError(
            f"{target}: no such file or directory, and not an app reference either; to audit "
            f"an app write module:attribute, for example '{target}:app'."
        )
    return audit_nginx_target(target, nginx)


def _looks_like_module(target: str) -> bool:
    """``pkg.main`` (a module without ``:attr``), not ``nginx.conf`` or ``conf.d``."""
    parts = target.split(".")
    if not all(part.isidentifier() for part in parts):
        return False
    return not (len(parts) > 1 and parts[-1] in ("conf", "d", "nginx"))


def audit_app_target(
    target: str,
    *,
    probe: bool = True,
    factory: bool = False,
    lifespan: LifespanMode = "auto",
    probe_unsafe: bool = False,
) -> AuditResult:
    """Audit the app ``module:attr``: its setup, then (``probe``) its answers, in-process.

    The app's lifespan runs around the in-process requests (``lifespan``, as uvicorn's
    option); no handler for an unsafe method runs unless ``probe_unsafe``.
    """
    from corsguard.audit.app_rules import audit_app
    from corsguard.audit.fix import fix_for
    from corsguard.audit.introspect import introspect
    from corsguard.lifespan import running

    app = load_app(target, factory=factory)
    notes: list[str] = []
    if probe:
        from corsguard.audit.app_probe import probe_app

        try:
            with running(app, lifespan) as served:
                # After startup: routes an app adds while starting are there too.
                root = introspect(app)
                findings = audit_app(target, root)
                outcome = probe_app(target, served, root, probe_unsafe=probe_unsafe)
        except ConfigError as error:
            raise config_error(f"{target}: starting the app", error) from error
        findings += outcome.findings
        notes += outcome.notes
    else:
        root = introspect(app)
        findings = audit_app(target, root)
    module = sys.modules.get(target.partition(":")[0])
    findings = [_with_source(finding, module) for finding in findings]
    return AuditResult(
        target, "app", _ordered(findings), fix=fix_for(root, module), notes=tuple(notes)
    )


def audit_nginx_target(target: str, options: LoadOptions | None = None) -> AuditResult:
    """Audit an nginx file or directory: the loader's findings (includes, unknown directives)
    and the rules', in file order."""
    from corsguard.audit.nginx import load
    from corsguard.audit.nginx_rules import audit_nginx

    config = load(target, options)
    findings = sorted((*config.findings, *audit_nginx(config)), key=_file_order)
    return AuditResult(target, "nginx", tuple(findings), files=config.files, notes=config.notes)


def _file_order(finding: Finding) -> tuple[str, int, str]:
    file, _, line = finding.location.rpartition(":")
    return (file, int(line) if line.isdigit() else 0, finding.code)


def _with_source(finding: Finding, module: Any) -> Finding:
    """Give every app finding a ``file:line`` (evidence ``source``) for SARIF dashboards.

    Findings about the CORS setup point at the line that declares the CORS middleware in the
    app's module; the others at the module itself.
    """
    from corsguard.audit.introspect import cors_declaration, source_of

    if finding.evidence.get("source") or module is None:
        return finding
    source = cors_declaration(module) or source_of(module)
    if not source:
        return finding
    return replace(finding, evidence={**finding.evidence, "source": source})


def _ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    # Worst first, then in the order found (configuration before behaviour).
    indexed = sorted(enumerate(findings), key=lambda pair: (-pair[1].severity, pair[0]))
    return tuple(finding for _, finding in indexed)


# What stops an audit before it starts: a usage error for the command line (exit 2).
AUDIT_ERRORS = (AppLoadError, LifespanError, NginxConfigError, NginxUnavailable)

__all__ = [
    "AUDIT_ERRORS",
    "AppLoadError",
    "AuditResult",
    "LifespanError",
    "LoadOptions",
    "NginxConfigError",
    "NginxUnavailable",
    "audit_app_target",
    "audit_nginx_target",
    "audit_target",
]
