"""Overview tables: a summary's table read as responses, one per country and cell.

Every reader writes a table as rows of cells between '|' (Markdown as it is, Word and PDF
tables by their readers), so one stage reads them all. The column whose cells name
countries gives each row its country; every other column is an answer (`Yes`, `No`,
`No information`: a mark in it gives that answer), a question (`Q1`, `1.2`, or a question's
text: the cell gives the answer to it) or a practice (the header is the item; the cell
gives the answer). A table whose rows name no country is reported, not dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import astuple, dataclass
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from ._extensions import (
    RecordedResponse,
    group,
    group_ranges,
    install_extensions,
    msgpack_codec,
    question_id,
    set_group,
    span_values,
)
from .countries import COUNTRIES
from .normalize import plain_text
from .rules import PatternRule, RuleComponent
from .schema import bare_number
from .sections import QUESTIONS, RULE_LINE, TABLE_BLOCKS, aligned_cells, collapse, question_number

__all__ = ["TABLE_COUNTRIES", "TableRule", "UnreadTable", "OverviewTables", "Cell", "table_rows", "joined_rows"]

TABLE_COUNTRIES = "emn_table_countries"  # the country of each table row, labelled with its code
# What a header or a cell says (the rule's category): a header's kind, a cell's answer.
ANSWER_HEADERS = {"YES_HEADER": "yes", "NO_HEADER": "no", "NO_INFORMATION_HEADER": "no_information"}
CELL_ANSWERS = {"NO_INFORMATION_CELL": "no_information", "NO_CELL": "no", "YES_CELL": "yes"}  # in this order
MIN_COUNTRY_ROWS = 0.5  # share of a table's rows whose first cells must name a country for it to be read


@dataclass
class TableRule(PatternRule):
    """A regex for a table's separator row, a kind of header, or what a cell says.

    >>> TableRule(regex="(?i)^\\\\s*yes\\\\s*$", category="YES_HEADER").category
    'YES_HEADER'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset({
        "SEPARATOR_ROW", *ANSWER_HEADERS, "QUESTION_HEADER", "IGNORED_HEADER", "REPLY_TABLE_HEADER",
        "MARK_CELL", *CELL_ANSWERS})
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


@dataclass(frozen=True)
class UnreadTable:
    """A table, or a row of one, that gave no response; the checks report it."""

    start: int
    end: int
    reason: str


msgpack_codec("unread_table", UnreadTable, astuple, lambda data: UnreadTable(*data))


@dataclass
class Cell:
    start: int
    end: int
    text: str  # as a reader sees it: markup removed, whitespace collapsed


