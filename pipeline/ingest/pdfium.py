"""PDF characters from pdfium: what `pdf.layout_chars` yields from pdfminer, several times faster.

Why: pdfminer interprets the content streams in Python, which is most of the PDF route's time;
pdfium (through pypdfium2's ctypes bindings) does it in C++. The reader downstream is tuned on
pdfminer's geometry, so the characters are given that geometry, not pdfium's own:

- order: pdfium's text page sorts the text objects of a line by x and inserts spaces and line
  breaks of its own; characters are put back in content-stream order and the generated ones
  dropped (a hyphen pdfium marks at a line end is a "-" again, a ligature it splits is one
  character again);
- box: from the origin and the glyph's advance (/Widths) across, where pdfium's own box reaches
  to the ink of an italic glyph; vertically from pdfminer's descent (the standard fonts'
  metrics, else the font descriptor's) over one font size, where pdfium reads the font
  program when the descriptor says 0 (LibreOffice writes both ascent and descent as 0);
- size: the font size times the text matrix's scale, the height of that box;
- page space: pdfplumber's top-down coordinates, with its mediabox offset and rotation.

Drawn list markers, the page's rules and the edges pdfplumber's table finder reads are taken
from the path objects, classified as pdfminer classifies a painted path (a line, an
axis-parallel rectangle, or a curve).

Speed: per character, two calls into pdfium (its text object and its origin) made by `map` in
C, the text in one call, and the boxes computed for the whole page at once in numpy, with the
float operations of the character-by-character reading kept for the characters that need it;
everything else once per text object, per shape (matrix, size and font) or per glyph.

Safety: pdfium has no limit on what a stream inflates to, so before it parses the file every
Flate stream it would inflate (all but images) is inflated here first, within the limit. A
stream zlib cannot read as it stands (encrypted, or behind another filter) is not checked:
there the worker's --max-memory is the bound.
"""

from __future__ import annotations

import ctypes
import functools
import operator
import re
import zlib
from collections import deque
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
import pypdfium2  # noqa: F401 -- importing the package initialises the pdfium library
import pypdfium2.raw as pdfium

from .pdf import BULLET_SHAPE_FONT, RULE_WIDTH, Char, Chars, Line, is_bullet_shape
from .pdf_tables import Painted, TableBlock, ruled_tables, ruling
from .source import IngestError

__all__ = ["PdfiumDocument", "PdfiumPage", "font_descents"]

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
LETTER = (0.0, 0.0, 612.0, 792.0)  # the page pdfminer assumes when a page has no MediaBox
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
GENERATED = frozenset(" \r\n")  # what pdfium inserts between words and lines (and a PDF may hold too)
GENERATED_CODES = [ord(char) for char in GENERATED]
PRIVATE_USE = 0xE000  # from here on: private use and pdfium's marks, which are read one by one, as controls are
FONT_SHIFT = 32  # a font's number and a character code make one key: the number above this many bits
CODE_MASK = (1 << FONT_SHIFT) - 1
MARKED_HYPHEN = "\ufffe"  # pdfium's text for a hyphen it found at a line end
BULLET = "\u2022"
# the standard symbol fonts, whose codes pdfium reads as their own symbols and pdfminer as letters,
# which the reader takes for a list marker: pdfium's are given as the marker
SYMBOL_FONTS = frozenset({"Symbol", "ZapfDingbats"})
NAME_LENGTH = 256  # bytes read of a font name
PER_MILLE = 1000.0  # font metrics are given per thousand units of the font size
# pdfminer's descent (per mille of the font size) for the standard fonts and the names it maps
# to them, which it takes from its own metrics whatever the font descriptor says
STANDARD_DESCENTS = {
    **dict.fromkeys(["Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique", "CourierNew",
                     "CourierNew,Italic", "CourierNew,Bold", "CourierNew,BoldItalic"], -194.0),
    **dict.fromkeys(["Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique", "Helvetica-Oblique", "Arial",
                     "Arial,Italic", "Arial,Bold", "Arial,BoldItalic"], -207.0),
    **dict.fromkeys(["Times-Bold", "Times-BoldItalic", "Times-Italic", "Times-Roman", "TimesNewRoman",
                     "TimesNewRoman,Italic", "TimesNewRoman,Bold", "TimesNewRoman,BoldItalic"], -217.0),
    "Symbol": 0.0, "ZapfDingbats": 0.0,
}
OPEN_ERRORS = {
    pdfium.FPDF_ERR_FILE: "cannot read its structure",
    pdfium.FPDF_ERR_FORMAT: "not a readable PDF structure",
    pdfium.FPDF_ERR_PAGE: "a page cannot be read",
}

