"""Every custom attribute the pipeline sets, declared once and guarded, so any stage can run alone."""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

__all__ = ["install_extensions", "enclosing"]


def enclosing(doc: Doc, group: str, start_char: int, end_char: int) -> Span | None:
    """The span of `group` (sorted, non-overlapping) that contains the character range, if any."""
    spans = doc.spans[group] if group in doc.spans else []
    starts = [span.start_char for span in spans]
    index = bisect_right(starts, start_char) - 1
    if index >= 0 and spans[index].end_char >= end_char:
        return spans[index]
    return None


def _question(obj: Span | Token) -> Span | None:
    """The question heading whose body holds this token or span."""
    start = obj.idx if isinstance(obj, Token) else obj.start_char
    end = start + len(obj.text) if isinstance(obj, Token) else obj.end_char
    body = enclosing(obj.doc, "emn_question_bodies", start, end)
    if body is None:
        return None
    return next((q for q in obj.doc.spans["emn_questions"] if q.label_ == body.label_), None)


def _statement(span: Span) -> Span | None:
    """The sentence or bullet a span stands in."""
    return enclosing(span.doc, "emn_statements", span.start_char, span.end_char)


def install_extensions() -> None:
    """Register the attributes; safe to call more than once."""
    doc_attrs = {
        "clean_text": None,  # text with markup blanked, same length as doc.text
        "body_text": None,  # clean_text with footnotes blanked too
        "markup_ranges": None,  # sorted (start, end) of the blanked markup
        "metadata": None,  # dict of the document's metadata (emn_metadata)
        "source": None,  # the ingest.Source the Doc was made from
        "findings": None,  # list of checks.Finding (emn_checks)
    }
    for name, default in doc_attrs.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    span_attrs = {
        "mention_type": None,  # "code_list" or "name"
        "stance": None,  # yes / no / no_information / mention
        "item": "",  # label of the bullet or inline item a list belongs to
        "list_role": None,  # "subject", "statement" or "item", for code lists
        "code_list": None,  # for a code in a list: the list's span
        "cue": None,  # text of the cue that decided the stance
        "lead_in": None,  # for a bullet statement: the sentence that introduces it
    }
    for name, default in span_attrs.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    if not Span.has_extension("question"):
        Span.set_extension("question", getter=_question)
    if not Span.has_extension("statement"):
        Span.set_extension("statement", getter=_statement)
    if not Token.has_extension("question"):
        Token.set_extension("question", getter=_question)
