"""The committee report as one accessible HTML file, for a council's website.

The printed PDF is untagged (reportlab's open-source edition writes no
structure tree), so the version a council publishes is this one: one
self-contained file (inline CSS, no scripts, nothing fetched), with real
headings, a captioned table whose column headers are ``<th scope="col">``,
bullets as lists, leads as ``<abbr>`` with their role, RAG as words (the colour
is only an addition) and the lead-role key as a definition list. A print
stylesheet lays it out on A4 landscape with the header row repeated.

Every word comes from :class:`~fowdesk.exports.report_model.ReportModel`;
everything an officer typed goes through :func:`_text`, so ``<script>`` or
``R&D`` prints as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from string import Template

from fowdesk.domain.model import RAG_COLOURS, Rag
from fowdesk.domain.model import Paragraph as TextParagraph
from fowdesk.domain.summary import MilestoneDue
from fowdesk.exports.report_model import (
    BENEFIT_LABEL,
    KEY_HEADING,
    NO_UPDATE,
    CardDetail,
    ChangesSection,
    Lead,
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

#: Notes and benefits: grey, but 7:1 on white and on the table's stripe.
NOTE_GREY = "#595959"


def _text(text: str | None) -> str:
    """Officer's text as HTML that shows exactly what was typed; line breaks kept."""
    return escape(clean_text(text), quote=False).replace("\n", "<br>")


def _attribute(text: str | None) -> str:
    return escape(" ".join(clean_text(text).split()), quote=True)


def _css_string(text: str) -> str:
    """Text as a CSS string literal that cannot end the string or the <style> element."""
    cleaned = " ".join(clean_text(text).split())
    out = []
    for char in cleaned:
        if char in '"\\<>&' or not char.isprintable():
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _rag_chip(rag: Rag, text: str | None = None) -> str:
    return f'<span class="rag rag-{rag.value.lower()}">{escape(text or rag.label)}</span>'


# ----------------------------------------------------------------------------- style

_STYLE = Template("""
:root { color: #000; background: #fff; }
body {
  font-family: "DejaVu Sans", "Segoe UI", Arial, Helvetica, sans-serif;
  font-size: 0.95rem; line-height: 1.4; margin: 1.5rem; max-width: 120rem;
}
h1 { font-size: 1.7em; margin: 0 0 0.5rem; }
h2 { font-size: 1.35em; margin: 1.8rem 0 0.6rem; }
h3 { font-size: 1.15em; margin: 1.2rem 0 0.4rem; }
p { margin: 0 0 0.4rem; }
ul { margin: 0 0 0.4rem; padding-left: 1.2rem; }
li { margin: 0 0 0.25rem; }
a { color: #1a4f8b; }
.appendix { font-weight: bold; text-align: right; margin: 0; }
.contents ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: 0 0 0.8rem; }
caption { text-align: left; font-weight: bold; padding: 0 0 0.4rem; }
th, td { border: 1px solid #808080; padding: 0.3rem 0.4rem; vertical-align: top; text-align: left; }
thead th { background: #d9d9d9; }
tbody tr:nth-child(even) { background: #f3f3f3; }
table.counts { width: 24rem; }
table.counts td { text-align: right; min-width: 8rem; }
.report td { font-size: 0.95em; }
.report td p:last-child, .report td ul:last-child { margin-bottom: 0; }
.rec { font-weight: bold; }
.rag {
  display: inline-block; font-weight: bold; border-radius: 0.2rem;
  padding: 0 0.35rem; margin-right: 0.2rem; white-space: nowrap;
}
$rag_css
/* Sizes in em: in print they follow the table's 8pt, not the screen's root size. */
.note, .benefit { color: $grey; font-size: 0.92em; }
.benefit { margin: 0.1rem 0 0.3rem; }
.cancelled { color: $grey; }
abbr[title] { text-decoration: underline dotted; cursor: help; }
dl.key { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.key div { display: contents; }
dt { font-weight: bold; }
dd { margin: 0; }
@page {
  size: A4 landscape;
  margin: 14mm 12mm 14mm 12mm;
  @top-left { content: $header_left; font-size: 8pt; }
  @top-right { content: $header_right; font-size: 8pt; font-weight: bold; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }
}
@media print {
  body { margin: 0; max-width: none; font-size: 8.5pt; }
  .contents { display: none; }
  .appendix { display: none; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  section.progress { break-before: page; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .report td { font-size: 8pt; }
  .keep { break-inside: avoid; }
  abbr[title] { text-decoration: none; }
  a { color: inherit; text-decoration: none; }
}
""")


