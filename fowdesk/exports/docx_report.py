"""The committee report as a Word document, for the clerk's agenda pack.

Committee clerks assemble agenda packs in Word and make the PDF themselves;
Word's "Save as PDF" tags a document whose structure is real. So this file
has structure, not looks: the report's title in the Title style, sections in
Heading 1 and Heading 2, bullets in List Bullet, the recommendations as one
table with no merged cells whose first row is marked as a header row that
repeats on every page, British English set as the document's language, A4
landscape. Every word comes from :class:`~fowdesk.exports.report_model.ReportModel`.

python-docx has no API for the document's default language or for a repeating
header row, and its ``row.cells`` rebuilds the table's grid on every call (a
1,000-row table would take minutes), so those parts are written through its
oxml layer: ``w:lang`` in the styles' document defaults, ``w:tblHeader``, and
the tables built element by element.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from fowdesk.domain.model import RAG_COLOURS, Rag
from fowdesk.domain.model import Paragraph as TextParagraph
from fowdesk.domain.summary import MilestoneDue
from fowdesk.exports.report_model import (
    BENEFIT_LABEL,
    KEY_HEADING,
    NO_UPDATE,
    CardDetail,
    ChangesSection,
    MilestoneLine,
    ReportModel,
    ReportRow,
    ReportSummary,
    clean_text,
    readable_text_colour,
    ref_label,
    rendered_report,
    save_report,
    uk_date,
)

LANGUAGE = "en-GB"
#: A sans-serif every council PC has; LibreOffice substitutes a metric twin or DejaVu Sans.
FONT = "Arial"
PAGE_WIDTH = Mm(297)
PAGE_HEIGHT = Mm(210)
MARGIN_X = Mm(14)
MARGIN_Y = Mm(14)
#: The width tables span, in twentieths of a point (Word's table unit).
TABLE_WIDTH_TWIPS = round((PAGE_WIDTH - 2 * MARGIN_X) / 635)

#: Headings and captions in a dark blue that passes WCAG AA on white (the
#: template's lighter accent blue does not).
HEADING_COLOUR = "1F3864"
NOTE_COLOUR = "595959"
HEADER_FILL = "D9D9D9"
#: A benefit sits under its deliverable, set in as far as the bullet's text.
BENEFIT_INDENT = 360

# Tag names, qualified once: a long report creates a few hundred thousand elements.
_P, _PPR, _PSTYLE, _R, _RPR, _T, _BR = (
    qn(t) for t in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:t", "w:br")
)
_B, _STRIKE, _COLOR, _SHD, _VAL, _FILL = (
    qn(t) for t in ("w:b", "w:strike", "w:color", "w:shd", "w:val", "w:fill")
)
_TR, _TRPR, _TC, _TCPR, _TCW, _W, _TYPE = (
    qn(t) for t in ("w:tr", "w:trPr", "w:tc", "w:tcPr", "w:tcW", "w:w", "w:type")
)
_TBL = qn("w:tbl")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SubElement = etree.SubElement

#: A run's look: (bold, struck through, text colour, fill colour).
Look = tuple[bool, bool, str | None, str | None]
PLAIN: Look = (False, False, None, None)
BOLD: Look = (True, False, None, None)


# ----------------------------------------------------------------------------- paragraphs


def _runs(paragraph: etree._Element, text: str, look: Look = PLAIN) -> None:
    """Append ``text`` as a run (line breaks as ``w:br``), cleaned so XML can hold it."""
    bold, struck, colour, fill = look
    run = _SubElement(paragraph, _R)
    if bold or struck or colour or fill:
        properties = _SubElement(run, _RPR)  # children in the schema's order
        if bold:
            _SubElement(properties, _B)
        if struck:
            _SubElement(properties, _STRIKE)
        if colour:
            _SubElement(properties, _COLOR, {_VAL: colour})
        if fill:
            _SubElement(properties, _SHD, {_VAL: "clear", qn("w:color"): "auto", _FILL: fill})
    for index, line in enumerate(clean_text(text).split("\n")):
        if index:
            _SubElement(run, _BR)
        t = _SubElement(run, _T)
        t.text = line
        if line != line.strip():
            t.set(_XML_SPACE, "preserve")


def _paragraph(
    parent: etree._Element,
    parts: Iterable[tuple[str, Look]] | str,
    style: str | None = None,
    *,
    indent: int = 0,
    keep_with_next: bool = False,
) -> etree._Element:
    """A paragraph of runs; ``indent`` (twips) sets it in from the left, as a benefit is."""
    paragraph = _SubElement(parent, _P)
    after_table = len(parent) > 1 and parent[-2].tag == _TBL
    if style or indent or after_table or keep_with_next:
        properties = _SubElement(paragraph, _PPR)  # children in the schema's order
        if style:
            _SubElement(properties, _PSTYLE, {_VAL: style})
        if keep_with_next:
            _SubElement(properties, qn("w:keepNext"))
        if after_table:
            _SubElement(properties, qn("w:spacing"), {qn("w:before"): "160"})
        if indent:
            _SubElement(properties, qn("w:ind"), {qn("w:left"): str(indent)})
    for text, look in [(parts, PLAIN)] if isinstance(parts, str) else parts:
        if text:
            _runs(paragraph, text, look)
    return paragraph


def _rag_look(rag: Rag) -> Look:
    fill = RAG_COLOURS[rag]
    return (True, False, readable_text_colour(fill).lstrip("#"), fill.lstrip("#"))


def _text_paragraphs(parent: etree._Element, items: Iterable[TextParagraph]) -> None:
    for item in items:
        _paragraph(parent, item.text, "ListBullet" if item.bulleted else None)


# ----------------------------------------------------------------------------- tables


class _TableBuilder:
    """One table written straight into the body's XML: grid, header row, rows of cells."""

    def __init__(self, body: etree._Element, shares: Sequence[float], caption: str) -> None:
        twips = [round(share * TABLE_WIDTH_TWIPS) for share in shares]
        self.widths = [str(width) for width in twips]
        self.table = _SubElement(body, qn("w:tbl"))
        properties = _SubElement(self.table, qn("w:tblPr"))
        _SubElement(properties, qn("w:tblStyle"), {_VAL: "TableGrid"})
        _SubElement(properties, qn("w:tblW"), {_W: str(sum(twips)), _TYPE: "dxa"})
        _SubElement(properties, qn("w:tblLayout"), {_TYPE: "fixed"})
        _SubElement(
            properties,
            qn("w:tblLook"),
            {
                _VAL: "04A0",
                qn("w:firstRow"): "1",
                qn("w:lastRow"): "0",
                qn("w:firstColumn"): "0",
                qn("w:lastColumn"): "0",
                qn("w:noHBand"): "0",
                qn("w:noVBand"): "1",
            },
        )
        # Alternative text, which Word shows in Table Properties and a screen reader reads.
        _SubElement(properties, qn("w:tblCaption"), {_VAL: " ".join(clean_text(caption).split())})
        grid = _SubElement(self.table, qn("w:tblGrid"))
        for width in self.widths:
            _SubElement(grid, qn("w:gridCol"), {_W: width})

    def header(self, headings: Iterable[str]) -> None:
        """The first row, marked to repeat at the top of every page (``w:tblHeader``)."""
        row = _SubElement(self.table, _TR)
        row_properties = _SubElement(row, _TRPR)
        _SubElement(row_properties, qn("w:cantSplit"))
        _SubElement(row_properties, qn("w:tblHeader"))
        for width, heading in zip(self.widths, headings, strict=True):
            cell = self._cell(row, width)
            _SubElement(cell[0], _SHD, {_VAL: "clear", qn("w:color"): "auto", _FILL: HEADER_FILL})
            _paragraph(cell, [(heading, BOLD)])

    def row(self, *, keep_whole: bool = False) -> list[etree._Element]:
        """A new row's cells, empty: fill each with at least one paragraph.

        ``keep_whole`` stops the row breaking across pages; only for short rows
        (a recommendation's row can be longer than a page, and Word would cut it).
        """
        row = _SubElement(self.table, _TR)
        if keep_whole:
            _SubElement(_SubElement(row, _TRPR), qn("w:cantSplit"))
        return [self._cell(row, width) for width in self.widths]

    @staticmethod
    def _cell(row: etree._Element, width: str) -> etree._Element:
        cell = _SubElement(row, _TC)
        _SubElement(_SubElement(cell, _TCPR), _TCW, {_W: width, _TYPE: "dxa"})
        return cell


