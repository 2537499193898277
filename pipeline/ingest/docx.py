"""Word reader: a DOCX body -> a `Source` written in the text route's conventions.

Why this shape: the pipeline reads one kind of text, so the Word structure is resolved here:
one paragraph per Word paragraph (blank line between), list paragraphs as "• " lines, bold
from runs and styles into `Source.bold`, footnote references as superscript digits glued to
their word and each footnote as a "¹ text" paragraph right after the paragraph that cites it.
python-docx has no footnote API, so the footnotes part is read from the package as XML; runs
are read from the XML too, to see inside hyperlinks, tracked insertions and content controls.
Word has no fixed pages: `pages` and `boxes` stay empty.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..limits import MB
from .source import TO_SUPERSCRIPT, IngestError, Source, merge_ranges
from .text import content_kind

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["check_parts", "read_docx"]

Element = Any  # an lxml element of the WordprocessingML tree (lxml ships no type stubs)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
BULLET = "•"
FALSE_VALUES = ("0", "false", "off", "none")
# Containers whose runs are shown in place: links, tracked insertions, content controls.
INLINE_CONTAINERS = frozenset(W + tag for tag in (
    "hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "customXml", "sdt", "sdtContent",
    "dir", "bdo"))
BLOCK_CONTAINERS = frozenset(W + tag for tag in ("sdt", "sdtContent", "customXml", "ins", "moveTo"))
MAX_PARTS = 10_000  # parts of a ZIP package; a Word summary has a few dozen
NOT_LISTS = re.compile(r"(?i)heading|title|caption|toc|continue")
HEADING_STYLE = re.compile(r"(?i)^(?:(?P<title>title)|heading\s*(?P<level>\d))$")  # Title is level 0
CELL_BAR = "\u00a6"  # a '|' written inside a cell, so that it cannot split the row
CELL_PARAGRAPH = "\u2029"  # between a cell's paragraphs: white space to readers, a boundary to the replies stage


class Styles:
    """Bold and list-ness of paragraph and character styles, following `basedOn`."""

    def __init__(self, styles_element: Element | None) -> None:
        self.bold: dict[str, bool | None] = {}
        self.name: dict[str, str] = {}
        self.numbered: dict[str, bool] = {}
        self.based_on: dict[str, str] = {}
        self.default_paragraph = ""
        self.default_bold = False
        if styles_element is None:
            return
        defaults = styles_element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        if defaults is not None:
            self.default_bold = toggle(defaults.find(f"{W}b")) or False
        for style in styles_element.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId", "")
            name = style.find(f"{W}name")
            self.name[style_id] = name.get(f"{W}val", style_id) if name is not None else style_id
            self.bold[style_id] = toggle(style.find(f"{W}rPr/{W}b"))
            self.numbered[style_id] = style.find(f"{W}pPr/{W}numPr") is not None
            based = style.find(f"{W}basedOn")
            if based is not None:
                self.based_on[style_id] = based.get(f"{W}val", "")
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self.default_paragraph = style_id

    def style_bold(self, style_id: str) -> bool | None:
        """Bold as the style (or the first style it is based on that says so) sets it."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if self.bold.get(style_id) is not None:
                return self.bold[style_id]
            style_id = self.based_on.get(style_id, "")
        return None

    def heading_level(self, style_id: str) -> int | None:
        """0 for the Title style, N for Heading N (or a style based on one), else None."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            match = HEADING_STYLE.match(self.name.get(style_id, style_id))
            if match:
                return 0 if match.group("title") else int(match.group("level"))
            style_id = self.based_on.get(style_id, "")
        return None

    def is_list(self, style_id: str) -> bool:
        """A list style: named like one, or numbered, and not a heading or title."""
        name = self.name.get(style_id, style_id)
        if NOT_LISTS.search(name):
            return False
        return "list" in name.lower() or self.numbered.get(style_id, False)


def toggle(element: Element | None) -> bool | None:
    """A WordprocessingML on/off property: None when absent, else its value."""
    if element is None:
        return None
    return element.get(f"{W}val", "true").lower() not in FALSE_VALUES


# --- opening --------------------------------------------------------------------------------

def check_parts(data: bytes, limit: int) -> None:
    """Refuse a Word file whose parts unpack to more than `limit` bytes, before any is unpacked.

    python-docx reads every part into memory, and a few megabytes of zipped XML can inflate to
    gigabytes. The sizes come from the ZIP's directory; zipfile never unpacks a part past the
    size the directory states, so what is checked here is what will be read."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        return  # not a ZIP at all: open_docx says what it is
    if len(parts) > MAX_PARTS:
        raise IngestError(f"{len(parts):,} parts in the Word file, more than {MAX_PARTS:,}; not a summary?")
    if any(part.compress_size > len(data) for part in parts):
        raise IngestError("corrupt DOCX: a part's stated size is larger than the file")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limit:
        raise IngestError(f"its parts unpack to {unpacked:,} bytes, more than the {limit / MB:g} MB limit "
                          f"(--max-size)")