def _stylesheet(report: ReportModel) -> str:
    rag_css = "\n".join(
        f".rag-{rag.value.lower()} {{ background: {colour}; "
        f"color: {readable_text_colour(colour)}; }}"
        for rag, colour in RAG_COLOURS.items()
    )
    return _STYLE.substitute(
        rag_css=rag_css,
        grey=NOTE_GREY,
        header_left=_css_string(report.meeting.strip() or report.heading),
        header_right=_css_string(report.appendix_label),
    )


# ----------------------------------------------------------------------------- pieces


def _paragraphs(items: Iterable[TextParagraph]) -> list[str]:
    """Paragraphs as <p>, and each run of bullets as one <ul>."""
    out: list[str] = []
    in_list = False
    for item in items:
        if item.bulleted and not in_list:
            out.append("<ul>")
            in_list = True
        elif not item.bulleted and in_list:
            out.append("</ul>")
            in_list = False
        text = _text(item.text)
        out.append(f"<li>{text}</li>" if item.bulleted else f"<p>{text}</p>")
    if in_list:
        out.append("</ul>")
    return out


def _leads(leads: Sequence[Lead]) -> str:
    parts = []
    for lead in leads:
        if lead.role:
            parts.append(f'<abbr title="{_attribute(lead.role)}">{_text(lead.code)}</abbr>')
        else:
            parts.append(_text(lead.code))
    return "/".join(parts)


def _milestone(milestone: MilestoneLine) -> str:
    text = _text(milestone.description)
    if milestone.target:
        text += " – " + _text(milestone.target)
    notes = [
        f"<strong>{_text(note)}</strong>" if bold else _text(note) for note, bold in milestone.notes
    ]
    if notes:
        text += " (" + "; ".join(notes) + ")"
    if milestone.cancelled:
        return f'<li class="cancelled"><s>{text}</s></li>'
    return f"<li>{text}</li>"


def _first_cell(row: ReportRow) -> str:
    out = [
        f'<p class="rec">{_rag_chip(row.rag.rag, "RAG: " + row.rag.rag.label)} '
        f"{_text(row.ref_label)} {_text(row.title)}</p>"
    ]
    if row.override_note:
        out.append(f'<p class="note">{_text(row.override_note)}</p>')
    if row.status_note:
        out.append(f'<p class="note">{_text(row.status_note)}</p>')
    in_list = False
    for deliverable in row.deliverables:
        benefit = (
            f'<p class="benefit"><strong>{BENEFIT_LABEL}</strong> {_text(deliverable.benefit)}</p>'
            if deliverable.benefit
            else ""
        )
        if deliverable.bulleted:
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_text(deliverable.text)}{benefit}</li>")
        else:
            if in_list:
                out.append("</ul>")
                in_list = False
            out.append(f"<p>{_text(deliverable.text)}</p>{benefit}")
    if in_list:
        out.append("</ul>")
    return "".join(out)


def _progress_cell(row: ReportRow) -> str:
    out = _paragraphs(row.progress)
    if row.see_point:
        out.append(f"<p>{_text(row.see_point)}</p>")
    if not out:
        out.append(f'<p class="note">{NO_UPDATE}</p>')
    return "".join(out)


def _next_steps_cell(row: ReportRow) -> str:
    out = []
    if row.next_steps_text:
        out.append(f"<p>{_text(row.next_steps_text)}</p>")
    if row.milestones:
        out.append("<ul>")
        out.extend(_milestone(m) for m in row.milestones)
        out.append("</ul>")
    return "".join(out)


def _head_row(headings: Iterable[str]) -> str:
    cells = "".join(f'<th scope="col">{_text(h)}</th>' for h in headings)
    return f"<thead><tr>{cells}</tr></thead>"


def _columns(shares: Iterable[float]) -> str:
    """The columns' widths, as the printed report divides the page."""
    columns = "".join(f'<col style="width:{share * 100:.1f}%">' for share in shares)
    return f"<colgroup>{columns}</colgroup>"


