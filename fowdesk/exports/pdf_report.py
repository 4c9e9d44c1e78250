"""The committee report: the programme's table as the seed prints it, as a PDF appendix.

:func:`render_report` turns a programme (current data or a frozen snapshot)
into PDF bytes with no database access, so the window can render it in a
worker thread and print-preview the bytes. :func:`export_report` is the
command line's and the File menu's entry point: it chooses current data or
the published report (the bytes stored when the period was published, see
``exports.publishing``), logs the export, and writes the file under a
temporary name.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as ReportlabParagraph
from reportlab.platypus.paragraph import textTransformFrags
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from fowdesk import paths
from fowdesk.domain.changes import Change, ChangeKind
from fowdesk.domain.leads import format_leads
from fowdesk.domain.model import (
    RAG_COLOURS,
    Card,
    CardStatus,
    Milestone,
    MilestoneStatus,
    Period,
    Programme,
    Rag,
)
from fowdesk.domain.model import (
    Paragraph as TextParagraph,
)
from fowdesk.domain.publishing import ReportOptions
from fowdesk.domain.rag import RagResult, card_rag
from fowdesk.domain.summary import MilestoneDue, summarise
from fowdesk.domain.textdiff import sentence_changes
from fowdesk.errors import InvalidInput, NotFound
from fowdesk.exports.files import write_bytes_atomically
from fowdesk.exports.frozen import FrozenReport, frozen_report, published_options
from fowdesk.exports.pdf_pages import (
    GREY,
    Bookmark,
    PageFurniture,
    canvas_maker,
    key_footer_text,
)
from fowdesk.exports.pdf_text import BOLD, REGULAR, markup, printable, register_fonts

PAGE_SIZE = landscape(A4)
MARGIN_X = 14 * mm
MARGIN_TOP = 16 * mm
LANGUAGE = "en-GB"

#: The four columns' shares of the table width, as the seed's table divides the page.
COLUMN_SHARES = (0.27, 0.07, 0.37, 0.29)

#: A column with nothing in it for any card keeps this part of its share (room for
#: its heading and "No update for this period."); the others take the rest.
EMPTY_COLUMN_KEEPS = 0.4

#: How far ahead "due in the next month" looks from the as-at date.
NEXT_MONTH = timedelta(days=31)

#: How many overdue (and how many upcoming) milestones the one-page summary lists.
SUMMARY_LIST_LIMIT = 8

#: A narrative's removed (and added) sentences in the changes section are cut here;
#: the full text is in the return.
CHANGE_TEXT_LIMIT = 300

_HEADER_FILL = colors.HexColor("#D9D9D9")
_GRID = colors.HexColor("#808080")
_STRIPE = colors.HexColor("#F3F3F3")
_LIGHT_TEXT_ON = {Rag.RED, Rag.GREEN, Rag.COMPLETE}

# Page streams are compressed and written as binary rather than also turned
# into 7-bit ASCII85 text: a long report builds a second or so faster and is
# about a sixth smaller, and every PDF reader takes either. reportlab reads
# this setting as each page and stream is made, so it is set once here.
rl_config.useA85 = 0


# ----------------------------------------------------------------------------- styles


class Paragraph(ReportlabParagraph):
    """A reportlab Paragraph that parses plain text quickly and keeps its line breaks.

    Most cells are plain escaped text with no tags or entities; for those the
    fragment reportlab's XML parser would build is copied from one parsed
    once per style (the output is byte for byte the same). A table also
    measures each cell several times while it looks for a page break
    (measure, split, measure the rest, draw); breaking the same text at the
    same width again was most of a long report's build time, and the result
    does not depend on the height offered.
    """

    _wrapped_at: float | None = None

    def _setup(self, text, style, bulletText, frags, cleaner) -> None:
        if frags is None and "<" not in text and "&" not in text:
            text = cleaner(text)
            frags = _plain_frags(text, style)
            textTransformFrags(frags, style)
        super()._setup(text, style, bulletText, frags, cleaner)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Only the width matters to the breaks. split() drops blPara when it
        # gives up, and a split half arrives with a blPara of its own but no
        # _wrapped_at, so both go through reportlab's wrap again.
        if self._wrapped_at == availWidth and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size


#: Per style, the fragment reportlab's parser makes of plain text (the style kept alive).
_PLAIN_FRAG_TEMPLATES: dict[int, tuple[ParagraphStyle, ParaFrag]] = {}


def _plain_frags(text: str, style: ParagraphStyle) -> list[ParaFrag]:
    """What ``ParaParser().parse(text, style)`` returns for text with no tags or entities."""
    if not text:
        return []
    known = _PLAIN_FRAG_TEMPLATES.get(id(style))
    if known is None or known[0] is not style:
        parser = ParaParser()
        parser.caseSensitive = 1
        _, parsed, _ = parser.parse("x", style)
        known = (style, parsed[0])
        _PLAIN_FRAG_TEMPLATES[id(style)] = known
    frag = copy.copy(known[1])
    for name, value in vars(frag).items():
        if isinstance(value, list):  # link, us_lines: the parser gives each fragment its own
            setattr(frag, name, [])
    frag.text = text
    return [frag]


def _style(name: str, size: float, leading: float, **kwargs: object) -> ParagraphStyle:
    kwargs.setdefault("fontName", REGULAR)
    kwargs.setdefault("bulletFontName", REGULAR)  # reportlab's default is Helvetica
    return ParagraphStyle(name, fontSize=size, leading=leading, alignment=TA_LEFT, **kwargs)


class _Styles:
    """The report's paragraph styles, all in DejaVu (bullets too)."""

    title: ParagraphStyle = _style("title", 16, 20, fontName=BOLD, spaceAfter=8)
    heading: ParagraphStyle = _style(
        "heading", 12, 15, fontName=BOLD, spaceBefore=8, spaceAfter=4, keepWithNext=1
    )
    body: ParagraphStyle = _style("body", 9.5, 12.5, spaceAfter=4)
    body_bullet: ParagraphStyle = _style(
        "body_bullet", 9.5, 12.5, leftIndent=14, bulletIndent=4, spaceAfter=2
    )
    cell: ParagraphStyle = _style("cell", 8, 10, spaceAfter=2)
    cell_bold: ParagraphStyle = _style("cell_bold", 8, 10, fontName=BOLD, spaceAfter=2)
    cell_bullet: ParagraphStyle = _style(
        "cell_bullet", 8, 10, leftIndent=9, bulletIndent=0, spaceAfter=3
    )
    cell_note: ParagraphStyle = _style("cell_note", 7, 8.6, textColor=GREY, spaceAfter=2)
    benefit: ParagraphStyle = _style(
        "benefit", 7.5, 9.2, leftIndent=9, textColor=GREY, spaceAfter=3
    )
    head_cell: ParagraphStyle = _style("head_cell", 8, 10, fontName=BOLD)
    small: ParagraphStyle = _style("small", 8, 10)


