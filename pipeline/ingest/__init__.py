"""Ingest: a file becomes a `Source` (text with layout), and a Source becomes a Doc.

`read_source` picks the reader by extension (`text`, `pdf`, `docx`); `make_doc` is the one
way from a Source to a Doc the pipeline can process, so the Doc always knows its Source.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .source import Box, IngestError, Source

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Box", "IngestError", "Source", "SUPPORTED_SUFFIXES", "read_source", "make_doc"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
CHARS_PER_PAGE = 5000  # --max-pages also bounds text input: a dense page holds about this much


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
        from .docx import read_docx

        source = read_docx(path, data)
    else:
        from .text import read_text

        source = read_text(path, data)
    limit = max_pages * CHARS_PER_PAGE if max_pages else None
    if limit and len(source.text) > limit:
        raise IngestError(f"too long: {len(source.text):,} characters, more than {limit:,} "
                          f"({max_pages} pages of --max-pages); not a summary?")
    return source


def make_doc(nlp: Language, source: Source) -> Doc:
    """The Doc of a Source, ready for `nlp(doc)`: tokenized, its Source attached."""
    from .._extensions import install_extensions

    install_extensions()
    nlp.max_length = max(nlp.max_length, len(source.text) + 1)
    doc = nlp.make_doc(source.text)
    doc._.source = source
    return doc
