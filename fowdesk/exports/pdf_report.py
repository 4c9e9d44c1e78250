"""The committee report: the programme's table as the seed prints it, as a PDF appendix.

What the report says is decided in :mod:`fowdesk.exports.report_model`; this
module lays that out with reportlab for print. :func:`render_report` turns a
programme (current data or a frozen snapshot) into PDF bytes with no database
access, so the window can render it in a worker thread and print-preview the
bytes. :func:`export_report` is the command line's and the File menu's entry
point: it chooses current data or the published report (the bytes stored when
the period was published, see ``exports.publishing``), logs the export, and
writes the file under a temporary name.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as ReportlabParagraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from fowdesk.domain.changes import Change
from fowdesk.domain.model import RAG_COLOURS, Programme, Rag
from fowdesk.domain.model import Paragraph as TextParagraph
from fowdesk.domain.publishing import ReportOptions
from fowdesk.domain.summary import MilestoneDue
from fowdesk.exports.frozen import FrozenReport, frozen_report, published_options
from fowdesk.exports.pdf_pages import (
    GREY,
    Bookmark,
    PageFurniture,
    canvas_maker,
    key_footer_text,
)
from fowdesk.exports.pdf_text import BOLD, REGULAR, markup, printable, register_fonts
from fowdesk.exports.report_model import (
    BENEFIT_LABEL,
    NO_UPDATE,
    CardDetail,
    ChangesSection,
    MilestoneLine,
    ReportModel,
    ReportRow,
    ReportSummary,
    build_report,
    chosen_period,
    default_filename,
    ref_label,
    save_report,
    source_for,
    uk_date,
)

__all__ = ["default_filename", "export_report", "render_report", "report_pdf_bytes"]

PAGE_SIZE = landscape(A4)
MARGIN_X = 14 * mm
MARGIN_TOP = 16 * mm
LANGUAGE = "en-GB"

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
            frags = [_frag(text, style)] if text else []
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


#: Markup around one run of text: plain, bold, or the struck-through grey of a cancelled step.
PLAIN = "{}"
BOLD_RUN = "<b>{}</b>"
CANCELLED = '<font color="#777777"><strike>{}</strike></font>'
CANCELLED_BOLD = '<font color="#777777"><strike><b>{}</b></strike></font>'

#: Per style and markup, the fragment reportlab's parser makes of it (the style kept alive).
_FRAG_TEMPLATES: dict[tuple[int, str], tuple[ParagraphStyle, ParaFrag]] = {}


def _frag(text: str, style: ParagraphStyle, around: str = PLAIN) -> ParaFrag:
    """What ``ParaParser().parse(around.format(text), style)`` makes of text with no markup."""
    key = (id(style), around)
    known = _FRAG_TEMPLATES.get(key)
    if known is None or known[0] is not style:
        parser = ParaParser()
        parser.caseSensitive = 1
        _, parsed, _ = parser.parse(around.format("x"), style)
        known = (style, parsed[0])
        _FRAG_TEMPLATES[key] = known
    frag = copy.copy(known[1])
    for name, value in vars(frag).items():
        if isinstance(value, list):  # link, us_lines: the parser gives each fragment its own
            setattr(frag, name, list(value))
    frag.text = text
    return frag


def _runs_paragraph(
    runs: Sequence[tuple[str, str]],
    style: ParagraphStyle,
    source: str,
    bullet: str | None = None,
) -> Paragraph:
    """The paragraph ``source`` (markup) makes: runs of user text, each with its markup.

    The fragments are made as reportlab's parser would make them from
    ``source``, without parsing it (a 5,000-card report has 50,000 milestone
    lines). Text holding characters the parser treats specially (``&``,
    ``<``, ``>``, line breaks) still goes through the parser.
    """
    printed = [(printable(text), around) for text, around in runs]
    joined = "".join(text for text, _ in printed)
    if any(char in joined for char in "&<>\n") or cleanBlockQuotedText(joined) != joined:
        # Entities, breaks or whitespace the parser would fold: let it.
        return Paragraph(source, style, bulletText=bullet)
    merged: list[tuple[str, str]] = []
    for text, around in printed:
        if not text:
            continue
        if merged and merged[-1][1] == around:
            merged[-1] = (merged[-1][0] + text, around)
        else:
            merged.append((text, around))
    frags = [_frag(text, style, around) for text, around in merged]
    textTransformFrags(frags, style)
    return Paragraph(source, style, bulletText=bullet, frags=frags)


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


def _milestone_runs(milestone: MilestoneLine) -> list[tuple[str, str]]:
    """A next-steps bullet as the seed writes it: "what – when", plus how it stands."""
    runs = [(milestone.description, PLAIN)]
    if milestone.target:
        runs += [(" – ", PLAIN), (milestone.target, PLAIN)]
    notes = [(text, BOLD_RUN if bold else PLAIN) for text, bold in milestone.notes]
    if notes:
        runs.append((" (", PLAIN))
        for number, note in enumerate(notes):
            runs += [("; ", PLAIN), note] if number else [note]
        runs.append((")", PLAIN))
    if milestone.cancelled:
        runs = [(text, CANCELLED if around == PLAIN else CANCELLED_BOLD) for text, around in runs]
    return runs


def _milestone_text(milestone: MilestoneLine) -> str:
    """The bullet as markup: what :func:`_milestone_paragraph` makes without parsing it."""
    text = markup(milestone.description)
    if milestone.target:
        text += " – " + markup(milestone.target)
    notes: list[str] = []
    if milestone.state:
        notes.append(f"<b>{markup(milestone.state)}</b>")
    if milestone.originally is not None:
        notes.append(f"originally {markup(milestone.originally)}")
    if notes:
        text += " (" + "; ".join(notes) + ")"
    if milestone.cancelled:
        text = f'<font color="#777777"><strike>{text}</strike></font>'
    return text


def _milestone_paragraph(milestone: MilestoneLine) -> Paragraph:
    runs = _milestone_runs(milestone)
    return _runs_paragraph(runs, STYLES.cell_bullet, _milestone_text(milestone), bullet="•")


def _rag_chip_markup(rag: Rag) -> str:
    """Markup around the chip's text: RAG as colour *and* letter, for black-and-white printers."""
    text_colour = "#FFFFFF" if rag in _LIGHT_TEXT_ON else "#000000"
    return f'<font backColor="{RAG_COLOURS[rag]}" color="{text_colour}"><b>{{}}</b></font>'