STYLES = _Styles()


# ----------------------------------------------------------------------------- words


def report_heading(programme: Programme, period: Period) -> str:
    """The report's title for ``period``.

    The seed's title ends with its period ("… – Progress Report – February
    2020"); a later period's report says its own label instead of repeating
    the one the title was written for. A title that names no period gets
    the label appended.
    """
    title = programme.report_title or f"{programme.title} – Progress Report"
    if period.label in title:
        return title
    for other in programme.periods:
        if other.label and other.label in title:
            return title.replace(other.label, period.label)
    return f"{title} – {period.label}"


def default_filename(code: str, period_label: str, card_ref: str | None = None) -> str:
    """``<code> report <period label>[ rec N].pdf``, safe on Windows."""
    name = f"{code} report {period_label}" + (f" rec {card_ref}" if card_ref else "")
    cleaned = "".join("-" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip(" .") + ".pdf"


def _ref_label(ref: str) -> str:
    return f"{ref}." if ref[-1:].isdigit() else ref


def _milestone_text(milestone: Milestone) -> str:
    """A next-steps bullet as the seed writes it: "what – when", plus how it stands."""
    text = markup(milestone.description)
    if milestone.target:
        text += " – " + markup(milestone.target)
    notes: list[str] = []
    if milestone.status is MilestoneStatus.COMPLETE:
        done = f" {milestone.completed_on:%d/%m/%Y}" if milestone.completed_on else ""
        notes.append(f"<b>Complete{done}</b>")
    elif milestone.status is not MilestoneStatus.NOT_STARTED:
        notes.append(f"<b>{milestone.status}</b>")
    if milestone.original_target is not None and milestone.original_target != milestone.target:
        original = markup(milestone.original_target) or "no target"
        notes.append(f"originally {original}")
    if notes:
        text += " (" + "; ".join(notes) + ")"
    if milestone.status is MilestoneStatus.CANCELLED:
        text = f'<font color="#777777"><strike>{text}</strike></font>'
    return text


def _rag_chip(rag: Rag) -> str:
    """RAG as colour *and* letter, so it survives a black-and-white printer."""
    text_colour = "#FFFFFF" if rag in _LIGHT_TEXT_ON else "#000000"
    return (
        f'<font backColor="{RAG_COLOURS[rag]}" color="{text_colour}">'
        f"<b>\u00a0{rag.value}\u00a0</b></font>"
    )


def _paragraphs(items: Sequence[TextParagraph], plain: ParagraphStyle, bullet: ParagraphStyle):
    flowables: list[Flowable] = []
    for item in items:
        if item.bulleted:
            flowables.append(Paragraph(markup(item.text), bullet, bulletText="•"))
        else:
            flowables.append(Paragraph(markup(item.text), plain))
    return flowables


# ----------------------------------------------------------------------------- table


def _headings(programme: Programme) -> list[str]:
    defaults = Programme(code="", title="").column_headings
    given = list(programme.column_headings)
    return [given[i] if i < len(given) and given[i].strip() else defaults[i] for i in range(4)]


def _first_cell(card: Card, rag: RagResult, index: int) -> list[Flowable]:
    title = printable(f"{_ref_label(card.ref)} {card.title}")
    cell: list[Flowable] = [
        Bookmark(f"rec-{index}", " ".join(title.split()), level=1),
        Paragraph(
            f"{_rag_chip(rag.rag)} <b>{markup(_ref_label(card.ref))} {markup(card.title)}</b>",
            STYLES.cell,
        ),
    ]
    if rag.overridden:
        derived = f" (from milestones: {rag.derived.label})" if rag.derived else ""
        cell.append(
            Paragraph(
                f"RAG set by officer: {rag.rag.label}{derived} – "
                f"{markup(card.rag_override_reason) or 'no reason given'}",
                STYLES.cell_note,
            )
        )
    if card.status in (CardStatus.ON_HOLD, CardStatus.COMPLETE, CardStatus.CLOSED):
        cell.append(Paragraph(f"Status: {card.status}", STYLES.cell_note))
    for deliverable in card.deliverables:
        if deliverable.bulleted:
            cell.append(Paragraph(markup(deliverable.text), STYLES.cell_bullet, bulletText="•"))
        else:
            cell.append(Paragraph(markup(deliverable.text), STYLES.cell))
        if deliverable.benefit:
            # The seed's "So that… (the benefit)" column, as a label: benefits read as sentences.
            benefit = "<b>So that…</b> " + markup(deliverable.benefit)
            cell.append(Paragraph(benefit, STYLES.benefit))
    return cell


def _progress_cell(card: Card, period_label: str) -> list[Flowable]:
    progress = card.progress_for(period_label)
    cell = _paragraphs(progress, STYLES.cell, STYLES.cell_bullet)
    if card.cross_reference:
        cell.append(Paragraph(f"See point {markup(card.cross_reference)}", STYLES.cell))
    if not cell:
        cell.append(Paragraph("No update for this period.", STYLES.cell_note))
    return cell


def _next_steps_cell(card: Card) -> list[Flowable]:
    cell: list[Flowable] = []
    if card.next_steps_text.strip():
        cell.append(Paragraph(markup(card.next_steps_text.strip()), STYLES.cell))
    for milestone in card.milestones:
        cell.append(Paragraph(_milestone_text(milestone), STYLES.cell_bullet, bulletText="•"))
    return cell or [Paragraph("", STYLES.cell)]


def _table_style(n_rows: int) -> TableStyle:
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    return TableStyle(commands)


def column_shares(cards: Sequence[Card], period_label: str) -> tuple[float, ...]:
    """The seed's column shares, with columns no card uses narrowed for those that are used.

    A strategy's first report has priorities and deliverables but no leads and
    no progress yet; printing empty columns at full width would crowd the first.
    """
    used = (
        True,
        True,  # the Lead column is already as narrow as its heading allows
        any(card.progress_for(period_label) or card.cross_reference for card in cards),
        any(card.milestones or card.next_steps_text.strip() for card in cards),
    )
    weighted = [
        share if in_use else share * EMPTY_COLUMN_KEEPS
        for share, in_use in zip(COLUMN_SHARES, used, strict=True)
    ]
    total = sum(weighted)
    return tuple(share / total for share in weighted)


def _main_table(programme: Programme, cards: Sequence[Card], period: Period, width: float) -> Table:
    header: list[object] = [Paragraph(markup(h), STYLES.head_cell) for h in _headings(programme)]
    rows: list[list[object]] = [header]
    for index, card in enumerate(cards):
        rag = card_rag(card, period.as_at, period.as_at)
        rows.append(
            [
                _first_cell(card, rag, index),
                Paragraph(markup(format_leads(card.leads)), STYLES.cell),
                _progress_cell(card, period.label),
                _next_steps_cell(card),
            ]
        )
    return LongTable(
        rows,
        colWidths=[share * width for share in column_shares(cards, period.label)],
        repeatRows=1,
        splitByRow=0,  # split inside the row that meets the page foot, not before it
        splitInRow=1,
        style=_table_style(len(rows)),
        hAlign="LEFT",
    )


# ----------------------------------------------------------------------------- summary


class _RagChart(Flowable):
    """A small horizontal bar chart of RAG counts, each bar labelled with its letter.

    Drawn with canvas primitives in DejaVu so no other font enters the PDF.
    """

    BAR_HEIGHT = 12.0
    GAP = 5.0
    LABEL_WIDTH = 70.0

    def __init__(self, counts: dict[Rag, int], width: float) -> None:
        super().__init__()
        self.counts = counts
        self.width = width
        self.height = len(counts) * (self.BAR_HEIGHT + self.GAP)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        most = max([*self.counts.values(), 1])
        room = self.width - self.LABEL_WIDTH - 30
        for row, (rag, count) in enumerate(self.counts.items()):
            y = self.height - (row + 1) * (self.BAR_HEIGHT + self.GAP) + self.GAP
            canvas.setFillColor(colors.black)
            canvas.setFont(REGULAR, 8)
            canvas.drawString(0, y + 3, f"{rag.value}  {rag.label}")
            bar = room * count / most
            if bar:
                canvas.setFillColor(colors.HexColor(RAG_COLOURS[rag]))
                canvas.setStrokeColor(colors.black)
                canvas.setLineWidth(0.3)
                canvas.rect(self.LABEL_WIDTH, y, bar, self.BAR_HEIGHT, stroke=1, fill=1)
                if bar > 14:
                    light = rag in _LIGHT_TEXT_ON
                    canvas.setFillColor(colors.white if light else colors.black)
                    canvas.setFont(BOLD, 8)
                    canvas.drawCentredString(self.LABEL_WIDTH + 7, y + 3, rag.value)
            canvas.setFillColor(colors.black)
            canvas.setFont(BOLD, 8)
            canvas.drawString(self.LABEL_WIDTH + bar + 4, y + 3, str(count))


def _milestone_list(items: Sequence[MilestoneDue], width: float, empty: str) -> list[Flowable]:
    """The first few milestones of a list (the summary is one page); the table has them all."""
    if not items:
        return [Paragraph(empty, STYLES.body)]
    rows: list[list[object]] = [
        [Paragraph(h, STYLES.head_cell) for h in ("Rec", "Milestone", "Target", "Due by")]
    ]
    for item in items[:SUMMARY_LIST_LIMIT]:
        rows.append(
            [
                Paragraph(markup(_ref_label(item.card_ref)), STYLES.small),
                Paragraph(markup(item.milestone.description), STYLES.small),
                Paragraph(markup(item.milestone.target), STYLES.small),
                Paragraph(f"{item.due_by:%d/%m/%Y}", STYLES.small),
            ]
        )
    table = Table(
        rows,
        colWidths=[0.06 * width, 0.60 * width, 0.22 * width, 0.12 * width],
        repeatRows=1,
        style=_table_style(len(rows)),
        hAlign="LEFT",
    )
    hidden = len(items) - SUMMARY_LIST_LIMIT
    if hidden <= 0:
        return [table]
    more = f"… and {hidden:,} more; every milestone is in the table that follows."
    return [table, Spacer(1, 2), Paragraph(more, STYLES.small)]


def _summary(programme: Programme, cards: Sequence[Card], period: Period, width: float):
    as_at = period.as_at
    horizon = as_at + NEXT_MONTH
    summary = summarise(
        programme, as_at, period_label=period.label, upcoming_days=NEXT_MONTH.days, cards=cards
    )
    counts = {rag: summary.rag_counts[rag] for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE)}
    overdue, upcoming = summary.overdue, summary.upcoming
    milestones = sum(len(c.milestones) for c in cards)
    complete = sum(1 for c in cards for m in c.milestones if m.status is MilestoneStatus.COMPLETE)
    count_rows: list[list[object]] = [
        [Paragraph("RAG", STYLES.head_cell), Paragraph("Recommendations", STYLES.head_cell)]
    ]
    for rag, count in counts.items():
        count_rows.append([Paragraph(_rag_chip(rag) + " " + rag.label, STYLES.small), str(count)])
    count_rows.append([Paragraph("<b>Total</b>", STYLES.small), str(len(cards))])
    counts_table = Table(
        count_rows,
        colWidths=[80, 100],
        style=TableStyle(
            [
                *_table_style(len(count_rows)).getCommands(),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        ),
        hAlign="LEFT",
    )
    facts = [
        Paragraph(
            f"<b>{milestones}</b> milestones: <b>{complete}</b> complete, "
            f"<b>{len(overdue)}</b> overdue, <b>{len(upcoming)}</b> due by {horizon:%d/%m/%Y}.",
            STYLES.small,
        ),
        Spacer(1, 4),
        Paragraph(
            f"RAG is worked out as at {as_at:%d/%m/%Y}: R Red – target passed more than "
            "30 days ago; A Amber – due within 30 days, overdue or delayed; G Green – on "
            "track; C Complete.",
            STYLES.small,
        ),
    ]
    # Counts, chart and the key facts side by side, so the summary keeps to one page.
    side_by_side = Table(
        [[counts_table, _RagChart(counts, 260), facts]],
        colWidths=[200, 280, width - 480],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
        hAlign="LEFT",
    )
    # Each part stays whole with its heading: when the introduction leaves too
    # little room for all of it, a part moves to the next page rather than split.
    return [
        KeepTogether(
            [
                Bookmark("summary", "Summary", level=0),
                Paragraph(f"Summary as at {as_at:%d/%m/%Y}", STYLES.heading),
                side_by_side,
            ]
        ),
        KeepTogether(
            [
                Paragraph(f"Milestones overdue ({len(overdue)})", STYLES.heading),
                *_milestone_list(overdue, width, "No milestones are overdue."),
            ]
        ),
        KeepTogether(
            [
                Paragraph(
                    f"Milestones due in the next month, by {horizon:%d/%m/%Y} ({len(upcoming)})",
                    STYLES.heading,
                ),
                *_milestone_list(upcoming, width, "No milestones fall due in the next month."),
            ]
        ),
    ]


# ----------------------------------------------------------------------------- changes


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CHANGE_TEXT_LIMIT else text[: CHANGE_TEXT_LIMIT - 1] + "…"


def _narrative_cells(was: str, now: str) -> tuple[str, str]:
    """A narrative's Was/Now as the sentences it lost and gained, never two equal openings.

    A narrative that kept its paragraphs and gained one would otherwise
    print the same first words twice; each side is cut only after the
    shared sentences are taken out.
    """
    changed = sentence_changes(was, now)
    removed = _clip(" ".join(changed.removed))
    added = _clip(" ".join(changed.added))
    return (
        f"<b>Removed:</b> {markup(removed)}" if removed else "Nothing removed",
        f"<b>Added:</b> {markup(added)}" if added else "Nothing added",
    )


def _changes_section(changes: Sequence[Change], since: str, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        Bookmark("changes", "Changes since the last report", level=0),
        Paragraph(
            "Changes since the last report" + (f" ({markup(since)})" if since else ""),
            STYLES.heading,
        ),
    ]
    if not changes:
        story.append(Paragraph("Nothing has changed since the last report.", STYLES.body))
        return story
    rows: list[list[object]] = [
        [Paragraph(h, STYLES.head_cell) for h in ("Rec", "What changed", "Was", "Now")]
    ]
    for change in changes:
        was, now = markup(change.was), markup(change.now)
        if change.kind is ChangeKind.NARRATIVE:
            was, now = _narrative_cells(change.was, change.now)
        rows.append(
            [
                Paragraph(markup(change.ref), STYLES.small),
                Paragraph(markup(change.what), STYLES.small),
                Paragraph(was, STYLES.small),
                Paragraph(now, STYLES.small),
            ]
        )
    story.append(
        LongTable(
            rows,
            colWidths=[0.06 * width, 0.38 * width, 0.28 * width, 0.28 * width],
            repeatRows=1,
            splitInRow=1,
            style=_table_style(len(rows)),
            hAlign="LEFT",
        )
    )
    return story


# ----------------------------------------------------------------------------- one card


def _card_detail(card: Card, period: Period, width: float) -> list[Flowable]:
    """The milestone table a lead officer's briefing needs: status, RAG, slippage."""
    rag = card_rag(card, period.as_at, period.as_at)
    story: list[Flowable] = [
        Spacer(1, 6),
        Paragraph(
            f"RAG as at {period.as_at:%d/%m/%Y}: {_rag_chip(rag.rag)} {rag.rag.label} – "
            f"{markup(rag.reason)}",
            STYLES.body,
        ),
    ]
    if not card.milestones:
        return story
    rows: list[list[object]] = [
        [
            Paragraph(h, STYLES.head_cell)
            for h in ("Milestone", "Target", "Status", "RAG", "Original target", "Notes")
        ]
    ]
    from fowdesk.domain.rag import milestone_rag

    for milestone in card.milestones:
        m_rag = milestone_rag(milestone, period.as_at, period.as_at)
        status = str(milestone.status)
        if milestone.completed_on:
            status += f" {milestone.completed_on:%d/%m/%Y}"
        revisions = (
            f"{markup(milestone.original_target)} ({milestone.revision_count} revision"
            f"{'s' if milestone.revision_count != 1 else ''})"
            if milestone.original_target is not None
            else ""
        )
        rows.append(
            [
                Paragraph(markup(milestone.description), STYLES.small),
                Paragraph(markup(milestone.target), STYLES.small),
                Paragraph(status, STYLES.small),
                Paragraph(_rag_chip(m_rag) if m_rag else "–", STYLES.small),
                Paragraph(revisions, STYLES.small),
                Paragraph(markup(milestone.notes), STYLES.small),
            ]
        )
    story.append(
        LongTable(
            rows,
            colWidths=[w * width for w in (0.38, 0.14, 0.12, 0.05, 0.14, 0.17)],
            repeatRows=1,
            splitInRow=1,
            style=_table_style(len(rows)),
            hAlign="LEFT",
        )
    )
    return story


# ----------------------------------------------------------------------------- document


def _previous_published(programme: Programme, period: Period) -> Period | None:
    earlier = []
    for candidate in programme.periods:
        if candidate.label == period.label:
            break
        if candidate.published:
            earlier.append(candidate)
    return earlier[-1] if earlier else None


def render_report(
    programme: Programme,
    period_label: str,
    *,
    changes: Sequence[Change] | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    author: str = "",
) -> bytes:
    """The committee report (or one recommendation's briefing) as PDF bytes.

    ``changes`` is what the changes-since function listed; None leaves the
    section out. No database access: the caller chooses current data or a
    frozen snapshot.
    """
    register_fonts()
    period = programme.period(period_label)
    if period is None:
        raise NotFound(f"no reporting period {period_label!r} in {programme.code}")
    cards = list(programme.cards)
    heading = report_heading(programme, period)
    if card_ref is not None:
        card = programme.card(card_ref)
        if card is None:
            raise NotFound(f"no recommendation {card_ref!r} in {programme.code}")
        cards = [card]
    appendix_text = printable(appendix).strip() if appendix else ""
    header_right = f"Appendix {appendix_text}" if appendix_text else ""
    header_left = printable(period.meeting).strip() or printable(heading)
    furniture = PageFurniture(
        page_width=PAGE_SIZE[0],
        page_height=PAGE_SIZE[1],
        margin_x=MARGIN_X,
        header_left=" ".join(header_left.split()),
        header_right=" ".join(header_right.split()),
        key_text=key_footer_text([(k.code, k.role) for k in programme.lead_key]),
    )
    bottom_margin = furniture.footer_height() + 16
    width = furniture.text_width

    buffer = io.BytesIO()
    subject = (
        f"Progress report, {period.label}, as at {period.as_at:%d/%m/%Y}"
        + (f", recommendation {card_ref}" if card_ref else "")
        + (f" – {period.meeting}" if period.meeting else "")
    )
    title = heading + (f" – recommendation {card_ref}" if card_ref else "")
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=bottom_margin,
        title=" ".join(printable(title).split()),
        author=printable(author),
        subject=" ".join(printable(subject).split()),
        creator="fowdesk",
        lang=LANGUAGE,
        initialFontName=REGULAR,
        initialFontSize=9,
        displayDocTitle=1,
    )
    frame = Frame(
        MARGIN_X,
        bottom_margin,
        width,
        PAGE_SIZE[1] - MARGIN_TOP - bottom_margin,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="report",
                frames=[frame],
                onPage=lambda canvas, _doc: furniture.draw(canvas, bottom_margin),
            )
        ]
    )

    story: list[Flowable] = [Paragraph(markup(heading), STYLES.title)]
    if period.meeting:
        story.append(Paragraph(markup(period.meeting), STYLES.body))
    if card_ref is None:
        story += _paragraphs(programme.introduction, STYLES.body, STYLES.body_bullet)
        story += _summary(programme, cards, period, width)
        if changes is not None:
            since = _previous_published(programme, period)
            story += _changes_section(changes, since.label if since else "", width)
        story.append(PageBreak())
        story.append(Bookmark("table", "Progress by recommendation", level=0))
    else:
        story.append(Bookmark("table", "Recommendation", level=0))
    story.append(_main_table(programme, cards, period, width))
    if card_ref is not None:
        story += _card_detail(cards[0], period, width)

    page_number_at = furniture.page_number_position(bottom_margin)
    doc.build(story, canvasmaker=canvas_maker(page_number_at))
    return buffer.getvalue()


