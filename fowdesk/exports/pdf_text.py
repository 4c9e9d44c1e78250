"""User text made safe for the PDF: escaped, printable, and in a font that is embedded.

Every string an officer typed reaches reportlab through :func:`markup`, so
``R&D <pilot>`` or ``<img src="/etc/passwd">`` prints as typed and can never
change the report's markup or make reportlab read a file. The report is set
in DejaVu Sans (shipped in ``resources/fonts``), which draws "•", "–", curly
quotes, Polish, Cyrillic and Greek; a character it lacks, and anything beyond
U+FFFF (emoji, which reportlab cannot map back to text), becomes
:data:`PLACEHOLDER` instead of an empty box or a crash.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from fowdesk import paths

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

#: What a character the font cannot draw prints as: visible, and readable back as text.
PLACEHOLDER = "[?]"

_FONT_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_register_lock = threading.Lock()


class MeasuredTTFont(TTFont):
    """A TrueType font that remembers how wide each string it measured was.

    Laying out a report measures every word when lines are broken and again
    when they are drawn, and the same words recur all through a programme;
    reportlab measures with a Python loop over the characters unless its
    optional C accelerator (rl-accel) is installed. The width is the same
    number either way, so the PDF is byte for byte the same.
    """

    #: Past this many remembered strings the memory is emptied and starts again.
    REMEMBER_AT_MOST = 200_000

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._widths: dict[tuple[str, float], float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        key = (text, size)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) >= self.REMEMBER_AT_MOST:
                self._widths.clear()
            width = self._widths[key] = super().stringWidth(text, size, encoding)
        return width


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold) with reportlab once per process.

    DejaVu has no italic in ``resources/``, so ``<i>`` maps to the regular face
    rather than falling back to a Helvetica that would not be embedded.
    """
    with _register_lock:
        if REGULAR in pdfmetrics.getRegisteredFontNames():
            return
        for name, filename in _FONT_FILES.items():
            font = MeasuredTTFont(name, str(paths.resource("fonts", filename)))
            pdfmetrics.registerFont(font)
        for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
            addMapping(REGULAR, bold, italic, face)
            addMapping(BOLD, bold, italic, BOLD)


@cache
def _coverage(font_name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


@cache
def _covered_by_both() -> frozenset[int]:
    # Text may be set in either face (a title is bold), so a character counts
    # as drawable only when both faces have it.
    return _coverage(REGULAR) & _coverage(BOLD)


_KEEP_CONTROLS = {"\n"}
_AS_SPACE = {"\t", "\r", "\f", "\v", "\u2028", "\u2029", "\x85"}


def printable(text: str | None) -> str:
    """The text as it will print: controls dropped, unknown characters as the placeholder.

    Newlines are kept (they become line breaks); tabs and other line
    separators become spaces.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    if text.isascii() and text.replace("\n", "").isprintable():
        return text  # the common case: nothing to replace, and DejaVu has all of ASCII
    return "".join([_printable_char(char) for char in text])


@cache
def _printable_char(char: str) -> str:
    if char in _KEEP_CONTROLS:
        return char
    if char in _AS_SPACE:
        return " "
    category = unicodedata.category(char)
    if category == "Cc":
        return ""  # other control characters carry no meaning in print
    drawable = _covered_by_both()
    if ord(char) > 0xFFFF:
        return PLACEHOLDER
    if ord(char) in drawable:
        return char
    if category == "Cf":
        return ""  # an invisible formatting mark (e.g. a stray BOM) the font cannot show
    return PLACEHOLDER


def markup(text: str | None) -> str:
    """User text as reportlab Paragraph markup that prints exactly what was typed."""
    escaped = escape(printable(text))
    return escaped.replace("\n", "<br/>")
