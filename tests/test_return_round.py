"""The PMO's return round from the command line: send, track, chase, collect.

Each month the PMO sends every lead their return, sees who has replied,
chases the rest and takes the replies in one go. These tests do the round as
the PMO would on FOW (five leads in the key, SLE missing from it, card 18
led jointly by EDT and SSM): files written and read back, drafts parsed back
with the ``email`` module, returns edited as an officer would and imported.
"""

from __future__ import annotations

import csv
import email
import shutil
import sqlite3
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from return_helpers import checksum, edit, load, row_of, run, set_cell

from fowdesk.domain.model import CardStatus, LeadRole
from fowdesk.domain.working_days import add_working_days
from fowdesk.exports.xlsx_columns import PROPERTY_LEAD, PROPERTY_RETURN_ID
from fowdesk.storage import backups
from fowdesk.storage.repository import Repository

LEADS = ["EDT", "HOD", "HoP & ED", "SAH", "SSM"]
ADDRESSES = {"SSM": "skills.manager@southampton.gov.uk", "EDT": "edt@southampton.gov.uk"}


@pytest.fixture
def db(seeded_path: Path, capsys) -> Path:
    """FOW in March 2020 (February is published), with e-mail addresses for SSM and EDT."""
    code, _, err = run(
        seeded_path, "period", "new", "March 2020", "--as-at", "31/03/2020", capsys=capsys
    )
    assert code == 0, err
    repo = Repository.open(seeded_path, user="setup")
    try:
        key = repo.load_programme("FOW").lead_key
        repo.set_lead_key("FOW", [LeadRole(k.code, k.role, ADDRESSES.get(k.code, "")) for k in key])
    finally:
        repo.close()
    return seeded_path


def due_in(days: int) -> date:
    return date.today() + timedelta(days=days)


def send(db: Path, folder: Path, capsys, *extra: str) -> tuple[int, str, str]:
    return run(db, "--user", "Pat PMO", "returns", "send", "-o", str(folder), *extra, capsys=capsys)


def name(lead: str) -> str:
    return f"FOW return 2020-03-31 {lead}.xlsx"


def parse_eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = list(message.iter_attachments())
    content = part.get_content()
    assert isinstance(content, bytes)
    return part.get_filename() or "", content


