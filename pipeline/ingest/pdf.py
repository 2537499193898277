"""PDF reader: pdfplumber characters -> a `Source` written in the text route's conventions.

Why this shape: the pipeline reads one kind of text, so the PDF's layout is resolved here and
written into the text the way the text conversion writes it: paragraphs split by a blank line,
wrapped lines joined by a newline (hyphenated line ends rejoined), footnote markers as
superscript digits glued to their word, footnotes as "¹ text" paragraphs after the page's body,
bullets as glyph lines, running headers, footers and page numbers dropped. Bold, page and word
boxes go to the `Source` fields instead of markup.

Engines: the characters come from pdfium (`pdfium.py`, the default) or from pdfminer through
pdfplumber (`layout_chars`), as the same columns (`Chars`); everything from words on is shared. pdfplumber's
table finder reads the ruled tables on the pages that draw enough rules, from the edges the
engine found.

Speed: the characters are read in stream order and made into words in one pass over the page
in numpy (`page_words`); from then on only words and lines are touched. With pdfminer, parsing
the page dominates, so the reader costs about what pdfplumber's own `extract_text` costs, and
with pdfium a fraction of it.
"""

from __future__ import annotations

import gc
import io
import logging
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from ..limits import MB
from .pdf_tables import MIN_RULES, TableBlock, aligned_tables, ruled_tables
from .source import TO_SUPERSCRIPT, Box, IngestError, Source, merge_ranges
from .text import content_kind

if TYPE_CHECKING:
    import pdfplumber
    from pdfplumber.page import Page

__all__ = ["ENGINES", "Char", "Chars", "read_pdf"]

Engine = Literal["pdfium", "pdfplumber"]
ENGINES: tuple[Engine, ...] = ("pdfium", "pdfplumber")  # the first is the default
# (text, upright, x0, x1, top, bottom, fontname, size) of a character, in pdfplumber's page space
Char = tuple[str, bool, float, float, float, float, str, float]
CHAR_FIELDS = ("text", "upright", "x0", "x1", "top", "bottom", "font", "size")
Column = Any  # a value of one character, or a numpy column of the values of many
QUIET_LOGGERS = ("pdfminer", "pdfplumber")  # their warnings would reach stderr, which is emn's own

# Tolerances, in units of the font size unless named otherwise.
BULLET_SHAPE = (1.5, 8.0)  # a small filled dot or square drawn beside a line, in points, is a list marker
BULLET_SHAPE_FONT = "(drawn bullet)"
GLUE_GAP = 0.15  # a gap below this joins two word pieces without a space ("(" + "BE,")
KERN_BACK = 0.5  # a word's next character may start this far left of the last one's end (kerning)
SAME_TOP = 0.5  # points: a word's characters stand this close in height to its first
WORD_TEXT = attrgetter("text")  # a word's text, for counting characters with map
LINE_OVERLAP = 0.4  # share of the smaller height two words must share to stand on one line
RECENT_LINES = 4  # a word is put on one of the last this many lines begun (words come top to bottom)
MARKER_SMALLER = 0.85  # a footnote marker is at most this size of its line's text...
MARKER_RAISE = 0.1  # ...and raised by at least this much above the line's baseline
MARKER_RAISE_SAME_SIZE = 0.25  # a marker in full size must be raised this much
FOOTNOTE_SMALLER = 0.94  # footnote lines are set smaller than this share of the body size
SIZE_CHANGE = 0.15  # a line this much larger or smaller than the last starts a paragraph
PARAGRAPH_EXTRA = 0.25  # extra space above the usual line pitch that starts a paragraph
MIN_PARAGRAPH_EXTRA = 2.0  # points
DEFAULT_PITCH = 1.2  # line pitch assumed when the document shows none
MAX_PITCH = 1.6  # a "usual" pitch above this is paragraph spacing, not leading
SHORT_LINE = 0.1  # share of the text width a line must fall short by to end a paragraph
EDGE_LINES = 2  # lines at the top and at the bottom of a page checked for headers/footers
SAME_PLACE = 4.0  # points: a running header/footer stands this close to its place elsewhere
MARGIN_BAND = 0.07  # share of the page height where isolated lines are headers/footers
RUNNING_GAP = 1.5  # a repeated line this far from the text is a running header/footer
RULE_WIDTH = 2.0  # points: a line or rectangle this thin is a rule, such as a table border
PAGE_END = (".", "?", "!", ":", ";")  # a paragraph that ends a page without these goes on overleaf

BOLD_FONT = re.compile(r"(?i:bold|black|heavy|demi)|,B")
MARKER = re.compile(r"\d{1,3}(?:,\d{1,3})*")
PAGE_NUMBER = re.compile(
    r"(?i)(?:page|p\.|seite|pagina|strana)?\s*[-–—(\[]?\s*\d{1,4}\s*[-–—)\]]?"
    r"(?:\s*(?:/|of|von|de|z)\s*\d{1,4})?")
