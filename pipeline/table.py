"""Table: a processed Doc becomes rows of the four tables ANNOTATION.md defines.

Rows are plain tuples in the column order named here, so a batch can stream them to disk as
each document finishes; `read_table` reads a written table back as one DataFrame.
Every row keeps its provenance: character offsets into the document's text and the page.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from ._extensions import enclosing_range, group_ranges, question_id, span_values
from .normalize import plain_text
from .sections import QUESTIONS, STATEMENTS
from .stance import RESPONSES

__all__ = [
    "DOCUMENT_COLUMNS",
    "QUESTION_COLUMNS",
    "RESPONSE_COLUMNS",
    "CHECK_COLUMNS",
    "TABLES",
    "DocumentSummary",
    "Extraction",
    "extract",
    "encode_rows",
    "TableWriter",
    "read_table",
]

DOCUMENT_COLUMNS = (
    "doc_id", "query_id", "query_date", "title", "n_respondents_stated",
    "n_respondents_listed", "respondents",
)
QUESTION_COLUMNS = ("doc_id", "question_id", "question", "start_char", "end_char", "page")
RESPONSE_COLUMNS = (
    "doc_id", "query_id", "question_id", "country", "stance", "item", "mention_type",
    "evidence", "start_char", "end_char", "page",
)
CHECK_COLUMNS = ("doc_id", "question_id", "severity", "kind", "detail", "start_char", "end_char")
TABLES = {
    "documents": DOCUMENT_COLUMNS,
    "questions": QUESTION_COLUMNS,
    "responses": RESPONSE_COLUMNS,
    "checks": CHECK_COLUMNS,
}


@dataclass(frozen=True)
class DocumentSummary:
    """What a run reports per document once its rows are written."""

    doc_id: str
    rows: int
    questions: int
    errors: int
    warnings: int


@dataclass
class Extraction:
    """One document's rows, table by table."""

    doc_id: str
    documents: list[tuple] = field(default_factory=list)
    questions: list[tuple] = field(default_factory=list)
    responses: list[tuple] = field(default_factory=list)
    checks: list[tuple] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def rows(self, table: str) -> list[tuple]:
        return getattr(self, table)

    def summary(self) -> DocumentSummary:
        severities = Counter(row[2] for row in self.checks)
        return DocumentSummary(self.doc_id, len(self.responses), len(self.questions),
                               severities["error"], severities["warning"])


def extract(doc: Doc, doc_id: str) -> Extraction:
    """The document, question and response rows of a processed Doc."""
    from .checks import check_rows

    meta = doc._.metadata or {}
    source = doc._.source
    page_at = source.page_at if source is not None else (lambda offset: None)
    result = Extraction(doc_id)
    respondents = meta.get("respondents", [])
    stated = meta.get("n_respondents_stated")
    result.documents.append((
        doc_id, meta.get("query_id", ""), meta.get("query_date", ""), meta.get("title", ""),
        "" if stated is None else stated, len(respondents), ";".join(respondents),
    ))
    for question in doc.spans[QUESTIONS]:
        result.questions.append((
            doc_id, question.label_,
            plain_text(doc, question.start_char, question.end_char),
            question.start_char, question.end_char, _page(page_at, question.start_char),
        ))
    evidence: dict[tuple[int, int], str] = {}
    stances, items, mention_types = (span_values(doc, name) for name in ("stance", "item", "mention_type"))
    for start, end, code in group_ranges(doc, RESPONSES)[1]:
        key = (start, end)
        question = question_id(doc, start, end)
        statement = enclosing_range(doc, STATEMENTS, start, end)
        if question is None or statement is None:
            continue
        if statement[:2] not in evidence:
            evidence[statement[:2]] = plain_text(doc, statement[0], statement[1])
        result.responses.append((
            doc_id, meta.get("query_id", ""), question, code, stances.get(key),
            items.get(key) or "", mention_types.get(key), evidence[statement[:2]],
            start, end, _page(page_at, start),
        ))
    result.checks.extend(check_rows(doc, doc_id))
    if not result.questions:
        result.warnings.append("no question headings found (is this an EMN Ad-Hoc Query summary?)")
    return result


def _page(page_at, offset: int):
    page = page_at(offset)
    return "" if page is None else page


INT_COLUMNS = {"start_char", "end_char", "page", "n_respondents_stated", "n_respondents_listed"}
FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}


