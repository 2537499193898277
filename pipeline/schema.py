"""The output contract: the four tables, their columns, and the closed vocabularies of values.

Plain Python with no heavy imports, so readers of tables (`evaluate`, `show`, `report`) and
the stages that write rows share one definition.
"""

from __future__ import annotations

__all__ = [
    "DOCUMENT_COLUMNS",
    "QUESTION_COLUMNS",
    "RESPONSE_COLUMNS",
    "CHECK_COLUMNS",
    "TABLES",
    "INT_COLUMNS",
    "STANCES",
    "MENTION_TYPES",
    "KINDS",
    "bare_number",
]

DOCUMENT_COLUMNS = (
    "doc_id", "query_id", "query_date", "title", "n_respondents_stated",
    "n_respondents_listed", "respondents", "kind",
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
INT_COLUMNS = frozenset({"start_char", "end_char", "page", "n_respondents_stated", "n_respondents_listed"})

STANCES = ("yes", "no", "no_information", "mention")
MENTION_TYPES = ("code_list", "name", "table", "reply")
KINDS = ("summary", "compilation")


def bare_number(question_id: str) -> str:
    """A question id without its 'Q': 'Q1' and '1' name the same question, as a list numbered
    '1.' and a heading 'Q1', or two annotators, write it."""
    return question_id[1:] if question_id[:1] == "Q" and question_id[1:2].isdigit() else question_id

