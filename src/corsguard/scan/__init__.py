"""The CORS misconfiguration scanner behind ``corsguard scan``.

Probes derive from the origins an API trusts (``probes``), go out as simple requests and
preflights with and without credentials (``requests``, ``runner``), and their answers are
classified (``classify``) and rated by what an attacker gains (``severity``).

from corsguard.scan import ScanOptions, Target, parse_trusted, scan

    results = scan([Target("https://api.example.com/me")], [parse_trusted("https://app.example.com")])
"""

from __future__ import annotations

from corsguard.scan.probes import Probe, Trusted, parse_trusted
from corsguard.scan.runner import ScanOptions, Target, TargetResult, scan, scan_async

__all__ = [
    "Probe",
    "ScanOptions",
    "Target",
    "TargetResult",
    "Trusted",
    "parse_trusted",
    "scan",
    "scan_async",
]
