"""Replace the vendored Public Suffix List with a newer copy.

    .venv/bin/pip download publicsuffixlist --no-deps -d /tmp/psl
    unzip -o /tmp/psl/publicsuffixlist-*.whl -d /tmp/psl/wheel
    python scripts/update_public_suffix_list.py \\
        /tmp/psl/wheel/publicsuffixlist/public_suffix_list.dat \\
        "the PyPI package publicsuffixlist 1.1.2.20261023"

The list keeps its own MPL-2.0 notice, VERSION and COMMIT lines; a short header saying where this
copy came from is put in front of it.
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "corsguard"
    / "policy"
    / "data"
    / "public_suffix_list.dat"
)
HEADER = """\
// corsguard vendors this copy of the Public Suffix List to refuse subdomain wildcards under
// public suffixes (https://*.github.io, https://*.co.uk). Source: the file
// {source_file} of {source},
// itself a copy of https://publicsuffix.org/list/public_suffix_list.dat at the VERSION and COMMIT
// stated below. The list is distributed under the Mozilla Public License 2.0 (notice below);
// it is unmodified apart from these six comment lines.
"""


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source_path, source = Path(argv[0]), argv[1]
    text = source_path.read_text(encoding="utf-8")
    if "// ===BEGIN PRIVATE DOMAINS===" not in text or "// VERSION:" not in text:
        print(f"{source_path}: not a complete Public Suffix List", file=sys.stderr)
        return 1
    source_file = "/".join(source_path.parts[-2:])
    TARGET.write_text(HEADER.format(source_file=source_file, source=source) + text, "utf-8")
    version = next(line for line in text.splitlines() if line.startswith("// VERSION:"))
    print(f"{TARGET}: updated to {version.removeprefix('// VERSION:').strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
