"""Reports to render: real ones (the demo app, an nginx corpus case) and large synthetic ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from corsguard.audit import AuditResult, audit_target
from corsguard.codes import Severity
from corsguard.findings import Finding
from corsguard.report import Cell, Column, Report, TargetReport
from corsguard.report.html.audit import render as render_audit
from corsguard.report.html.check import render as render_check
from corsguard.report.html.scan import render as render_scan

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>'\"&"
VERDICTS = ("credentialed", "granted", "wildcard", "baseline", "refused", "error")
KINDS = ("baseline", "arbitrary", "null", "suffix", "prefix", "subdomain", "scheme", "port")


def check_document() -> dict[str, object]:
    """What ``corsguard check --format json`` says of the demo app's PUT with credentials."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "corsguard", "check", "/items", "--app", "examples.demo_app:app",
         "--origin", "https://app.example.com", "-X", "PUT", "-H", "Content-Type: application/json",
         "--credentials", "include", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    document: dict[str, object] = json.loads(out.stdout)
    return document


def check_page() -> str:
    return render_check(check_document())


def blocked_check_page() -> str:
    """A blocked exchange with a decisive header, cookies and a hostile server's values."""
    document = check_document()
    document.update(
        allowed=False,
        cors_error="AllowOriginMismatch",
        failed_parameter="access-control-allow-origin",
        console_message=f"blocked by CORS policy {HOSTILE}",
        cookies=[f"session=abc; SameSite=None; Secure {HOSTILE}"],
        findings=[
            Finding(
                "CG101", Severity.HIGH, f"the server reflects {HOSTILE}", "allow one origin"
            ).to_json()
        ],
    )
    return render_check(document)


def nginx_audit_page() -> str:
    case = ROOT / "tests/audit/nginx_corpus/constant-origin-credentials-proxy-no-always/nginx.conf"
    return render_audit(audit_target(str(case), probe=False))


def big_audit_page(count: int = 1000) -> str:
    codes = ("CG101", "CG102", "CG313", "CG201")
    findings = tuple(
        Finding(
            codes[i % len(codes)],
            Severity(i % 5),
            f"finding {i}: the server answers {HOSTILE} with a very long origin "
            f"https://tenant-{i}.customers.example.com",
            "allow only the origins you trust, listed one by one",
            location=f"deploy/site-{i % 25}.conf:{i + 1}",
        )
        for i in range(count)
    )
    return render_audit(AuditResult(f"deploy {HOSTILE}", "nginx", findings, files=("a", "b")))


def scan_report(endpoints: int = 12) -> Report:
    columns = tuple(
        Column(f"https://{kind}-{i}.app.example.com.attacker.example", "", kind)
        for i, kind in enumerate(KINDS * 3)
    )
    columns = tuple(Column(c.key, c.key, c.kind) for c in columns)
    targets = []
    for n in range(endpoints):
        findings: tuple[Finding, ...] = ()
        if n % 3 == 0:
            findings = (
                Finding(
                    "CG101",
                    Severity.CRITICAL if n % 2 else Severity.MEDIUM,
                    f"https://api.example.com/v1/resources/{n}: preflight reflects {HOSTILE}",
                    "list the origins you trust",
                    location=f"https://api.example.com/v1/resources/{n}",
                    evidence={
                        "class": "preflight-permissive",
                        "why": "preflights answer any origin",
                    },
                ),
            )
        cells = tuple(
            Cell(c.key, "refused" if n % 3 else VERDICTS[(n + i) % len(VERDICTS)], "status 200")
            for i, c in enumerate(columns)
        )
        targets.append(
            TargetReport(
                f"https://api.example.com/v1/resources/{n}/items", findings, None, cells, 40
            )
        )
    info = {"trusted_origins": ["https://app.example.com"], "requests": 183, "seconds": 0.524}
    return Report("corsguard scan", tuple(targets), columns, info)


def scan_page(endpoints: int = 12) -> str:
    return render_scan(scan_report(endpoints))
