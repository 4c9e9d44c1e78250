"""Page furniture for the committee report: header, key footer, "Page X of Y", bookmarks.

A committee appendix is printed and handed round, so every page has to
stand on its own: the meeting line and "Appendix N" at the top, the
lead-role key and "Page X of Y" at the bottom. The total is only known at
the end, so :class:`PagedCanvas` holds the pages back and numbers them on
save (one layout pass, not two).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from fowdesk.exports.pdf_text import BOLD, REGULAR, markup

GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#9A9A9A")

_FOOTER_STYLE = ParagraphStyle(
    "footer", fontName=REGULAR, fontSize=7, leading=8.6, textColor=colors.black
)
_PAGE_NUMBER_WIDTH = 70.0


@dataclass(frozen=True)
class PageFurniture:
    """What every page of one report carries outside its frame.

    The key and the header line are laid out once per document and drawn
    on every page (a 5,000-card report has over 3,000 pages).
    """

    page_width: float
    page_height: float
    margin_x: float
    header_left: str
    header_right: str
    key_text: str

    @property
    def text_width(self) -> float:
        return self.page_width - 2 * self.margin_x

    def key_paragraph(self) -> Paragraph | None:
        if not self.key_text:
            return None
        return Paragraph(self.key_text, _FOOTER_STYLE)

    @cached_property
    def _wrapped_key(self) -> tuple[Paragraph, float] | None:
        key = self.key_paragraph()
        if key is None:
            return None
        _, height = key.wrap(self.text_width - _PAGE_NUMBER_WIDTH, self.page_height)
        return key, height

    @cached_property
    def _fitted_header_left(self) -> str:
        room = self.text_width - (120 if self.header_right else 0)
        return fit_to_width(self.header_left, REGULAR, 8, room)

    def footer_height(self) -> float:
        """Room the key needs at the foot of the page, so the frame can stop above it."""
        if self._wrapped_key is None:
            return 10.0
        return max(self._wrapped_key[1], 10.0)

    def draw(self, canvas: Canvas, bottom_margin: float) -> None:
        """Header and key footer; the page number is drawn later by :class:`PagedCanvas`."""
        canvas.saveState()
        top = self.page_height - 10 * 2.8346
        canvas.setFillColor(GREY)
        canvas.setFont(REGULAR, 8)
        if self.header_left:
            canvas.drawString(self.margin_x, top, self._fitted_header_left)
        if self.header_right:
            canvas.setFillColor(colors.black)
            canvas.setFont(BOLD, 11)
            canvas.drawRightString(self.page_width - self.margin_x, top - 1, self.header_right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        foot_top = bottom_margin - 6
        canvas.line(self.margin_x, foot_top, self.page_width - self.margin_x, foot_top)
        if self._wrapped_key is not None:
            key, height = self._wrapped_key
            key.drawOn(canvas, self.margin_x, foot_top - 3 - height)
        canvas.restoreState()

    def page_number_position(self, bottom_margin: float) -> tuple[float, float]:
        return self.page_width - self.margin_x, bottom_margin - 6 - 3 - 8


class PagedCanvas(Canvas):
    """A canvas that keeps its pages until ``save`` so each can print "Page X of Y".

    Bookmarks name the page they are on by the document's page counter, so
    the counter is advanced as pages are held back and rewound before they
    are written out; without that every bookmark would point at page 1.
    """

    def __init__(
        self, *args: Any, page_number_at: tuple[float, float] = (0.0, 0.0), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []
        self._page_number_at = page_number_at

    def showPage(self) -> None:
        state = dict(self.__dict__)
        # One string per held page (what saving joins them into): half the memory of its
        # parts, which at 3,000 pages was over 100 MB.
        state["_code"] = ["\n".join(self._code)]
        self._held_pages.append(state)
        self._doc.pageCounter += 1
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        self._doc.pageCounter = 1
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._draw_page_number(number, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_page_number(self, number: int, total: int) -> None:
        x, y = self._page_number_at
        self.saveState()
        self.setFont(REGULAR, 8)
        self.setFillColor(colors.black)
        self.drawRightString(x, y, f"Page {number} of {total}")
        self.restoreState()


def fit_to_width(text: str, font: str, size: float, width: float) -> str:
    """Plain text cut with "…" so one header line never runs off the page."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def canvas_maker(page_number_at: tuple[float, float]) -> Callable[..., PagedCanvas]:
    def make(*args: Any, **kwargs: Any) -> PagedCanvas:
        return PagedCanvas(*args, page_number_at=page_number_at, **kwargs)

    return make


class Bookmark(Flowable):
    """An invisible mark that adds an outline entry (PDF bookmark) where it lands.

    It works inside a table cell too, which is where each recommendation starts.
    """

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key = key
        self.title = title
        self.level = level
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 12)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


def key_footer_text(entries: list[tuple[str, str]]) -> str:
    """The lead-role key as the seed prints it: "KEY FOR LEAD ROLE: EDT – …; SSM – …"."""
    if not entries:
        return ""
    body = "; ".join(f"{markup(code)} – {markup(role)}" for code, role in entries)
    return f"<b>KEY FOR LEAD ROLE:</b> {body}"
