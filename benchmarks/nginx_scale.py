"""``corsguard audit`` on one nginx server with 20,000 and 60,000 locations, against ``nginx -t``.

Generates the configurations in a temporary directory (one server, CORS headers at server
level, every location proxied with a header of its own, so each one is a level the rules
visit), runs ``corsguard audit FILE`` in a child process, as a user would, and reports wall and
CPU seconds; then ``nginx -t`` on the same file when nginx is installed. The target is judged on
CPU seconds, since on a shared machine the wall time measures the other tenants too.

    .venv/bin/python -m benchmarks.nginx_scale [--sizes 20000 60000] [--runs 1]

The target: 60,000 locations audited in under 10 s on the project's 2-CPU machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
TARGET_SIZE = 60_000


def config(locations: int, root: Path) -> str:
    """One server with ``locations`` proxied locations; nginx -t accepts it as written."""
    lines = [
        f"pid {root / 'nginx.pid'};",
        "events {}",
        "http {",
        *(
            f"    {name}_temp_path {root / name};"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
        "    upstream app { server 127.0.0.1:8000; }",
        "    server {",
        "        listen 127.0.0.1:8080;",
        "        add_header Access-Control-Allow-Origin $http_origin always;",
        "        add_header Vary Origin always;",
    ]
    lines += [
        f"        location /p{i}/ {{ add_header X-Route r{i}; proxy_pass http://app; }}"
        for i in range(locations)
    ]
    lines += ["    }", "}", ""]
    return "\n".join(lines)


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) of the child, and its exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.nginx_scale", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, TARGET_SIZE])
    parser.add_argument("--runs", type=int, default=1, help="runs per size (median reported)")
    args = parser.parse_args(argv)
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    rows: list[str] = []
    met = True
    with tempfile.TemporaryDirectory(prefix="corsguard-nginx-scale-") as directory:
        root = Path(directory)
        for size in args.sizes:
            conf = root / f"nginx-{size}.conf"
            conf.write_text(config(size, root))
            print(f"{size:,} locations ({conf.stat().st_size / 1e6:.1f} MB):", file=sys.stderr)
            audit = [sys.executable, "-m", "corsguard", "audit", str(conf), "-o", os.devnull]
            runs = [timed(audit) for _ in range(args.runs)]
            if any(status not in (0, 1) for _, _, status in runs):
                print(f"  corsguard audit failed on {conf}", file=sys.stderr)
                return 2
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            reference = "nginx not installed"
            if nginx:
                command = [nginx, "-t", "-q", "-p", str(root), "-c", str(conf), "-e", "stderr"]
                checks = [timed(command) for _ in range(args.runs)]
                if any(status != 0 for _, _, status in checks):
                    reference = "nginx -t refused the configuration"
                else:
                    reference = (
                        f"{statistics.median(c[0] for c in checks):.1f} s wall, "
                        f"{statistics.median(c[1] for c in checks):.1f} s CPU"
                    )
            # The machine is shared: the CPU time is what the audit costs, the wall time what
            # the other tenants left of the machine.
            passed = cpu < TARGET_SECONDS if size == TARGET_SIZE else None
            met = met and passed is not False
            verdict = "n/a" if passed is None else "yes" if passed else "NO"
            target = f"< {TARGET_SECONDS:.0f} s CPU" if size == TARGET_SIZE else "information"
            rows.append(
                f"| {size:,} | {wall:.1f} s wall, {cpu:.1f} s CPU | {reference} | {target} "
                f"| {verdict} |"
            )
            print(f"  corsguard {wall:.1f} s, nginx -t {reference}", file=sys.stderr)
    print(f"Command: `python -m benchmarks.nginx_scale {' '.join(argv or sys.argv[1:])}`".rstrip())
    print()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average at the end "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}; median of {args.runs} run(s)."
    )
    print()
    print("| locations in one server | corsguard audit | nginx -t, same file | target | met |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