def _main_table(report: ReportModel) -> list[str]:
    out = [
        '<table class="report">',
        f"<caption>{_text(report.table_caption)}</caption>",
        _columns(report.column_shares()),
        _head_row(report.column_headings),
        "<tbody>",
    ]
    for row in report.rows:
        out.append(
            f"<tr><td>{_first_cell(row)}</td><td>{_leads(row.leads)}</td>"
            f"<td>{_progress_cell(row)}</td><td>{_next_steps_cell(row)}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _milestone_list(
    items: Sequence[MilestoneDue], anchor: str, heading: str, empty: str
) -> list[str]:
    """One of the summary's lists under its heading, kept on one printed page where it fits.

    The heading names the table (``aria-labelledby``), so it has no caption
    repeating the heading.
    """
    out = ['<div class="keep">', f'<h3 id="{anchor}">{_text(heading)}</h3>']
    if not items:
        return [*out, f"<p>{empty}</p>", "</div>"]
    out += [
        f'<table aria-labelledby="{anchor}">',
        _columns((0.06, 0.60, 0.22, 0.12)),
        _head_row(("Rec", "Milestone", "Target", "Due by")),
        "<tbody>",
    ]
    for item in ReportSummary.shown(items):
        out.append(
            f"<tr><td>{_text(ref_label(item.card_ref))}</td>"
            f"<td>{_text(item.milestone.description)}</td>"
            f"<td>{_text(item.milestone.target)}</td><td>{uk_date(item.due_by)}</td></tr>"
        )
    out.append("</tbody></table>")
    more = ReportSummary.more(items)
    if more:
        out.append(f"<p>{_text(more)}</p>")
    out.append("</div>")
    return out


def _summary(summary: ReportSummary) -> list[str]:
    out = [
        '<section aria-labelledby="summary">',
        f'<h2 id="summary">{_text(summary.heading)}</h2>',
        '<table class="counts">',
        f"<caption>Recommendations by RAG as at {uk_date(summary.as_at)}</caption>",
        _head_row(("RAG", "Recommendations")),
        "<tbody>",
    ]
    for rag, count in summary.rag_counts:
        out.append(f'<tr><th scope="row">{_rag_chip(rag)}</th><td>{count:,}</td></tr>')
    out.append(f'<tr><th scope="row">Total</th><td>{summary.total:,}</td></tr>')
    out.append("</tbody></table>")
    facts = "".join(
        f"<strong>{escape(text)}</strong>" if bold else escape(text)
        for text, bold in summary.facts()
    )
    out.append(f"<p>{facts}</p>")
    out.append(f"<p>{_text(summary.rag_rule)}</p>")
    out += _milestone_list(
        summary.overdue, "overdue", summary.overdue_heading, summary.overdue_empty
    )
    out += _milestone_list(
        summary.upcoming, "upcoming", summary.upcoming_heading, summary.upcoming_empty
    )
    out.append("</section>")
    return out


def _changes(changes: ChangesSection) -> list[str]:
    out = [
        '<section aria-labelledby="changes">',
        f'<h2 id="changes">{_text(changes.heading)}</h2>',
    ]
    if not changes.lines:
        out.append(f"<p>{changes.empty_text}</p>")
    else:
        out += [
            "<table>",
            "<caption>What changed, recommendation by recommendation</caption>",
            _columns((0.06, 0.38, 0.28, 0.28)),
            _head_row(changes.columns),
            "<tbody>",
        ]
        for line in changes.lines:
            was, now = (
                f"<strong>{_text(label)}</strong> {_text(text)}" if label else _text(text)
                for label, text in zip(line.labels(), line.in_words(), strict=True)
            )
            out.append(
                f"<tr><td>{_text(line.ref)}</td><td>{_text(line.what)}</td>"
                f"<td>{was}</td><td>{now}</td></tr>"
            )
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _card_detail(detail: CardDetail, ref: str) -> list[str]:
    rag = detail.rag
    out = [
        '<section aria-labelledby="milestones">',
        '<h2 id="milestones">Milestones</h2>',
        f"<p>{_text(detail.rag_heading)} {_rag_chip(rag.rag)} – {_text(rag.reason)}</p>",
    ]
    if detail.milestones:
        out += [
            "<table>",
            f"<caption>Milestones of recommendation {_text(ref)}, "
            f"as at {uk_date(detail.as_at)}</caption>",
            _columns((0.34, 0.14, 0.14, 0.09, 0.14, 0.15)),
            _head_row(detail.columns),
            "<tbody>",
        ]
        for m in detail.milestones:
            rag_cell = _rag_chip(m.rag) if m.rag else "Cancelled: not rated"
            out.append(
                f"<tr><td>{_text(m.description)}</td><td>{_text(m.target)}</td>"
                f"<td>{_text(m.status)}</td><td>{rag_cell}</td>"
                f"<td>{_text(m.revisions)}</td><td>{_text(m.notes)}</td></tr>"
            )
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _key(report: ReportModel) -> list[str]:
    out = [
        '<section aria-labelledby="key">',
        f'<h2 id="key">{KEY_HEADING}</h2>',
        '<dl class="key">',
    ]
    for entry in report.lead_key:
        out.append(f"<div><dt>{_text(entry.code)}</dt><dd>{_text(entry.role)}</dd></div>")
    out.append("</dl></section>")
    return out


