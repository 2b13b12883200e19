"""One documentation page per code, rendered from the registry and the guides that cite it.

The site generator calls ``render_pages(docs_dir)`` at build time (``mkdocs.yml``'s hook), and
``python -m corsguard.codes --pages DIR`` writes the same pages as files. Each page says what
the code detects, why it matters, the fix, which commands report it, and quotes the examples
the guides in ``docs/`` give for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from corsguard.codes import Code, all_codes

# Pages live in docs/codes/<CODE>.md, so a guide docs/<name>.md is "../<name>.md" from there.
PAGES_DIR = "codes"
REFERENCE_PAGE = "codes.md"


@dataclass(frozen=True, slots=True)
class Reporter:
    """Which parts of corsguard report the codes of one registry group, and their guides."""

    summary: str
    guides: tuple[tuple[str, str], ...]  # (label, guide file in docs/)


# Keyed by the code's first three characters: the registry's groups.
REPORTERS = {
    "CG1": Reporter(
        "`CORSPolicy` refuses or warns about this setting when it is built, `CORSMiddleware` "
        "when the app starts, and `corsguard audit` when it finds it in an app's CORS settings.",
        (("the policy", "policy.md"), ("the middleware", "middleware.md"), ("audit", "audit.md")),
    ),
    "CG2": Reporter(
        "`corsguard check` names this cause when it explains a request's verdict.",
        (("check", "check.md"),),
    ),
    "CG3": Reporter(
        "`corsguard scan` reports this class when a probe origin proves it.",
        (("scan", "scan.md"),),
    ),
    "CG4": Reporter(
        "`corsguard audit module:attr` reports this in an ASGI app's CORS setup.",
        (("audit", "audit.md"),),
    ),
    "CG5": Reporter(
        "`corsguard audit nginx.conf` reports this in nginx configuration.",
        (("audit", "audit.md"),),
    ),
}

_FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#\s+(.+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Guide:
    """A hand-written page of docs/: its file name, title and text."""

    name: str
    title: str
    text: str

    @classmethod
    def read(cls, path: Path) -> Guide:
        text = path.read_text(encoding="utf-8")
        heading = _HEADING.search(text)
        # "corsguard check: what will the browser do..." -> "corsguard check", for link labels.
        title = heading[1].split(":")[0].strip() if heading else path.stem
        return cls(path.name, title, text)


def read_guides(docs_dir: Path) -> list[Guide]:
    """The guides that may cite codes: every top-level page but the generated reference."""
    return [
        Guide.read(path)
        for path in sorted(docs_dir.glob("*.md"))
        if path.name not in (REFERENCE_PAGE, "index.md")
    ]


def reference_anchor(entry: Code) -> str:
    """The anchor of the code's section in the reference page, as the site's TOC spells it."""
    return f"{entry.code}-{entry.name}".lower()


def _cites(text: str, code: str) -> bool:
    return re.search(rf"\b{code}\b", text) is not None


def _examples(entry: Code, guides: list[Guide]) -> list[str]:
    lines: list[str] = []
    for guide in guides:
        for block in _FENCE.finditer(guide.text):
            if _cites(block[0], entry.code):
                lines += [f"From [{guide.title}](../{guide.name}):", "", block[0], ""]
    return lines


def render_page(entry: Code, guides: list[Guide]) -> str:
    """The Markdown page of one code."""
    reporter = REPORTERS.get(entry.code[:3])
    lines = [
        f"# {entry.code} {entry.name}",
        "",
        f"**{entry.title[:1].upper()}{entry.title[1:]}.**",
        "",
        f"Severity: **{entry.severity}**",
        "",
        "## Why it matters",
        "",
        entry.why,
        "",
        "## The fix",
        "",
        entry.fix,
        "",
    ]
    examples = _examples(entry, guides)
    if examples:
        lines += ["## Examples", "", *examples]
    lines += ["## Reported by", ""]
    if reporter is not None:
        links = ", ".join(f"[{label}](../{page})" for label, page in reporter.guides)
        lines += [reporter.summary, "", f"Read more: {links}.", ""]
    cited = [g for g in guides if _cites(g.text, entry.code)]
    if cited:
        links = ", ".join(f"[{g.title}](../{g.name})" for g in cited)
        lines += [f"Mentioned in: {links}.", ""]
    lines += [
        f"All codes on one page: [the reference](../{REFERENCE_PAGE}#{reference_anchor(entry)}).",
        "",
    ]
    return "\n".join(lines)


def render_pages(docs_dir: Path) -> dict[str, str]:
    """Every code's page, keyed by its path inside the docs directory (``codes/CG101.md``)."""
    guides = read_guides(docs_dir)
    return {
        f"{PAGES_DIR}/{entry.code}.md": render_page(entry, guides) for entry in all_codes().values()
    }


def link_reference(markdown: str) -> str:
    """The reference page with a link under each code's heading to the code's own page."""
    return re.sub(
        r"^(### (CG\d{3}) .+)$",
        rf"\1\n\n[Page of \2]({PAGES_DIR}/\2.md)",
        markdown,
        flags=re.MULTILINE,
    )