def _rag_chip(rag: Rag) -> str:
    """RAG as colour *and* letter, so it survives a black-and-white printer."""
    return _rag_chip_markup(rag).format(f"\u00a0{rag.value}\u00a0")


def _paragraphs(items: Sequence[TextParagraph], plain: ParagraphStyle, bullet: ParagraphStyle):
    flowables: list[Flowable] = []
    for item in items:
        if item.bulleted:
            flowables.append(Paragraph(markup(item.text), bullet, bulletText="•"))
        else:
            flowables.append(Paragraph(markup(item.text), plain))
    return flowables


# ----------------------------------------------------------------------------- table


def _first_cell(row: ReportRow, index: int) -> list[Flowable]:
    title = printable(f"{row.ref_label} {row.title}")
    cell: list[Flowable] = [
        Bookmark(f"rec-{index}", " ".join(title.split()), level=1),
        _runs_paragraph(
            [
                (f"\u00a0{row.rag.rag.value}\u00a0", _rag_chip_markup(row.rag.rag)),
                (" ", PLAIN),
                (f"{row.ref_label} {row.title}", BOLD_RUN),
            ],
            STYLES.cell,
            f"{_rag_chip(row.rag.rag)} <b>{markup(row.ref_label)} {markup(row.title)}</b>",
        ),
    ]
    if row.override_note:
        cell.append(Paragraph(markup(row.override_note), STYLES.cell_note))
    if row.status_note:
        cell.append(Paragraph(markup(row.status_note), STYLES.cell_note))
    for deliverable in row.deliverables:
        if deliverable.bulleted:
            cell.append(Paragraph(markup(deliverable.text), STYLES.cell_bullet, bulletText="•"))
        else:
            cell.append(Paragraph(markup(deliverable.text), STYLES.cell))
        if deliverable.benefit:
            # The seed's "So that… (the benefit)" column, as a label: benefits read as sentences.
            benefit = f"<b>{BENEFIT_LABEL}</b> " + markup(deliverable.benefit)
            cell.append(Paragraph(benefit, STYLES.benefit))
    return cell