def _simple_table(
    body: etree._Element,
    caption: str,
    headings: Sequence[str],
    shares: Sequence[float],
    rows: Iterable[Sequence[str | tuple[str, Look] | list[tuple[str, Look]]]],
) -> None:
    """A table of one paragraph per cell: plain text, one run with a look, or runs."""
    table = _TableBuilder(body, shares, caption)
    table.header(headings)
    for values in rows:
        for cell, value in zip(table.row(keep_whole=True), values, strict=True):
            _paragraph(cell, [value] if isinstance(value, tuple) else value)


# ----------------------------------------------------------------------------- the table


def _milestone_parts(milestone: MilestoneLine) -> list[tuple[str, Look]]:
    look: Look = (False, True, NOTE_COLOUR, None) if milestone.cancelled else PLAIN
    stress: Look = (True, milestone.cancelled, look[2], None)
    parts = [(milestone.what_and_when, look)]
    notes = [(text, stress if bold else look) for text, bold in milestone.notes]
    if notes:
        parts.append((" (", look))
        for index, note in enumerate(notes):
            if index:
                parts.append(("; ", look))
            parts.append(note)
        parts.append((")", look))
    return parts


def _fill_row(cells: list[etree._Element], row: ReportRow) -> None:
    first, lead, progress, next_steps = cells
    _paragraph(
        first,
        [
            (f"RAG: {row.rag.rag.label}", _rag_look(row.rag.rag)),
            (" ", PLAIN),
            (f"{row.ref_label} {row.title}", BOLD),
        ],
    )
    for note in (row.override_note, row.status_note):
        if note:
            _paragraph(first, [(note, (False, False, NOTE_COLOUR, None))])
    for deliverable in row.deliverables:
        _paragraph(first, deliverable.text, "ListBullet" if deliverable.bulleted else None)
        if deliverable.benefit:
            _paragraph(
                first,
                [
                    (BENEFIT_LABEL + " ", (True, False, NOTE_COLOUR, None)),
                    (deliverable.benefit, (False, False, NOTE_COLOUR, None)),
                ],
                indent=BENEFIT_INDENT,
            )

    _paragraph(lead, row.leads_text)  # the roles are in the key, as on the printed page

    _text_paragraphs(progress, row.progress)
    if row.see_point:
        _paragraph(progress, row.see_point)
    if not row.has_update:
        _paragraph(progress, [(NO_UPDATE, (False, False, NOTE_COLOUR, None))])

    if row.next_steps_text:
        _paragraph(next_steps, row.next_steps_text)
    for milestone in row.milestones:
        _paragraph(next_steps, _milestone_parts(milestone), "ListBullet")
    if not len(next_steps) > 1:  # a cell must hold a paragraph
        _paragraph(next_steps, "")


