"""``python -m tests.audit.nginx_corpus [CASE ...]``: score the audit on the corpus and print it."""

from __future__ import annotations

import sys

from tests.audit.nginx_corpus.measure import cases, measure, render


def main(argv: list[str]) -> int:
    selected = [c for c in cases() if not argv or c.name in argv]
    unknown = sorted(set(argv) - {c.name for c in selected})
    if unknown:
        print(f"no such case: {', '.join(unknown)}", file=sys.stderr)
        return 2
    sys.stdout.write(render(measure(selected)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
