"""Text as the window shows it in a tight place."""

from __future__ import annotations

from fowdesk.domain.rag import RagResult


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with "…" when anything is cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ;,–-") + "…"


def spoken_rag(result: RagResult) -> str:
    """RAG as words for a screen reader: "Red – overdue by more than 30 days: …"."""
    override = " (override)" if result.overridden else ""
    reason = result.reason[:1].lower() + result.reason[1:]
    return f"{result.rag.label}{override} – {reason}"


def sentence(message: str) -> str:
    """A message as the window shows it: starting with a capital, as a sentence does.

    The command line prints messages as ``fowdesk: error: …`` in lower case;
    the window capitalises the first word unless it is a file name, a path or
    a code that must keep its case ("minutes.db", "./returns", "rag_override").
    """
    first = message.split(" ", 1)[0]
    if not first[:1].islower() or any(mark in first for mark in "./\\_@"):
        return message
    return message[:1].upper() + message[1:]