CID = re.compile(r"\(cid:\d+\)")
SYMBOL_FONT = re.compile(r"(?i)dingbat|symbol|wingding|webding")  # fonts whose letters draw bullets
BULLETS = frozenset("•▪▫●○◦■□►▸▶➢➤✓✔❖★☆♦◆–-*·")
CELL_BAR = "\u00a6"  # a '|' written inside a cell, so that it cannot split the row
CELL_PARAGRAPH = "\u2029"  # between a cell's paragraphs, as the Word reader writes it: a space to the stages
CELL_PARAGRAPH_GAP = 1.35  # font sizes from one line's top to the next in a cell that start a paragraph
SPACES = frozenset(" \t\n\r\xa0\u2002\u2003\u2009\u200a\u200b\u3000")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl",
                           "ﬅ": "st", "ﬆ": "st"})


@dataclass(slots=True)
class Word:
    """A run of characters in one font and size, without a space or a gap inside."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    marker: bool = False


@dataclass(slots=True)
class Line:
    """Words standing on one baseline, left to right; size and baseline of its main text."""

    words: list[Word]
    top: float
    bottom: float
    size: float = 0.0
    baseline: float = 0.0
    label: bool = False  # a footnote line that starts a footnote with its number

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def all_bold(self) -> bool:
        return all(word.bold or word.marker for word in self.words)


@dataclass
class PageLines:
    """A page's lines in reading order, split into body and footnote lines later."""

    number: int
    width: float
    height: float
    lines: list[Line]
    footnotes: list[Line] = field(default_factory=list)
    sideways: int = 0  # characters not upright (rotated text), which are left out
    tables: list[TableBlock] = field(default_factory=list)


# --- opening --------------------------------------------------------------------------------

def check_pdf(data: bytes) -> None:
    """Refuse what is not a PDF, or not a whole one, before any engine parses it."""
    if b"%PDF-" not in data[:1024]:
        raise IngestError(f"not a PDF file (content looks like {content_kind(data)})")
    if b"%%EOF" not in data[-2048:]:
        raise IngestError("corrupt or truncated PDF: no end-of-file marker (%%EOF)")


