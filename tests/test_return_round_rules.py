"""The rules under the return round: working days, who gets a return, where a round stands."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fowdesk.domain.leads import email_problem
from fowdesk.domain.model import Card, LeadRole, Period, Programme
from fowdesk.domain.return_round import return_round, round_recipients
from fowdesk.domain.returns import ExportedReturn, ReturnImport
from fowdesk.domain.working_days import add_working_days, bank_holidays, working_days_between
from fowdesk.errors import InvalidInput
from fowdesk.storage.repository import Repository


def test_ten_working_days_skip_weekends_and_bank_holidays() -> None:
    # Thursday 9 April 2020: Good Friday and Easter Monday are not working days.
    assert add_working_days(date(2020, 4, 9), 10) == date(2020, 4, 27)
    # Over Christmas 2021 (Christmas and Boxing Day on a weekend: the 27th and 28th off).
    assert add_working_days(date(2021, 12, 23), 3) == date(2021, 12, 30)
    assert {date(2021, 12, 27), date(2021, 12, 28)} <= bank_holidays(2021)
    assert date(2022, 1, 3) in bank_holidays(2022)  # New Year's Day on a Saturday
    assert working_days_between(date(2020, 4, 9), date(2020, 4, 14)) == 1


def test_an_email_address_is_one_address_or_blank(repo: Repository) -> None:
    assert email_problem("") is None and email_problem("a.b@council.gov.uk") is None
    for bad in ("ssm", "a@b", "Jane <jane@council.gov.uk>", "a@b.uk; c@d.uk"):
        assert email_problem(bad)
    key = repo.load_programme("FOW").lead_key
    with pytest.raises(InvalidInput, match="SSM's e-mail address: 'ssm at council'"):
        repo.set_lead_key(
            "FOW",
            [LeadRole(k.code, k.role, "ssm at council" if k.code == "SSM" else "") for k in key],
        )
    repo.set_lead_key(
        "FOW", [LeadRole(k.code, k.role, f" {k.code.lower()}@x.gov.uk ") for k in key[:1]] + key[1:]
    )
    saved = repo.load_programme("FOW").lead_key
    assert saved[0].email == "edt@x.gov.uk" and saved[1].email == ""
    history = [e for e in repo.audit_for(["FOW"]) if e.field == "lead key"]
    assert history and "EDT – Economic Development Team <edt@x.gov.uk>" in (history[-1].new or "")


def _programme() -> Programme:
    return Programme(
        code="P",
        title="P",
        lead_key=[
            LeadRole("A", "Role A", "a@x.uk"),
            LeadRole("B", "Role B"),
            LeadRole("Z", "Unused"),
        ],
        periods=[Period("March 2020", date(2020, 3, 31))],
        cards=[
            Card(ref="1", title="one", leads=["A"]),
            Card(ref="2", title="two", leads=["a", "B"]),
            Card(ref="3", title="three", leads=["Q"]),
            Card(ref="4", title="four", leads=[]),
        ],
    )


def test_the_round_goes_to_each_lead_in_use_in_the_keys_order() -> None:
    recipients = round_recipients(_programme())
    assert [(r.code, r.cards, r.email) for r in recipients.leads] == [
        ("A", 2, "a@x.uk"),
        ("B", 1, ""),
    ]
    assert [r.code for r in recipients.unknown_skipped] == ["Q"]
    assert [c.ref for c in recipients.without_lead] == ["4"]
    notes = recipients.notes()
    assert "Q (1 card)" in notes[0] and "1 card with no lead, in nobody's return: 4" in notes[1]
    asked = round_recipients(_programme(), include_unknown=True)
    assert [r.code for r in asked.leads] == ["A", "B", "Q"] and not asked.unknown_skipped


class _Listed:
    def __init__(self, exported: ExportedReturn, imports: list[ReturnImport]) -> None:
        self.exported = exported
        self.imports = imports


def _sent(return_id: str, lead: str | None, *, sent: bool = True) -> ExportedReturn:
    at = datetime(2020, 4, 1, 9, 0)
    return ExportedReturn(
        return_id,
        "P",
        "March 2020",
        lead,
        at,
        "PMO",
        f"{lead}.xlsx",
        sent_at=at if sent else None,
        due_on=date(2020, 4, 16) if sent else None,
    )


def _imported(return_id: str, day: int, changes: int, left: int = 0) -> ReturnImport:
    return ReturnImport(
        return_id, datetime(2020, 4, day, 10, 0), "PMO", "Officer", "f.xlsx", changes, left
    )


def test_where_the_round_stands_on_a_given_day() -> None:
    listing = [
        _Listed(_sent("a1", "A"), [_imported("a1", 6, 3, 1)]),
        _Listed(_sent("b1", "B"), []),
        # B's own export of their cards (from their own database) answers for B.
        _Listed(_sent("b-own", "b", sent=False), [_imported("b-own", 20, 2)]),
        _Listed(_sent("all", None, sent=False), [_imported("all", 7, 5)]),
    ]
    before = return_round(_programme(), "March 2020", listing[:2], date(2020, 4, 16))
    assert [lead.state for lead in before.leads] == ["returned", "not returned"]
    assert before.leads[1].status_text() == "not returned; due back 16/04/2020"
    late = return_round(_programme(), "March 2020", listing[:2], date(2020, 4, 21))
    assert (
        late.leads[1].status_text()
        == "not returned; overdue: due back 16/04/2020, 3 working days ago"
    )
    assert late.heading().endswith("1 returned, 1 not returned (1 overdue)")
    assert "returned 06/04/2020 10:00 by Officer, imported by PMO, from return ID a1" in (
        late.leads[0].line()
    )
    assert "3 changes applied; 1 conflict left" in late.leads[0].line()
    everything = return_round(_programme(), "March 2020", listing, date(2020, 4, 21))
    b = everything.leads[1]
    assert b.returned and "from return ID b-own (an ad-hoc export, not the one sent)" in b.line()
    assert [item.exported.return_id for item in everything.ad_hoc] == ["all"]
    assert "all leads" in everything.ad_hoc[0].line()
