"""The Source: a document's text with the layout facts the text alone does not carry.

Every reader returns one. Text files carry their layout as markup (`**bold**`), which the
normaliser reads; the PDF and Word readers resolve layout themselves and write the same
conventions into the text: footnote markers as superscript digits, footnotes as their own
paragraphs, bullets as glyph lines. Offsets into `Source.text` are the offsets of every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Box", "IngestError", "Source", "SUPERSCRIPT_DIGITS", "TO_SUPERSCRIPT", "FROM_SUPERSCRIPT",
           "merge_ranges"]

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # how every reader writes a footnote marker
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")


class IngestError(Exception):
    """An input that cannot be read; the message names the reason, the caller names the file."""


@dataclass(slots=True)
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
    headings: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, level): 0 the title
    boxes: list[Box] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page number holding `offset`, or None for input without pages."""
        for start, end, page in self.pages:
            if start <= offset < end:
                return page
        return None


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