# ----------------------------------------------------------------------------- export


def report_pdf_bytes(
    repo,
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    include_changes: bool | None = None,
) -> tuple[str, str, bytes]:
    """The report for ``period`` (default: the current period) as (code, period, PDF bytes).

    What export and print share; nothing is logged and, for an open period,
    nothing is stored. A published period gives back the bytes stored when
    it was published; ``appendix`` and ``include_changes`` left as None are
    "not given", and given ones that differ from the published report's are
    refused (``PublishedReportCannotChange``). A period published with no
    stored report (the seed's) is rendered once from its snapshot with its
    stored options, and kept.
    """
    canonical = repo.programme_code(code)
    current = repo.load_programme(canonical)
    if not current.periods:
        raise InvalidInput(f"{canonical} has no reporting period yet; start one first")
    label = period if period is not None else current.periods[-1].label
    chosen = current.period(label)
    if chosen is None:
        raise NotFound(f"no reporting period {label!r} in {canonical}")
    requested = ReportOptions.given(appendix, include_changes)

    if chosen.published:
        return canonical, label, _published_pdf(repo, canonical, label, requested, card_ref)
    options = requested.settled()
    changes = repo.changes_since_last_report(canonical) if options.include_changes else None
    if changes is not None and current.latest_published_period is None:
        changes = None
    pdf = render_report(
        current,
        label,
        changes=changes,
        appendix=options.appendix,
        card_ref=card_ref,
        author=repo.user,
    )
    return canonical, label, pdf


