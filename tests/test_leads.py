"""How a Lead cell becomes lead codes, spelt as the programme's lead-role key spells them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fowdesk.domain.leads import format_leads, normalise_code, parse_leads

#: The seed's lead-role key.
KEY = ["EDT", "HOD", "HoP & ED", "SAH", "SSM"]

# fmt: off
CELLS = [
    ("a slash separates two leads", "EDT/SSM", ["EDT", "SSM"]),
    ("a line break after the slash is an extraction artefact", "EDT/\nSSM", ["EDT", "SSM"]),
    ("a code written without spaces takes the key's spelling", "HoP&ED", ["HoP & ED"]),
    ("a code broken over two lines takes the key's spelling", "HoP&\nED", ["HoP & ED"]),
    ("a code in another case takes the key's spelling", "ssm", ["SSM"]),
    ("a code missing from the key is kept as written", " SLE ", ["SLE"]),
    ("a comma separates leads", "EDT, SSM", ["EDT", "SSM"]),
    ("a semicolon separates leads", "EDT;SSM", ["EDT", "SSM"]),
    ("blanks between separators are dropped", "EDT//SSM/ ", ["EDT", "SSM"]),
    ("a repeated lead is kept once, first spelling first", "SSM/ssm/EDT/SSM", ["SSM", "EDT"]),
    ("an empty cell has no leads", "", []),
    ("a cell of spaces has no leads", "  \n ", []),
    ("the order written is kept", "SSM/EDT", ["SSM", "EDT"]),
]
# fmt: on


@pytest.mark.parametrize(
    ("cell", "expected"), [case[1:] for case in CELLS], ids=[case[0] for case in CELLS]
)
def test_a_lead_cell_is_read_as_codes_from_the_key(cell: str, expected: list[str]) -> None:
    assert parse_leads(cell, KEY) == expected


def test_without_a_key_codes_are_kept_as_written() -> None:
    assert parse_leads("HoP & ED/ssm") == ["HoP & ED", "ssm"]


def test_a_code_with_a_line_break_and_no_key_keeps_one_space() -> None:
    assert parse_leads("HoP&\nED") == ["HoP& ED"]


def test_the_seed_lead_cells_match_the_seed_key() -> None:
    cells = ["HoP&\nED", "SSM", "SSM", "SSM", "SSM", "SAH", "SSM", "SLE", "SSM", "HOD"]
    cells += ["EDT"] * 7 + ["EDT/\nSSM", "SSM"]
    leads = [parse_leads(cell, KEY) for cell in cells]
    assert leads[0] == ["HoP & ED"]
    assert leads[7] == ["SLE"]
    assert leads[17] == ["EDT", "SSM"]
    unknown = {code for codes in leads for code in codes if code not in KEY}
    assert unknown == {"SLE"}


def test_leads_are_written_back_with_a_slash() -> None:
    assert format_leads(["EDT", "SSM"]) == "EDT/SSM"
    assert format_leads([" EDT ", "", "SSM"]) == "EDT/SSM"
    assert format_leads([]) == ""


@pytest.mark.parametrize(
    ("code", "expected"),
    [("HoP & ED", "hop&ed"), ("HoP&ED", "hop&ed"), (" S S M\n", "ssm"), ("", "")],
)
def test_codes_compare_without_spaces_or_case(code: str, expected: str) -> None:
    assert normalise_code(code) == expected


_CODES = st.lists(st.sampled_from([*KEY, "SLE", "hop&ed", " ", "", "EDT\n"]), max_size=6)


@settings(max_examples=200, deadline=None)
@given(cell=st.text(), key=st.lists(st.text(max_size=8), max_size=6))
def test_any_cell_and_key_give_distinct_non_blank_leads(cell: str, key: list[str]) -> None:
    leads = parse_leads(cell, key)
    compared = [normalise_code(lead) for lead in leads]
    assert all(compared)
    assert len(set(compared)) == len(compared)
    assert all(lead == lead.strip() for lead in leads)


@settings(max_examples=200, deadline=None)
@given(codes=_CODES)
def test_formatted_leads_read_back_as_the_same_leads(codes: list[str]) -> None:
    leads = parse_leads("/".join(codes), KEY)
    assert parse_leads(format_leads(leads), KEY) == leads
