"""Narratives as text: the one rule for turning bullet paragraphs into lines and back.

An Excel cell, the window's text box and the audit trail all hold a narrative
as text, one paragraph a line, bullets beginning "• ". This module is the only
place that knows that, so a narrative survives every round trip unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from fowdesk.domain.model import Paragraph

BULLET = "• "
#: How a bullet line may begin, as officers type them; "• " is how fowdesk writes one.
BULLET_MARKS = ("• ", "•", "- ", "* ", "· ")


def paragraphs_to_text(paragraphs: Iterable[Paragraph]) -> str:
    """One line per paragraph; bullets start with "• "."""
    return "\n".join((BULLET if p.bulleted else "") + p.text for p in paragraphs)


def paragraphs_from_text(text: str) -> list[Paragraph]:
    """Split text back into paragraphs: each non-blank line is one paragraph.

    A line starting with "•" (or "-", "*", "·" followed by a space, as officers
    type them) is a bullet; any other line is a plain paragraph.
    """
    paragraphs: list[Paragraph] = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        for mark in BULLET_MARKS:
            if line.startswith(mark):
                body = line[len(mark) :].strip()
                if body:
                    paragraphs.append(Paragraph(body, bulleted=True))
                break
        else:
            paragraphs.append(Paragraph(line, bulleted=False))
    return paragraphs