def _main_table(body: etree._Element, report: ReportModel) -> None:
    table = _TableBuilder(body, report.column_shares(), report.table_caption)
    table.header(report.column_headings)
    for row in report.rows:
        _fill_row(table.row(), row)


# ----------------------------------------------------------------------------- sections


def _milestone_list(
    body: etree._Element, heading: str, items: Sequence[MilestoneDue], empty: str
) -> None:
    _paragraph(body, heading, "Heading2")
    if not items:
        _paragraph(body, empty)
        return
    _simple_table(
        body,
        heading,
        ("Rec", "Milestone", "Target", "Due by"),
        (0.06, 0.60, 0.22, 0.12),
        (
            (
                ref_label(item.card_ref),
                item.milestone.description,
                item.milestone.target,
                uk_date(item.due_by),
            )
            for item in ReportSummary.shown(items)
        ),
    )
    more = ReportSummary.more(items)
    if more:
        _paragraph(body, more)


def _summary(body: etree._Element, summary: ReportSummary) -> None:
    _paragraph(body, summary.heading, "Heading1")
    _simple_table(
        body,
        f"Recommendations by RAG as at {uk_date(summary.as_at)}",
        ("RAG", "Recommendations"),
        (0.15, 0.15),
        [
            *(((rag.label, _rag_look(rag)), f"{count:,}") for rag, count in summary.rag_counts),
            (("Total", BOLD), f"{summary.total:,}"),
        ],
    )
    _paragraph(body, [(text, BOLD if bold else PLAIN) for text, bold in summary.facts()])
    _paragraph(body, summary.rag_rule)
    _milestone_list(body, summary.overdue_heading, summary.overdue, summary.overdue_empty)
    _milestone_list(body, summary.upcoming_heading, summary.upcoming, summary.upcoming_empty)


