"""Lead cells read as lead codes, matched against the programme's lead-role key.

A lead cell is free text from a return or an extracted document: "EDT/SSM"
is two leads, "HoP&ED" is the key's "HoP & ED" written without spaces, and a
line break from extraction means nothing. One rule for what counts as the same
code keeps import, ``check`` and the window agreeing on who leads what.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SEPARATORS = re.compile(r"[/,;]")


def normalise_code(code: str) -> str:
    """The form codes are compared in: no whitespace, case folded ("HoP & ED" → "hop&ed")."""
    return "".join(code.split()).casefold()


def parse_leads(cell: str, key_codes: Iterable[str] = ()) -> list[str]:
    """The lead codes in a cell, spelt as the key spells them where the key has them.

    Codes missing from the key (the seed's "SLE") are kept as written, so
    ``fowdesk check`` can report them rather than losing them. Blanks and
    repeats are dropped; order is kept.
    """
    if not isinstance(cell, str):
        return []
    spelling: dict[str, str] = {}
    for key_code in key_codes:
        if isinstance(key_code, str) and key_code.strip():
            spelling.setdefault(normalise_code(key_code), key_code.strip())
    leads: list[str] = []
    seen: set[str] = set()
    for part in _SEPARATORS.split(cell):
        written = " ".join(part.split())
        compared = normalise_code(written)
        if not compared or compared in seen:
            continue
        seen.add(compared)
        leads.append(spelling.get(compared, written))
    return leads


def format_leads(leads: Sequence[str]) -> str:
    """Leads as one cell, the way the seed writes them ("EDT/SSM")."""
    return "/".join(lead.strip() for lead in leads if lead.strip())
