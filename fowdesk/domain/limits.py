"""How long things may be: one place, so the window and the import agree."""

from __future__ import annotations

#: A recommendation's title, in characters: it heads the card in the window and
#: the report, so it stays a heading (the seed's longest is 166).
TITLE_MAX_CHARS = 250
