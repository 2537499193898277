"""PDF tables: which of a page's words form a table, as rows of cells.

Ruled tables are found by pdfplumber's table finder (its 'lines' strategy), called only on
pages that draw enough rules to hold one. With the pdfium engine the finder is handed the
page's edges made from pdfium's path objects (`Ruling`), so pdfminer never parses the page
again. Tables without rules are found in the reader's
own lines: a run of lines whose words stand in columns apart from each other by wide gaps,
at the same places line after line. (pdfplumber's 'text' strategy, tried on the test PDFs,
took whole pages of prose for tables and cut words at column edges.) The words of a table
leave the flow of paragraphs; the reader writes the table as '|' rows where it stood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from pdfplumber.page import Page

    from .pdf import Line, Word

__all__ = ["TableBlock", "MIN_RULES", "Painted", "Ruling", "ruling", "ruled_tables", "aligned_tables"]

# a painted subpath as pdfminer classifies it ("line", "rect" or "curve") and its points in
# pdfplumber's page space (the points pdfminer keeps: a curve's end points, not its controls)
Painted = tuple[str, list[tuple[float, float]]]
PAINTED_ORDER = {"line": 0, "rect": 1, "curve": 2}  # pdfplumber's `edges`: those of lines, then rects, then curves

MIN_RULES = 4  # rules (lines or thin rectangles) a page draws before its tables are looked for
COLUMN_GAP = 2.0  # a gap wider than this many font sizes separates two cells of a row
COLUMN_TOLERANCE = 3.0  # points: cells of one column start this close to each other
MIN_ALIGNED_ROWS = 2  # lines in a run before its columns count as a table
MIN_COLUMN_SHARE = 0.5  # share of a run's lines a column must start a cell in
LIST_MARKER = re.compile(r"^(?:[\u2022\u25aa\u25cf\u25e6\u2013\-*\u00a7]|\d{1,3}[.)]?|[a-z][.)]|\(?[ivx]+\))$")


@dataclass(slots=True)
class TableBlock:
    """A table found on a page: rows of cells, each cell the words in it, in reading order."""

    rows: list[list[list[Word]]]
    top: float
    bottom: float
    columns: int = field(init=False)

    def __post_init__(self) -> None:
        self.columns = max((len(row) for row in self.rows), default=0)


OPEN_ROW_SLACK = 1.0  # points: column rules that end this close together end one row
RULE_END = 2.0  # points: a horizontal edge no wider than this is a column rule's own end, not a border


@dataclass
class Ruling:
    """What pdfplumber's table finder reads of a page with its default settings: the edges."""

    edges: list[dict[str, Any]]


def ruling(painted: list[Painted]) -> Ruling:
    """The page's edges as pdfplumber makes them from the objects pdfminer paints: each made
    into the object pdfplumber's page gives (top-down coordinates), then into its edges by
    pdfplumber's own functions."""
    from pdfplumber.utils import obj_to_edges

    edges = []
    for kind, points in sorted(painted, key=lambda item: PAINTED_ORDER[item[0]]):
        xs, ys = [x for x, _ in points], [y for _, y in points]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        edges += obj_to_edges({"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                               "doctop": top, "y0": -bottom, "y1": -top,  # bottom-up: carried along, never read
                               "width": x1 - x0,
                               "height": bottom - top, "pts": points})
    return Ruling(edges)


def ruled_tables(page: Page | Ruling, lines: list[Line]) -> list[TableBlock]:
    """The tables pdfplumber's finder sees in the page's rules, filled with the page's words."""
    from pdfplumber.table import TableFinder

    closed = Ruling(close_open_rows(list(page.edges)))
    found = []
    for table in TableFinder(cast("Page", closed)).tables:  # what `Page.find_tables` does: a Ruling has what it reads
        rows = []
        for row in table.rows:
            cells = [_words_in(lines, cell) if cell is not None else [] for cell in row.cells]
            if any(cells):
                rows.append(cells)
        if rows:
            found.append(TableBlock(rows, float(table.bbox[1]), float(table.bbox[3])))
    return found


def close_open_rows(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The edges with a rule drawn where a table's column rules end and no rule closes them: a
    row that a page break cuts (a browser prints its cell borders open at the cut) is still a
    row, its cells closed at the page's end and at the next page's start."""
    rules = [edge for edge in edges if edge["orientation"] == "v"]
    across = [edge for edge in edges if edge["orientation"] == "h" and edge["x1"] - edge["x0"] > RULE_END]
    if len(rules) < 2:
        return edges
    added = []
    for end in ({round(edge["bottom"], 1) for edge in rules} | {round(edge["top"], 1) for edge in rules}):
        ending = [edge for edge in rules if abs(edge["bottom"] - end) < OPEN_ROW_SLACK
                  or abs(edge["top"] - end) < OPEN_ROW_SLACK]
        if len(ending) < 2 or any(abs(edge["top"] - end) < OPEN_ROW_SLACK for edge in across):
            continue
        left, right = min(edge["x0"] for edge in ending), max(edge["x1"] for edge in ending)
        added.append({**ending[0], "orientation": "h", "x0": left, "x1": right, "top": end, "bottom": end,
                      "doctop": end, "width": right - left, "height": 0.0})
    return edges + added


def _words_in(lines: list[Line], box: tuple[Any, Any, Any, Any]) -> list[Word]:
    x0, top, x1, bottom = (float(value) for value in box)
    return [word for line in lines for word in line.words
            if x0 <= (word.x0 + word.x1) / 2 <= x1 and top <= (word.top + word.bottom) / 2 <= bottom]


def aligned_tables(lines: list[Line]) -> list[TableBlock]:
    """Runs of lines whose cells, set apart by wide gaps, start in the same columns."""
    found: list[TableBlock] = []
    run: list[list[list[Word]]] = []
    run_lines: list[Line] = []
    for line in [*lines, None]:
        segments = _segments(line) if line is not None else []
        if len(segments) >= 2 and not LIST_MARKER.match(" ".join(w.text for w in segments[0])):
            run.append(segments)
            run_lines.append(line)  # type: ignore[arg-type]
            continue
        if len(run) >= MIN_ALIGNED_ROWS:
            table = _aligned(run, run_lines)
            if table is not None:
                found.append(table)
        run, run_lines = [], []
    return found


def _segments(line: Line) -> list[list[Word]]:
    """A line's words split where a gap is wider than a column gap."""
    segments = [[line.words[0]]]
    for previous, word in zip(line.words, line.words[1:], strict=False):
        if word.x0 - previous.x1 > COLUMN_GAP * line.size:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


def _aligned(run: list[list[list[Word]]], lines: list[Line]) -> TableBlock | None:
    """The run as a table when most of its cells start at columns shared by its lines."""
    starts = sorted(segment[0].x0 for segments in run for segment in segments)
    columns: list[list[float]] = []
    for start in starts:
        if columns and start - columns[-1][-1] <= COLUMN_TOLERANCE:
            columns[-1].append(start)
        else:
            columns.append([start])
    kept = [min(column) for column in columns if len(column) >= MIN_COLUMN_SHARE * len(run)]
    if len(kept) < 2:
        return None
    rows = []
    for segments in run:
        cells: list[list[Word]] = [[] for _ in kept]
        for segment in segments:
            index = max((i for i, start in enumerate(kept) if start <= segment[0].x0 + COLUMN_TOLERANCE), default=0)
            cells[index].extend(segment)
        rows.append(cells)
    return TableBlock(rows, min(line.top for line in lines), max(line.bottom for line in lines))