# --- fast calls -------------------------------------------------------------------------------
# pypdfium2's bindings declare argument types, which ctypes checks on every call; the calls made
# once per character, per text object or per page object go through prototypes without them (a
# third faster). Handles are passed as pointer objects (those pdfium returned, or a c_void_p
# made of an address it gave), never as bare integers.


def _fast(function: Any, restype: Any) -> Any:
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value or 0)


TEXT_OBJECT = _fast(pdfium.FPDFText_GetTextObject, ctypes.c_size_t)  # 0, not None, for no object
ORIGIN = _fast(pdfium.FPDFText_GetCharOrigin, ctypes.c_int)
IS_GENERATED = _fast(pdfium.FPDFText_IsGenerated, ctypes.c_int)
MATRIX = _fast(pdfium.FPDFText_GetMatrix, ctypes.c_int)  # and the calls made once per text object
FONT_SIZE = _fast(pdfium.FPDFText_GetFontSize, ctypes.c_double)
TEXT_FONT = _fast(pdfium.FPDFTextObj_GetFont, ctypes.c_size_t)  # the font's address, a key
PAGE_OBJECT = _fast(pdfium.FPDFPage_GetObject, pdfium.FPDF_PAGEOBJECT)  # and once per object on the page
OBJECT_TYPE = _fast(pdfium.FPDFPageObj_GetType, ctypes.c_int)


# --- streams ----------------------------------------------------------------------------------

STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
IMAGE = re.compile(rb"/Subtype\s*/Image\b")
OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
FIRST = re.compile(rb"/First\s+(\d+)")
FONT_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor\b")
FONT_NAME = re.compile(rb"/FontName\s*/([^\s/\[\]<>(){}%]+)")
DESCENT = re.compile(rb"/Descent\s*([-+]?(?:\d+\.?\d*|\.\d+))")


def font_descents(data: bytes, limit: int | None) -> dict[str, float]:
    """Inflate every Flate stream pdfium would (not images) within `limit` bytes, raising the
    reader's IngestError past it; return pdfminer's descent per font name (its subset prefix
    dropped), read from the font descriptors in the file and in its object streams.

    The stream's end is found by zlib itself, so a wrong /Length does not matter; a stream zlib
    cannot inflate (another filter, encryption, damage) is left to pdfium as it is."""
    descents: dict[str, float] = {}
    _read_descriptors(data, None, descents)
    view = memoryview(data)
    for match in STREAM.finditer(data):
        start = match.end()
        head = data[max(data.rfind(b"obj", 0, match.start()), 0):match.start()]
        if not FLATE.search(head) or IMAGE.search(head):
            continue
        end = data.find(b"endstream", start)
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(view[start:end if end >= 0 else len(data)],
                                           limit + 1 if limit is not None else 0)
        except zlib.error:
            continue
        if limit is not None and len(inflated) > limit:
            raise IngestError(f"a compressed stream inflates past the {limit / (1 << 20):g} MB limit (--max-size)")
        first = FIRST.search(head)
        if OBJECT_STREAM.search(head) and first:
            offsets = [int(value) for value in inflated[:int(first.group(1))].split()[1::2] if value.isdigit()]
            _read_descriptors(inflated[int(first.group(1)):], offsets, descents)
    return descents


def _read_descriptors(data: bytes, offsets: list[int] | None, descents: dict[str, float]) -> None:
    """The FontName and Descent of each font descriptor in `data`: a file's bytes, whose objects
    run from 'obj' to 'endobj', or an object stream's objects, which start at `offsets`."""
    for match in FONT_DESCRIPTOR.finditer(data):
        if offsets is None:
            start = max(data.rfind(b"obj", 0, match.start()), 0)
            end = data.find(b"endobj", match.end())
        else:
            start = max((offset for offset in offsets if offset <= match.start()), default=0)
            end = min((offset for offset in offsets if offset > match.start()), default=-1)
        body = data[start:end if end >= 0 else len(data)]
        name, descent = FONT_NAME.search(body), DESCENT.search(body)
        if name is not None:
            value = float(descent.group(1)) if descent is not None else 0.0
            key = SUBSET_PREFIX.sub("", name.group(1).decode("latin-1"))
            descents.setdefault(key, -abs(value))  # pdfminer: a positive descent is a wrong sign


