"""MkDocs hook: one page per code, generated from the registry at build time, never committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from corsguard.codes.pages import REFERENCE_PAGE, link_reference, render_pages


def on_files(files: Files, config: Any) -> Files:
    for src_uri, text in render_pages(Path(config["docs_dir"])).items():
        files.append(File.generated(config, src_uri, content=text))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri == REFERENCE_PAGE:
        return link_reference(markdown)
    return markdown