def properties(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {p.name: p.value for p in wb.custom_doc_props.props}


def refs_in(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["Recommendations"]
    return [str(row[0]) for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]


def set_status(path: Path, ref: str, status: str, *, author: str = "") -> Path:
    """An officer sets one recommendation's Status and saves (as ``author``)."""

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Recommendations"]
        set_cell(ws, row_of(ws, "Ref", ref), "Status", status)
        if author:
            wb.properties.lastModifiedBy = author

    return edit(path, change)


def make_overdue(db: Path) -> None:
    """Time passes: the round's due date is now yesterday."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE returns SET due_on = ?", [(date.today() - timedelta(days=1)).isoformat()])
    conn.commit()
    conn.close()


# ---------------------------------------------------------------------------- send


def test_send_writes_one_return_per_lead_with_its_own_id_a_covering_list_and_drafts(
    db: Path, tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "Team #2" / "Zoë’s round"  # neither exists yet
    due = add_working_days(date.today(), 7)
    code, out, err = send(db, folder, capsys, "--eml", "--due", f"{due:%d/%m/%Y}")
    assert code == 0, err

    # One return per lead code in use, named as `export xlsx --lead` names it.
    assert sorted(p.name for p in folder.glob("*.xlsx")) == sorted(name(lead) for lead in LEADS)
    ids = {lead: properties(folder / name(lead))[PROPERTY_RETURN_ID] for lead in LEADS}
    assert len(set(ids.values())) == 5
    assert properties(folder / name("HoP & ED"))[PROPERTY_LEAD] == "HoP & ED"
    # Each holds only its lead's cards; the joint card 18 is in both EDT's and SSM's.
    assert refs_in(folder / name("SSM")) == ["2", "3", "4", "5", "7", "9", "18", "19"]
    assert refs_in(folder / name("EDT")) == ["11", "12", "13", "14", "15", "16", "17", "18"]
    assert refs_in(folder / name("HOD")) == ["10"]
    # SLE is used on card 8 but is not in the key: named and skipped.
    assert not list(folder.glob("*SLE*"))
    assert "not in the lead-role key, so no return was made: SLE (1 card)" in out

    # The covering list.
    with (folder / "returns.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["Lead"]: row for row in csv.DictReader(handle)}
    assert list(rows) == LEADS
    ssm = rows["SSM"]
    assert (ssm["Role"], ssm["File"], ssm["Cards"], ssm["Milestones"], ssm["E-mail"]) == (
        "Strategic Skills Manager",
        name("SSM"),
        "8",
        "24",
        ADDRESSES["SSM"],
    )
    assert ssm["Return ID"] == ids["SSM"] and ssm["Due back"] == f"{due:%d/%m/%Y}"
    assert rows["HOD"]["E-mail"].startswith("no e-mail address in the key")
    assert rows["HOD"]["Draft e-mail"] == "FOW return 2020-03-31 HOD.eml"

    # The drafts, parsed back: addressee, subject, attachment, X-Unsent.
    message = parse_eml(folder / "FOW return 2020-03-31 SSM.eml")
    assert message["X-Unsent"] == "1"
    assert [a.addr_spec for a in message["To"].addresses] == [ADDRESSES["SSM"]]
    assert message["To"].addresses[0].display_name == "Strategic Skills Manager"
    subject = message["Subject"]
    assert "Future of Work in Southampton programme" in subject
    assert "March 2020" in subject and subject.endswith("SSM")
    filename, content = attachment(message)
    assert filename == name("SSM")
    assert content == (folder / name("SSM")).read_bytes()
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert f"by {due:%A} {due.day} {due:%B %Y}" in text
    assert ids["SSM"] in text and "Pat PMO" in text
    # A lead with no address still gets a draft, with an empty To.
    hod = parse_eml(folder / "FOW return 2020-03-31 HOD.eml")
    assert hod["To"] == "" and hod["X-Unsent"] == "1"
    assert attachment(hod)[0] == name("HOD")

    # The Key sheet carries the addresses.
    key = openpyxl.load_workbook(folder / name("EDT"))["Key"]
    assert [c.value for c in key[1]] == ["Code", "Lead role", "E-mail"]
    assert ("EDT", "Economic Development Team", ADDRESSES["EDT"]) in [
        tuple(r) for r in key.iter_rows(min_row=2, values_only=True)
    ]

    # Recorded as sent, each with its due date and file.
    repo = Repository.open(db, user="reader")
    try:
        listed = repo.returns("FOW", "March 2020")
    finally:
        repo.close()
    sent = {item.exported.lead: item.exported for item in listed}
    assert set(sent) == set(LEADS)
    assert all(e.sent_at is not None and e.due_on == due for e in sent.values())
    assert Path(sent["SSM"].sent_file) == (folder / name("SSM")).absolute()
    assert sent["SSM"].sent_to == ADDRESSES["SSM"]


def test_send_without_drafts_or_a_due_date_gives_ten_working_days_and_no_eml(
    db: Path, tmp_path: Path, capsys
) -> None:
    code, out, err = send(db, tmp_path / "round", capsys)
    assert code == 0, err
    assert not list((tmp_path / "round").glob("*.eml"))
    due = add_working_days(date.today(), 10)
    assert f"due back {due:%d/%m/%Y}" in out


def test_unknown_leads_are_sent_only_when_asked(db: Path, tmp_path: Path, capsys) -> None:
    code, out, err = send(db, tmp_path / "round", capsys, "--unknown-leads", "--eml")
    assert code == 0, err
    assert (tmp_path / "round" / name("SLE")).exists()
    assert refs_in(tmp_path / "round" / name("SLE")) == ["8"]
    with (tmp_path / "round" / "returns.csv").open(encoding="utf-8-sig") as handle:
        sle = next(r for r in csv.DictReader(handle) if r["Lead"] == "SLE")
    assert sle["Role"] == "(not in the lead-role key)"
    assert "SLE: " in out and "(not in the lead-role key)" in out


def test_a_lead_code_windows_cannot_name_a_file_with_is_replaced(
    db: Path, tmp_path: Path, capsys
) -> None:
    repo = Repository.open(db, user="setup")
    try:
        key = repo.load_programme("FOW").lead_key
        repo.set_lead_key("FOW", [*key, LeadRole('Dir: "R&D"?', "Research")])
        card = repo.load_programme("FOW").card("10")
        assert card is not None
        repo.update_card(card.uuid, card.version, leads=["HOD", 'Dir: "R&D"?'])
    finally:
        repo.close()
    code, _, err = send(db, tmp_path / "round", capsys, "--eml")
    assert code == 0, err
    assert (tmp_path / "round" / "FOW return 2020-03-31 Dir- -R&D--.xlsx").exists()
    assert (tmp_path / "round" / "FOW return 2020-03-31 Dir- -R&D--.eml").exists()


def test_sending_into_a_folder_that_holds_the_round_already_writes_nothing(
    db: Path, tmp_path: Path, capsys
) -> None:
    assert send(db, tmp_path / "round", capsys)[0] == 0
    before = {p.name: checksum(p) for p in (tmp_path / "round").iterdir()}
    code, _, err = send(db, tmp_path / "round", capsys, "--eml")
    assert code == 1
    assert "already holds FOW return 2020-03-31 EDT.xlsx" in err and "nothing was written" in err
    assert {p.name: checksum(p) for p in (tmp_path / "round").iterdir()} == before
    repo = Repository.open(db, user="reader")
    try:
        assert len(repo.returns("FOW")) == 5
    finally:
        repo.close()


def test_a_published_period_or_a_past_due_date_is_refused_in_one_line(
    seeded_path: Path, db: Path, tmp_path: Path, capsys
) -> None:
    code, _, err = send(db, tmp_path / "round", capsys, "--due", "01/01/2020")
    assert code == 1 and "the due date 01/01/2020 has passed" in err
    assert not (tmp_path / "round").exists()
    other = tmp_path / "feb.db"
    Repository.create(other, seeded=True, user="t").close()
    code, _, err = send(other, tmp_path / "feb", capsys)
    assert code == 1
    assert err.count("\n") == 1 and "February 2020, is published" in err
    assert 'fowdesk period new "March 2020"' in err


def test_a_send_that_fails_part_way_leaves_no_files_and_records_nothing(
    db: Path, tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "round"
    folder.mkdir()
    (folder / "FOW return 2020-03-31 SSM.eml").mkdir()  # a folder where SSM's draft goes
    code, _, err = send(db, folder, capsys, "--eml")
    assert code == 1 and "SSM.eml" in err
    assert [p.name for p in folder.iterdir()] == ["FOW return 2020-03-31 SSM.eml"]
    repo = Repository.open(db, user="reader")
    try:
        assert repo.returns("FOW") == []
    finally:
        repo.close()


# ---------------------------------------------------------------------------- track


def test_the_status_after_two_of_five_returns_came_back(db: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "round"
    assert send(db, folder, capsys)[0] == 0
    back = tmp_path / "back"
    back.mkdir()
    ssm = shutil.copy(folder / name("SSM"), back)
    edt = shutil.copy(folder / name("EDT"), back)
    set_status(Path(ssm), "2", "On hold", author="Sam Skills")
    set_status(Path(edt), "11", "In progress", author="Eddie Dev")  # as it was: no change
    assert run(db, "--user", "Pat PMO", "import", str(ssm), capsys=capsys)[0] == 0
    code, out, _ = run(db, "--user", "Pat PMO", "import", str(edt), capsys=capsys)
    assert code == 0 and "EDT's return (sent in the return round) is marked as returned." in out
    make_overdue(db)

    code, out, err = run(db, "returns", capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("FOW, March 2020: returns sent to 5 leads on ")
    assert lines[0].endswith("2 returned, 3 not returned (3 overdue)")
    by_lead = {line.split(" (")[0].strip(): line for line in lines[1:6]}
    assert set(by_lead) == set(LEADS)
    ssm_id = properties(Path(ssm))[PROPERTY_RETURN_ID]
    assert "returned " in by_lead["SSM"] and "by Sam Skills, imported by Pat PMO" in by_lead["SSM"]
    assert f"from return ID {ssm_id}" in by_lead["SSM"]
    assert "1 change applied; no conflicts left" in by_lead["SSM"]
    assert "by Eddie Dev" in by_lead["EDT"] and "0 changes applied" in by_lead["EDT"]
    for lead in ("HOD", "HoP & ED", "SAH"):
        line = by_lead[lead].casefold()
        assert "; not returned; overdue: due back " in line
        assert "sent " in line and name(lead).casefold() in line
        # Nothing on a silent lead's line may read as a reply.
        assert line.count("returned") == 1 and "not returned" in line
        assert "received" not in line and "imported" not in line
    # The listing by return ID follows.
    assert "FOW: 5 returns" in lines


def test_importing_the_file_as_sent_untouched_does_not_count_as_a_reply(
    db: Path, tmp_path: Path, capsys
) -> None:
    assert send(db, tmp_path / "round", capsys)[0] == 0
    before = checksum(db)
    code, out, _ = run(db, "import", str(tmp_path / "round" / name("HOD")), capsys=capsys)
    assert code == 0 and "No changes" in out and "marked as returned" not in out
    assert checksum(db) == before
    code, out, _ = run(db, "import", str(tmp_path / "round"), capsys=capsys)
    assert code == 0
    assert out.count("byte for byte the file as sent") == 5
    assert checksum(db) == before


def test_a_return_that_was_not_sent_and_changes_nothing_still_writes_nothing(
    db: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "adhoc.xlsx"
    assert run(db, "export", "xlsx", "--lead", "SSM", "-o", str(target), capsys=capsys)[0] == 0
    edit(target, lambda wb: None)  # opened and saved, nothing changed
    before = checksum(db)
    assert run(db, "import", str(target), capsys=capsys)[0] == 0
    assert checksum(db) == before


def test_an_ad_hoc_return_is_listed_beside_the_round(db: Path, tmp_path: Path, capsys) -> None:
    assert send(db, tmp_path / "round", capsys)[0] == 0
    adhoc = tmp_path / "everything.xlsx"
    assert run(db, "export", "xlsx", "-o", str(adhoc), capsys=capsys)[0] == 0
    set_status(adhoc, "10", "On hold", author="Hattie")
    assert run(db, "import", str(adhoc), capsys=capsys)[0] == 0
    code, out, _ = run(db, "returns", capsys=capsys)
    assert code == 0
    assert "Other returns imported in March 2020 (not sent in the round):" in out
    assert "all leads, exported " in out and "returned " in out and "by Hattie" in out
    # An all-leads return does not answer for HOD, who was sent their own.
    hod = next(line for line in out.splitlines() if line.strip().startswith("HOD ("))
    assert "not returned" in hod


# ---------------------------------------------------------------------------- chase


def test_chase_writes_reminders_only_for_the_three_missing(
    db: Path, tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "round"
    assert send(db, folder, capsys, "--eml")[0] == 0
    for lead, ref in (("SSM", "2"), ("EDT", "11")):
        returned = Path(shutil.copy(folder / name(lead), tmp_path / f"back {lead}.xlsx"))
        set_status(returned, ref, "On hold", author=f"{lead} officer")
        assert run(db, "import", str(returned), capsys=capsys)[0] == 0
    make_overdue(db)

    chase = tmp_path / "chase"
    code, out, err = run(db, "returns", "chase", "--eml", "-o", str(chase), capsys=capsys)
    assert code == 0, err
    drafts = sorted(p.name for p in chase.glob("*.eml"))
    assert drafts == [
        "FOW return 2020-03-31 reminder – HOD.eml",
        "FOW return 2020-03-31 reminder – HoP & ED.eml",
        "FOW return 2020-03-31 reminder – SAH.eml",
    ]
    reminder = parse_eml(chase / "FOW return 2020-03-31 reminder – SAH.eml")
    assert reminder["X-Unsent"] == "1" and reminder["To"] == ""
    assert reminder["Subject"].startswith("Reminder: ") and "SAH" in reminder["Subject"]
    filename, content = attachment(reminder)
    # The programme has not moved on for SAH: the return as sent, attached again.
    assert filename == name("SAH") and content == (folder / name("SAH")).read_bytes()
    body = reminder.get_body(("plain",))
    assert body is not None and "was due back on" in body.get_content()
    assert not list(chase.glob("*.xlsx"))

    # HOD's card moves on: the next reminder carries a fresh return, sent again.
    repo = Repository.open(db, user="PMO")
    try:
        card = repo.load_programme("FOW").card("10")
        assert card is not None
        repo.update_card(card.uuid, card.version, status=CardStatus.ON_HOLD)
    finally:
        repo.close()
    code, out, err = run(db, "returns", "chase", "--eml", "-o", str(chase), capsys=capsys)
    assert code == 0, err
    assert "HOD (Head of Organisational Development): not returned" in out
    assert "a fresh return attached, FOW return 2020-03-31 HOD.xlsx" in out
    fresh = parse_eml(chase / "FOW return 2020-03-31 reminder – HOD (2).eml")
    filename, content = attachment(fresh)
    assert filename == name("HOD") and content == (chase / name("HOD")).read_bytes()
    fresh_id = properties(chase / name("HOD"))[PROPERTY_RETURN_ID]
    assert fresh_id != properties(folder / name("HOD"))[PROPERTY_RETURN_ID]
    body = fresh.get_body(("plain",))
    assert body is not None and "a fresh copy is attached" in body.get_content()
    code, out, _ = run(db, "returns", capsys=capsys)
    hod = next(line for line in out.splitlines() if line.strip().startswith("HOD ("))
    assert "(sent 2 times)" in hod and "reminder written" in hod


def test_chase_with_everyone_back_or_nothing_sent_says_so(db: Path, tmp_path: Path, capsys) -> None:
    code, out, _ = run(db, "returns", "chase", "--eml", "-o", str(tmp_path / "c"), capsys=capsys)
    assert code == 0 and "no returns were sent this period" in out
    assert not (tmp_path / "c").exists()


# ---------------------------------------------------------------------------- collect


def _joint_status(path: Path, status: str, author: str) -> None:
    set_status(path, "18", status, author=author)


def test_a_batch_of_three_returns_with_a_conflict_between_two(
    db: Path, tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "round"
    assert send(db, folder, capsys)[0] == 0
    back = tmp_path / "back"
    shutil.copytree(folder, back)
    ssm, edt, sah = back / name("SSM"), back / name("EDT"), back / name("SAH")
    # Both leads of card 18 change its Status, differently; each changes something else too.
    edit(
        ssm,
        lambda wb: (
            set_cell(
                wb["Recommendations"],
                row_of(wb["Recommendations"], "Ref", "18"),
                "Status",
                "On hold",
            ),
            set_cell(
                wb["Recommendations"],
                row_of(wb["Recommendations"], "Ref", "3"),
                "Status",
                "Complete",
            ),
            setattr(wb.properties, "lastModifiedBy", "Sam Skills"),
        ),
    )
    edit(
        edt,
        lambda wb: (
            set_cell(
                wb["Recommendations"],
                row_of(wb["Recommendations"], "Ref", "18"),
                "Status",
                "Closed",
            ),
            set_cell(
                wb["Recommendations"],
                row_of(wb["Recommendations"], "Ref", "12"),
                "Status",
                "On hold",
            ),
            setattr(wb.properties, "lastModifiedBy", "Eddie Dev"),
        ),
    )
    edit(
        sah,
        lambda wb: (
            set_cell(wb["Milestones"], 2, "Status", "Complete"),
            set_cell(wb["Milestones"], 2, "Completed on", "20/03/2020"),
            setattr(wb.properties, "lastModifiedBy", "Sally Apprentice"),
        ),
    )
    before = (
        len(backups.list_backups(db.parent / "backups")) if (db.parent / "backups").exists() else 0
    )

    code, out, err = run(
        db, "--user", "Pat PMO", "import", str(ssm), str(edt), str(sah), capsys=capsys
    )
    assert code == 3, err
    assert "3 of 3 files to import into FOW, March 2020 (one backup, one transaction):" in out
    assert "Conflicts between returns, not applied (1)" in out
    conflict = next(line for line in out.splitlines() if line.startswith("  ! recommendation 18"))
    assert 'SSM\'s return "On hold"' in conflict and 'EDT\'s return "Closed"' in conflict
    assert 'database "In progress"' in conflict
    # Each return, card by card; a return's edit in conflict with another's is said once.
    ssm_part = out.split(f"Return {name('SSM')}")[1].split("\nReturn ")[0]
    assert "1 of its edits conflicts with another return's (listed above)." in ssm_part
    assert '  Recommendation 3 "Develop and implement a Skills Strategy for Southampton":' in (
        ssm_part
    )
    assert 'Status: "In progress" → "Complete"' in ssm_part and "recommendation 18" not in ssm_part
    assert "Imported 4 changes from 3 returns in one transaction" in out

    programme = load(db)
    status = {c.ref: c.status for c in programme.cards}
    assert status["18"] is CardStatus.IN_PROGRESS  # neither return wins
    assert status["3"] is CardStatus.COMPLETE and status["12"] is CardStatus.ON_HOLD
    sah_card = programme.card("6")
    assert sah_card is not None and str(sah_card.milestones[0].status) == "Complete"
    taken = [b for b in backups.list_backups(db.parent / "backups") if b.reason == "import"]
    assert len(taken) == 1 and len(backups.list_backups(db.parent / "backups")) == before + 1
    # Each change is audited with its own return's author.
    repo = Repository.open(db, user="reader")
    try:
        card3 = programme.card("3")
        card12 = programme.card("12")
        assert card3 is not None and card12 is not None
        authors = {e.row_uuid: e.author for e in repo.audit_for([card3.uuid, card12.uuid])}
        assert authors == {card3.uuid: "Sam Skills", card12.uuid: "Eddie Dev"}
        # Each return is recorded as imported, with the conflict it left.
        listed = {i.exported.lead: i.imports for i in repo.returns("FOW", "March 2020")}
        assert [(i.changes, i.conflicts_left) for i in listed["SSM"]] == [(1, 1)]
        assert [(i.changes, i.conflicts_left) for i in listed["EDT"]] == [(1, 1)]
        assert [i.changes for i in listed["SAH"]] == [2]
    finally:
        repo.close()

    # SSM's value was not taken: SSM's return on its own would still change it.
    code, out, _ = run(db, "import", "--dry-run", str(ssm), capsys=capsys)
    assert code == 0 and 'Status: "In progress" → "On hold"' in out


def test_a_batch_with_one_bad_file_writes_nothing_and_names_the_bad_cells(
    db: Path, tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "round"
    assert send(db, folder, capsys)[0] == 0
    ssm, sah = folder / name("SSM"), folder / name("SAH")
    set_status(ssm, "2", "On hold", author="Sam")
    edit(
        sah,
        lambda wb: (
            set_cell(wb["Recommendations"], 2, "Status", "Nearly there"),
            set_cell(wb["Milestones"], 3, "Completed on", "31/02/2020"),
        ),
    )
    not_a_zip = tmp_path / "notes.xlsx"
    not_a_zip.write_text("these are my notes", encoding="utf-8")
    before = checksum(db)
    code, out, err = run(db, "import", str(ssm), str(sah), str(not_a_zip), capsys=capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "2 of 3 files need fixing; nothing was imported" in err
    assert f"{sah}: 2 cells need fixing: " in err
    assert "Recommendations row 2, Status: " in err and "Nearly there" in err
    assert "Milestones row 3, Completed on: " in err
    assert str(not_a_zip) in err
    assert checksum(db) == before


def test_a_batch_names_each_file_it_leaves_out_and_why(db: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # A return from February (before March started) — another period.
    feb_db = tmp_path / "feb.db"
    Repository.create(feb_db, seeded=True, user="t").close()
    old = folder / "february.xlsx"
    assert run(feb_db, "export", "xlsx", "--lead", "SSM", "-o", str(old), capsys=capsys)[0] == 0
    # Another programme's return.
    ds = folder / "digital.xlsx"
    assert run(db, "export", "xlsx", "--programme", "DS2430", "-o", str(ds), capsys=capsys)[0] == 0
    # The round, with SSM's return saved twice (the later copy has the later edit).
    assert send(db, tmp_path / "round", capsys)[0] == 0
    first = Path(shutil.copy(tmp_path / "round" / name("SSM"), folder / "ssm first.xlsx"))
    set_status(first, "2", "On hold", author="Sam")
    second = Path(shutil.copy(first, folder / "ssm second.xlsx"))
    set_status(second, "4", "On hold", author="Sam")
    twin = Path(shutil.copy(second, folder / "ssm twin.xlsx"))
    # A workbook that is not a return at all.
    other = openpyxl.Workbook()
    other.active.title = "Budget"
    other.save(folder / "budget.xlsx")
    # A return already imported.
    hod = Path(shutil.copy(tmp_path / "round" / name("HOD"), folder / "hod.xlsx"))
    set_status(hod, "10", "On hold", author="Hattie")
    assert run(db, "import", str(hod), capsys=capsys)[0] == 0
    (folder / "returns.csv").write_text("Lead\n", encoding="utf-8")

    code, out, err = run(db, "import", str(folder), capsys=capsys)
    assert code == 0, err
    left_out = out.split("Left out (")[1].split("Not Excel workbooks")[0]
    assert "budget.xlsx: not an Excel return (" in left_out
    assert "digital.xlsx: a return for DS2430, not FOW: left out" in left_out
    assert "february.xlsx: exported in February 2020, and the current period is March 2020" in (
        left_out
    )
    # "ssm twin" is byte for byte "ssm second"; "ssm first" is the older copy.
    assert "ssm first.xlsx: the same return (return ID " in left_out
    assert "as ssm twin.xlsx, which was saved later" in left_out or (
        "as ssm second.xlsx, which was saved later" in left_out
    )
    assert "an identical copy of ssm" in left_out
    assert "Not Excel workbooks, not read (1): returns.csv" in out
    assert "hod.xlsx (lead HOD, by Hattie): 0 changes; already imported on " in out
    status = {c.ref: c.status for c in load(db).cards}
    assert status["2"] is CardStatus.ON_HOLD and status["4"] is CardStatus.ON_HOLD
    assert twin.exists()


# ---------------------------------------------------------------------------- faults


def test_a_send_the_database_cannot_record_writes_no_files(db: Path, tmp_path: Path) -> None:
    """A round nobody could track is not sent: another program holds the database."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "round"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "fowdesk",
                "--db",
                str(db),
                "returns",
                "send",
                "-o",
                str(folder),
                "--eml",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "FOWDESK_LOCK_TIMEOUT": "0.5"},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "the database is in use by another program (waited 0.5 s); try again" in result.stderr
    assert not folder.exists()
    repo = Repository.open(db, user="reader")
    try:
        assert repo.returns("FOW") == []
    finally:
        repo.close()


def test_a_return_resaved_by_libreoffice_comes_back_in_a_folder_import(
    db: Path, tmp_path: Path, capsys
) -> None:
    from return_helpers import libreoffice

    assert send(db, tmp_path / "round", capsys)[0] == 0
    ssm = set_status(tmp_path / "round" / name("SSM"), "5", "On hold", author="Sam Skills")
    back = tmp_path / "back"
    libreoffice(ssm, back, tmp_path / "lo-profile")
    shutil.copy(tmp_path / "round" / name("HOD"), back / "untouched HOD.xlsx")
    code, out, err = run(db, "--user", "Pat PMO", "import", str(back), capsys=capsys)
    assert code == 0, err
    assert "Imported 1 change from 1 return in one transaction" in out
    assert "untouched HOD.xlsx (lead HOD" in out and "byte for byte the file as sent" in out
    _, status, _ = run(db, "returns", capsys=capsys)
    lines = {line.strip().split(" (")[0]: line for line in status.splitlines()[1:6]}
    assert "returned " in lines["SSM"] and "1 change applied" in lines["SSM"]
    assert "; not returned;" in lines["HOD"]
