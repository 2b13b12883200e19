"""``corsguard audit TARGET``: CORS mistakes in an ASGI app's setup or an nginx configuration.

TARGET is ``module:attr`` (imported like uvicorn does) or a path to an nginx file or directory.
Exit codes as for ``scan``: 0 nothing at or above ``--fail-on``, 1 findings at or above it,
2 usage error (bad target, unreadable configuration), 3 network error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from corsguard.cli import exitcodes
from corsguard.cli.app_options import add_app_arguments
from corsguard.cli.colour import write_report
from corsguard.codes import Severity

FORMATS = ("text", "json", "sarif", "html")
DEFAULT_FAIL_ON = "low"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="audit an ASGI app (module:attr) or an nginx configuration before deploy",
        description=(
            "Find CORS mistakes before deploy: in an ASGI app's middleware setup (module:attr) "
            "or in the nginx configuration in front of it (a file or a directory)."
        ),
    )
    parser.add_argument("target", help="module:attr of an ASGI app, or an nginx config path")
    parser.add_argument(
        "--fix",
        action="store_true",
        help="print the equivalent corsguard configuration (apps) or the nginx fixes instead "
        "of the report; the summary still goes to stderr",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        default=DEFAULT_FAIL_ON,
        help="exit 1 when a finding is at or above this severity: "
        f"info, low, medium, high, critical (default: {DEFAULT_FAIL_ON})",
    )
    parser.add_argument(
        "--no-probe",
        action="store_true",
        help="apps: skip the in-process requests (browser model and scan) and report the "
        "configuration rules only",
    )
    parser.add_argument(
        "--probe-unsafe",
        action="store_true",
        help="apps: also send the actual POST, PUT, PATCH, DELETE (any method but GET, HEAD and "
        "OPTIONS) requests, which RUN THEIR HANDLERS against the app's real database and "
        "services; use only on a disposable environment. Without it those routes are checked "
        "by their preflight only",
    )
    add_app_arguments(parser, scope="apps: ")
    parser.add_argument(
        "--prefix",
        metavar="DIR",
        help="nginx: the repository directory deployed as /etc/nginx; absolute includes under "
        "/etc/nginx (and nginx's built-in prefixes) and relative includes are read from it "
        "(default: the audited directory, or the audited file's directory)",
    )
    parser.add_argument(
        "--define",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="nginx: substitute an envsubst template variable (${NAME} and $NAME) as the "
        "deployment would; repeatable",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from corsguard.audit import AUDIT_ERRORS, LoadOptions, audit_target

    try:
        threshold = Severity.parse(args.fail_on)
    except ValueError as error:
        print(f"corsguard audit: --fail-on: {error}", file=sys.stderr)
        return exitcodes.USAGE
    if args.fix and args.format != "text":
        print(
            f"corsguard audit: --fix prints code to paste, not a {args.format} report; drop "
            "--fix for the report, or drop --format for the fix",
            file=sys.stderr,
        )
        return exitcodes.USAGE
    defines: dict[str, str] = {}
    for definition in args.define:
        name, equals, value = definition.partition("=")
        if not equals or not name.isidentifier():
            print(
                f"corsguard audit: --define {definition}: write NAME=VALUE, for example "
                "--define API_ORIGIN=https://app.example.com",
                file=sys.stderr,
            )
            return exitcodes.USAGE
        defines[name] = value
    nginx = LoadOptions(prefix=args.prefix, defines=defines)
    try:
        result = audit_target(
            args.target,
            probe=not args.no_probe,
            factory=args.factory,
            lifespan=args.lifespan,
            probe_unsafe=args.probe_unsafe,
            nginx=nginx,
        )
    except AUDIT_ERRORS as error:
        print(f"corsguard audit: {error}", file=sys.stderr)
        return exitcodes.USAGE

    if args.fix:
        report = _fix_text(result)
    else:
        from corsguard.audit.output import render

        report = render(result, args.format)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(report)
        except OSError as error:
            print(
                f"corsguard audit: cannot write {args.output}: {error.strerror or error}",
                file=sys.stderr,
            )
            return exitcodes.USAGE
    elif args.fix or args.format != "text":
        sys.stdout.write(report)
    else:
        write_report(report)

    failing = [f for f in result.findings if f.severity >= threshold]
    print(_summary(result.findings, failing, threshold), file=sys.stderr)
    return exitcodes.FAILED if failing else exitcodes.OK


def _fix_text(result: Any) -> str:
    if result.fix is not None:
        return str(result.fix.code)
    lines: list[str] = []
    for finding in result.findings:
        extra = finding.evidence.get("fix_lines")
        lines.append(f"# {finding.location}: {finding.code} {finding.fix}")
        if isinstance(extra, list):
            lines += [str(line) for line in extra]
    return "\n".join(lines) + ("\n" if lines else "")


def _summary(findings: Any, failing: list[Any], threshold: Severity) -> str:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[str(finding.severity)] = counts.get(str(finding.severity), 0) + 1
    parts = ", ".join(
        f"{n} {s}" for s, n in sorted(counts.items(), key=lambda i: -Severity[i[0].upper()])
    )
    verdict = (
        f"{len(failing)} at or above {threshold}" if failing else f"none at or above {threshold}"
    )
    return f"corsguard audit: {len(findings)} finding(s) ({parts or 'none'}); {verdict}"
