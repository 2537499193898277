"""Tables: a processed Doc becomes rows of the four tables the contract defines.

Rows are plain tuples in the column order of `pipeline.schema`, so a batch can stream them to
disk as each document finishes. Every row keeps its provenance: character offsets into the
document's text and the page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc

from .._extensions import enclosing_range, group, group_ranges, question_id, span_values
from ..normalize import plain_text
from ..sections import QUESTIONS, STATEMENTS
from ..stance import RESPONSES
from ..verify import DocumentFacts

__all__ = ["DocumentSummary", "Extraction", "extract"]

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

    def facts(self) -> DocumentFacts | None:
        """What verification needs of the document, when it has a query number."""
        (document,) = self.documents
        if not document[1]:
            return None
        return DocumentFacts(self.doc_id, str(document[-1]), str(document[1]),
                             [(str(q[1]), str(q[2])) for q in self.questions],
                             [(str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[7]), int(r[8]), int(r[9]))
                              for r in self.responses])

    def summary(self) -> DocumentSummary:
        severities = Counter(row[2] for row in self.checks)
        return DocumentSummary(self.doc_id, len(self.responses), len(self.questions),
                               severities["error"], severities["warning"])


def extract(doc: Doc, doc_id: str) -> Extraction:
    """The document, question and response rows of a processed Doc."""
    from ..checks import check_rows, unread_row

    meta = doc._.metadata or {}
    source = doc._.source
    page_at = source.page_at if source is not None else (lambda offset: None)
    result = Extraction(doc_id)
    respondents = meta.get("respondents", [])
    stated = meta.get("n_respondents_stated")
    result.documents.append((
        doc_id, meta.get("query_id", ""), meta.get("query_date", ""), meta.get("title", ""),
        "" if stated is None else stated, len(respondents), ";".join(respondents), meta.get("kind", "summary"),
    ))
    for heading in group(doc, QUESTIONS):
        result.questions.append((
            doc_id, heading.label_,
            plain_text(doc, heading.start_char, heading.end_char),
            heading.start_char, heading.end_char, _page(page_at, heading.start_char),
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
    recorded = doc._.table_responses + doc._.reply_responses
    if recorded:
        result.responses.extend(
            (doc_id, meta.get("query_id", ""), row.question_id, row.country, row.stance, row.item, row.mention_type,
             row.evidence, row.start, row.end, _page(page_at, row.start))
            for row in recorded)
        result.responses.sort(key=lambda row: row[8])  # in text order; a stable sort keeps the rest as they were
    result.checks.extend(check_rows(doc, doc_id))
    if not result.questions:
        result.warnings.append("no question headings found (is this an EMN Ad-Hoc Query summary?)")
    unread = (source.warnings if source is not None else []) + result.warnings
    result.checks.extend(unread_row(doc_id, "reader_warning", warning, at=0) for warning in unread)
    return result


def _page(page_at, offset: int):
    page = page_at(offset)
    return "" if page is None else page