# --- document and pages -----------------------------------------------------------------------

class PdfiumDocument:
    """An open PDF; pages are loaded one at a time. Raises the reader's IngestError when the
    file cannot be opened."""

    def __init__(self, data: bytes, max_stream: int | None = None) -> None:
        self.descents = font_descents(data, max_stream)
        self.data = data  # pdfium reads from this buffer for as long as the document is open
        self.handle = pdfium.FPDF_LoadMemDocument64(data, len(data), None)
        if not self.handle:
            code = pdfium.FPDF_GetLastError()
            if code == pdfium.FPDF_ERR_PASSWORD:
                raise IngestError("encrypted PDF: a password is needed to open it")
            if code == pdfium.FPDF_ERR_SECURITY:
                raise IngestError("encrypted PDF: unsupported security handler")
            raise IngestError(f"corrupt or truncated PDF: {OPEN_ERRORS.get(code, 'unreadable')}")
        self.fonts: dict[int, Font] = {}  # by pdfium's font handle
        self.shapes: dict[tuple[Any, ...], Shape] = {}  # by a text object's matrix, font size, font and page turn
        self.widths: dict[int, float] = {}  # advances by font number and character code (`TextReader._widths`)

    def __len__(self) -> int:
        return max(int(pdfium.FPDF_GetPageCount(self.handle)), 0)

    def close(self) -> None:
        if self.handle:
            pdfium.FPDF_CloseDocument(self.handle)
            self.handle = None

    def __enter__(self) -> PdfiumDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def page(self, index: int) -> PdfiumPage:
        handle = pdfium.FPDF_LoadPage(self.handle, index)
        if not handle:
            raise IngestError(f"corrupt or truncated PDF: page {index + 1} cannot be read")
        return PdfiumPage(self, index + 1, handle)

    def font(self, key: int) -> Font:
        """The font of handle `key`: its name and pdfminer's descent for it (the standard fonts'
        metrics, else the descriptor's, else pdfium's reading of the font program)."""
        if key not in self.fonts:
            handle = ctypes.cast(key, pdfium.FPDF_FONT)
            buffer = ctypes.create_string_buffer(NAME_LENGTH)
            length = pdfium.FPDFFont_GetBaseFontName(handle, buffer, NAME_LENGTH)
            name = buffer.raw[:max(min(length, NAME_LENGTH) - 1, 0)].decode("utf-8", "replace")
            if name in STANDARD_DESCENTS:
                descent = STANDARD_DESCENTS[name]
            elif SUBSET_PREFIX.sub("", name) in self.descents:
                descent = self.descents[SUBSET_PREFIX.sub("", name)]
            else:
                value = ctypes.c_float()
                pdfium.FPDFFont_GetDescent(handle, ctypes.c_float(PER_MILLE), value)
                descent = value.value
            self.fonts[key] = Font(handle, name or "unknown", descent / PER_MILLE, len(self.fonts) + 1)
        return self.fonts[key]


@dataclass
class Font:
    """A font as the reader needs it: its name, pdfminer's descent and its glyphs' advances,
    both as shares of the font size."""

    handle: Any
    name: str
    descent: float
    number: int  # in the order the document's fonts are met, from 1
    advances: dict[str, float] = field(default_factory=dict)

    @property
    def symbol(self) -> bool:
        return self.name in SYMBOL_FONTS

    def advance(self, char: str) -> float | None:
        """The advance width of `char`'s glyph (from the font's /Widths, as pdfminer takes it),
        or None when pdfium cannot tell it."""
        if char not in self.advances:
            width = ctypes.c_float()
            found = len(char) == 1 and pdfium.FPDFFont_GetGlyphWidth(self.handle, ord(char), ctypes.c_float(PER_MILLE),
                                                                    width)
            self.advances[char] = width.value / PER_MILLE if found else -1.0
        advance = self.advances[char]
        return advance if advance >= 0 else None


