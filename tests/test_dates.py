"""How officers' targets are read: the windows they cover and where a bullet's date starts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fowdesk.domain.dates import (
    DateEntry,
    Precision,
    TargetWindow,
    date_entry,
    date_problem,
    format_window,
    is_horizon,
    parse_target,
    parse_uk_date,
    split_next_step,
    target_is_understood,
)

AS_AT = date(2020, 2, 29)  # the seed's period, February 2020


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def window(start: str, end: str | None, precision: Precision) -> TargetWindow:
    return TargetWindow(d(start), d(end) if end else None, precision)


M, D, S, Y = Precision.MONTH, Precision.DAY, Precision.SEASON, Precision.YEAR

# (behaviour, target text, as-at date, expected window)
# fmt: off
TARGETS = [
    ("a month range with a slash covers both months", "March/April 2020", None,
     window("01/03/2020", "30/04/2020", M)),
    ("a single month covers the whole month", "March 2020", None,
     window("01/03/2020", "31/03/2020", M)),
    ("a month range with 'to' shares the year written once", "April to May 2020", None,
     window("01/04/2020", "31/05/2020", M)),
    ("a range across years keeps both years", "May 2020 to August 2022", None,
     window("01/05/2020", "31/08/2022", M)),
    ("a range ending in December ends on the 31st", "November to December 2022", None,
     window("01/11/2022", "31/12/2022", M)),
    ("'from' a month is open-ended", "from September 2023", None,
     window("01/09/2023", None, M)),
    ("an abbreviated month starts a range", "Feb to June 2020", None,
     window("01/02/2020", "30/06/2020", M)),
    ("a written date is a single day", "26/02/2020", None,
     window("26/02/2020", "26/02/2020", D)),
    ("a day range without a year takes the as-at year", "28-29 January", AS_AT,
     window("28/01/2020", "29/01/2020", D)),
    ("a month alone takes the as-at year", "January", AS_AT,
     window("01/01/2020", "31/01/2020", M)),
    ("spring is March to May", "Spring 2020", None, window("01/03/2020", "31/05/2020", S)),
    ("summer is June to August", "Summer 2020", None, window("01/06/2020", "31/08/2020", S)),
    ("autumn is September to November", "Autumn 2020", None,
     window("01/09/2020", "30/11/2020", S)),
    ("winter runs from December into the next February", "Winter 2020", None,
     window("01/12/2020", "28/02/2021", S)),
    ("winter ending in a leap year ends on the 29th", "Winter 2023", None,
     window("01/12/2023", "29/02/2024", S)),
    ("'by' a season is the season itself", "by Spring 2020", None,
     window("01/03/2020", "31/05/2020", S)),
    ("'by' a month is the month itself", "by June 2020", None,
     window("01/06/2020", "30/06/2020", M)),
    ("a year alone covers the whole year", "2021", None, window("01/01/2021", "31/12/2021", Y)),
    ("December covers the whole month", "December 2020", None,
     window("01/12/2020", "31/12/2020", M)),
    ("a calendar quarter covers its three months", "Q1 2021", None,
     window("01/01/2021", "31/03/2021", S)),
    ("a range of quarters shares the year", "Q3-Q4 2021", None,
     window("01/07/2021", "31/12/2021", S)),
    ("'Sept' is September", "Sept 2020", None, window("01/09/2020", "30/09/2020", M)),
    ("month names ignore case", "MARCH to april 2020", None,
     window("01/03/2020", "30/04/2020", M)),
    ("an en dash separates a range", "March – April 2020", None,
     window("01/03/2020", "30/04/2020", M)),
    ("a hyphen separates a range", "March-April 2020", None,
     window("01/03/2020", "30/04/2020", M)),
    ("extra spaces and a trailing full stop are ignored", "  March   2020 . ", None,
     window("01/03/2020", "31/03/2020", M)),
    ("a trailing full stop after a range is ignored", "April to May 2020.", None,
     window("01/04/2020", "31/05/2020", M)),
    ("a short UK date is day first", "26/2/20", None, window("26/02/2020", "26/02/2020", D)),
    ("an ISO date is understood", "2020-02-26", None, window("26/02/2020", "26/02/2020", D)),
    ("a day with a month name is a single day", "28th January 2020", None,
     window("28/01/2020", "28/01/2020", D)),
    ("a day range may cross months", "30 January - 2 February 2020", None,
     window("30/01/2020", "02/02/2020", D)),
    ("the finest unit written sets the precision", "28 January to March 2020", None,
     window("28/01/2020", "31/03/2020", D)),
    ("a range that wraps the year starts in the year before", "November to February 2021",
     None, window("01/11/2020", "28/02/2021", M)),
    ("a range whose end has no year ends in the year after when it wraps",
     "December 2020 to January", None, window("01/12/2020", "31/01/2021", M)),
    ("'from … to …' is a closed range", "from March to May 2020", None,
     window("01/03/2020", "31/05/2020", M)),
    ("'onwards' is open-ended", "September 2023 onwards", None,
     window("01/09/2023", None, M)),
    ("'by the end of' a month is the month", "by the end of March 2020", None,
     window("01/03/2020", "31/03/2020", M)),
    ("a range of years covers both years", "2021 - 2022", None,
     window("01/01/2021", "31/12/2022", Y)),
    ("a financial year runs April to March", "2020/21", None,
     window("01/04/2020", "31/03/2021", Y)),
    ("29 February without a year is read in a leap as-at year", "29 February", AS_AT,
     window("29/02/2020", "29/02/2020", D)),
]
# fmt: on


@pytest.mark.parametrize(
    ("text", "as_at", "expected"),
    [case[1:] for case in TARGETS],
    ids=[case[0] for case in TARGETS],
)
def test_a_target_covers_the_window_the_officer_meant(
    text: str, as_at: date | None, expected: TargetWindow
) -> None:
    assert parse_target(text, as_at) == expected


# fmt: off
NO_WINDOW = [
    ("text without a date has no window", "Work in progress", AS_AT),
    ("blank text has no window", "", AS_AT),
    ("'ASAP' has no window", "ASAP", AS_AT),
    ("a range ending before it starts has no window", "May 2020 to April 2020", AS_AT),
    ("a day range with no year and no as-at date is not guessed", "28-29 January", None),
    ("a month with no year and no as-at date is not guessed", "January", None),
    ("a day the month lacks is not a date", "31/02/2020", AS_AT),
    ("'31 April' is not a date", "31 April 2020", AS_AT),
    ("a huge number is not a year", "99999999", AS_AT),
    ("zeros are not a date", "0/0/0", AS_AT),
    ("a two-digit year after a month name is not read month-first", "March 20", AS_AT),
    ("a horizon has no window", "Now", AS_AT),
    ("a bare day number is not a target", "28", AS_AT),
    ("a day paired with a whole month is not a range", "3 - March 2020", AS_AT),
    ("a financial year must run into the next year", "2020/22", AS_AT),
    ("a year beyond any plan is not a target", "Winter 9999", AS_AT),
    ("a date inside a sentence is not a target", "see point 17 in March 2020", AS_AT),
]
# fmt: on


@pytest.mark.parametrize(
    ("text", "as_at"), [case[1:] for case in NO_WINDOW], ids=[case[0] for case in NO_WINDOW]
)
def test_a_target_with_no_date_has_no_window(text: str, as_at: date | None) -> None:
    assert parse_target(text, as_at) is None


# Every Next steps bullet of the seed (/work/shared/seeds/000_…), wrapped lines
# joined by a space: (bullet, description, target, window).
# fmt: off
SEED_NEXT_STEPS = [
    ("Project Initiation Documentation agreed by Project Board – March/April 2020",
     "Project Initiation Documentation agreed by Project Board", "March/April 2020",
     window("01/03/2020", "30/04/2020", M)),
    ("Clear RSA for exemption as an SCC supplier – March 2020  ",
     "Clear RSA for exemption as an SCC supplier", "March 2020",
     window("01/03/2020", "31/03/2020", M)),
    ("Agree terms of commission with the RSA – April 2020",
     "Agree terms of commission with the RSA", "April 2020",
     window("01/04/2020", "30/04/2020", M)),
    ("Draft and circulate project brief for dissemination to stakeholders to build a "
     "coalition / community of practice involving employers, training providers and "
     "business intermediaries – April to May 2020  ",
     "Draft and circulate project brief for dissemination to stakeholders to build a "
     "coalition / community of practice involving employers, training providers and "
     "business intermediaries", "April to May 2020", window("01/04/2020", "31/05/2020", M)),
    ("Deliver CofL stakeholder workshops – July 2020",
     "Deliver CofL stakeholder workshops", "July 2020", window("01/07/2020", "31/07/2020", M)),
    ("Develop a Theory of Change model with underlying evidence base for establishing pilot "
     "phase of CofL, continued stakeholder engagement and value proposition for prospective "
     "funders/investors – October 2020",
     "Develop a Theory of Change model with underlying evidence base for establishing pilot "
     "phase of CofL, continued stakeholder engagement and value proposition for prospective "
     "funders/investors", "October 2020", window("01/10/2020", "31/10/2020", M)),
    ("CofL platform live and micro-credentials (digital badges) developed – February 2021",
     "CofL platform live and micro-credentials (digital badges) developed", "February 2021",
     window("01/02/2021", "28/02/2021", M)),
    ("Pilot phase initiated to inform City of Culture bid – March 2021",
     "Pilot phase initiated to inform City of Culture bid", "March 2021",
     window("01/03/2021", "31/03/2021", M)),
    ("Consultation with schools, SEF & Children’s Services – March to April 2020",
     "Consultation with schools, SEF & Children’s Services", "March to April 2020",
     window("01/03/2020", "30/04/2020", M)),
    ("Commission pilot work in schools - May 2020 to August 2022",
     "Commission pilot work in schools", "May 2020 to August 2022",
     window("01/05/2020", "31/08/2022", M)),
    ("Evaluation of pilot activity – November to December 2022",
     "Evaluation of pilot activity", "November to December 2022",
     window("01/11/2022", "31/12/2022", M)),
    ("Citywide scale out of new curriculum paradigm – from September 2023",
     "Citywide scale out of new curriculum paradigm", "from September 2023",
     window("01/09/2023", None, M)),
    ("Commencement of Digital Engagement Manager – June 2020",
     "Commencement of Digital Engagement Manager", "June 2020",
     window("01/06/2020", "30/06/2020", M)),
    ("Brief for digital inclusion pilot & provider capacity building – April 2020  ",
     "Brief for digital inclusion pilot & provider capacity building", "April 2020",
     window("01/04/2020", "30/04/2020", M)),
    ("Funding secured – December 2020", "Funding secured", "December 2020",
     window("01/12/2020", "31/12/2020", M)),
    ("Delivery commences – April 2021", "Delivery commences", "April 2021",
     window("01/04/2021", "30/04/2021", M)),
    ("Draft project brief for a digital inclusion / digital skills pilot – April 2020",
     "Draft project brief for a digital inclusion / digital skills pilot", "April 2020",
     window("01/04/2020", "30/04/2020", M)),
    ("Draft Digital Inclusion strategy for consultation – November 2020   ",
     "Draft Digital Inclusion strategy for consultation", "November 2020",
     window("01/11/2020", "30/11/2020", M)),
    ("EON Reality to table draft AVR proposition to the LEP in partnership with SCC, Solent "
     "University and industry partners – May 2020",
     "EON Reality to table draft AVR proposition to the LEP in partnership with SCC, Solent "
     "University and industry partners", "May 2020", window("01/05/2020", "31/05/2020", M)),
    ("Procure DD tool for use by SCC’s skills team – May 2020  ",
     "Procure DD tool for use by SCC’s skills team", "May 2020",
     window("01/05/2020", "31/05/2020", M)),
    ("Inaugural Digital Bootcamp – July 2020", "Inaugural Digital Bootcamp", "July 2020",
     window("01/07/2020", "31/07/2020", M)),
    ("Draft terms of reference for a regional Digital Skills Partnership – July 2020",
     "Draft terms of reference for a regional Digital Skills Partnership", "July 2020",
     window("01/07/2020", "31/07/2020", M)),
    ("Employer engagement activities planned to discuss apprenticeships, T-levels and "
     "industrial placements – Feb to June 2020",
     "Employer engagement activities planned to discuss apprenticeships, T-levels and "
     "industrial placements", "Feb to June 2020", window("01/02/2020", "30/06/2020", M)),
    ("Benchmark use of levy pot / levy transfer and ways to improve process as well as "
     "generate higher ROI",
     "Benchmark use of levy pot / levy transfer and ways to improve process as well as "
     "generate higher ROI", "", None),
    ("Develop a series of case studies / good practice on apprenticeship levy experience to "
     "increase demand for SAH services and improve employer engagement experiences – "
     "April 2020",
     "Develop a series of case studies / good practice on apprenticeship levy experience to "
     "increase demand for SAH services and improve employer engagement experiences",
     "April 2020", window("01/04/2020", "30/04/2020", M)),
    ("Undertake initial analysis on digital apprenticeship provision – April 2020",
     "Undertake initial analysis on digital apprenticeship provision", "April 2020",
     window("01/04/2020", "30/04/2020", M)),
    ("Establish employer demand for digital apprenticeship standards to inform provider "
     "capacity building – September 2020  ",
     "Establish employer demand for digital apprenticeship standards to inform provider "
     "capacity building", "September 2020", window("01/09/2020", "30/09/2020", M)),
    ("Value proposition developed – May 2020", "Value proposition developed", "May 2020",
     window("01/05/2020", "31/05/2020", M)),
    ("Launch of updated City Ambitions platform – June 2020  ",
     "Launch of updated City Ambitions platform", "June 2020",
     window("01/06/2020", "30/06/2020", M)),
    ("Venturefest South - March 2020", "Venturefest South", "March 2020",
     window("01/03/2020", "31/03/2020", M)),
    ("Tech Solent Conference - June 2020  ", "Tech Solent Conference", "June 2020",
     window("01/06/2020", "30/06/2020", M)),
    ("Southampton Games Festival - June 2020", "Southampton Games Festival", "June 2020",
     window("01/06/2020", "30/06/2020", M)),
    ("Tender specification for regional study issued – June 2020",
     "Tender specification for regional study issued", "June 2020",
     window("01/06/2020", "30/06/2020", M)),
    ("Clarification and scoping of Smart Cities/Intelligent Cities to be completed in "
     "advance of preparing delivery plan for 2021.",
     "Clarification and scoping of Smart Cities/Intelligent Cities to be completed in "
     "advance of preparing delivery plan for 2021.", "", None),
]
# fmt: on


def test_the_seed_has_32_dated_and_2_undated_next_steps() -> None:
    targets = [split_next_step(bullet, AS_AT)[1] for bullet, *_ in SEED_NEXT_STEPS]
    assert len(targets) == 34
    assert sum(1 for target in targets if target) == 32


@pytest.mark.parametrize(
    ("bullet", "description", "target", "expected"),
    SEED_NEXT_STEPS,
    ids=[case[1][:40] for case in SEED_NEXT_STEPS],
)
def test_a_seed_next_step_splits_into_description_and_target_window(
    bullet: str, description: str, target: str, expected: TargetWindow | None
) -> None:
    assert split_next_step(bullet, AS_AT) == (description, target)
    assert parse_target(target, AS_AT) == expected
    assert target_is_understood(target)


# fmt: off
SPLITS = [
    ("a date after a spaced hyphen is the target",
     "Commission pilot work in schools - May 2020 to August 2022",
     ("Commission pilot work in schools", "May 2020 to August 2022")),
    ("a dash inside the description is kept in the description",
     "Draft brief – phase 2 – April 2020", ("Draft brief – phase 2", "April 2020")),
    ("a spaced dash inside a date range belongs to the target",
     "Run pilot – March 2020 - April 2020", ("Run pilot", "March 2020 - April 2020")),
    ("a dash followed by words that are not a date leaves the bullet whole",
     "City Ambitions team – responsible for the existing career portal",
     ("City Ambitions team – responsible for the existing career portal", "")),
    ("an unspaced hyphen is not a separator", "Deliver T-levels March 2020",
     ("Deliver T-levels March 2020", "")),
    ("a horizon after a dash is the target", "Replace the intranet – Next",
     ("Replace the intranet", "Next")),
    ("a year-less target is split off even without an as-at date",
     "EON Reality visit – 28-29 January", ("EON Reality visit", "28-29 January")),
    ("a dash at the very start leaves the bullet whole", "– March 2020", ("– March 2020", "")),
    ("a wrapped line before the date is still a separator",
     "CofL platform live – \nFebruary 2021", ("CofL platform live", "February 2021")),
    ("an em dash separates too", "Funding secured — December 2020",
     ("Funding secured", "December 2020")),
    ("a date followed by more words is not a target", "Bid – April 2020 - phase 2",
     ("Bid – April 2020 - phase 2", "")),
    ("an empty bullet has no description and no target", "", ("", "")),
]
# fmt: on


@pytest.mark.parametrize(
    ("bullet", "expected"), [case[1:] for case in SPLITS], ids=[case[0] for case in SPLITS]
)
def test_a_bullet_splits_at_the_dash_before_its_target(
    bullet: str, expected: tuple[str, str]
) -> None:
    assert split_next_step(bullet) == expected


@pytest.mark.parametrize("text", ["Now", "next", " LATER ", "Later."])
def test_roadmap_horizons_are_understood_without_a_window(text: str) -> None:
    assert is_horizon(text)
    assert target_is_understood(text)
    assert parse_target(text, AS_AT) is None


@pytest.mark.parametrize("text", ["Nowhere", "next steps", "", "March 2020"])
def test_other_text_is_not_a_horizon(text: str) -> None:
    assert not is_horizon(text)


@pytest.mark.parametrize(
    ("text", "understood"),
    [
        ("", True),
        ("   ", True),
        ("March 2020", True),
        ("28-29 January", True),
        ("Later", True),
        ("ASAP", False),
        ("Work in progress", False),
        ("31/02/2020", False),
    ],
)
def test_a_target_is_understood_when_blank_a_horizon_or_a_window(
    text: str, understood: bool
) -> None:
    assert target_is_understood(text) is understood


@pytest.mark.parametrize(
    ("window_", "expected"),
    [
        (window("01/03/2020", "30/04/2020", M), "01/03/2020 – 30/04/2020"),
        (window("01/09/2023", None, M), "from 01/09/2023"),
        (window("26/02/2020", "26/02/2020", D), "26/02/2020"),
        (None, ""),
    ],
    ids=["a range", "an open end", "a single day", "no window"],
)
def test_a_window_is_shown_in_uk_form(window_: TargetWindow | None, expected: str) -> None:
    assert format_window(window_) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26/02/2020", date(2020, 2, 26)),
        ("26/2/20", date(2020, 2, 26)),
        ("2020-02-26", date(2020, 2, 26)),
        (" 03/04/2020 ", date(2020, 4, 3)),
        ("03.04.2020", date(2020, 4, 3)),
        ("03-04-2020", date(2020, 4, 3)),
    ],
)
def test_a_written_date_is_read_day_first(text: str, expected: date) -> None:
    assert parse_uk_date(text) == expected


@pytest.mark.parametrize(
    "text", ["02/26/2020", "31/02/2020", "0/0/0", "", "March 2020", "99999999", "1/1/0001"]
)
def test_a_written_date_that_is_not_a_uk_date_is_none(text: str) -> None:
    assert parse_uk_date(text) is None


# fmt: off
_FRAGMENTS = st.sampled_from([
    "March", "Sept", "feb", "Spring", "Winter", "Q1", "Q4", "2020", "2021", "9999",
    "99999999", "28", "29", "31", "0", "/", "-", "–", " to ", " from ", "by ", " ",
    "26/02/2020", "31/02/2020", "0/0/0", "2020/21", "2020-02-30", ".", "onwards", "Now",
    "th", "of", "\x00", "\n", "🙂",
])
# fmt: on
_TEXT = st.one_of(
    st.text(),
    st.lists(_FRAGMENTS, max_size=8).map("".join),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=3)), max_size=8).map(" ".join),
)
_AS_AT = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, as_at=_AS_AT)
def test_any_text_either_has_a_well_ordered_window_or_none(text: str, as_at: date | None) -> None:
    result = parse_target(text, as_at)
    if result is not None:
        assert result.end is None or result.start <= result.end
        assert format_window(result)
    target_is_understood(text)
    is_horizon(text)
    parse_uk_date(text)


@settings(max_examples=200, deadline=None)
@given(description=st.text(), target=_TEXT, as_at=_AS_AT)
def test_any_bullet_splits_without_error_into_stripped_parts(
    description: str, target: str, as_at: date | None
) -> None:
    found_description, found_target = split_next_step(f"{description} – {target}", as_at)
    assert found_description == found_description.strip()
    assert found_target == found_target.strip()
    if found_target:
        assert target_is_understood(found_target)


def test_a_doubled_dash_before_the_date_still_separates_the_target() -> None:
    assert split_next_step("Launch - – March 2020") == ("Launch -", "March 2020")


# ---------------------------------------------------------------------- dates as typed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31032020", date(2020, 3, 31)),
        ("29022020", date(2020, 2, 29)),
        ("01012021", date(2021, 1, 1)),
    ],
)
def test_a_date_typed_without_slashes_is_read_day_first(text: str, expected: date) -> None:
    assert parse_uk_date(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("31/02/2020", "'31/02/2020' is not a date: February 2020 has 29 days"),
        ("29022021", "'29022021' is not a date: February 2021 has 28 days"),
        ("31/04/2020", "'31/04/2020' is not a date: April 2020 has 30 days"),
        ("12/13/2020", "'12/13/2020' is not a date: there is no month 13"),
        ("soon", "'soon' is not a date (use DD/MM/YYYY)"),
        ("", "no date given (use DD/MM/YYYY)"),
    ],
)
def test_an_impossible_date_is_refused_with_the_reason_never_moved(text: str, problem: str) -> None:
    assert parse_uk_date(text) is None
    assert date_problem(text) == problem


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("", DateEntry.EMPTY),
        ("3", DateEntry.PARTIAL),
        ("31/0", DateEntry.PARTIAL),
        ("31/02", DateEntry.IMPOSSIBLE),
        ("30/02", DateEntry.IMPOSSIBLE),
        ("29/02/202", DateEntry.PARTIAL),
        ("29/02/2020", DateEntry.COMPLETE),
        ("29/02/2021", DateEntry.IMPOSSIBLE),
        ("310320", DateEntry.PARTIAL),
        ("31032020", DateEntry.COMPLETE),
        ("3102", DateEntry.IMPOSSIBLE),
        ("32", DateEntry.IMPOSSIBLE),
        ("12/13", DateEntry.IMPOSSIBLE),
        ("1/x", DateEntry.IMPOSSIBLE),
    ],
)
def test_a_date_being_typed_is_judged_without_being_changed(text: str, entry: DateEntry) -> None:
    assert date_entry(text) is entry


@settings(max_examples=200, deadline=None)
@given(text=_TEXT)
def test_any_typed_text_is_judged_and_a_complete_one_is_a_date(text: str) -> None:
    entry = date_entry(text)
    assert (entry is DateEntry.COMPLETE) == (parse_uk_date(text) is not None)
    assert (date_problem(text) is None) == (parse_uk_date(text) is not None)