def open_docx(data: bytes) -> DocxDocument:
    """python-docx Document from bytes; refuse what is not a readable Word file."""
    import docx

    if not data.startswith(b"PK\x03\x04"):
        raise IngestError(f"not a DOCX file (content looks like {content_kind(data)})")
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, EOFError) as error:
        raise IngestError(f"corrupt or truncated DOCX: {error}") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise IngestError(f"not a DOCX file (content looks like {content_kind(data)})")
    try:
        return docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise IngestError(f"corrupt or truncated DOCX: {error}") from None
    except ValueError as error:  # python-docx: a package that is not a Word document
        raise IngestError(f"not a DOCX file ({' '.join(str(error).split())[:160]})") from None
    except Exception as error:  # broken XML or missing parts
        text = " ".join(str(error).split())[:160] or type(error).__name__
        raise IngestError(f"corrupt or truncated DOCX: {text}") from None


def read_footnotes(document: DocxDocument) -> dict[str, list[Element]]:
    """Footnote id -> its w:p elements, from word/footnotes.xml (separators left out)."""
    from docx.oxml import parse_xml

    for rel in document.part.rels.values():
        if rel.reltype == FOOTNOTES_REL and not rel.is_external:
            root = parse_xml(rel.target_part.blob)
            return {note.get(f"{W}id"): note.findall(f".//{W}p")
                    for note in root.iter(f"{W}footnote")
                    if note.get(f"{W}type") in (None, "normal")}
    return {}


# --- paragraphs -----------------------------------------------------------------------------

def body_blocks(element: Element) -> Iterator[Element]:
    """The w:p and w:tbl elements of the body in reading order, inside content controls."""
    for child in element:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag in BLOCK_CONTAINERS:
            yield from body_blocks(child)


def table_rows(table: Element) -> Iterator[list[list[Element]]]:
    """The rows of a table as the paragraphs of each cell; a cell spanning columns is
    followed by empty ones, so the columns stay aligned."""
    for row in table.iter(f"{W}tr"):
        if row.getparent() is not table and row.getparent().getparent() is not table:
            continue  # a row of a table nested in a cell: read with its cell
        cells: list[list[Element]] = []
        for cell in row.iter(f"{W}tc"):
            if cell.getparent() is not row:
                continue
            cells.append(list(cell.iter(f"{W}p")))
            span = cell.find(f"{W}tcPr/{W}gridSpan")
            cells += [[] for _ in range(int(span.get(f"{W}val", "1")) - 1 if span is not None else 0)]
        yield cells


def inline_runs(element: Element) -> Iterator[Element]:
    """The w:r elements of a paragraph in order, inside links, insertions and controls;
    deleted text (w:del, w:moveFrom) is left out."""
    for child in element:
        if child.tag == f"{W}r":
            yield child
        elif child.tag in INLINE_CONTAINERS:
            yield from inline_runs(child)