@dataclass
class PdfiumPage:
    """A loaded page: its size as pdfplumber gives it, and its characters."""

    document: PdfiumDocument
    number: int
    handle: Any
    width: float = field(init=False)
    height: float = field(init=False)
    ctm: Matrix = field(init=False)  # user space to pdfminer's page space (its rotation and mediabox offset)
    space: Matrix = field(init=False)  # user space to pdfplumber's top-down page space
    offset: tuple[float, float] = field(init=False)  # pdfminer's page space to pdfplumber's: x + this, this - y
    sequence: dict[int, int] = field(init=False, default_factory=dict)  # text object -> place in the stream
    painted: list[Painted] = field(init=False, default_factory=list)  # the painted subpaths, for the tables

    def __post_init__(self) -> None:
        box = [ctypes.c_float() for _ in range(4)]
        x0, y0, x1, y1 = ((box[0].value, box[1].value, box[2].value, box[3].value)
                          if pdfium.FPDFPage_GetMediaBox(self.handle, *box) else LETTER)
        rotation = pdfium.FPDFPage_GetRotation(self.handle) * 90
        self.ctm = {90: (0.0, -1.0, 1.0, 0.0, -y0, x1), 180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
                    270: (0.0, 1.0, -1.0, 0.0, y1, -x0)}.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        left, right = sorted((x0, x1))
        bottom, top = sorted((y0, y1))
        if rotation in (90, 270):
            left, bottom, right, top = bottom, left, top, right
        self.width, self.height = right - left, top - bottom
        # pdfplumber's coordinates: x + its mediabox x0, top = height - y + its mediabox top (-bottom)
        self.offset = (left, self.height - bottom)
        self.space = _multiply(self.ctm, (1.0, 0.0, 0.0, -1.0, *self.offset))

    def close(self) -> None:
        pdfium.FPDF_ClosePage(self.handle)

    def tables(self, lines: list[Line]) -> list[TableBlock]:
        """The ruled tables, from the edges of the subpaths `chars` found."""
        return ruled_tables(ruling(self.painted), lines)

    def chars(self, rules: list[int]) -> Chars:
        """(text, upright, x0, x1, top, bottom, fontname, size) of each character in stream
        order, a "•" for each drawn list marker; the rules drawn are counted into `rules`."""
        shapes: list[tuple[int, Char]] = []
        self._walk(self.handle, pdfium.FPDFPage_CountObjects, PAGE_OBJECT, IDENTITY, rules, shapes)
        textpage = pdfium.FPDFText_LoadPage(self.handle)
        if not textpage:
            raise IngestError(f"corrupt or truncated PDF: page {self.number}: its text cannot be read")
        try:
            places, chars = TextReader(self, textpage).read()
        finally:
            pdfium.FPDFText_ClosePage(textpage)
        if shapes:  # the drawn markers where they stand in the stream
            places = np.concatenate((places, [place for place, _ in shapes]))
            chars = Chars.joined([chars, Chars.of(shape for _, shape in shapes)])
        if np.any(places[1:] < places[:-1]):
            chars = chars[np.argsort(places, kind="stable")]
        return chars

    # -- path objects

    def _walk(self, holder: Any, count: Any, get: Any, matrix: Matrix, rules: list[int],
              shapes: list[tuple[int, Char]]) -> None:
        """Number the objects in stream order (into forms too), count the rules drawn and
        collect the drawn list markers, each with its place in the stream."""
        for index in range(count(holder)):
            obj = get(holder, index)
            kind = OBJECT_TYPE(obj)
            place = len(self.sequence) + len(shapes)
            if kind == pdfium.FPDF_PAGEOBJ_TEXT:
                self.sequence[ctypes.c_void_p.from_buffer(obj).value or 0] = place  # (a cast would make a cycle)
            elif kind == pdfium.FPDF_PAGEOBJ_PATH:
                shapes.extend((place, shape) for shape in self._path(obj, matrix, rules))
            elif kind == pdfium.FPDF_PAGEOBJ_FORM:
                self._walk(obj, pdfium.FPDFFormObj_CountObjects, pdfium.FPDFFormObj_GetObject,
                           _multiply(_object_matrix(obj), matrix), rules, shapes)

    def _path(self, obj: Any, container: Matrix, rules: list[int]) -> list[Char]:
        """The path's subpaths as pdfminer paints them: a thin line or rectangle is a rule,
        a small filled shape a list marker."""
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium.FPDFPath_GetDrawMode(obj, fill, stroke)
        matrix = _multiply(_multiply(_object_matrix(obj), container), self.space)
        x, y = ctypes.c_float(), ctypes.c_float()
        shapes: list[Char] = []
        shape: list[str] = []
        points: list[tuple[float, float]] = []
        curve = 0
        for index in range(pdfium.FPDFPath_CountSegments(obj)):
            segment = pdfium.FPDFPath_GetPathSegment(obj, index)
            kind = pdfium.FPDFPathSegment_GetType(segment)
            if kind == pdfium.FPDF_SEGMENT_BEZIERTO:
                curve += 1
                if curve % 3:  # pdfminer keeps a curve's end point, not its control points
                    continue
            pdfium.FPDFPathSegment_GetPoint(segment, x, y)
            if kind == pdfium.FPDF_SEGMENT_MOVETO:
                _subpath(shape, points, bool(fill.value), rules, shapes, self.painted)
                shape, points = [], []
            shape.append("m" if kind == pdfium.FPDF_SEGMENT_MOVETO else "c" if kind == pdfium.FPDF_SEGMENT_BEZIERTO
                         else "l")
            points.append(_apply(matrix, x.value, y.value))
            if pdfium.FPDFPathSegment_GetClose(segment):
                shape.append("h")
                points.append(points[0])
        _subpath(shape, points, bool(fill.value), rules, shapes, self.painted)
        return shapes


