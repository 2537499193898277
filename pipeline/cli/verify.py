"""Verify view: a summary beside the compilation of replies it was written from, in the terminal.

`emn verify SUMMARY COMPILATION` runs both documents as `emn run` does, pairs their
questions, and prints per question how many of the summary's answers the replies confirm
and which they contradict, the summary's sentence beside the country's reply.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..limits import Limits
from ..printable import printable as clean
from ..verify import DocumentFacts, compare, pair_questions
from .show import COLOURS, ShowError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

__all__ = ["facts_of_tables", "verify"]


def facts_of_tables(tables: dict[str, pd.DataFrame], doc_id: str) -> DocumentFacts:
    """A document's facts as its rows in the output tables give them."""
    documents = tables["documents"]
    (document,) = documents[documents["doc_id"] == doc_id].to_dict("records")
    questions = tables["questions"]
    questions = questions[questions["doc_id"] == doc_id][["question_id", "question"]]
    responses = tables["responses"]
    responses = responses[responses["doc_id"] == doc_id][
        ["question_id", "country", "stance", "item", "evidence", "start_char", "end_char"]]
    return DocumentFacts(
        doc_id, document["kind"], document["query_id"], [(q, t) for q, t in questions.itertuples(index=False)],
        [(q, c, s, i, e, int(a), int(b)) for q, c, s, i, e, a, b in responses.itertuples(index=False)])


def verify(summary: Path, compilation: Path, limits: Limits, console: Console | None = None) -> int:
    """Print the comparison; returns how many answers the replies contradict."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..export.batch import run_batch
    from ..export.writers import read_tables

    console = console or Console(highlight=False, emoji=False)
    with tempfile.TemporaryDirectory() as folder:
        result = run_batch([str(summary), str(compilation)], Path(folder), jobs=1, limits=limits)
        if result.failed:
            raise ShowError("; ".join(f"{o.task.path}: {o.error}" for o in result.failed))
        tables = read_tables(Path(folder), ("documents", "questions", "responses"))
    ids = list(tables["documents"]["doc_id"])
    first, second = (facts_of_tables(tables, doc_id) for doc_id in ids)
    if {first.kind, second.kind} != {"summary", "compilation"}:
        raise ShowError(f"need a summary and a compilation; got {first.kind} and {second.kind}")
    summary_facts, compilation_facts = (first, second) if first.kind == "summary" else (second, first)
    if summary_facts.query_id != compilation_facts.query_id:
        console.print(Text(f"note: the summary is of query {summary_facts.query_id or '?'}, the compilation "
                           f"of {compilation_facts.query_id or '?'}", style="yellow"))
    pairs = pair_questions(summary_facts.questions, compilation_facts.questions)
    comparisons = compare(summary_facts, compilation_facts)
    overview = Table(title=f"{clean(summary_facts.doc_id)} against {clean(compilation_facts.doc_id)}")
    for name in ("summary", "reply", "agree", "contradict"):
        overview.add_column(name, justify="right" if name in ("agree", "contradict") else "left")
    for question, _ in summary_facts.questions:
        found = [c for c in comparisons if c.question_id == question]
        overview.add_row(question, pairs.get(question, "—"), str(sum(c.agrees for c in found)),
                         Text(str(sum(not c.agrees for c in found)),
                              style="bold red" if any(not c.agrees for c in found) else ""))
    console.print(overview)
    contradicted = [c for c in comparisons if not c.agrees]
    if contradicted:
        details = Table(show_lines=True)
        for name in ("q", "country", "the summary says", "the country replied"):
            details.add_column(name, ratio=4 if name.startswith("the") else None, no_wrap=name in ("q", "country"))
        for c in contradicted:
            details.add_row(f"{c.question_id} ↔ {c.reply_question_id}", c.country, _said(c.summary_stance,
                            c.summary_evidence), _said(c.reply_stance, c.reply_evidence))
        console.print(details)
    console.print(f"{len(comparisons) - len(contradicted)} answers confirmed by the replies, "
                  f"{len(contradicted)} contradicted")
    return len(contradicted)


def _said(stance: str, text: str) -> Any:
    from rich.text import Text

    said = Text(f"{stance}: ", style=f"bold {COLOURS.get(stance, '')}")
    said.append(clean(text))
    return said
