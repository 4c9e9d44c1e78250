"""Lead cells read as lead codes, matched against the programme's lead-role key.

A lead cell is free text from a return or an extracted document: "EDT/SSM"
is two leads, "HoP&ED" is the key's "HoP & ED" written without spaces, and a
line break from extraction means nothing. One rule for what counts as the same
code keeps import, ``check`` and the window agreeing on who leads what.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fowdesk.domain.model import Programme

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


@dataclass(frozen=True)
class LeadChoice:
    """A lead code an officer can pick as "my lead", with its role (None: not in the key)."""

    code: str
    role: str | None

    @property
    def label(self) -> str:
        """ "SSM – Skills Strategy Manager", or "SLE (not in the key)"."""
        return f"{self.code} – {self.role}" if self.role else f"{self.code} (not in the key)"


def lead_choices(programme: Programme) -> list[LeadChoice]:
    """Every lead code in the key, then every code cards use that the key lacks (the seed's SLE).

    Preferences and the "which lead?" question list these, so an officer
    whose code is in use but missing from the key can still pick it.
    """
    choices = [LeadChoice(k.code, k.role) for k in programme.lead_key]
    seen = {normalise_code(k.code) for k in programme.lead_key}
    for card in programme.cards:
        for code in card.leads:
            if normalise_code(code) not in seen:
                seen.add(normalise_code(code))
                choices.append(LeadChoice(code, None))
    return choices


#: One address, as a person types it into the key: local part, "@", a dotted domain.
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")


def email_problem(address: str) -> str | None:
    """Why ``address`` cannot be a lead's e-mail address (None if it can, or is blank)."""
    address = address.strip()
    if not address:
        return None
    if _EMAIL.fullmatch(address) is None:
        return f"{address!r} is not an e-mail address (one address, like name@council.gov.uk)"
    return None