class TextReader:
    """A page's characters read from its text page, in stream order, run by run: a run is the
    characters one after the other in pdfium's text of one text object, those pdfium generated
    left out.

    Most runs are plain (upright and unrotated, no character pdfium split, no control or
    private-use character, every advance known): their boxes are computed for the whole page at
    once in numpy, in the same float operations. The others are read character by character
    (`_each`), from the state the runs before them leave."""

    def __init__(self, page: PdfiumPage, textpage: Any) -> None:
        self.page = page
        self.textpage = textpage
        count = max(pdfium.FPDFText_CountChars(textpage), 0)
        buffer = (ctypes.c_ushort * (count + 1))()
        text = ""
        if count and pdfium.FPDFText_GetText(textpage, 0, count, buffer) == count + 1:
            text = bytes(buffer)[:2 * count].decode("utf-16-le", "replace")
        if len(text) != count:  # some characters have no place in pdfium's text, or take two units: ask for each
            text = "".join(chr(pdfium.FPDFText_GetUnicode(textpage, index)) for index in range(count))
        self.text = text
        self.objects = np.fromiter(map(TEXT_OBJECT, repeat(textpage, count), range(count)), np.uint64, count)
        origins = (ctypes.c_double * count)()
        ignored = ctypes.c_double()  # the origins' y, which only a run's first character needs (`_run`)
        deque(map(ORIGIN, repeat(textpage, count), range(count),
                  map(ctypes.byref, repeat(origins, count), range(0, 8 * count, 8)),
                  repeat(ctypes.byref(ignored), count)), maxlen=0)
        self.xs = np.frombuffer(origins, np.float64, count) if count else np.zeros(0)
        self.matrix = pdfium.FS_MATRIX()  # what `_run` asks pdfium for, in these
        self.matrix_reference = ctypes.byref(self.matrix)
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.x_reference, self.y_reference = ctypes.byref(self.x), ctypes.byref(self.y)
        self.places: list[int] = []
        self.chars: list[Char] = []
        self.runs: dict[int, Run] = {}  # by text object
        self.run: Run | None = None
        self.current = -1  # the text object whose run is in `run`
        self.last_x: float | None = None  # the origin of the last character read, unless a space
        self.place = -1  # `run`'s place in the stream

    def read(self) -> tuple[np.ndarray, Chars]:
        """The page's characters, those of a text object in order, and the place in the stream
        of each: sorted by it, they are in stream order."""
        codes = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), np.uint32)
        kept = self._kept(codes)
        if not len(kept):
            return np.zeros(0, int), Chars.of([])
        objects, xs, codes = self.objects[kept], self.xs[kept], codes[kept]
        starts = np.flatnonzero(np.concatenate(([True], objects[1:] != objects[:-1])))
        lengths = np.diff(starts, append=len(kept))
        odd = (codes < ord(" ")) | (codes >= PRIVATE_USE) | (objects == 0)
        odd[1:] |= (xs[1:] == xs[:-1]) & (objects[1:] == objects[:-1])  # a piece of a ligature pdfium split
        plain = self._plain(objects[starts].tolist(), kept[starts].tolist(),
                            np.logical_or.reduceat(odd, starts).tolist())
        places, chars = self._columns(plain, starts, lengths, xs, codes)
        parts: list[tuple[np.ndarray, Chars]] = []
        done = 0
        for index, run in enumerate(plain):  # the runs read character by character, from the state before them
            if run is not None:
                continue
            first = int(starts[index])
            parts.append((places[done:first], chars[done:first]))
            before = plain[index - 1] if index else None
            if before is not None:  # the state a plain run leaves
                self.run, self.current, self.place = before, int(objects[first - 1]), before.place
                self.last_x = float(xs[first - 1]) if codes[first - 1] != ord(" ") else None
            done = first + int(lengths[index])
            self.places, self.chars = [], []
            self._each(kept[first:done].tolist())
            parts.append((np.array(self.places, int), Chars.of(self.chars)))
        if not parts:
            return places, chars
        parts.append((places[done:], chars[done:]))
        return np.concatenate([part for part, _ in parts]), Chars.joined([part for _, part in parts])

    def _columns(self, plain: list[Run | None], starts: np.ndarray, lengths: np.ndarray, xs: np.ndarray,
                 codes: np.ndarray) -> tuple[np.ndarray, Chars]:
        """Every character's place and its box as a plain run's (what stands for those of the
        other runs is not used)."""
        widths = self._widths(plain, lengths, codes)
        a, _, _, d, e, f = self.page.space

        def each(values: list[Any], kind: type) -> np.ndarray:
            """A value per run, as one per character."""
            return np.repeat(np.array(values, kind), lengths)

        lefts = a * xs + e  # upright, unrotated: the box from the origin, the advance and the baseline
        texts = list(codes.tobytes().decode("utf-32-le", "surrogatepass"))
        for run, first, length in zip(plain, starts.tolist(), lengths.tolist(), strict=True):
            if run is not None and run.shape.font.symbol:
                texts[first:first + length] = BULLET * length
        chars = Chars(texts, np.ones(len(texts), bool), lefts,
                      lefts + each([run.shape.scale if run else 0.0 for run in plain], float) * widths,
                      each([d * run.top + f if run else 0.0 for run in plain], float),
                      each([d * run.bottom + f if run else 0.0 for run in plain], float),
                      each([run.shape.font.name if run else "" for run in plain], object),
                      each([run.shape.size if run else 0.0 for run in plain], float))
        return each([run.place if run else 0 for run in plain], int), chars

    def _kept(self, codes: np.ndarray) -> np.ndarray:
        """The indices of the characters pdfium did not generate (spaces and line breaks it
        puts between words and lines)."""
        candidates = np.flatnonzero(functools.reduce(operator.or_, (codes == code for code in GENERATED_CODES)))
        generated = np.fromiter(map(IS_GENERATED, repeat(self.textpage), candidates.tolist()), bool, len(candidates))
        keep = np.ones(len(codes), bool)
        keep[candidates[generated]] = False
        return np.flatnonzero(keep)

    def _plain(self, objects: list[int], indices: list[int], odd: list[bool]) -> list[Run | None]:
        """Each run's Run when it is plain, else None (runs given by their text object, their
        first character and whether one of theirs is odd). A Run is made where the character by
        character reading would make it: at the first run of its text object, unless that
        one is read character by character (then so are the others of that object)."""
        plain: list[Run | None] = []
        careful: set[int] = set()  # text objects read character by character
        sequence = self.page.sequence
        for obj, index, rough in zip(objects, indices, odd, strict=True):
            run = None
            if not rough and obj not in careful and obj in sequence:
                run = self.runs.get(obj)
                if run is None:
                    run = self.runs[obj] = self._run(index, obj, sequence[obj])
                if not run.shape.simple:
                    run = None
            if run is None:
                careful.add(obj)
            plain.append(run)
        return plain

    def _widths(self, plain: list[Run | None], lengths: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Each character's advance as a share of the font size (0 in the runs read character
        by character); a plain run with a glyph whose advance pdfium cannot tell is made one of
        those. Looked up once per font and character on the page, asked once per document."""
        numbers = np.array([run.shape.font.number if run is not None else 0 for run in plain], np.uint64)
        keys, inverse = np.unique((np.repeat(numbers, lengths) << np.uint64(FONT_SHIFT)) | codes, return_inverse=True)
        known = self.page.document.widths
        fonts = {run.shape.font.number: run.shape.font for run in plain if run is not None}
        widths = []
        for key, width in zip(keys.tolist(), map(known.get, keys.tolist()), strict=True):
            if width is None:
                number = key >> FONT_SHIFT
                advance = fonts[number].advance(chr(key & CODE_MASK)) if number else 0.0
                width = known[key] = -1.0 if advance is None else advance
            widths.append(width)
        found = np.array(widths)[inverse]
        for index in np.flatnonzero(np.logical_or.reduceat(found < 0, np.cumsum(lengths) - lengths)).tolist():
            plain[index] = None
        return found

    def _each(self, indices: list[int]) -> None:
        """Read these characters one by one: a mark pdfium made dropped or made a hyphen again,
        a split ligature joined, a turned one's box through its matrix."""
        textpage, chars, places = self.textpage, self.chars, self.places
        a, _, _, d, e, f = self.page.space
        run, current, last_x, place = self.run, self.current, self.last_x, self.place
        for index, obj, x in zip(indices, self.objects[indices].tolist(), self.xs[indices].tolist(), strict=True):
            char = self.text[index]
            if char < " " or char >= "\ue000":
                if char == MARKED_HYPHEN:
                    if not pdfium.FPDFText_IsHyphen(textpage, index):
                        continue
                    char = "-"
                elif (char < " " or char <= "\uf8ff") and pdfium.FPDFText_HasUnicodeMapError(textpage, index):
                    char = f"(cid:{ord(char)})"  # as pdfminer names a glyph it has no text for
            if x == last_x and obj == current:  # a piece of a ligature pdfium split
                chars[-1] = self._joined(index, chars[-1], char)
                continue
            last_x = x if char not in GENERATED else None
            if obj != current or run is None:
                current, run = obj, self.runs.get(obj)
                if run is None:
                    run = self.runs[obj] = self._run(index, obj, self.page.sequence.get(obj, place))
                place = run.place
            advance = run.shape.font.advance(char) if run.shape.simple else None
            if advance is None:
                chars.append(self._turned(index, char, run))
            else:
                left = a * x + e
                chars.append((BULLET if run.shape.font.symbol else char, True, left, left + run.shape.scale * advance,
                              d * run.top + f, d * run.bottom + f, run.shape.font.name, run.shape.size))
            places.append(place)
        self.run, self.current, self.last_x, self.place = run, current, last_x, place

    def _run(self, index: int, obj: int, place: int) -> Run:
        """What the characters of text object `obj`, whose first is character `index`, share."""
        textpage, ctm, document = self.textpage, self.page.ctm, self.page.document
        MATRIX(textpage, index, self.matrix_reference)
        matrix = self.matrix
        font_size = FONT_SIZE(textpage, index)
        key = (matrix.a, matrix.b, matrix.c, matrix.d, font_size, TEXT_FONT(ctypes.c_void_p(obj)), ctm)
        shape = document.shapes.get(key)
        if shape is None:
            linear = (matrix.a, matrix.b, matrix.c, matrix.d, 0.0, 0.0)
            a, b, c, d, _, _ = _multiply(linear, ctm)
            font = document.font(key[5])
            shape = document.shapes[key] = Shape(
                font, abs(font_size * d), a * d > 0 and b * c <= 0,
                a > 0 and d > 0 and b == 0 and c == 0 and ctm[:4] == IDENTITY[:4], linear, font_size,
                a * font_size, d * font.descent * font_size, d * font_size)
        ORIGIN(textpage, index, self.x_reference, self.y_reference)
        bottom = self.y.value + shape.low
        return Run(place, shape, bottom + shape.height, bottom)

    def _joined(self, index: int, char: Char, piece: str) -> Char:
        """`char` with the next piece of its ligature: its text, and the ligature's width,
        which pdfium's box for the piece gives."""
        box = pdfium.FS_RECTF()
        pdfium.FPDFText_GetLooseCharBox(self.textpage, index, box)
        right = self.page.space[0] * box.right + self.page.space[4]
        return (char[0] + piece, char[1], char[2], max(char[3], right), *char[4:])

    def _turned(self, index: int, char: str, run: Run) -> Char:
        """A character on a turned or slanted baseline (or of a glyph whose advance pdfium
        cannot tell by its text): its box as pdfminer computes it, the corners of its advance
        by one font size through its matrix."""
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium.FPDFText_GetCharOrigin(self.textpage, index, x, y)
        shape = run.shape
        advance = shape.font.advance(char)
        a = shape.matrix[0]
        if advance is not None:
            width = advance * shape.font_size
        else:  # pdfium's box of the glyph: its advance, or its ink where that reaches further
            box = pdfium.FS_RECTF()
            pdfium.FPDFText_GetLooseCharBox(self.textpage, index, box)
            width = (box.right - box.left) / a if a else 0.0
        low = shape.font.descent * shape.font_size
        origin = (*shape.matrix[:4], x.value, y.value)
        ctm = self.page.ctm
        corners = [_apply(ctm, *_apply(origin, u, v)) for u in (0.0, width) for v in (low, low + shape.font_size)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        left, top = self.page.offset
        return (BULLET if shape.font.symbol else char, shape.upright, left + min(xs), left + max(xs), top - max(ys),
                top - min(ys), shape.font.name, max(ys) - min(ys))


@dataclass(slots=True)
class Shape:
    """What the text objects of one matrix, font size and font on pages turned alike share: the
    font, pdfminer's size (the font size times the matrix's vertical scale), upright-ness,
    whether the box can be made from the origin and the advance (upright, unrotated), the
    matrix, the font size and its horizontal scale, and the distances from the baseline to the
    box's bottom and from its bottom to its top."""

    font: Font
    size: float
    upright: bool
    simple: bool
    matrix: Matrix
    font_size: float
    scale: float
    low: float
    height: float


@dataclass(slots=True)
class Run:
    """What the characters of one text object share: the object's place in the stream, its
    shape, and the top and bottom of the box in user space."""

    place: int
    shape: Shape
    top: float
    bottom: float


def _subpath(shape: list[str], points: list[tuple[float, float]], fill: bool, rules: list[int],
             shapes: list[Char], painted: list[Painted]) -> None:
    """One subpath, classified as pdfminer's `paint_path` does (points in page space) into
    `painted`: a thin line or rectangle counts as a rule, a small filled shape is a list marker."""
    if len(shape) < 2 or shape[0] != "m":
        return
    text = "".join(shape)
    if len(text) > 3 and text.endswith("lh") and points[-2] == points[0]:  # a redundant line back to the start
        text, points = text[:-2] + "h", points[:-2] + points[-1:]
    kind = "curve"
    if text in ("ml", "mlh"):
        points, kind = points[:2], "line"
    elif text in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        if points[0] == points[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                       or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            kind = "rect"
    painted.append((kind, points))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if kind != "curve" and min(width, height) <= RULE_WIDTH:
        rules[0] += 1
    elif fill and is_bullet_shape(width, height):
        shapes.append((BULLET, True, min(xs), max(xs), min(ys), max(ys), BULLET_SHAPE_FONT, height))


def _object_matrix(obj: Any) -> Matrix:
    matrix = pdfium.FS_MATRIX()
    if not pdfium.FPDFPageObj_GetMatrix(obj, matrix):
        return IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _multiply(first: Matrix, then: Matrix) -> Matrix:
    """`first`, then `then`, in PDF's row-vector convention (pdfminer's `mult_matrix`)."""
    a1, b1, c1, d1, e1, f1 = first
    a0, b0, c0, d0, e0, f0 = then
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f