def _progress_cell(row: ReportRow) -> list[Flowable]:
    cell = _paragraphs(row.progress, STYLES.cell, STYLES.cell_bullet)
    if row.see_point:
        cell.append(Paragraph(markup(row.see_point), STYLES.cell))
    if not cell:
        cell.append(Paragraph(NO_UPDATE, STYLES.cell_note))
    return cell


def _next_steps_cell(row: ReportRow) -> list[Flowable]:
    cell: list[Flowable] = []
    if row.next_steps_text:
        cell.append(Paragraph(markup(row.next_steps_text), STYLES.cell))
    for milestone in row.milestones:
        cell.append(_milestone_paragraph(milestone))
    return cell or [Paragraph("", STYLES.cell)]


_GRID_COMMANDS: list[tuple] = [
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]
#: A table with a grey heading row; a card's own table has the grid alone.
_HEADED_STYLE = TableStyle([*_GRID_COMMANDS, ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL)])
_CARD_STYLE = TableStyle(_GRID_COMMANDS)


def _card_cells(row: ReportRow, index: int) -> list[object]:
    return [
        _first_cell(row, index),
        Paragraph(markup(row.leads_text), STYLES.cell),
        _progress_cell(row),
        _next_steps_cell(row),
    ]


def _heading_row(report: ReportModel, width: float) -> Table:
    """The table's column headings, drawn by the page template at the top of every table page."""
    return Table(
        [[Paragraph(markup(h), STYLES.head_cell) for h in report.column_headings]],
        colWidths=[share * width for share in report.column_shares()],
        style=_HEADED_STYLE,
        hAlign="LEFT",
    )


class _CardToCome(Flowable):
    """A recommendation's place in the story: its table is made when the layout reaches it.

    Made all at once, the tables of 5,000 cards held 170 MB before the first
    page was laid out (see :class:`_ReportDocument`).
    """

    def __init__(self, row: ReportRow, index: int, widths: list[float]) -> None:
        super().__init__()
        self.row, self.index, self.widths = row, index, widths

    def table(self) -> Table:
        """One small table per recommendation, stacked so they read as one table.

        reportlab measures a table whole each time it places or splits it:
        one long table of every card was measured again for every page it
        ran onto (658 times at 1,000 cards). A card that meets the foot of a
        page splits inside itself, as the long table's rows did; the
        headings are the page's.
        """
        return Table(
            [_card_cells(self.row, self.index)],
            colWidths=self.widths,
            splitByRow=0,  # split inside the card that meets the page foot, not before it
            splitInRow=1,
            style=_CARD_STYLE,
            hAlign="LEFT",
        )


class _ReportDocument(BaseDocTemplate):
    """The report's document: each card's table is made as the layout reaches it."""

    def filterFlowables(self, flowables: list[Flowable]) -> None:
        if isinstance(flowables[0], _CardToCome):
            flowables[0] = flowables[0].table()


def _card_tables(report: ReportModel, width: float) -> list[Flowable]:
    widths = [share * width for share in report.column_shares()]
    return [_CardToCome(row, index, widths) for index, row in enumerate(report.rows)]


