"""Text for people: targets, then each finding with why, the exploit in one line, and the fix."""

from __future__ import annotations

import textwrap

from corsguard.report.model import Report, class_of

WIDTH = 100


def _wrap(label: str, text: str) -> list[str]:
    prefix = f"    {label:<8} "
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=prefix,
        subsequent_indent=" " * len(prefix),
        break_on_hyphens=False,
        break_long_words=False,
    ) or [prefix.rstrip()]


class TextFormatter:
    name = "text"

    def render(self, report: Report) -> str:
        lines: list[str] = []
        for target in report.targets:
            lines.append(target.target)
            if target.error:
                lines.append(f"  error: {target.error}")
            if not target.findings and not target.error:
                lines.append("  no findings")
            for finding in target.findings:
                name = class_of(finding)
                lines.append(f"  {str(finding.severity).upper():<8} {name} ({finding.code})")
                lines += _wrap("", finding.message)
                why = finding.evidence.get("why")
                if isinstance(why, str):
                    lines += _wrap("why:", why)
                exploit = finding.evidence.get("exploit")
                if isinstance(exploit, str):
                    lines += _wrap("exploit:", exploit)
                also = finding.evidence.get("also_granted_count")
                if isinstance(also, int):
                    origins = "origin" if also == 1 else "origins"
                    lines += _wrap("also:", f"{also} more probe {origins} granted by the same rule")
                lines += _wrap("fix:", finding.fix)
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


FORMATTER = TextFormatter()