def _changes(body: etree._Element, changes: ChangesSection) -> None:
    _paragraph(body, changes.heading, "Heading1")
    if not changes.lines:
        _paragraph(body, changes.empty_text)
        return
    _simple_table(
        body,
        changes.heading,
        changes.columns,
        (0.06, 0.38, 0.28, 0.28),
        (
            [
                line.ref,
                line.what,
                *(
                    [(label + " ", BOLD), (text, PLAIN)] if label else text
                    for label, text in zip(line.labels(), line.in_words(), strict=True)
                ),
            ]
            for line in changes.lines
        ),
    )


def _card_detail(body: etree._Element, detail: CardDetail, ref: str) -> None:
    _paragraph(body, "Milestones", "Heading1")
    rag = detail.rag
    _paragraph(
        body,
        [
            (detail.rag_heading + " ", PLAIN),
            (rag.rag.label, _rag_look(rag.rag)),
            (f" – {rag.reason}", PLAIN),
        ],
    )
    if not detail.milestones:
        return
    _simple_table(
        body,
        f"Milestones of recommendation {ref}, as at {uk_date(detail.as_at)}",
        detail.columns,
        (0.34, 0.14, 0.14, 0.09, 0.14, 0.15),
        (
            (
                m.description,
                m.target,
                m.status,
                (m.rag.label, _rag_look(m.rag)) if m.rag else "Cancelled: not rated",
                m.revisions,
                m.notes,
            )
            for m in detail.milestones
        ),
    )


def _key(body: etree._Element, report: ReportModel) -> None:
    _paragraph(body, KEY_HEADING, "Heading1")
    last = len(report.lead_key) - 1
    for index, entry in enumerate(report.lead_key):  # the key stays on one page
        _paragraph(
            body, [(entry.code, BOLD), (f" – {entry.role}", PLAIN)], keep_with_next=index < last
        )


# ----------------------------------------------------------------------------- document