class ParagraphText:
    """One paragraph's text with bold ranges and the footnotes it cites, built run by run."""

    def __init__(self) -> None:
        self.text = ""
        self.bold: list[tuple[int, int]] = []
        self.notes: list[tuple[str, str]] = []  # (footnote id, its number)

    def add(self, text: str, bold: bool) -> None:
        """Append text; tabs become spaces, repeated spaces collapse to one."""
        text = re.sub(r"[ \t\xa0]+", " ", text.replace("\t", " "))
        if not self.text or self.text[-1] in " \n":
            text = text.lstrip(" ")
        if not text:
            return
        start = len(self.text)
        self.text += text
        if bold:
            self.bold.append((start, len(self.text)))

    def glue(self, text: str) -> None:
        """Append text to the last word, dropping spaces before it (a footnote marker) or
        after it (a line break); bold ranges are clipped to the shortened text."""
        self.text = self.text.rstrip(" ")
        self.bold = [(s, min(e, len(self.text))) for s, e in self.bold if s < len(self.text)]
        self.text += text

    def finish(self) -> tuple[str, list[tuple[int, int]]]:
        """The text without surrounding blanks, bold ranges trimmed to non-blank text."""
        text = self.text.rstrip()
        ranges = []
        for start, end in self.bold:
            end = min(end, len(text))
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                ranges.append((start, end))
        return text, ranges


def paragraph_text(p: Element, styles: Styles, numbers: dict[str, str] | None) -> ParagraphText:
    """The paragraph's runs as text. With `numbers` (body text), footnote references become
    superscript numbers counted in order of first citation; in footnotes (None) the
    footnote's own reference mark is skipped."""
    out = ParagraphText()
    style = p.find(f"{W}pPr/{W}pStyle")
    style_id = style.get(f"{W}val", "") if style is not None else styles.default_paragraph
    paragraph_bold = styles.style_bold(style_id)
    for run in inline_runs(p):
        bold = run_bold(run, styles, paragraph_bold)
        for item in run:
            tag = item.tag
            if tag == f"{W}t":
                out.add(item.text or "", bold)
            elif tag in (f"{W}tab", f"{W}ptab"):
                out.add(" ", False)
            elif tag in (f"{W}br", f"{W}cr"):
                if out.text:
                    out.glue("\n")
            elif tag == f"{W}noBreakHyphen":
                out.add("-", bold)
            elif tag == f"{W}sym":
                out.add(chr(int(item.get(f"{W}char", "20"), 16)), bold)
            elif tag == f"{W}footnoteReference" and numbers is not None:
                note_id = item.get(f"{W}id", "")
                number = numbers.setdefault(note_id, str(len(numbers) + 1))
                out.glue(number.translate(TO_SUPERSCRIPT))
                out.notes.append((note_id, number))
    return out


def run_bold(run: Element, styles: Styles, paragraph_bold: bool | None) -> bool:
    """Bold as Word shows it: direct formatting, else the character style, else the
    paragraph style, else the document default."""
    properties = run.find(f"{W}rPr")
    if properties is not None:
        direct = toggle(properties.find(f"{W}b"))
        if direct is not None:
            return direct
        char_style = properties.find(f"{W}rStyle")
        if char_style is not None:
            bold = styles.style_bold(char_style.get(f"{W}val", ""))
            if bold is not None:
                return bold
    if paragraph_bold is not None:
        return paragraph_bold
    return styles.default_bold


def is_list_paragraph(p: Element, styles: Styles) -> bool:
    """A list item: its style is a list style, or it has its own numbering."""
    properties = p.find(f"{W}pPr")
    if properties is None:
        return styles.is_list(styles.default_paragraph)
    style = properties.find(f"{W}pStyle")
    style_id = style.get(f"{W}val", "") if style is not None else styles.default_paragraph
    if NOT_LISTS.search(styles.name.get(style_id, style_id)):
        return False
    number = properties.find(f"{W}numPr/{W}numId")
    if number is not None:
        return bool(number.get(f"{W}val", "0") != "0")
    return styles.is_list(style_id)


# --- reader ---------------------------------------------------------------------------------

