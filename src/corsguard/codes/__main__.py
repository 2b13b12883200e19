"""Print the reference of every code as Markdown: ``python -m corsguard.codes > docs/codes.md``."""

from __future__ import annotations

from corsguard.codes import render_markdown

print(render_markdown(), end="")