# ----------------------------------------------------------------------------- document


def render_html(report: ReportModel) -> str:
    """The report as one self-contained HTML document (a string, UTF-8 when written)."""
    sections: list[tuple[str, str]] = []
    if report.summary is not None:
        sections.append(("summary", report.summary.heading))
    if report.changes is not None:
        sections.append(("changes", report.changes.heading))
    sections.append(("progress", report.table_heading))
    if report.card_detail is not None:
        sections.append(("milestones", "Milestones"))
    if report.lead_key:
        sections.append(("key", KEY_HEADING))

    out = [
        "<!DOCTYPE html>",
        f'<html lang="{LANGUAGE}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing in the file may run or fetch anything, whatever an officer typed.
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{_text(' '.join(report.title.split()))}</title>",
        f'<meta name="description" content="{_attribute(report.subject)}">',
    ]
    if report.author.strip():
        out.append(f'<meta name="author" content="{_attribute(report.author)}">')
    out += [
        '<meta name="generator" content="fowdesk">',
        f"<style>{_stylesheet(report)}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    if report.appendix:
        out.append(f'<p class="appendix">{_text(report.appendix_label)}</p>')
    out.append(f"<h1>{_text(report.heading)}</h1>")
    if report.meeting.strip():
        out.append(f"<p>{_text(report.meeting)}</p>")
    if len(sections) > 1:
        links = "".join(f'<li><a href="#{anchor}">{_text(h)}</a></li>' for anchor, h in sections)
        out.append(f'<nav class="contents" aria-label="Contents"><ul>{links}</ul></nav>')
    out += _paragraphs(report.introduction)
    if report.summary is not None:
        out += _summary(report.summary)
    if report.changes is not None:
        out += _changes(report.changes)
    out.append('<section class="progress" aria-labelledby="progress">')
    out.append(f'<h2 id="progress">{_text(report.table_heading)}</h2>')
    out += _main_table(report)
    out.append("</section>")
    if report.card_detail is not None:
        out += _card_detail(report.card_detail, report.card_ref or "")
    if report.lead_key:
        out += _key(report)
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


# ----------------------------------------------------------------------------- export


def report_html_text(
    repo,
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    include_changes: bool | None = None,
) -> tuple[str, str, str]:
    """The report for ``period`` (default: the current one) as (code, period, HTML)."""
    return rendered_report(
        repo,
        render_html,
        code=code,
        period=period,
        appendix=appendix,
        card_ref=card_ref,
        include_changes=include_changes,
    )


def export_html(
    repo,
    output: Path | None,
    *,
    code: str | None = None,
    period: str | None = None,
    appendix: str | None = None,
    card_ref: str | None = None,
    include_changes: bool | None = None,
) -> Path:
    """Write the accessible HTML report and log the export."""
    code, label, html = report_html_text(
        repo,
        code=code,
        period=period,
        appendix=appendix,
        card_ref=card_ref,
        include_changes=include_changes,
    )
    return save_report(repo, "html", (code, label, html.encode("utf-8")), output, card_ref)