class DocxWriter:
    """Paragraphs into one text with blank lines between (consecutive list items one per
    line, as bullets stand in the text conversion), bold ranges in text offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.bold: list[tuple[int, int]] = []
        self.in_list = False

    def paragraph(self, text: str, bold: list[tuple[int, int]], prefix: str = "",
                  item: bool = False) -> int | None:
        """Write a paragraph; returns where its text starts (None for an empty one)."""
        if not text.strip():
            return None
        if self.length:
            separator = "\n" if item and self.in_list else "\n\n"
            self.parts.append(separator)
            self.length += len(separator)
        self.in_list = item
        start = self.length + len(prefix)
        self.parts.append(prefix + text)
        self.length += len(prefix) + len(text)
        self.bold.extend((start + s, start + e) for s, e in bold)
        return start

    def text(self) -> str:
        return "".join(self.parts)


def write_footnote(writer: DocxWriter, paragraphs: list[Element], number: str, styles: Styles) -> None:
    """A footnote as one "¹ text" paragraph (its own paragraphs joined by a newline)."""
    text, bold = "", list[tuple[int, int]]()
    for p in paragraphs:
        part, part_bold = paragraph_text(p, styles, None).finish()
        part = part.lstrip()
        if not part:
            continue
        if text:
            text += "\n"
        bold.extend((len(text) + s, len(text) + e) for s, e in part_bold)
        text += part
    writer.paragraph(text, bold, number.translate(TO_SUPERSCRIPT) + " ")


def read_docx(path: Path, data: bytes) -> Source:
    """Read a Word file into a `Source`; raise IngestError with a one-line reason."""
    document = open_docx(data)
    try:
        styles = Styles(document.styles.element)
        footnotes = read_footnotes(document)
    except Exception as error:
        text = " ".join(str(error).split())[:160] or type(error).__name__
        raise IngestError(f"corrupt or truncated DOCX: {text}") from None
    writer = DocxWriter()
    numbers: dict[str, str] = {}
    written: set[str] = set()
    warnings: list[str] = []
    headings: list[tuple[int, int, int]] = []
    for block in body_blocks(document.element.body):
        if block.tag == f"{W}tbl":
            text, bold, notes = table_text(block, styles, numbers)
            writer.paragraph(text, bold)
        else:
            paragraph = paragraph_text(block, styles, numbers)
            text, bold = paragraph.finish()
            notes = paragraph.notes
            item = bool(text) and is_list_paragraph(block, styles)
            start = writer.paragraph(text, bold, BULLET + " " if item else "", item)
            level = styles.heading_level(paragraph_style(block, styles))
            if start is not None and level is not None:
                headings.append((start, start + len(text), level))
        for note_id, number in notes:
            if note_id in written:
                continue
            written.add(note_id)
            if note_id in footnotes:
                write_footnote(writer, footnotes[note_id], number, styles)
            else:
                warnings.append(f"footnote {number} is cited but missing from the file")
    text = writer.text()
    if not text.strip():
        raise IngestError("no text: the Word document is empty")
    return Source(path=Path(path), text=text, bold=merge_ranges(writer.bold, text), headings=headings,
                  warnings=warnings)


def table_text(table: Element, styles: Styles, numbers: dict[str, str]) -> tuple[str, list[tuple[int, int]],
                                                                               list[tuple[str, str]]]:
    """A table as the text route writes it: one '| a | b |' line per row, the header row
    followed by '|---|---|'; a cell's paragraphs joined by a paragraph separator, which
    readers take for a space. Returns the text, its bold ranges and the footnotes its cells
    cite."""
    lines: list[str] = []
    bold: list[tuple[int, int]] = []
    notes: list[tuple[str, str]] = []
    offset = 0
    for index, cells in enumerate(table_rows(table)):
        line = "|"
        for paragraphs in cells:
            line += " "
            for p in paragraphs:
                paragraph = paragraph_text(p, styles, numbers)
                text, ranges = paragraph.finish()
                text = " ".join(text.replace("|", CELL_BAR).split("\n"))
                if not text.strip():
                    continue
                if not line.endswith(" "):
                    line += CELL_PARAGRAPH
                bold += [(offset + len(line) + s, offset + len(line) + e) for s, e in ranges]
                line += text
                notes += paragraph.notes
            line += " |"
        lines.append(line)
        offset += len(line) + 1
        if index == 0:
            lines.append("|" + "---|" * len(cells))
            offset += len(lines[-1]) + 1
    return "\n".join(lines), bold, notes


def paragraph_style(p: Element, styles: Styles) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return str(style.get(f"{W}val", "")) if style is not None else styles.default_paragraph