def open_pdf(data: bytes) -> pdfplumber.PDF:
    """Open with pdfplumber; refuse what is not a readable, unencrypted PDF."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, PDFPasswordIncorrect):
            raise IngestError("encrypted PDF: a password is needed to open it") from None
        if isinstance(cause, PDFEncryptionError):
            raise IngestError(f"encrypted PDF: {one_line(cause)}") from None
        raise limit_error(error) or IngestError(f"corrupt or truncated PDF: {one_line(cause)}") from None


def limit_error(error: Exception) -> IngestError | None:
    """The IngestError of a stream over its limit, which pdfplumber wraps in its own exception."""
    cause = error.args[0] if error.args else error
    return cause if isinstance(cause, IngestError) else None


class BoundedZlib:
    """zlib as pdfminer.six's stream decoder uses it, with a limit on what one stream inflates to.

    pdfminer inflates each stream whole and has no limit of its own, so a megabyte of
    compressed zeros becomes gigabytes before anything can look at it."""

    error = zlib.error

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def too_large(self) -> IngestError:
        return IngestError(f"a compressed stream inflates past the {self.limit / MB:g} MB limit (--max-size)")

    def decompress(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        inflated = inflater.decompress(data, self.limit + 1)
        if len(inflated) > self.limit:
            raise self.too_large()
        if not inflater.eof:  # as zlib.decompress says it, so pdfminer recovers what it can
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return inflated

    def decompressobj(self) -> BoundedInflater:
        return BoundedInflater(self)


class BoundedInflater:
    """The incremental inflater pdfminer falls back to for a stream with a bad checksum."""

    def __init__(self, owner: BoundedZlib) -> None:
        self.owner = owner
        self.inflater = zlib.decompressobj()
        self.inflated = 0

    def decompress(self, data: bytes) -> bytes:
        inflated = self.inflater.decompress(data, self.owner.limit + 1 - self.inflated)
        self.inflated += len(inflated)
        if self.inflated > self.owner.limit or self.inflater.unconsumed_tail:
            raise self.owner.too_large()
        return inflated


@contextmanager
def bounded_streams(limit: int | None) -> Iterator[None]:
    """While pdfminer reads a PDF: its stream decoder inflates no stream past `limit` bytes
    (None: no limit), and its and pdfplumber's warnings stay off stderr, which is emn's own."""
    from pdfminer import pdftypes

    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    previous = pdftypes.zlib
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    if limit is not None:
        setattr(pdftypes, "zlib", BoundedZlib(limit))  # noqa: B010 -- pdfminer offers no setting for it
    try:
        yield
    finally:
        setattr(pdftypes, "zlib", previous)  # noqa: B010
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a PDF is read. The reader makes a few hundred
    thousand small objects that live until its Source is written, so the collector would make
    several full passes over the worker's whole heap (the pipeline loaded in it) per document,
    a tenth of the reading; the few cycles pdfium's bindings leave are collected after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def one_line(error: BaseException) -> str:
    """An exception as a short single line (its type when it has no message)."""
    text = " ".join(str(error).split())
    return text[:160] if text else type(error).__name__


# --- words and lines ------------------------------------------------------------------------

@dataclass
class Chars:
    """A page's characters in stream order, a column per field of `Char` (the numbers and the
    font names in numpy): what `page_words` reads, comparing each character with the one
    before for the whole page at once."""

    text: list[str]
    upright: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    font: np.ndarray
    size: np.ndarray

    @classmethod
    def of(cls, chars: Iterable[Char]) -> Chars:
        """The columns of these characters."""
        text, upright, x0, x1, top, bottom, font, size = list(zip(*chars, strict=True)) or [()] * len(CHAR_FIELDS)
        return cls(list(text), np.array(upright, bool), np.array(x0, float), np.array(x1, float),
                   np.array(top, float), np.array(bottom, float), np.array(font, object), np.array(size, float))

    @classmethod
    def joined(cls, parts: list[Chars]) -> Chars:
        """These characters one after the other."""
        return cls([text for part in parts for text in part.text],
                   *(np.concatenate([getattr(part, name) for part in parts]) for name in CHAR_FIELDS[1:]))

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, index: slice | np.ndarray) -> Chars:
        """The characters at these places (a slice, or an array of indices)."""
        text = self.text[index] if isinstance(index, slice) else [self.text[i] for i in index.tolist()]
        return Chars(text, *(getattr(self, name)[index] for name in CHAR_FIELDS[1:]))


def page_words(chars: Chars, fonts: dict[str, tuple[bool, bool]]) -> tuple[list[Word], int]:
    """The page's upright words, in content-stream order.

    A word is a run of characters in one font and size that follow each other on the line
    without a space or a gap; a change of font cuts it too, and the writer glues touching
    pieces again ("(" + bold "BE,"). Much cheaper than `extract_words`, which clusters and
    sorts every character. Whether a character goes on the word of the one before is decided
    for the page at once, in numpy; only where a word's characters stand at different heights
    does it depend on the word's first, found one by one. Also returns how many characters
    were left out as not upright."""
    count = len(chars)
    if not count:
        return [], 0
    space = np.fromiter(map(SPACES.__contains__, chars.text), bool, count)
    letter = chars.upright & ~space
    font, x0, x1, top, size = chars.font, chars.x0, chars.x1, chars.top, chars.size
    # all but the height: a character that may go on the word of the one before (its own top for the word's)
    across = letter[1:] & letter[:-1] & goes_on(font[:-1], size[:-1], top[1:], x1[:-1], font[1:], size[1:], top[1:],
                                                x0[1:])
    level = top[1:] == top[:-1]  # then the word's first character stands as high as the one before
    joins = np.zeros(count, bool)  # goes on the word of the one before
    joins[1:] = across & level
    for index in (np.flatnonzero(across & ~level) + 1).tolist():  # in order: a join decides where the next word starts
        start = index - 1
        while joins[start]:
            start -= 1
        joins[index] = bool(goes_on(font[start], size[start], top[start], x1[index - 1], font[index], size[index],
                                    top[index], x0[index]))
    starts = np.flatnonzero(letter & ~joins)
    breaks = np.flatnonzero(~joins)
    ends = np.append(breaks, count)[np.searchsorted(breaks, starts, side="right")]
    words: list[Word] = []
    for start, end, left, right, word_top, word_bottom, word_size, font in zip(
            starts.tolist(), ends.tolist(), x0[starts].tolist(), x1[ends - 1].tolist(), top[starts].tolist(),
            chars.bottom[starts].tolist(), size[starts].tolist(), chars.font[starts].tolist(), strict=True):
        if font not in fonts:  # (bold, symbol) per font name, worked out once per document
            fonts[font] = (BOLD_FONT.search(font.split("+", 1)[-1]) is not None,
                           SYMBOL_FONT.search(font) is not None)
        bold, symbol = fonts[font]
        parts = chars.text[start:end]
        if symbol and parts[0].isascii():
            parts[0] = "\u2022"  # ZapfDingbats 'n' is a square, '3' a tick: a bullet, not the letter
        words.append(make_word(parts, left, right, word_top, word_bottom, word_size, bold))
    return words, int(np.count_nonzero(~chars.upright & ~space))


def goes_on(font: Column, size: Column, top: Column, right: Column, char_font: Column, char_size: Column,
            char_top: Column, left: Column) -> Column:
    """Whether a character goes on a word in `font` and `size` whose first character stands at
    `top` and whose last ends at `right`: the same font and size, close enough across and in
    height. Of one character, or of each of numpy columns of them."""
    step = left - right
    return ((char_font == font) & (char_size == size) & (-KERN_BACK * size < step) & (step < GLUE_GAP * size)
            & (abs(char_top - top) < SAME_TOP))


def layout_chars(page: Page, rules: list[int]) -> Iterator[Char]:
    """(text, upright, x0, x1, top, bottom, fontname, size) of each character, in stream order,
    and a "•" for each bullet drawn as a shape.

    Read straight from the page's pdfminer layout with the coordinates pdfplumber gives its
    `page.chars`, but without building a dictionary of every attribute of every character,
    which is most of the cost of `page.chars` (and of `extract_text`). The rules the page
    draws (lines, thin rectangles) are counted into `rules`, to know where tables may be."""
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTRect

    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    stack = [iter(page.layout)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                font = obj.fontname
                if isinstance(font, bytes):
                    font = font.decode("latin-1")
                yield (obj.get_text(), obj.upright, obj.x0 + mb_x0, obj.x1 + mb_x0,
                       height - obj.y1 + mb_top, height - obj.y0 + mb_top, font, obj.size)
            elif isinstance(obj, LTLine | LTRect) and min(obj.width, obj.height) <= RULE_WIDTH:
                rules[0] += 1
            elif isinstance(obj, LTCurve):
                if obj.fill and is_bullet_shape(obj.width, obj.height):
                    yield ("\u2022", True, obj.x0 + mb_x0, obj.x1 + mb_x0, height - obj.y1 + mb_top,
                           height - obj.y0 + mb_top, BULLET_SHAPE_FONT, obj.height)
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj))
                break
        else:
            stack.pop()


def is_bullet_shape(width: float, height: float) -> bool:
    """A list marker some producers draw instead of a glyph (a browser's <ul> dots): small,
    filled and about as wide as high, unlike rules, underlines and table borders."""
    low, high = BULLET_SHAPE
    return low <= width <= high and low <= height <= high and max(width, height) <= 1.5 * min(width, height)


def make_word(parts: list[str], x0: float, x1: float, top: float, bottom: float,
              size: float, bold: bool) -> Word:
    """A Word from its characters: ligatures expanded, soft hyphens dropped except at the end
    (there one marks a hyphenated line end)."""
    text = "".join(parts)
    if not text.isascii():
        text = text.translate(LIGATURES)
        if "\xad" in text[:-1]:
            text = text[:-1].replace("\xad", "") + text[-1]
    return Word(text, x0, x1, top, bottom, size, bold)


def group_lines(words: list[Word]) -> list[Line]:
    """Words into lines by vertical overlap (a raised marker shares most of its line's
    height), lines top to bottom, words left to right; size, baseline and markers set.

    A word joins the line, of the last few, it overlaps most; the tops and bottoms of the
    lines are kept in lists of their own, the cheapest to read in this, the reader's
    innermost loop."""
    lines: list[Line] = []
    tops: list[float] = []
    bottoms: list[float] = []
    for word in sorted(words, key=attrgetter("top")):
        top, bottom = word.top, word.bottom
        best, best_overlap = -1, 0.0
        for index in range(max(len(lines) - RECENT_LINES, 0), len(lines)):
            line_top, line_bottom = tops[index], bottoms[index]
            # min(line_bottom, bottom) - max(line_top, top), min(line height, word height)
            overlap = (bottom if bottom < line_bottom else line_bottom) - (top if top > line_top else line_top)
            if overlap > best_overlap:
                height = line_bottom - line_top
                if bottom - top < height:
                    height = bottom - top
                if overlap >= LINE_OVERLAP * height:
                    best, best_overlap = index, overlap
        if best < 0:
            lines.append(Line([word], top, bottom))
            tops.append(top)
            bottoms.append(bottom)
        else:
            lines[best].words.append(word)
            if top < tops[best]:
                tops[best] = top
            if bottom > bottoms[best]:
                bottoms[best] = bottom
    for line, top, bottom in zip(lines, tops, bottoms, strict=True):
        line.top, line.bottom = top, bottom
    lines.sort(key=attrgetter("top"))
    for line in lines:
        line.words.sort(key=attrgetter("x0"))
        finish_line(line)
    return lines


def finish_line(line: Line) -> None:
    """Set the line's main size and baseline, and mark raised small digits as markers."""
    size = line.words[0].size
    if all(word.size == size for word in line.words):  # most lines: one size, no weighing
        line.size = round(size, 1)
    else:
        weight: Counter[float] = Counter()
        for word in line.words:
            weight[round(word.size, 1)] += len(word.text)
        line.size = weight.most_common(1)[0][0]
    line.baseline = max((w.bottom for w in line.words if abs(w.size - line.size) < 0.2),
                        default=line.bottom)
    if len(line.words) == 1:
        return
    for word in line.words:
        if not word.text[:1].isdecimal() or MARKER.fullmatch(word.text) is None:  # \d is a decimal digit
            continue
        raised = line.baseline - word.bottom
        if ((word.size <= MARKER_SMALLER * line.size and raised >= MARKER_RAISE * line.size)
                or raised >= MARKER_RAISE_SAME_SIZE * line.size):
            word.marker = True


# --- running headers and footers ------------------------------------------------------------

def drop_running_lines(pages: list[PageLines]) -> None:
    """Remove headers, footers and page numbers: the lines at a page's top or bottom edge
    that repeat on another page at the same place or are bare page numbers, when set apart
    from the text, and the outermost lines standing alone in the outer band of the page."""
    seen: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for index, page in enumerate(pages):
        for zone in ("top", "bottom"):
            for line in edge_lines(page, zone):
                seen[(zone, running_key(line))].append((index, line.top))
    for index, page in enumerate(pages):
        drop = {id(line) for line in outer_lines(page)}
        for zone in ("top", "bottom"):
            block = []
            for line in edge_lines(page, zone):
                places = seen[(zone, running_key(line))]
                if not (PAGE_NUMBER.fullmatch(line.text) or any(
                        other != index and abs(top - line.top) <= SAME_PLACE
                        for other, top in places)):
                    break
                block.append(line)
            while block and not apart(page, block[-1], zone):
                block.pop()
            drop.update(id(line) for line in block)
        if drop:
            page.lines = [line for line in page.lines if id(line) not in drop]


def edge_lines(page: PageLines, zone: str) -> list[Line]:
    """Up to EDGE_LINES lines from the top or the bottom edge inwards, none in both."""
    bottom = min(EDGE_LINES, len(page.lines) // 2)
    if zone == "bottom":
        return page.lines[::-1][:bottom]
    return page.lines[:min(EDGE_LINES, len(page.lines) - bottom)]


def running_key(line: Line) -> str:
    """A line's text with numbers neutralised, so "Page 2" and "Page 3" compare equal."""
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def apart(page: PageLines, line: Line, zone: str) -> bool:
    """Set apart from the text next to it on the inner side (a header above the body, a
    footer below it) by more space than paragraphs take, or in another size."""
    index = page.lines.index(line)
    inner_index = index + 1 if zone == "top" else index - 1
    if not 0 <= inner_index < len(page.lines):
        return False
    inner = page.lines[inner_index]
    gap = inner.top - line.bottom if zone == "top" else line.top - inner.bottom
    return gap > RUNNING_GAP * line.size or abs(inner.size - line.size) > SIZE_CHANGE * inner.size


def outer_lines(page: PageLines) -> list[Line]:
    """Lines from the page's top and bottom edges inwards that stand in the outer band of
    the page, set apart from the next line inwards by more than their own size, and set in
    another size than that line or a bare page number: body text on a page with narrow
    margins reaches into the band too."""
    lines, found = page.lines, []
    band = MARGIN_BAND * page.height
    for index in range(min(EDGE_LINES, len(lines) - 1)):
        line, inner = lines[index], lines[index + 1]
        if line.bottom > band or inner.top - line.bottom <= line.size or not furniture(line, inner):
            break
        found.append(line)
    for index in range(len(lines) - 1, max(len(lines) - 1 - EDGE_LINES, 0), -1):
        line, inner = lines[index], lines[index - 1]
        if (line.top < page.height - band or line.words[0].marker
                or line.top - inner.bottom <= line.size or not furniture(line, inner)):
            break
        found.append(line)
    return found


def furniture(line: Line, inner: Line) -> bool:
    """Looks like a header or footer rather than body text: a page number or another size."""
    return bool(PAGE_NUMBER.fullmatch(line.text)) or abs(inner.size - line.size) > SIZE_CHANGE * inner.size


# --- footnotes and paragraphs ---------------------------------------------------------------

def body_size(pages: list[PageLines]) -> float:
    """The size most of the document's text is set in."""
    weight: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            weight[line.size] += sum(map(len, map(WORD_TEXT, line.words)))
    return weight.most_common(1)[0][0] if weight else 0.0


def split_footnotes(page: PageLines, size: float) -> None:
    """Move the page's footnote block from `lines` to `footnotes`: the lines in small type at
    the foot of the page, when some of them start with a footnote number (a raised marker, or
    a bare number when the block has no raised ones)."""
    start = len(page.lines)
    while start > 0 and page.lines[start - 1].size < FOOTNOTE_SMALLER * size:
        start -= 1
    zone = page.lines[start:]
    if not zone or start == 0:
        return
    raised = any(line.words[0].marker for line in zone)
    for line in zone:
        first = line.words[0]
        line.label = first.marker if raised else (
            len(line.words) > 1 and MARKER.fullmatch(first.text) is not None)
    if any(line.label for line in zone):
        page.lines, page.footnotes = page.lines[:start], zone
    else:
        for line in zone:
            line.label = False


def usual_pitch(pages: list[PageLines]) -> float:
    """The usual baseline distance of consecutive lines, in font sizes."""
    ratios: Counter[float] = Counter()
    for page in pages:
        for prev, line in pairwise(page.lines):
            if abs(line.size - prev.size) < 0.2 and prev.size > 0:
                ratio = (line.baseline - prev.baseline) / prev.size
                if 0.9 <= ratio <= 3.0:
                    ratios[round(ratio, 2)] += 1
    if not ratios:
        return DEFAULT_PITCH
    pitch = ratios.most_common(1)[0][0]
    return pitch if pitch <= MAX_PITCH else DEFAULT_PITCH


def body_paragraphs(lines: list[Line], pitch: float) -> list[list[Line]]:
    """Group body lines into paragraphs: extra space, a change of size, or a short all-bold
    line (a heading) followed by ordinary text ends a paragraph."""
    paragraphs: list[list[Line]] = []
    right = max((line.x1 for line in lines), default=0.0)
    left = min((line.x0 for line in lines), default=0.0)
    for line in lines:
        if paragraphs and not starts_paragraph(paragraphs[-1][-1], line, pitch, right - left,
                                               right):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def starts_paragraph(prev: Line, line: Line, pitch: float, width: float, right: float) -> bool:
    """Whether `line` begins a new paragraph after `prev`."""
    size = max(prev.size, line.size)
    if abs(line.size - prev.size) > SIZE_CHANGE * size:
        return True
    extra = line.baseline - prev.baseline - pitch * prev.size
    if extra > max(PARAGRAPH_EXTRA * size, MIN_PARAGRAPH_EXTRA):
        return True
    return prev.all_bold and not line.all_bold and prev.x1 < right - SHORT_LINE * width


def footnote_paragraphs(lines: list[Line]) -> list[list[Line]]:
    """One paragraph per footnote: a labelled line starts one, others continue it."""
    paragraphs: list[list[Line]] = []
    for line in lines:
        if line.label or not paragraphs:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return paragraphs


# --- text -----------------------------------------------------------------------------------

@dataclass(slots=True)
class Piece:
    """A word as written into the text: its words on one line glued, with its box."""

    text: str
    bold: list[tuple[int, int]]
    x0: float
    top: float
    x1: float
    bottom: float


def line_pieces(line: Line) -> list[Piece]:
    """A line as space-separated pieces: touching words glued, markers as superscripts glued
    to the word before, a footnote's label as "¹", a bullet glyph split from its text."""
    pieces: list[Piece] = []
    prev: Word | None = None
    for word in line.words:
        text = word.text
        label = prev is None and (word.marker or line.label)
        if word.marker or label:
            text = text.translate(TO_SUPERSCRIPT)
        glue = prev is not None and (word.marker or word.x0 - prev.x1 < GLUE_GAP * min(
            word.size, prev.size))
        if glue:
            piece = pieces[-1]
            if word.bold:
                piece.bold.append((len(piece.text), len(piece.text) + len(text)))
            piece.text += text
            piece.x1 = max(piece.x1, word.x1)
            piece.top = min(piece.top, word.top)
            piece.bottom = max(piece.bottom, word.bottom)
        else:
            bold = [(0, len(text))] if word.bold else []
            pieces.append(Piece(text, bold, word.x0, word.top, word.x1, word.bottom))
        prev = word
    if pieces:
        split_bullet(pieces)
    return pieces


def split_bullet(pieces: list[Piece]) -> None:
    """Give a line-initial bullet glyph its own piece ("•Text" -> "•", "Text"); an unmapped
    glyph "(cid:NN)" becomes "•"."""
    first = pieces[0]
    cid = CID.match(first.text)
    if cid:
        glyph, rest = "•", first.text[cid.end():]
    elif len(first.text) > 1 and is_glyph(first.text[0]) and first.text[0] not in "-–*·":
        glyph, rest = first.text[0], first.text[1:]
    else:
        return
    width = (first.x1 - first.x0) / max(len(first.text), 1)
    pieces[0] = Piece(glyph, [], first.x0, first.top, first.x0 + width, first.bottom)
    if rest:
        shift = len(first.text) - len(rest)
        bold = [(max(s - shift, 0), e - shift) for s, e in first.bold if e > shift]
        pieces.insert(1, Piece(rest, bold, first.x0 + width, first.top, first.x1,
                               first.bottom))


def is_glyph(char: str) -> bool:
    """A bullet glyph: a known one or a private-use code point from a symbol font."""
    return char in BULLETS or "\ue000" <= char <= "\uf8ff"


class TextWriter:
    """Appends pieces to the text, keeping offsets for bold ranges, boxes and pages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts: list[str] = []
        self.length = 0
        self.bold: list[tuple[int, int]] = []
        self.boxes: list[Box] = []
        self.pages: list[tuple[int, int, int]] = []
        self.headings: list[tuple[int, int, int]] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def piece(self, piece: Piece, page: int, cut: int = 0) -> None:
        """Write a piece, less `cut` characters at its end (a line-end hyphen)."""
        start = self.length
        pages = self.pages
        if not pages or pages[-1][2] != page:  # a page's range runs to the next page's first piece
            if pages:
                pages[-1] = (pages[-1][0], start, pages[-1][2])
            pages.append((start, start, page))
        text = piece.text[:len(piece.text) - cut] if cut else piece.text
        self.parts.append(text)
        self.length = end = start + len(text)
        for s, e in piece.bold:
            e = min(e, len(text))
            if s < e:
                self.bold.append((start + s, start + e))
        self.boxes.append(Box(start, end, page, piece.x0, piece.top, piece.x1, piece.bottom))

    def paragraph(self, lines: list[tuple[list[Piece], int]]) -> int:
        """Write a paragraph, each line with its page: lines joined by a newline, a hyphen
        at a line end rejoined. Returns where it starts."""
        if self.length:
            self.write("\n\n")
        start = self.length
        for index, (pieces, page) in enumerate(lines):
            if not pieces:
                continue
            for piece in pieces[:-1]:
                self.piece(piece, page, cut=int(piece.text.endswith("\xad")))
                self.write(" ")
            last = pieces[-1]
            following = lines[index + 1][0][0].text if index + 1 < len(lines) and lines[index + 1][0] else ""
            join = hyphen_join(last.text, following) if following else None
            self.piece(last, page, cut=int(join == "drop" or last.text.endswith("\xad")))
            if index + 1 < len(lines) and join is None:
                self.write("\n")
        return start

    def table(self, rows: list[list[list[tuple[Word, int]]]]) -> None:
        """Write a table as the text route writes one: '| a | b |' per row, the header row
        followed by '|---|'; each word keeps its box."""
        if self.length:
            self.write("\n\n")
        for index, row in enumerate(rows):
            if index:
                self.write("\n")
            self.write("|")
            for cell in row:
                previous: Word | None = None
                for word, page in cell:  # a wider gap between two lines of a cell starts a paragraph
                    paragraph = previous is not None and word.top - previous.top > CELL_PARAGRAPH_GAP * word.size
                    self.write(" " + CELL_PARAGRAPH if paragraph else " ")
                    previous = word
                    self.piece(Piece(word.text.replace("|", CELL_BAR), [(0, len(word.text))] if word.bold else [],
                                     word.x0, word.top, word.x1, word.bottom), page)
                self.write(" |")
            if index == 0:
                self.write("\n|" + "---|" * len(row))

    def source(self, warnings: list[str]) -> Source:
        text = "".join(self.parts)
        if self.pages:
            self.pages[-1] = (self.pages[-1][0], self.length, self.pages[-1][2])
        return Source(path=self.path, text=text, bold=merge_ranges(self.bold, text), pages=self.pages,
                      headings=self.headings, boxes=self.boxes, warnings=warnings)


def hyphen_join(word: str, following: str) -> str | None:
    """How a line ending in `word` meets the next line's first word: "drop" the hyphen
    (inter- / national), "keep" it (non- / EU, 2025– / 2026), or None for an ordinary line break."""
    if word.endswith("\xad"):
        return "drop"
    if len(word) >= 2 and word[-1] in "-\u2010\u2013" and word[-2].isdigit() and following[:1].isdigit():
        return "keep"  # a range of numbers broken after its dash: '2025–' / '2026'
    if len(word) < 2 or word[-1] not in "-\u2010" or not word[-2].isalpha() or not following:
        return None
    if following[0].islower():
        return "drop"
    return "keep" if following[0].isalpha() else None


# --- reader ---------------------------------------------------------------------------------

class PageReader(Protocol):
    """A page as an engine reads it: its number, pdfplumber's size, its characters."""

    @property
    def number(self) -> int: ...

    @property
    def width(self) -> float: ...

    @property
    def height(self) -> float: ...

    def chars(self, rules: list[int]) -> Chars:
        """The page's characters in stream order; the rules it draws are counted into `rules`."""
        ...

    def tables(self, lines: list[Line]) -> list[TableBlock]:
        """The page's ruled tables filled with the words of `lines` (after `chars`)."""
        ...

    def close(self) -> None:
        """Release what the engine holds for the page."""
        ...


@dataclass
class PlumberPage:
    """A pdfplumber page as a `PageReader`: its characters from pdfminer's layout."""

    page: Page

    @property
    def number(self) -> int:
        return int(self.page.page_number)

    @property
    def width(self) -> float:
        return float(self.page.width)

    @property
    def height(self) -> float:
        return float(self.page.height)

    def chars(self, rules: list[int]) -> Chars:
        return Chars.of(layout_chars(self.page, rules))

    def tables(self, lines: list[Line]) -> list[TableBlock]:
        return ruled_tables(self.page, lines)

    def close(self) -> None:
        self.page.close()


def read_pages(count: int, page: Callable[[int], PageReader], max_pages: int | None) -> list[PageLines]:
    """Every page's lines; pages are read one by one (`page(index)`) and released after, their
    ruled tables looked for where they draw enough rules."""
    if max_pages is not None and count > max_pages:
        raise IngestError(f"{count} pages, more than --max-pages {max_pages}")
    fonts: dict[str, tuple[bool, bool]] = {}
    result = []
    for index in range(count):
        reader = page(index)
        rules = [0]
        try:
            words, sideways = page_words(reader.chars(rules), fonts)
            lines = group_lines(words)
            ruled = reader.tables(lines) if rules[0] >= MIN_RULES else []
        except IngestError:
            raise
        except Exception as error:  # the engines raise many kinds on broken content streams
            raise limit_error(error) or IngestError(f"corrupt or truncated PDF: page {reader.number}: "
                                                    f"{one_line(error)}") from None
        finally:
            reader.close()
        lines = without_tables(words, lines, ruled)
        aligned = aligned_tables(lines)
        lines = without_tables(words, lines, aligned)
        result.append(PageLines(reader.number, reader.width, reader.height, lines,
                                sideways=sideways, tables=sorted(ruled + aligned, key=lambda t: t.top)))
    return result


def engine_pages(data: bytes, max_pages: int | None, max_stream: int | None, engine: Engine) -> list[PageLines]:
    """Every page's lines, the characters read by `engine`."""
    if engine == "pdfplumber":
        with bounded_streams(max_stream):
            pdf = open_pdf(data)
            with pdf:
                pages = pdf.pages
                return read_pages(len(pages), lambda index: PlumberPage(pages[index]), max_pages)
    from .pdfium import PdfiumDocument

    with PdfiumDocument(data, max_stream) as document:
        return read_pages(len(document), document.page, max_pages)


def without_tables(words: list[Word], lines: list[Line], tables: list[TableBlock]) -> list[Line]:
    """The page's lines once the words of its tables are taken out of them."""
    if not tables:
        return lines
    taken = {id(word) for table in tables for row in table.rows for cell in row for word in cell}
    kept = {id(word) for line in lines for word in line.words} - taken
    return group_lines([word for word in words if id(word) in kept])


@dataclass
class Block:
    """A paragraph (its lines, each with its page) or a table, as the writer writes it."""

    lines: list[tuple[Line, int]] = field(default_factory=list)
    table: list[list[list[tuple[Word, int]]]] | None = None
    body: bool = True  # a footnote is no body block


def page_blocks(page: PageLines, pitch: float) -> list[Block]:
    """The page's paragraphs and tables in reading order, then its footnotes."""
    body: list[tuple[float, Block]] = [
        (lines[0].top, Block([(line, page.number) for line in lines]))
        for lines in body_paragraphs(page.lines, pitch)]
    body += [(table.top, Block(table=[[[(word, page.number) for word in cell] for cell in row]
                                      for row in table.rows])) for table in page.tables]
    notes = [Block([(line, page.number) for line in lines], body=False)
             for lines in footnote_paragraphs(page.footnotes)]
    return [block for _, block in sorted(body, key=lambda pair: pair[0])] + notes


def join_across_pages(pages: list[list[Block]]) -> list[Block]:
    """All blocks, with what a page break split joined again: a paragraph or heading that
    does not end its sentence and goes on in lower case overleaf, or a table that goes on
    under a repeated header. The page's footnotes then follow the joined block."""
    blocks: list[Block] = []
    for page in pages:
        last = next((block for block in reversed(blocks) if block.body), None)
        first = page[0] if page and page[0].body else None
        if last is not None and first is not None and _continues(last, first):
            if last.table is not None and first.table is not None:
                rows = first.table[1:] if _texts(first.table[0]) == _texts(last.table[0]) else first.table
                last.table.extend(rows)
            else:
                last.lines.extend(first.lines)
            page = page[1:]
        blocks.extend(page)
    return blocks


def _continues(last: Block, first: Block) -> bool:
    if last.table is not None or first.table is not None:
        return last.table is not None and first.table is not None and \
            max(map(len, last.table)) == max(map(len, first.table))
    end = last.lines[-1][0].text.rstrip()
    start = first.lines[0][0].text.lstrip()
    return bool(end) and not end.endswith(PAGE_END) and start[:1].islower()


def _texts(row: list[list[tuple[Word, int]]]) -> list[str]:
    return [" ".join(word.text for word, _ in cell) for cell in row]


def write_pages(path: Path, pages: list[PageLines]) -> TextWriter:
    """Body paragraphs and tables, then footnote paragraphs, page by page; the paragraph
    set in the largest type on the first page is the title line."""
    writer = TextWriter(path)
    pitch = usual_pitch(pages)
    blocks = join_across_pages([page_blocks(page, pitch) for page in pages])
    title = _largest_on_first_page(blocks, pages)
    for block in blocks:
        if block.table is not None:
            writer.table(block.table)
            continue
        start = writer.paragraph([(line_pieces(line), page) for line, page in block.lines])
        if block is title:
            writer.headings.append((start, writer.length, 0))
    return writer


def _largest_on_first_page(blocks: list[Block], pages: list[PageLines]) -> Block | None:
    """The first page's paragraph in the largest type, when that stands out from the body."""
    first = [block for block in blocks if block.body and block.lines and block.lines[0][1] == pages[0].number]
    if not first:
        return None
    sizes = [max(line.size for line, _ in block.lines) for block in first]
    largest = max(sizes)
    body = body_size(pages)
    if largest <= (1 + SIZE_CHANGE) * body:
        return None
    return first[sizes.index(largest)]


def read_pdf(path: Path, data: bytes, max_pages: int | None = None, max_stream: int | None = None,
             engine: Engine = "pdfium") -> Source:
    """Read a PDF's text layer into a `Source`; raise IngestError with a one-line reason.

    `max_stream` bounds what one compressed stream may inflate to (None: no bound); `engine`
    reads the characters: "pdfium" or "pdfplumber", which give the same Source."""
    check_pdf(data)
    with collector_paused():
        try:
            pages = engine_pages(data, max_pages, max_stream, engine)
        except IngestError:
            raise
        except Exception as error:
            raise limit_error(error) or IngestError(f"corrupt or truncated PDF: {one_line(error)}") from None
        if not any(page.lines for page in pages):
            if any(page.sideways for page in pages):
                raise IngestError("only sideways (rotated) text: not supported")
            raise IngestError("no text layer: scanned PDF? OCR is not supported")
        warnings = [f"page {page.number}: sideways (rotated) text left out" if page.sideways
                    else f"page {page.number} has no text layer (image only?)"
                    for page in pages if not page.lines]
        drop_running_lines(pages)
        size = body_size(pages)
        for page in pages:
            split_footnotes(page, size)
        source = write_pages(Path(path), pages).source(warnings)
        if not source.text:
            raise IngestError("no body text: only running headers, footers and page numbers")
        return source
