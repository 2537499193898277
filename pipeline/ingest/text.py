"""Text reader: plain text and Markdown files, and what a file's bytes look like.

Text carries its layout as markup, which the normaliser reads, so reading it is decoding it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .source import IngestError, Source

__all__ = ["read_text", "decode_text", "content_kind"]

# the longer marks first: UTF-32-LE's starts with UTF-16-LE's
BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                    (codecs.BOM_UTF16_BE, "utf-16"))


def read_text(path: Path, data: bytes) -> Source:
    """A text or Markdown file as a `Source`; binary content is refused."""
    text, warnings = decode_text(data)
    return Source(path=Path(path), text=text, warnings=warnings)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file: by its byte-order mark (UTF-8, UTF-16, UTF-32), else as UTF-8, else
    as Windows-1252 with a warning; binary is refused.

    Line ends become `\\n`, so offsets count characters of that text. NUL characters, which
    no summary holds, are removed with a warning rather than passed into the tables."""
    encoding = next((name for bom, name in BYTE_ORDER_MARKS if data.startswith(bom)), None)
    if encoding is None and (data[:4] == b"%PDF" or data[:2] == b"PK" or b"\x00" in data[:4096]):
        raise IngestError("binary content in a text file (wrong extension?)")
    warnings = []
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as error:
        if encoding is not None:
            raise IngestError(f"not {encoding.removesuffix('-sig').upper()} text despite its byte-order mark "
                              f"(invalid byte at offset {error.start})") from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise IngestError(f"not UTF-8 text (invalid byte at offset {error.start})") from None
        warnings.append(f"not UTF-8 (invalid byte at offset {error.start}); read as Windows-1252")
    if "\x00" in text:
        warnings.append(f"{text.count(chr(0)):,} NUL characters removed")
        text = text.replace("\x00", "")
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
