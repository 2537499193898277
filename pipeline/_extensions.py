"""Every custom attribute the pipeline sets, declared once and guarded, so any stage can run alone.

What the stages keep in `doc.user_data` serialises with the Doc: `SpanValues` and the group
index register msgpack encoders, so `DocBin(store_user_data=True)` keeps the rows' provenance.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.tokens import Doc, Span, Token

from .ingest.source import Box, Source

__all__ = ["install_extensions", "set_group", "group", "group_ranges", "enclosing_range", "question_id",
           "span_values", "SpanValues", "RecordedResponse", "msgpack_codec"]

INDEX_KEY = "emn_index"
VALUES_KEY = "emn_span_values"
MARKER = "__emn__"  # the key that tags the pipeline's own objects in msgpack


@dataclass(frozen=True)
class RecordedResponse:
    """A response that stands in no statement: a country's answer in an overview table's cell
    ('table') or in its reply in a compilation ('reply'), with the text that gives it."""

    country: str
    stance: str
    item: str
    question_id: str
    evidence: str
    start: int  # the country's own span in its cell, or the answer's span in its reply
    end: int
    mention_type: str


class SpanValues:
    """The values of span attributes by (start_char, end_char), one table per attribute.

    A plain class, not a dict: msgpack would pack a dict's tuple keys as lists, which do not
    come back as keys; its encoder writes (start, end, value) rows instead."""

    __slots__ = ("tables",)

    def __init__(self, tables: dict[str, dict[tuple[int, int], Any]] | None = None) -> None:
        self.tables = tables if tables is not None else {}


class GroupIndex:
    """Offsets of the span groups, a cache rebuilt from `doc.spans` after a Doc is loaded."""

    __slots__ = ("groups",)

    def __init__(self) -> None:
        self.groups: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = {}


def span_values(doc: Doc, name: str) -> dict[tuple[int, int], Any]:
    """The values of the span attribute `name` in a Doc, by (start_char, end_char).

    `span._.<name>` reads and writes this table; stages use it directly, because every
    `span._` access builds an accessor object, and a summary has thousands of them."""
    values = doc.user_data.get(VALUES_KEY)
    if values is None:
        values = doc.user_data[VALUES_KEY] = SpanValues()
    return values.tables.setdefault(name, {})


def _index(doc: Doc) -> dict[str, tuple[list[int], list[tuple[int, int, str]]]]:
    index = doc.user_data.get(INDEX_KEY)
    if index is None:
        index = doc.user_data[INDEX_KEY] = GroupIndex()
    groups: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = index.groups
    return groups


def msgpack_codec(name: str, kind: type, encode: Callable[[Any], Any], decode: Callable[[Any], Any]) -> None:
    """Register a msgpack encoder and decoder for one of the pipeline's types, tagged by name."""

    def encoder(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
        if isinstance(obj, kind):
            return {MARKER: name, "value": encode(obj)}
        return chain(obj) if chain is not None else obj

    def decoder(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
        if isinstance(obj, dict) and obj.get(MARKER) == name:
            return decode(obj["value"])
        return chain(obj) if chain is not None else obj

    srsly.msgpack_encoders.register(f"emn.{name}", func=encoder)
    srsly.msgpack_decoders.register(f"emn.{name}", func=decoder)


def _restored(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _encode_values(values: SpanValues) -> dict[str, list[list[Any]]]:
    return {name: [[s, e, v] for (s, e), v in table.items()] for name, table in values.tables.items()}


def _decode_values(data: dict[str, list[list[Any]]]) -> SpanValues:
    return SpanValues({name: {(s, e): _restored(v) for s, e, v in rows} for name, rows in data.items()})


msgpack_codec("span_values", SpanValues, _encode_values, _decode_values)
msgpack_codec("group_index", GroupIndex, lambda index: None, lambda data: GroupIndex())


def _encode_source(source: Source) -> dict[str, Any]:
    return {"path": str(source.path), "text": source.text, "bold": source.bold, "pages": source.pages,
            "headings": source.headings, "boxes": [astuple(box) for box in source.boxes],
            "warnings": source.warnings}


def _decode_source(data: dict[str, Any]) -> Source:
    return Source(path=Path(data["path"]), text=data["text"], bold=[(s, e) for s, e in data["bold"]],
                  pages=[(s, e, p) for s, e, p in data["pages"]], headings=[(s, e, h) for s, e, h in data["headings"]],
                  boxes=[Box(*box) for box in data["boxes"]],
                  warnings=list(data["warnings"]))


msgpack_codec("source", Source, _encode_source, _decode_source)  # a Doc keeps the Source it was made from
msgpack_codec("recorded_response", RecordedResponse, astuple, lambda data: RecordedResponse(*data))


def _stored(name: str, default: Any) -> tuple[Callable[[Span], Any], Callable[[Span, Any], None]]:
    def getter(span: Span) -> Any:
        return span_values(span.doc, name).get((span.start_char, span.end_char), default)

    def setter(span: Span, value: Any) -> None:
        span_values(span.doc, name)[(span.start_char, span.end_char)] = value

    return getter, setter


def set_group(doc: Doc, group: str, spans: Iterable[Span]) -> None:
    """Assign a span group; stages go through here so the lookup index stays current.

    The index is filled from the spans in hand: reading a group back makes a Span per member."""
    spans = list(spans)
    doc.spans[group] = spans
    items = [(s.start_char, s.end_char, s.label_) for s in spans]
    _index(doc)[group] = ([item[0] for item in items], items)


def group(doc: Doc, key: str) -> list[Span]:
    """The spans of a group, or none when the stage that makes it has not run."""
    return list(doc.spans[key]) if key in doc.spans else []


def group_ranges(doc: Doc, group: str) -> tuple[list[int], list[tuple[int, int, str]]]:
    """(starts, (start, end, label) per span) of a group, built once per Doc.

    Looking spans up this way avoids making Span objects for a whole group per lookup."""
    cache = _index(doc)
    if group not in cache:
        items = [(s.start_char, s.end_char, s.label_) for s in doc.spans[group]] if group in doc.spans else []
        cache[group] = ([item[0] for item in items], items)
    return cache[group]


def enclosing_range(doc: Doc, group: str, start_char: int, end_char: int) -> tuple[int, int, str] | None:
    """The (start, end, label) of the `group` span (sorted, non-overlapping) holding the range."""
    starts, items = group_ranges(doc, group)
    index = bisect_right(starts, start_char) - 1
    if index >= 0 and items[index][1] >= end_char:
        return items[index]
    return None


def question_id(doc: Doc, start_char: int, end_char: int | None = None) -> str | None:
    """The id of the question whose body holds the character range."""
    body = enclosing_range(doc, "emn_question_bodies", start_char, end_char or start_char)
    return body[2] if body else None


def _question(obj: Span | Token) -> Span | None:
    """The question heading whose body holds this token or span."""
    start = obj.idx if isinstance(obj, Token) else obj.start_char
    end = start + len(obj.text) if isinstance(obj, Token) else obj.end_char
    label = question_id(obj.doc, start, end)
    if label is None:
        return None
    _, questions = group_ranges(obj.doc, "emn_questions")
    found = next((q for q in questions if q[2] == label), None)
    return obj.doc.char_span(found[0], found[1], label=label, alignment_mode="expand") if found else None


def _statement(span: Span) -> Span | None:
    """The sentence or bullet a span stands in."""
    found = enclosing_range(span.doc, "emn_statements", span.start_char, span.end_char)
    if found is None:
        return None
    return span.doc.char_span(found[0], found[1], label=found[2], alignment_mode="expand")


def _span_from(attribute: str):
    def getter(span: Span) -> Span | None:
        found = span_values(span.doc, attribute).get((span.start_char, span.end_char))
        return span.doc.char_span(found[0], found[1], alignment_mode="expand") if found else None

    return getter


TEXTS_KEY = "emn_texts"


def _text_or_doc(name: str) -> Callable[[Doc], str]:
    """raw_text: doc.text built once (doc.text joins every token on each call); clean_text:
    markup blanked, same length; body_text: footnotes blanked too."""

    def getter(doc: Doc) -> str:
        texts = doc.user_data.setdefault(TEXTS_KEY, {})
        if name not in texts:
            texts[name] = texts["raw_text"] if "raw_text" in texts else doc.text
        return str(texts[name])

    return getter


def _set_text(name: str) -> Callable[[Doc, str], None]:
    def setter(doc: Doc, value: str) -> None:
        doc.user_data.setdefault(TEXTS_KEY, {})[name] = value

    return setter


def install_extensions() -> None:
    """Register the attributes; safe to call more than once."""
    # Texts the normaliser sets; a stage that runs without it reads the Doc's own text.
    for name in ("raw_text", "clean_text", "body_text"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=_text_or_doc(name), setter=_set_text(name))
    doc_attrs = {
        "markup_ranges": None,  # sorted (start, end) of the markup the normaliser blanked
        "metadata": None,  # dict of the document's metadata (emn_metadata)
        "source": None,  # the ingest.Source the Doc was made from
        "findings": None,  # list of checks.Finding (emn_checks)
        "table_responses": (),  # RecordedResponse of each answer an overview table gives (emn_tables)
        "replies": (),  # replies.Reply of each country a compilation gives (emn_replies)
        "reply_responses": (),  # RecordedResponse of each answer in a compilation's replies (emn_stance)
        "unread_tables": (),  # overview.UnreadTable: tables or rows that gave no response (emn_tables)
    }
    for name, default in doc_attrs.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    span_attrs: dict[str, Any] = {
        "mention_type": None,  # "code_list" or "name"
        "stance": None,  # yes / no / no_information / mention
        "item": "",  # label of the bullet or inline item a list belongs to
        "list_role": None,  # "subject", "statement" or "item", for code lists
        "code_list_range": None,  # for a code in a list: (start, end) of the list
        "cue": None,  # text of the cue that decided the stance
        "lead_in_range": None,  # for a bullet statement: (start, end) of the sentence introducing it
        "table_columns": None,  # for a table aligned with spaces: where each column starts, in characters
    }
    for name, default in span_attrs.items():
        if not Span.has_extension(name):
            getter, setter = _stored(name, default)
            Span.set_extension(name, getter=getter, setter=setter)
    # Spans are stored as offsets and rebuilt on access: a Span kept in doc.user_data would
    # hold its Doc in a reference cycle and keep every processed Doc alive until a gc pass.
    for name in ("code_list", "lead_in"):
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_span_from(f"{name}_range"))
    if not Span.has_extension("question"):
        Span.set_extension("question", getter=_question)
    if not Span.has_extension("statement"):
        Span.set_extension("statement", getter=_statement)
    if not Token.has_extension("question"):
        Token.set_extension("question", getter=_question)
