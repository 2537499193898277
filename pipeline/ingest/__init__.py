"""Ingest: a file becomes a `Source` (text with layout), and a Source becomes a Doc.

`read_source` picks the reader by extension (`text`, `pdf`, `docx`); `make_doc` is the one
way from a Source to a Doc the pipeline can process, so the Doc always knows its Source.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from ..limits import Limits
from .source import Box, IngestError, Source

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Box", "IngestError", "Source", "SUPPORTED_SUFFIXES", "read_source", "make_doc"]

DEFAULT_LIMITS = Limits()

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_BYTES_PER_CHARACTER = 4  # UTF-8, UTF-16 and UTF-32 all take at most four bytes a character


def read_source(path: Path, limits: Limits = DEFAULT_LIMITS, pdf_engine: str = "pdfium") -> Source:
    """Read any supported file; raise IngestError with a one-line reason otherwise.

    Sizes are checked before anything is read or decoded: the file's, a Word file's unpacked
    parts, each PDF stream as it is inflated, and the text's against `--max-pages`. A PDF's
    characters are read by `pdf_engine`, "pdfium" or "pdfplumber" (the same Source, slower)."""
    path = Path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except NotADirectoryError:
        raise IngestError("no such file (a parent of it is a file)") from None
    except OSError as error:
        raise IngestError(f"cannot read it: {error.strerror or error}") from None
    if stat.S_ISDIR(status.st_mode):
        raise IngestError("is a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        raise IngestError("not a regular file (a pipe, socket or device)")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; expected one of "
                          + ", ".join(SUPPORTED_SUFFIXES))
    limit = limits.max_bytes
    characters = limits.max_characters
    if suffix in (".txt", ".md") and characters is not None:
        limit = min(limit, MAX_BYTES_PER_CHARACTER * (characters + 1))
    if status.st_size > limit:
        raise _too_large(status.st_size, limits, suffix)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # never more than the limit, should the file grow
    except OSError as error:
        raise IngestError(f"cannot read it: {error.strerror or error}") from None
    if len(data) > limit:
        raise _too_large(len(data), limits, suffix)
    if not data.strip():
        raise IngestError("empty file")
    if suffix == ".pdf":
        from .pdf import ENGINES, read_pdf

        engine = next((name for name in ENGINES if name == pdf_engine), None)
        if engine is None:
            raise ValueError(f"unknown PDF engine {pdf_engine!r}; expected one of {', '.join(ENGINES)}")
        source = read_pdf(path, data, max_pages=limits.max_pages, max_stream=limits.max_bytes, engine=engine)
    elif suffix == ".docx":
        from .docx import check_parts, read_docx

        check_parts(data, limits.max_bytes)
        source = read_docx(path, data)
    else:
        from .text import read_text

        source = read_text(path, data)
    if characters is not None and len(source.text) > characters:
        raise IngestError(f"too long: {len(source.text):,} characters, more than {characters:,} "
                          f"({limits.max_pages} pages of --max-pages); not a summary?")
    return source


def _too_large(size: int, limits: Limits, suffix: str) -> IngestError:
    if suffix in (".txt", ".md") and size <= limits.max_bytes:
        return IngestError(f"too long: {size:,} bytes hold more than {limits.max_characters:,} characters "
                           f"({limits.max_pages} pages of --max-pages); not a summary?")
    return IngestError(f"too large: {size:,} bytes, more than the {limits.max_size_mb:g} MB limit (--max-size)")


def make_doc(nlp: Language, source: Source) -> Doc:
    """The Doc of a Source, ready for `nlp(doc)`: tokenized, its Source attached."""
    from .._extensions import install_extensions

    install_extensions()
    nlp.max_length = max(nlp.max_length, len(source.text) + 1)
    doc = nlp.make_doc(source.text)
    doc._.source = source
    return doc