def _set_language(document: Document) -> None:
    """British English as every run's default (``w:docDefaults``) and the package's language."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _SubElement(styles, qn("w:docDefaults"))
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = _SubElement(defaults, qn("w:rPrDefault"))
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = _SubElement(run_defaults, qn("w:rPr"))
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = _SubElement(properties, qn("w:lang"))
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    document.core_properties.language = LANGUAGE


def _plain_font(run_properties: etree._Element) -> None:
    """Set :data:`FONT` by name, dropping the template's theme fonts (which would win)."""
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.Element(qn("w:rFonts"))
        run_properties.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _set_styles(document: Document) -> None:
    """A compact sans-serif body for a long table; headings and captions dark enough to read."""
    styles = document.styles
    _plain_font(styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))[0])
    normal = styles["Normal"]
    normal.font.size = Pt(9)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.0
    styles["List Bullet"].paragraph_format.space_after = Pt(2)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 11), ("Caption", 9)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
        style.paragraph_format.keep_with_next = True
        _plain_font(style.element.get_or_add_rPr())
    # The template's header and footer tab stops are for US Letter portrait.
    text_width = PAGE_WIDTH - 2 * MARGIN_X
    for name in ("Header", "Footer"):
        tabs = styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)


def _page_setup(document: Document, report: ReportModel) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN_X
    section.top_margin = section.bottom_margin = MARGIN_Y
    section.header_distance = section.footer_distance = Mm(6)

    # Every page says which meeting and appendix it belongs to, and its number.
    header = section.header.paragraphs[0]
    left = " ".join((report.meeting.strip() or report.heading).split())
    _runs(header._p, left)
    if report.appendix_label:
        header.add_run("\t")
        _runs(header._p, report.appendix_label, BOLD)
    footer = section.footer.paragraphs[0]
    footer.add_run("\tPage ")
    _field(footer._p, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer._p, "NUMPAGES", "1")


def _field(paragraph: etree._Element, instruction: str, placeholder: str) -> None:
    field = _SubElement(paragraph, qn("w:fldSimple"), {qn("w:instr"): f" {instruction} "})
    _runs(field, placeholder)


def render_docx(report: ReportModel) -> bytes:
    """The report as .docx bytes (A4 landscape, en-GB, a repeating header row)."""
    document = docx.Document()
    _set_language(document)
    _set_styles(document)
    _page_setup(document, report)
    properties = document.core_properties
    properties.title = " ".join(clean_text(report.title).split())
    properties.subject = " ".join(clean_text(report.subject).split())
    properties.author = properties.last_modified_by = clean_text(report.author)
    properties.comments = "Written by fowdesk from the programme's records."
    properties.keywords = f"{report.code}; {clean_text(report.period.label)}"
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    properties.revision = 1

    body = document.element.body
    section_properties = body[-1]  # w:sectPr must stay the body's last child
    body.remove(section_properties)

    _paragraph(body, report.heading, "Title")
    if report.appendix_label:
        _paragraph(body, [(report.appendix_label, BOLD)])
    if report.meeting.strip():
        _paragraph(body, report.meeting)
    _text_paragraphs(body, report.introduction)
    if report.summary is not None:
        _summary(body, report.summary)
    if report.changes is not None:
        _changes(body, report.changes)
    table_heading = _paragraph(body, report.table_heading, "Heading1")
    if report.card_ref is None:  # the table starts on a page of its own, as in print
        _SubElement(table_heading[0], qn("w:pageBreakBefore"))
    _paragraph(body, report.table_caption, "Caption")
    _main_table(body, report)
    if report.card_detail is not None:
        _card_detail(body, report.card_detail, report.card_ref or "")
    if report.lead_key:
        _key(body, report)
    body.append(section_properties)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- export


def report_docx_bytes(
    repo,
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    include_changes: bool | None = None,
) -> tuple[str, str, bytes]:
    """The report for ``period`` (default: the current one) as (code, period, .docx bytes)."""
    return rendered_report(
        repo,
        render_docx,
        code=code,
        period=period,
        appendix=appendix,
        card_ref=card_ref,
        include_changes=include_changes,
    )


def export_docx(
    repo,
    output: Path | None,
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    include_changes: bool | None = None,
) -> Path:
    """Write the Word appendix and log the export."""
    rendered = report_docx_bytes(
        repo,
        code=code,
        period=period,
        appendix=appendix,
        card_ref=card_ref,
        include_changes=include_changes,
    )
    return save_report(repo, "docx", rendered, output, card_ref)
