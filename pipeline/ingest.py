"""Ingest: turn an input file into text with layout, the first step of the one-way flow.

Every reader returns a `Source`: the document's text plus the layout facts that the text
alone does not carry (bold runs, page of each character range, bounding boxes). Text
files carry their layout as markup (`**bold**`), which the normaliser reads; PDF and Word
readers resolve layout themselves and write the same conventions into the text: footnote
markers as superscript digits, footnotes as their own paragraphs, bullets as glyph lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Box", "IngestError", "Source", "SUPPORTED_SUFFIXES", "content_kind", "merge_ranges", "read_source"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
CHARS_PER_PAGE = 5000  # --max-pages also bounds text input: a dense page holds about this much


class IngestError(Exception):
    """An input that cannot be read; the message names the reason, the caller names the file."""


@dataclass(frozen=True)
class Box:
    """Where a character range of the text stands on a page (PDF points, top-left origin)."""

    start: int
    end: int
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Source:
    """A document's text with its layout: what every reader hands to the spaCy pipeline."""

    path: Path
    text: str
    bold: list[tuple[int, int]] = field(default_factory=list)
    pages: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, page)
    boxes: list[Box] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page number holding `offset`, or None for input without pages."""
        for start, end, page in self.pages:
            if start <= offset < end:
                return page
        return None


def read_source(path: Path, max_pages: int | None = None) -> Source:
    """Read any supported file; raise IngestError with a one-line reason otherwise."""
    path = Path(path)
    if not path.exists():
        raise IngestError("no such file")
    if path.is_dir():
        raise IngestError("is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; expected one of "
                          + ", ".join(SUPPORTED_SUFFIXES))
    data = path.read_bytes()
    if not data.strip():
        raise IngestError("empty file")
    if suffix == ".pdf":
        from .pdf import read_pdf

        source = read_pdf(path, data, max_pages=max_pages)
    elif suffix == ".docx":
        from .word import read_docx

        source = read_docx(path, data)
    else:
        text, warnings = decode_text(data)
        source = Source(path=path, text=text, warnings=warnings)
    limit = max_pages * CHARS_PER_PAGE if max_pages else None
    if limit and len(source.text) > limit:
        raise IngestError(f"too long: {len(source.text):,} characters, more than {limit:,} "
                          f"({max_pages} pages of --max-pages); not a summary?")
    return source


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file as UTF-8, else as Windows-1252 with a warning; binary is refused.

    Line ends become `\\n`, so offsets count characters of that text."""
    if data[:4] == b"%PDF" or data[:2] == b"PK" or b"\x00" in data[:4096]:
        raise IngestError("binary content in a text file (wrong extension?)")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise IngestError(f"not UTF-8 text (invalid byte at offset {error.start})") from None
        warnings.append(f"not UTF-8 (invalid byte at offset {error.start}); read as Windows-1252")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def content_kind(data: bytes) -> str:
    """What a file's bytes look like, for messages about files whose extension lies."""
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "a PDF"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data:
            return "a Word document (DOCX)"
        if b"xl/" in data:
            return "an Excel workbook"
        return "a ZIP archive"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Office file (DOC/XLS)"
    if head.startswith(b"{\\rtf"):
        return "an RTF document"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "an image"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    controls = sum(byte < 9 or 13 < byte < 32 for byte in head)
    return "binary data" if b"\x00" in head or controls > len(head) // 10 else "text"


def merge_ranges(ranges: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join bold ranges separated only by spaces or a line break (one bold run in markup)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged:
            gap = text[merged[-1][1]:start]
            if start <= merged[-1][1] or (gap.isspace() and "\n\n" not in gap):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                continue
        merged.append((start, end))
    return merged