class TableWriter:
    """Streams rows to temporary files beside the outputs; `commit` renames them into place.

    Until `commit`, the previous outputs stay untouched, so a failed run loses nothing."""

    def __init__(self, folder: Path, fmt: str = "csv"):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fmt = fmt
        self.counts = dict.fromkeys(TABLES, 0)
        self._files, self._temps, self._writers = {}, {}, {}
        for name, columns in TABLES.items():
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=self.folder)
            self._temps[name] = Path(temp)
            if fmt == "parquet":
                os.close(handle)
                self._writers[name] = None
            else:
                stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
                self._files[name] = stream
                if fmt == "csv":
                    csv.writer(stream, lineterminator="\n").writerow(columns)

    def write(self, extraction: Extraction) -> None:
        if self.fmt != "parquet":
            self.write_encoded(encode_rows(extraction, self.fmt))
            return
        for name, columns in TABLES.items():
            rows = extraction.rows(name)
            self.counts[name] += len(rows)
            if rows:
                self._write_parquet(name, columns, rows)

    def write_encoded(self, encoded: dict[str, tuple[int, str]]) -> None:
        """Append one document's rows as `encode_rows` made them (csv or jsonl)."""
        for name, (count, text) in encoded.items():
            self.counts[name] += count
            self._files[name].write(text)

    def _write_parquet(self, name: str, columns: tuple, rows: list[tuple]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.int64() if c in INT_COLUMNS else pa.string()) for c in columns])
        data = {c: [_typed(c, row[i]) for row in rows] for i, c in enumerate(columns)}
        if self._writers[name] is None:
            self._writers[name] = pq.ParquetWriter(self._temps[name], schema)
        self._writers[name].write_table(pa.table(data, schema=schema))

    def commit(self) -> dict[str, Path]:
        """Close and move every table into place; returns the final paths."""
        self._close()
        if self.fmt == "parquet":
            for name, columns in TABLES.items():
                if self._writers[name] is None:
                    self._write_parquet(name, columns, [])
                self._writers[name].close()
        final = {}
        umask = os.umask(0)
        os.umask(umask)
        for name, temp in self._temps.items():
            target = self.folder / f"{name}{FORMATS[self.fmt]}"
            os.chmod(temp, 0o666 & ~umask)  # mkstemp's private mode is not what users expect
            os.replace(temp, target)
            final[name] = target
        return final

    def abort(self) -> None:
        """Drop the temporary files; the previous outputs stay as they were."""
        self._close()
        for _name, writer in self._writers.items():
            if self.fmt == "parquet" and writer is not None:
                writer.close()
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)

    def _close(self) -> None:
        for stream in self._files.values():
            if not stream.closed:
                stream.close()


def encode_rows(extraction: Extraction, fmt: str) -> dict[str, tuple[int, str]]:
    """(row count, text) per table of one document, as a csv or jsonl writer appends them.

    Made where the document was processed: with --jobs the workers format the rows and the
    parent process only writes strings, so it does not become the bottleneck."""
    encoded = {}
    for name, columns in TABLES.items():
        rows = extraction.rows(name)
        if fmt == "csv":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(["" if v is None else v for v in row] for row in rows)
            text = buffer.getvalue()
        else:
            text = "".join(json.dumps(dict(zip(columns, row, strict=False)), ensure_ascii=False) + "\n"
                           for row in rows)
        encoded[name] = (len(rows), text)
    return encoded


def _typed(column: str, value):
    if column in INT_COLUMNS:
        return None if value in ("", None) else int(value)
    return "" if value is None else str(value)


def read_table(folder: Path, name: str):
    """A table of an output folder as a DataFrame of strings, whatever format it was written in."""
    import pandas as pd

    for fmt, suffix in FORMATS.items():
        path = Path(folder) / f"{name}{suffix}"
        if not path.exists():
            continue
        if fmt == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if fmt == "jsonl":
            if not path.stat().st_size:
                return pd.DataFrame(columns=list(TABLES[name]), dtype=str)
            frame = pd.read_json(path, lines=True, dtype=False)
        else:
            frame = pd.read_parquet(path)
        frame = frame.reindex(columns=list(TABLES[name]))
        return frame.astype(object).where(frame.notna(), "").astype(str)
    raise FileNotFoundError(f"no {name} table (.csv, .jsonl or .parquet) in {folder}")