def _main_table(report: ReportModel, width: float) -> Table:
    """The headings and one card's row as one table: a single recommendation's briefing."""
    header: list[object] = [Paragraph(markup(h), STYLES.head_cell) for h in report.column_headings]
    rows: list[list[object]] = [header]
    rows += [_card_cells(row, index) for index, row in enumerate(report.rows)]
    return LongTable(
        rows,
        colWidths=[share * width for share in report.column_shares()],
        repeatRows=1,
        splitByRow=0,  # split inside the row that meets the page foot, not before it
        splitInRow=1,
        style=_HEADED_STYLE,
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
    for item in ReportSummary.shown(items):
        rows.append(
            [
                Paragraph(markup(ref_label(item.card_ref)), STYLES.small),
                Paragraph(markup(item.milestone.description), STYLES.small),
                Paragraph(markup(item.milestone.target), STYLES.small),
                Paragraph(uk_date(item.due_by), STYLES.small),
            ]
        )
    table = Table(
        rows,
        colWidths=[0.06 * width, 0.60 * width, 0.22 * width, 0.12 * width],
        repeatRows=1,
        style=_HEADED_STYLE,
        hAlign="LEFT",
    )
    more = ReportSummary.more(items)
    if more is None:
        return [table]
    return [table, Spacer(1, 2), Paragraph(more, STYLES.small)]


def _summary(summary: ReportSummary, width: float) -> list[Flowable]:
    counts = dict(summary.rag_counts)
    count_rows: list[list[object]] = [
        [Paragraph("RAG", STYLES.head_cell), Paragraph("Recommendations", STYLES.head_cell)]
    ]
    for rag, count in counts.items():
        count_rows.append([Paragraph(_rag_chip(rag) + " " + rag.label, STYLES.small), str(count)])
    count_rows.append([Paragraph("<b>Total</b>", STYLES.small), str(summary.total)])
    counts_table = Table(
        count_rows,
        colWidths=[80, 100],
        style=TableStyle(
            [
                *_HEADED_STYLE.getCommands(),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        ),
        hAlign="LEFT",
    )
    facts_text = "".join(
        f"<b>{text}</b>" if stressed else text for text, stressed in summary.facts()
    )
    facts = [
        Paragraph(facts_text, STYLES.small),
        Spacer(1, 4),
        Paragraph(summary.rag_rule, STYLES.small),
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
                Paragraph(summary.heading, STYLES.heading),
                side_by_side,
            ]
        ),
        KeepTogether(
            [
                Paragraph(summary.overdue_heading, STYLES.heading),
                *_milestone_list(summary.overdue, width, summary.overdue_empty),
            ]
        ),
        KeepTogether(
            [
                Paragraph(summary.upcoming_heading, STYLES.heading),
                *_milestone_list(summary.upcoming, width, summary.upcoming_empty),
            ]
        ),
    ]


# ----------------------------------------------------------------------------- changes


def _changes_section(changes: ChangesSection, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        Bookmark("changes", "Changes since the last report", level=0),
        Paragraph(markup(changes.heading), STYLES.heading),
    ]
    if not changes.lines:
        story.append(Paragraph(changes.empty_text, STYLES.body))
        return story
    rows: list[list[object]] = [[Paragraph(h, STYLES.head_cell) for h in changes.columns]]
    for line in changes.lines:
        was, now = (
            f"<b>{label}</b> {markup(text)}" if label else markup(text)
            for label, text in ((line.was_label, line.was), (line.now_label, line.now))
        )
        rows.append(
            [
                Paragraph(markup(line.ref), STYLES.small),
                Paragraph(markup(line.what), STYLES.small),
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
            style=_HEADED_STYLE,
            hAlign="LEFT",
        )
    )
    return story


# ----------------------------------------------------------------------------- one card


def _card_detail(detail: CardDetail, width: float) -> list[Flowable]:
    """The milestone table a lead officer's briefing needs: status, RAG, slippage."""
    rag = detail.rag
    story: list[Flowable] = [
        Spacer(1, 6),
        Paragraph(
            f"{detail.rag_heading} {_rag_chip(rag.rag)} {rag.rag.label} – {markup(rag.reason)}",
            STYLES.body,
        ),
    ]
    if not detail.milestones:
        return story
    rows: list[list[object]] = [[Paragraph(h, STYLES.head_cell) for h in detail.columns]]
    for milestone in detail.milestones:
        rows.append(
            [
                Paragraph(markup(milestone.description), STYLES.small),
                Paragraph(markup(milestone.target), STYLES.small),
                Paragraph(milestone.status, STYLES.small),
                Paragraph(_rag_chip(milestone.rag) if milestone.rag else "–", STYLES.small),
                Paragraph(markup(milestone.revisions), STYLES.small),
                Paragraph(markup(milestone.notes), STYLES.small),
            ]
        )
    story.append(
        LongTable(
            rows,
            colWidths=[w * width for w in (0.38, 0.14, 0.12, 0.05, 0.14, 0.17)],
            repeatRows=1,
            splitInRow=1,
            style=_HEADED_STYLE,
            hAlign="LEFT",
        )
    )
    return story