def export_report(
    repo,
    output: Path | None,
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    include_changes: bool | None = None,
) -> Path:
    """Write the report (see :func:`report_pdf_bytes`) and log the export."""
    canonical, label, pdf = report_pdf_bytes(
        repo,
        code=code,
        period=period,
        appendix=appendix,
        card_ref=card_ref,
        include_changes=include_changes,
    )
    target = output or paths.default_exports_dir() / default_filename(canonical, label, card_ref)
    if output is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    written = write_bytes_atomically(target, pdf)
    repo.log_export("pdf", canonical, label, str(written))
    return written


def render_frozen(frozen: FrozenReport, *, card_ref: str | None = None, author: str = "") -> bytes:
    """A published period's report drawn from its snapshot with its stored options."""
    return render_report(
        frozen.programme,
        frozen.period.label,
        changes=frozen.changes,
        appendix=frozen.options.appendix,
        card_ref=card_ref,
        author=author,
    )


def _published_pdf(
    repo, code: str, label: str, requested: ReportOptions, card_ref: str | None
) -> bytes:
    published_options(repo, code, label, requested)  # refuses other options first
    stored = repo.period_pdf(code, label) if card_ref is None else None
    if stored is not None:
        return stored
    frozen = frozen_report(repo, code, label, requested)
    pdf = render_frozen(frozen, card_ref=card_ref, author=repo.user)
    if card_ref is None:
        # Keeping the bytes for later reprints is best-effort: a read-only or
        # locked database still prints the report.
        repo.try_write(
            "the report for reprints",
            lambda: repo.store_period_pdf(code, label, pdf, frozen.options),
        )
        pdf = repo.period_pdf(code, label) or pdf
    return pdf