class OverviewTables(RuleComponent):
    """Sets `doc._.table_responses`, `doc._.unread_tables` and the `emn_table_countries` group."""

    FACTORY = "emn_tables"
    RULE_CLASS = TableRule

    def __init__(self, nlp: Language, name: str = "emn_tables", rules: str = "default") -> None:
        install_extensions()
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        self.patterns = {category: [rule.compiled() for rule in self.rules_of(category)]
                         for category in TableRule.CATEGORIES}

    def _says(self, category: str, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.patterns[category])

    def __call__(self, doc: Doc) -> Doc:
        responses: list[RecordedResponse] = []
        unread: list[UnreadTable] = []
        spans: list[Span] = []
        questions = {collapse(doc._.clean_text[s:e]).lower(): label for s, e, label in group_ranges(doc, QUESTIONS)[1]}
        table_columns = span_values(doc, "table_columns")
        for block in group(doc, TABLE_BLOCKS):
            columns = table_columns.get((block.start_char, block.end_char))
            rows = table_rows(doc, block.start_char, block.end_char, columns)
            if not rows or any(self._says("REPLY_TABLE_HEADER", cell.text) for cell in rows[0]):
                continue  # a compilation's table of replies is read by the replies stage
            found, problems = self.read_table(doc, rows, questions, question_id(doc, block.start_char))
            responses += found
            unread += [UnreadTable(block.start_char, block.end_char, problem) for problem in problems]
        for response in responses:
            span = doc.char_span(response.start, response.end, label=response.country, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc._.table_responses = tuple(responses)
        doc._.unread_tables = tuple(unread)
        set_group(doc, TABLE_COUNTRIES, sorted(set(spans), key=lambda s: s.start_char))
        return doc

    def read_table(self, doc: Doc, rows: list[list[Cell]], questions: dict[str, str],
                   section: str | None) -> tuple[list[RecordedResponse], list[str]]:
        """The responses of one table and the reasons any part of it gave none."""
        header, body = rows[0], [row for row in rows[1:] if not self._separator(row)]
        body = [row for row in joined_rows(body) if [c.text for c in row] != [c.text for c in header]]
        countries = _countries_in_cells(doc, body)
        column = _country_column(countries, len(body))
        if column is None:
            return [], [f"no column of the table names a country in most of its {len(body)} rows"]
        responses: list[RecordedResponse] = []
        problems: list[str] = []
        kinds = [self._column(cell.text, questions) for cell in header]
        for row_index, row in enumerate(body):
            named = countries[row_index].get(column, [])
            values = [(index, cell) for index, cell in enumerate(row) if index != column and cell.text]
            if not named:
                if values:
                    problems.append(f"row '{row[column].text if column < len(row) else ''}' names no country")
                continue
            evidence = " | ".join(cell.text for cell in row)
            for index, cell in values:
                kind, value = kinds[index] if index < len(kinds) else ("practice", "")
                stance = self._stance(kind, value, cell.text)
                question = value if kind == "question" else section
                if stance is None or question is None:
                    continue
                item = value if kind == "practice" else ""
                for code, start, end in named:
                    responses.append(RecordedResponse(code, stance, item, question, evidence, start, end, "table"))
        if body and not responses:
            problems.append("no cell of the table gives an answer to a question")
        return responses, problems

    def _separator(self, row: list[Cell]) -> bool:
        return self._says("SEPARATOR_ROW", "|".join(cell.text for cell in row))

    def _column(self, header: str, questions: dict[str, str]) -> tuple[str, str]:
        """(kind, value) of a column by its header: ('answer', stance), ('question', id),
        ('ignored', ''), or ('practice', the header as the item)."""
        for category, stance in ANSWER_HEADERS.items():
            if self._says(category, header):
                return "answer", stance
        for pattern in self.patterns["QUESTION_HEADER"]:
            match = pattern.search(header)
            if match is not None:
                number = question_number(match.group("number"))  # the document's own id for it: '1' or 'Q1'
                return "question", next((q for q in questions.values() if bare_number(q) == number), number)
        if header.lower() in questions:
            return "question", questions[header.lower()]
        if self._says("IGNORED_HEADER", header) or not header:
            return "ignored", ""
        return "practice", header

    def _stance(self, kind: str, value: str, text: str) -> str | None:
        """The answer a cell gives: under an answer column its mark gives that answer."""
        if kind == "ignored":
            return None
        if kind == "answer":
            return value if self._says("MARK_CELL", text) or self._says("YES_CELL", text) else None
        for category, stance in CELL_ANSWERS.items():
            if self._says(category, text):
                return stance
        return "yes"  # a mark or a description: the practice exists


def table_rows(doc: Doc, start: int, end: int, columns: tuple[int, ...] | None = None) -> list[list[Cell]]:
    """The rows of a table block as cells with their offsets and plain text: cells between
    '|', or, in a table aligned with spaces, under its columns."""
    text = doc._.clean_text
    rows = []
    position = start
    while position < end:
        line_end = text.find("\n", position, end)
        line_end = end if line_end < 0 else line_end
        line = text[position:line_end]
        first, last = line.find("|"), line.rfind("|")
        if columns is not None and line.strip() and not RULE_LINE.fullmatch(line):
            cells_of_line = aligned_cells(text, position, line_end, columns)
            rows.append([Cell(s, e, plain_text(doc, s, e)) for s, e in cells_of_line])
        elif 0 <= first < last:
            cells = []
            cell_start = position + first + 1
            for piece in line[first + 1:last].split("|"):
                cell_end = cell_start + len(piece)
                cells.append(Cell(cell_start, cell_end, plain_text(doc, cell_start, cell_end)))
                cell_start = cell_end + 1
            rows.append(cells)
        position = line_end + 1
    return rows


def joined_rows(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Rows with a row whose first cell is empty joined to the row above: a cell that wraps,
    or a row a page break split."""
    joined: list[list[Cell]] = []
    for row in rows:
        if joined and row and not row[0].text and any(cell.text for cell in row):
            previous = joined[-1]
            width = min(len(previous), len(row))
            joined[-1] = [Cell(a.start, b.end if b.text else a.end, collapse(f"{a.text} {b.text}"))
                          for a, b in zip(previous[:width], row[:width], strict=True)] + previous[width:]
        else:
            joined.append(row)
    return joined


def _countries_in_cells(doc: Doc, rows: list[list[Cell]]) -> list[dict[int, list[tuple[str, int, int]]]]:
    """For each row, the countries that fill a cell: (code, start, end) by column. A cell
    counts when its countries are all it says ('Czechia', 'BE, LU'), not a sentence."""
    starts, countries = group_ranges(doc, COUNTRIES)
    found = []
    for row in rows:
        by_column: dict[int, list[tuple[str, int, int]]] = {}
        for index, cell in enumerate(row):
            first = bisect_left(starts, cell.start)
            inside = [(code, s, e) for s, e, code in countries[first:bisect_left(starts, cell.end)] if e <= cell.end]
            rest = doc._.clean_text[cell.start:cell.end]
            for _, s, e in reversed(inside):
                rest = rest[:s - cell.start] + rest[e - cell.start:]
            unique: dict[str, tuple[str, int, int]] = {}
            for code, s, e in inside:
                unique.setdefault(code, (code, s, e))  # 'Czechia (CZ)' names one country
            inside = list(unique.values())
            if inside and not re.search(r"[^\W\d_]{3,}", re.sub(r"\b(?:and|the)\b", "", rest)):
                by_column[index] = inside
        found.append(by_column)
    return found


def _country_column(countries: list[dict[int, list[tuple[str, int, int]]]], rows: int) -> int | None:
    """The column most rows name their country in, if enough of them do."""
    counts: dict[int, int] = {}
    for by_column in countries:
        for index in by_column:
            counts[index] = counts.get(index, 0) + 1
    if not counts:
        return None
    column = min(counts, key=lambda index: (-counts[index], index))
    return column if counts[column] >= MIN_COUNTRY_ROWS * rows else None


@Language.factory("emn_tables", assigns=["doc._.table_responses", "doc._.unread_tables", "doc.spans"],
                  requires=["doc.spans"], default_config={"rules": "default"})
def make_tables(nlp: Language, name: str, rules: str) -> OverviewTables:
    return OverviewTables(nlp, name, rules)