# ----------------------------------------------------------------------------- document


def _frame(bottom: float, top: float, width: float) -> Frame:
    return Frame(
        MARGIN_X,
        bottom,
        width,
        top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )


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
    report = build_report(
        programme,
        period_label,
        changes=changes,
        appendix=appendix,
        card_ref=card_ref,
        author=author,
    )
    return render_report_model(report)


def render_report_model(report: ReportModel) -> bytes:
    """Lay a :class:`ReportModel` out as the printed appendix (A4 landscape)."""
    register_fonts()
    appendix_text = printable(report.appendix).strip()
    header_right = f"Appendix {appendix_text}" if appendix_text else ""
    header_left = printable(report.meeting).strip() or printable(report.heading)
    furniture = PageFurniture(
        page_width=PAGE_SIZE[0],
        page_height=PAGE_SIZE[1],
        margin_x=MARGIN_X,
        header_left=" ".join(header_left.split()),
        header_right=" ".join(header_right.split()),
        key_text=key_footer_text([(k.code, k.role) for k in report.lead_key]),
    )
    bottom_margin = furniture.footer_height() + 16
    width = furniture.text_width

    buffer = io.BytesIO()
    doc = _ReportDocument(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=bottom_margin,
        title=" ".join(printable(report.title).split()),
        author=printable(report.author),
        subject=" ".join(printable(report.subject).split()),
        creator="fowdesk",
        lang=LANGUAGE,
        initialFontName=REGULAR,
        initialFontSize=9,
        displayDocTitle=1,
    )
    frame_top = PAGE_SIZE[1] - MARGIN_TOP
    headings = _heading_row(report, width)
    _, headings_height = headings.wrap(width, frame_top - bottom_margin)

    def draw_table_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        furniture.draw(canvas, bottom_margin)
        headings.drawOn(canvas, MARGIN_X, frame_top - headings_height)

    doc.addPageTemplates(
        [
            PageTemplate(
                id="report",
                frames=[_frame(bottom_margin, frame_top, width)],
                onPage=lambda canvas, _doc: furniture.draw(canvas, bottom_margin),
            ),
            # The main table's pages: its headings are drawn above the frame, as a
            # long table repeated its heading row at the top of each page.
            PageTemplate(
                id="table",
                frames=[_frame(bottom_margin, frame_top - headings_height, width)],
                onPage=draw_table_page,
            ),
        ]
    )

    story: list[Flowable] = [Paragraph(markup(report.heading), STYLES.title)]
    if report.meeting:
        story.append(Paragraph(markup(report.meeting), STYLES.body))
    if report.card_ref is None:
        story += _paragraphs(report.introduction, STYLES.body, STYLES.body_bullet)
        if report.summary is not None:
            story += _summary(report.summary, width)
        if report.changes is not None:
            story += _changes_section(report.changes, width)
        story.append(NextPageTemplate("table"))
        story.append(PageBreak())
        story.append(Bookmark("table", report.table_heading, level=0))
        story += _card_tables(report, width)
    else:
        story.append(Bookmark("table", report.table_heading, level=0))
        story.append(_main_table(report, width))
    if report.card_detail is not None:
        story += _card_detail(report.card_detail, width)

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
    canonical, current, chosen = chosen_period(repo, code, period)
    requested = ReportOptions.given(appendix, include_changes)
    if chosen.published:
        return (
            canonical,
            chosen.label,
            _published_pdf(repo, canonical, chosen.label, requested, card_ref),
        )
    source = source_for(repo, canonical, current, chosen, requested)
    pdf = render_report_model(source.model(card_ref=card_ref, author=repo.user))
    return canonical, chosen.label, pdf


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
    rendered = report_pdf_bytes(
        repo,
        code=code,
        period=period,
        appendix=appendix,
        card_ref=card_ref,
        include_changes=include_changes,
    )
    return save_report(repo, "pdf", rendered, output, card_ref)


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
