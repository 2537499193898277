"""Verify: a summary checked against the compilation of replies it was written from.

The two documents may number their questions differently (the summary's `3.1` is the
compilation's `1`) and a summary may leave a question out, so questions are paired by their
order and their words: the pairing keeps the order of both lists and takes, of all pairings
that do, the one whose paired questions share the most words. Then for each paired question
and country, the summary's rows with an empty item (the State's own answer) are compared
with the country's reply; where the reply says yes, no or no_information and no such row
says the same while one says another of the three, the summary contradicts the reply.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

__all__ = ["DocumentFacts", "Comparison", "pair_questions", "compare", "contradictions", "finding_rows",
           "pairs_of_a_run", "parse_detail"]

ANSWERS = ("yes", "no", "no_information")  # the stances a reply and a summary can disagree on
MIN_SHARED = 0.2  # share of their words two questions must share to be paired by their text
STOPWORDS = frozenset({"the", "and", "are", "any", "for", "how", "what", "which", "with", "this", "that", "does",
                       "your", "have", "has", "been", "from", "into", "member", "state", "states", "please",
                       "there", "their", "them", "they", "its", "was", "were", "can", "not", "such", "other"})
QUOTE = 240  # characters of the reply quoted in a finding


@dataclass
class DocumentFacts:
    """What verification needs of one processed document."""

    doc_id: str
    kind: str
    query_id: str
    questions: list[tuple[str, str]] = field(default_factory=list)  # (id, text) in document order
    rows: list[tuple[str, str, str, str, str, int, int]] = field(default_factory=list)
    # (question_id, country, stance, item, evidence, start, end) of each response

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> DocumentFacts:
        return cls(str(data["doc_id"]), str(data["kind"]), str(data["query_id"]),
                   [tuple(q) for q in data["questions"]],  # type: ignore[attr-defined]
                   [tuple(r) for r in data["rows"]])  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Comparison:
    """A summary's answer for a country set beside the country's own reply."""

    question_id: str  # the summary's
    reply_question_id: str  # the compilation's
    country: str
    summary_stance: str
    reply_stance: str
    summary_evidence: str
    reply_evidence: str
    start: int  # the summary row's span
    end: int
    agrees: bool

    def detail(self, compilation: str) -> str:
        """The finding's detail: the country's code, both stances, where the reply is, the reply."""
        quote = self.reply_evidence if len(self.reply_evidence) <= QUOTE else self.reply_evidence[:QUOTE] + "…"
        return (f"{self.country}: the summary says {self.summary_stance}, its reply says {self.reply_stance} "
                f"(question {self.reply_question_id} of {compilation}): \"{quote}\"")


DETAIL = re.compile(r"^(?P<country>[A-Z]{2}): the summary says (?P<summary>\w+), its reply says (?P<reply>\w+) "
                    r"\(question (?P<question>\S+) of (?P<compilation>.+?)\): ")


def parse_detail(detail: str) -> dict[str, str] | None:
    """The parts of a contradicts_reply finding's detail, as `Comparison.detail` writes it."""
    match = DETAIL.match(detail)
    return match.groupdict() if match else None


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in STOPWORDS}


def _shared(a: str, b: str) -> float:
    first, second = _words(a), _words(b)
    return len(first & second) / len(first | second) if first and second else 0.0


def pair_questions(summary: list[tuple[str, str]], compilation: list[tuple[str, str]]) -> dict[str, str]:
    """The summary's question ids paired with the compilation's, in order and by words; by
    order alone when neither side's texts pair and both list as many questions."""
    rows, columns = len(summary), len(compilation)
    best = [[0.0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, columns + 1):
            score = _shared(summary[i - 1][1], compilation[j - 1][1])
            paired = best[i - 1][j - 1] + score if score >= MIN_SHARED else -1.0
            best[i][j] = max(best[i - 1][j], best[i][j - 1], paired)
    pairs: dict[str, str] = {}
    i, j = rows, columns
    while i and j:
        score = _shared(summary[i - 1][1], compilation[j - 1][1])
        if score >= MIN_SHARED and best[i][j] == best[i - 1][j - 1] + score:
            pairs[summary[i - 1][0]] = compilation[j - 1][0]
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    if not pairs and rows == columns:
        pairs = {s[0]: c[0] for s, c in zip(summary, compilation, strict=True)}
    return pairs


def compare(summary: DocumentFacts, compilation: DocumentFacts) -> list[Comparison]:
    """Every summary answer beside its country's reply, where the reply gives yes, no or
    no_information: it agrees when one of the summary's rows says the same."""
    pairs = pair_questions(summary.questions, compilation.questions)
    replies: dict[tuple[str, str], tuple[str, str]] = {}
    for question, country, stance, _, evidence, _, _ in compilation.rows:
        replies.setdefault((question, country), (stance, evidence))
    answers: dict[tuple[str, str], list[tuple[str, str, str, int, int]]] = {}
    for question, country, stance, item, evidence, start, end in summary.rows:
        if not item and stance in ANSWERS:
            answers.setdefault((question, country), []).append((question, stance, evidence, start, end))
    found = []
    for (question, country), rows in answers.items():
        if question not in pairs or (pairs[question], country) not in replies:
            continue
        reply_stance, reply_evidence = replies[pairs[question], country]
        if reply_stance not in ANSWERS:
            continue  # a reply that is a mention confirms or contradicts nothing
        same = [row for row in rows if row[1] == reply_stance]
        _, stance, evidence, start, end = (same or rows)[0]
        found.append(Comparison(question, pairs[question], country, stance, reply_stance, evidence,
                                reply_evidence, start, end, bool(same)))
    return sorted(found, key=lambda c: (c.start, c.country))


def contradictions(summary: DocumentFacts, compilation: DocumentFacts) -> list[Comparison]:
    """Every summary answer its country's reply contradicts, as the contract defines it."""
    return [comparison for comparison in compare(summary, compilation) if not comparison.agrees]


def finding_rows(summary: DocumentFacts, compilation: DocumentFacts) -> list[tuple[object, ...]]:
    """The contradictions as rows of the checks table, in the summary's checks."""
    return [(summary.doc_id, c.question_id, "warning", "contradicts_reply", c.detail(compilation.doc_id),
             c.start, c.end) for c in contradictions(summary, compilation)]


def pairs_of_a_run(documents: list[DocumentFacts]) -> list[tuple[DocumentFacts, DocumentFacts]]:
    """Each summary with a compilation of the same query in the run: the one in the same
    format where there is one (the Word summary with the Word compilation), else the first."""
    compilations: dict[str, list[DocumentFacts]] = {}
    for document in documents:
        if document.kind == "compilation" and document.query_id:
            compilations.setdefault(document.query_id, []).append(document)
    found = []
    for document in documents:
        candidates = compilations.get(document.query_id, []) if document.kind == "summary" else []
        if candidates:
            suffix = PurePath(document.doc_id).suffix
            found.append((document, next((c for c in candidates if PurePath(c.doc_id).suffix == suffix),
                                         candidates[0])))
    return found
