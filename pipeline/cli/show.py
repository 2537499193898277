"""Show: the output tables read back in the terminal, because users trust what they can check.

Without a filter, `emn show` prints each document's country x question matrix: respondents as
rows in the document's order (then any other country the text names), one symbol per
statement, and the respondents each question leaves unaccounted for. With a filter it prints
the matching response rows with their evidence, the country highlighted. Colour on a
terminal, plain text in a pipe (rich decides; `NO_COLOR` and `FORCE_COLOR` are honoured),
where the country stands between brackets instead: `(BE, [CZ], DE)`.

The table reading and the matrix are plain data here, so `report` draws the same picture.
rich is imported inside the printing functions, so `emn --help` stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..printable import printable
from ..schema import STANCES

if TYPE_CHECKING:
    from ..countries import CountryTable

__all__ = [
    "SYMBOLS",
    "COLOURS",
    "ShowError",
    "Matrix",
    "load_tables",
    "select_documents",
    "build_matrix",
    "filter_rows",
    "country_ranges",
    "response_rows",
    "show",
]

SYMBOLS = {"yes": "✔", "no": "✘", "no_information": "?", "mention": "•"}
COLOURS = {"yes": "green", "no": "red", "no_information": "yellow", "mention": "blue"}
NO_STATEMENT = "·"
HIGHLIGHT = "bold reverse"


class ShowError(Exception):
    """A folder or a document that cannot be shown; the message is one line for the user."""


@dataclass
class Matrix:
    """One document's statements by country and question, in the document's order."""

    document: dict
    questions: list[dict]
    respondents: list[str]
    others: list[str]  # countries with statements that are not among the respondents
    cells: dict[tuple[str, str], list[dict]] = field(default_factory=dict)  # (country, question_id) -> rows
    unaccounted: dict[str, list[str]] = field(default_factory=dict)  # question_id -> respondents

    @property
    def doc_id(self) -> str:
        return self.document["doc_id"]

    @property
    def countries(self) -> list[str]:
        return self.respondents + self.others

    def stances(self, country: str, question_id: str) -> list[str]:
        return [row["stance"] for row in self.cells.get((country, question_id), [])]


def load_tables(folder: Path) -> dict:
    """The four tables of an output folder as DataFrames of strings; ShowError when absent,
    damaged, or not the set one run wrote."""
    from ..export.writers import TableError, read_tables

    folder = Path(folder)
    if not folder.is_dir():
        raise ShowError(f"{folder}: no such output folder (run `emn run` first)")
    try:
        return read_tables(folder)
    except TableError as error:
        raise ShowError(str(error)) from None


def select_documents(tables: dict, key: str | None = None) -> list[dict]:
    """The document rows to show: all of them, or the one `key` names (doc_id, stem or query number)."""
    documents = tables["documents"].to_dict("records")
    if key is None:
        return documents
    for field_of in (lambda d: d["doc_id"], lambda d: Path(d["doc_id"]).stem, lambda d: d["query_id"]):
        found = [d for d in documents if field_of(d) == key]
        if len(found) == 1:
            return found
        if len(found) > 1:
            names = ", ".join(d["doc_id"] for d in found)
            raise ShowError(f"--doc {key} names several documents ({names}); give the doc_id")
    known = ", ".join(d["doc_id"] for d in documents) or "none"
    raise ShowError(f"no document {key!r} in the tables (documents: {known})")


def _offset(row: dict) -> int:
    try:
        return int(row["start_char"])
    except (KeyError, ValueError):
        return -1


def build_matrix(tables: dict, document: dict) -> Matrix:
    """Respondents (document order) and other countries by the questions, with every statement."""
    doc_id = document["doc_id"]
    questions = tables["questions"]
    questions = questions[questions["doc_id"] == doc_id].to_dict("records")
    rows = response_rows(tables, [doc_id])
    known = {q["question_id"] for q in questions}
    for row in rows:  # a statement under a heading the questions table lacks still shows
        if row["question_id"] not in known:
            known.add(row["question_id"])
            questions.append({"doc_id": doc_id, "question_id": row["question_id"], "question": ""})
    respondents = [code for code in document.get("respondents", "").split(";") if code]
    others: list[str] = []
    matrix = Matrix(document, questions, respondents, others)
    for row in rows:
        if row["country"] not in respondents and row["country"] not in others:
            others.append(row["country"])
        matrix.cells.setdefault((row["country"], row["question_id"]), []).append(row)
    for question in questions:
        qid = question["question_id"]
        missing = [code for code in respondents if (code, qid) not in matrix.cells]
        if missing:
            matrix.unaccounted[qid] = missing
    return matrix


def filter_rows(tables: dict, documents: list[dict], question: str | None = None,
                country: str | None = None, stance: str | None = None) -> list[dict]:
    """The response rows of `documents` that match every filter given, in text order per document."""
    rows = response_rows(tables, [d["doc_id"] for d in documents])
    wanted = {"question_id": question, "country": country.upper() if country else None, "stance": stance}
    return [row for row in rows if all(value is None or row[key] == value for key, value in wanted.items())]


def response_rows(tables: dict, doc_ids: list[str]) -> list[dict]:
    """The response rows of some documents in text order, each with `marks`: its country in its evidence.

    Rows sharing an evidence sentence and a country take its occurrences in turn when the
    counts agree (the evidence keeps the text's order), so "yes (BE ...); however (BE ...) no"
    marks each list once; otherwise every occurrence is marked."""
    responses = tables["responses"]
    order = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    frame = responses[responses["doc_id"].isin(order)]
    rows = sorted(frame.to_dict("records"), key=lambda row: (order[row["doc_id"]], _offset(row)))
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["doc_id"], row["evidence"], row["country"]), []).append(row)
    for (_doc, evidence, country), group in groups.items():
        ranges = country_ranges(evidence, country)
        for k, row in enumerate(group):
            row["marks"] = [ranges[k]] if len(ranges) == len(group) else ranges
    return rows


@lru_cache(maxsize=1)
def _country_table() -> CountryTable:
    """The shipped country names; imported here, so `emn --help` stays fast."""
    from ..countries import CountryTable

    return CountryTable.shipped()


def country_ranges(text: str, country: str) -> list[tuple[int, int]]:
    """Where a country stands in an evidence sentence: its code as a word, or one of its names.

    >>> country_ranges("Two States (BE, CZ) and Belgium", "BE")
    [(12, 14), (24, 31)]
    """
    forms = sorted({country, *_country_table().names_of(country)}, key=len, reverse=True)
    pattern = r"\b(?:" + "|".join(re.escape(form) for form in forms) + r")\b"
    return [match.span() for match in re.finditer(pattern, text)]


def _stance_text(stances: list[str]):
    from rich.text import Text

    if not stances:
        return Text(NO_STATEMENT, style="dim")
    text = Text()
    for stance in stances:
        text.append(SYMBOLS.get(stance, stance), style=COLOURS.get(stance, ""))
    return text


def _legend():
    from rich.text import Text

    legend = Text("  ")
    for stance in STANCES:
        legend.append(SYMBOLS[stance], style=COLOURS[stance])
        legend.append(f" {stance.replace('_', ' ')}   ")
    legend.append(NO_STATEMENT, style="dim")
    legend.append(" no statement")
    return legend


def _heading(document: dict):
    from rich.text import Text

    heading = Text(document["doc_id"], style="bold")
    details = [f"AHQ {document['query_id']}" if document.get("query_id") else "",
               document.get("query_date", ""), document.get("title", "")]
    heading.append("  " + " · ".join(d for d in details if d))
    heading.append(f"\n  respondents: {document.get('n_respondents_stated') or '?'} stated, "
                   f"{document.get('n_respondents_listed') or 0} listed", style="dim")
    return heading


def print_matrix(console, matrix: Matrix) -> None:
    """The country x question matrix of one document, the questions and the unaccounted line."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console.print(_heading(matrix.document))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(Text("country"), no_wrap=True)
    for question in matrix.questions:
        table.add_column(Text(question["question_id"]), justify="center")
    for i, country in enumerate(matrix.countries):
        label = Text(country, style="" if country in matrix.respondents else "italic")
        if i == len(matrix.respondents):
            table.add_section()
            label.append(" (not a respondent)", style="dim")
        table.add_row(label, *(_stance_text(matrix.stances(country, q["question_id"])) for q in matrix.questions))
    table.add_section()
    table.add_row(Text("unaccounted", style="bold"),
                  *(Text(str(len(matrix.unaccounted.get(q["question_id"], [])))) for q in matrix.questions))
    console.print(table)
    console.print(_legend())
    console.print(_listing("not accounted for", [(qid, " ".join(codes)) for qid, codes in matrix.unaccounted.items()]
                           or [("", "none")]))
    console.print(_listing("questions", [(q["question_id"], q.get("question", "")) for q in matrix.questions]))


def _listing(title: str, entries: list[tuple[str, str]]):
    """A titled two-column list whose long lines wrap under their own column."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for key, value in entries:
        grid.add_row(Text("  " + key), Text(value))
    return Group(Text(title + ":", style="bold"), grid)


def print_rows(console, rows: list[dict], with_doc: bool) -> None:
    """The matching response rows with their evidence, the country highlighted in it."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, show_lines=True)
    columns = (["doc"] if with_doc else []) + ["q", "country", "stance", "item", "evidence"]
    for name in columns:
        table.add_column(Text(name), no_wrap=name in ("q", "country", "stance"),
                         ratio=4 if name == "evidence" else None)
    for row in rows:
        stance = Text(f"{SYMBOLS.get(row['stance'], '')} {row['stance']}", style=COLOURS.get(row["stance"], ""))
        evidence = _marked(row["evidence"], row["marks"], plain=console.color_system is None)
        cells = [Text(row["question_id"]), Text(row["country"], style="bold"), stance, Text(row["item"]), evidence]
        table.add_row(*([Text(row["doc_id"])] if with_doc else []), *cells)
    console.print(table)
    console.print(Text(f"{len(rows)} row{'' if len(rows) == 1 else 's'}", style="dim"))


def _marked(text: str, marks: list[tuple[int, int]], plain: bool):
    """The evidence with its country highlighted; in plain text, between brackets: `(BE, [CZ])`."""
    from rich.text import Text

    if not plain:
        evidence = Text(text)
        for start, end in marks:
            evidence.stylize(HIGHLIGHT, start, end)
        return evidence
    pieces, position = [], 0
    for start, end in sorted(marks):
        pieces += [text[position:start], "[", text[start:end], "]"]
        position = end
    return Text("".join(pieces) + text[position:])


def show(folder: Path, doc: str | None = None, question: str | None = None, country: str | None = None,
         stance: str | None = None, console=None) -> int:
    """Print the matrix of each selected document, or the rows a filter selects; returns the rows shown."""
    from rich.console import Console

    console = console or Console(highlight=False, emoji=False)
    # no control character from a document or a file name reaches the terminal
    tables = {name: table.map(printable) for name, table in load_tables(folder).items()}
    documents = select_documents(tables, doc)
    if not documents:
        raise ShowError(f"{folder}: the tables hold no document")
    if question is None and country is None and stance is None:
        for i, document in enumerate(documents):
            if i:
                console.print()
            print_matrix(console, build_matrix(tables, document))
        return len(documents)
    rows = filter_rows(tables, documents, question, country, stance)
    if rows:
        print_rows(console, rows, with_doc=len({row["doc_id"] for row in rows}) > 1)
    else:
        console.print("no response row matches")
    return len(rows)
