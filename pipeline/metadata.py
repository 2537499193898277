"""Metadata: query number, launch date, title, stated number of respondents, the respondents.

All of it stands before the first question: the query line and the title under it, an
introduction that states how many States contributed, and a footnote (or the sentence
itself) that lists them, as codes or as names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import ClassVar

from dateutil import parser
from spacy.language import Language
from spacy.tokens import Doc, Span

from ._extensions import group, group_ranges, install_extensions, set_group
from .countries import CODE_LISTS, COUNTRIES
from .ingest.source import FROM_SUPERSCRIPT
from .normalize import FOOTNOTES, LAYOUT_HEADINGS
from .rules import LexiconRule, PatternRule, RuleComponent, number_pattern, shared_config
from .sections import HEADINGS, QUESTIONS, REPLY_MARKERS, collapse

__all__ = ["META", "RESPONDENTS", "MetadataRule", "MetadataLexicon", "Metadata", "parse_number"]

META = "emn_meta"
RESPONDENTS = "emn_respondents"
DATE_DEFAULT = datetime(2000, 1, 1)  # no part of a matched date is ever taken from it
NUMBERED_LINE = re.compile(r"\s*(?:\d{1,2}|[IVX]{1,4})\b")
PARAGRAPH_END = re.compile(r"\n[ \t]*\n|$")
SENTENCE_OR_PARAGRAPH_END = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")
WRAPPED_LINE = re.compile(r"(?<![.:;])[ \t]*\n[ \t]*[a-z][^\n]*?(?=[ \t]*(?:\n|$))")  # a line going on in lower case
MIN_LISTED_RESPONDENTS = 3  # a footnote or sentence naming fewer States is no respondents list
ADDED_LIST = re.compile(r"[ \t]*\([^()\n]{0,200}\)")  # the codes of respondents added after a count: "(GE, MD)"
DATE_WRAP = 30  # characters after the query line searched for the rest of a wrapped date


def parse_number(text: str, number_words: list[str]) -> int | None:
    """'20', 'Twenty', 'twenty-one', 'twenty one' -> int; anything else -> None."""
    text = text.strip().lower().replace(" ", "-")
    if text.isdigit():
        return int(text)
    words = [w.lower() for w in number_words]
    return words.index(text) + 1 if text in words else None


def footnote_number(marker: str) -> int | None:
    digits = re.sub(r"\D", "", marker.translate(FROM_SUPERSCRIPT))
    return int(digits) if 0 < len(digits) <= 4 else None  # a longer run of digits is no footnote number


@dataclass
class MetadataRule(PatternRule):
    """A regex for a piece of metadata; '{NUMBER}' in it stands for a count in digits or words.

    >>> MetadataRule(regex="AHQ (?P<value>\\d+)", category="QUERY_ID").category
    'QUERY_ID'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset({
        "QUERY_ID", "TITLE_SUBJECT", "DATE", "LAUNCH_CUE", "STATED_COUNT", "STATED_TOTAL", "STATED_ADDITION",
        "FOOTNOTE_NUMBER", "FOOTNOTE_MARKER", "NO_REPLY"})
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


@dataclass
class MetadataLexicon(LexiconRule):
    NAMES: ClassVar[frozenset[str]] = frozenset({"title_boilerplate"})


class Metadata(RuleComponent):
    """Sets `doc._.metadata` and the `emn_meta` and `emn_respondents` span groups."""

    FACTORY = "emn_metadata"
    RULE_CLASS = MetadataRule
    LEXICON_CLASS = MetadataLexicon

    def __init__(self, nlp: Language, name: str = "emn_metadata", rules: str = "default",
                 number_words: list[str] | None = None) -> None:
        install_extensions()
        self.number_words = list(number_words or [])
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        number = number_pattern(self.number_words)
        self.patterns: dict[str, list[re.Pattern[str]]] = {}
        for rule in self.rules:
            rule_regex = (rule.regex or "").replace("{NUMBER}", number)
            self.patterns.setdefault(rule.category, []).append(re.compile(rule_regex))
        self.title_boilerplate = {w.lower() for w in self.lexicons.get("title_boilerplate", [])}

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.clean_text
        questions = group(doc, QUESTIONS)
        intro_end = questions[0].start_char if questions else len(text)
        spans: list[Span] = []
        query_id, query_line = self.query_id(text, intro_end, doc, spans)
        query_line = self._with_wrapped_date(text, query_line)
        query_date = self.query_date(text, intro_end, query_line, doc, spans)
        title = self.title(doc, text, intro_end, query_line, spans)
        stated, stated_span = self.stated_count(text, intro_end, doc, spans)
        respondents = self.respondents(doc, intro_end, stated_span)
        set_group(doc, META, spans)
        set_group(doc, RESPONDENTS, respondents)
        codes = list(dict.fromkeys(span.label_ for span in respondents))
        doc._.metadata = {
            "kind": "compilation" if group(doc, REPLY_MARKERS) else "summary",
            "query_id": query_id,
            "query_date": query_date,
            "title": title,
            "n_respondents_stated": stated,
            "respondents": codes,
        }
        return doc

    def _first(self, category: str, text: str, start: int, end: int):
        matches = [m for p in self.patterns.get(category, []) if (m := p.search(text, start, end))]
        return min(matches, key=lambda m: m.start()) if matches else None

    def query_id(self, text, end, doc, spans):
        match = self._first("QUERY_ID", text, 0, end)
        if match is None:
            return "", None
        _add(doc, spans, match.span("value"), "QUERY_ID")
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        return match.group("value"), (line_start, line_end if line_end >= 0 else len(text))

    def _with_wrapped_date(self, text, query_line):
        """The query line, continued onto the next line when its date wraps there
        ('... No. 8017 from 12' / 'February 2019'): the title starts after the date."""
        if query_line is None:
            return None
        start, end = query_line
        for pattern in self.patterns.get("DATE", []):
            for match in pattern.finditer(text, start, min(len(text), end + DATE_WRAP)):
                if match.start() < end < match.end():
                    line_end = text.find("\n", match.end())
                    return start, line_end if line_end >= 0 else len(text)
        return query_line

    def query_date(self, text, end, query_line, doc, spans):
        """The date on the query line, else the one after 'launched', else the first one."""
        regions = []
        if query_line:
            regions.append(query_line)
        cue = self._first("LAUNCH_CUE", text, 0, end)
        if cue:
            regions.append((cue.start(), min(end, cue.end() + 40)))
        regions.append((0, end))
        for start, stop in regions:
            match = self._first("DATE", text, start, stop)
            if match and (value := _iso_date(match)):
                _add(doc, spans, match.span(), "QUERY_DATE")
                return value
        return ""

    def title(self, doc: Doc, text: str, end: int, query_line: tuple[int, int] | None, spans: list[Span]) -> str:
        """The query's subject. Where the title line reads '... Ad-Hoc Query (No. N) on X' it is
        X; where it holds the number, the line(s) under it, or what follows a colon on it; a
        title line set as such by its layout (Markdown '#', Word Title, PDF type) without a
        number is the title itself."""
        layout = self._title_line(doc, text, end)
        above = (0, query_line[0] if query_line else min([end, *(h.start_char for h in group(doc, HEADINGS))]))
        for candidate in (layout, query_line, above):  # the title line stands above the number's line
            if candidate is None:
                continue
            subject = self._first("TITLE_SUBJECT", text, *candidate)
            if subject is not None:  # a title line set by its layout may wrap, and so may a text's
                stop = candidate[1] if candidate is layout else _wrapped_end(text, subject.end("title"))
                title = (subject.start("title"), stop)
                _add(doc, spans, title, "TITLE")
                return collapse(text[title[0]:title[1]])
        if layout is not None and (query_line is None or not layout[0] <= query_line[0] < layout[1]):
            if not self._first("QUERY_ID", text, *layout) and not self._first("DATE", text, *layout):
                _add(doc, spans, layout, "TITLE")
                return collapse(text[layout[0]:layout[1]])
        if query_line is None:
            return ""
        line = text[query_line[0]:query_line[1]]
        after_colon = re.split(r"[:\u2013\u2014]\s+", line, maxsplit=1)
        boilerplate = collapse(after_colon[-1]).lower().strip(" .") in self.title_boilerplate
        dated = self._first("DATE", after_colon[-1], 0, len(after_colon[-1]))
        numbered = self._first("QUERY_ID", after_colon[-1], 0, len(after_colon[-1]))
        if len(after_colon) == 2 and not boilerplate and not dated and not numbered:
            start = query_line[0] + line.index(after_colon[1])
            _add(doc, spans, (start, query_line[1]), "TITLE")
            return collapse(after_colon[1])
        cursor = query_line[1]
        while cursor < end and text[cursor].isspace():
            cursor += 1
        paragraph_end = PARAGRAPH_END.search(text, cursor)
        stop = min(paragraph_end.start() if paragraph_end else len(text), end)
        headings = group(doc, HEADINGS)
        if cursor >= stop or any(h.start_char <= cursor < h.end_char for h in headings):
            return ""
        subject = self._first("TITLE_SUBJECT", text, cursor, stop)  # 'EMN Ad-Hoc Query on X' under the number
        if subject is not None:
            cursor = subject.start("title")
        _add(doc, spans, (cursor, stop), "TITLE")
        return collapse(text[cursor:stop])

    def _title_line(self, doc: Doc, text: str, end: int) -> tuple[int, int] | None:
        """The first line its layout sets as the document's title (level 0 or 1), before the
        introduction and before any numbered heading."""
        numbered = [h.start_char for h in group(doc, HEADINGS) if h.label_]
        limit = min([end, *numbered])
        found = [h for h in group(doc, LAYOUT_HEADINGS) if h.start_char < limit and int(h.label_ or 9) <= 1
                 and not NUMBERED_LINE.match(text, h.start_char)]  # '1 Introduction' is a section
        if not found:
            return None
        title = min(found, key=lambda h: (int(h.label_), h.start_char))  # a Title before a Heading 1
        return title.start_char, title.end_char

    def stated_count(self, text, end, doc, spans):
        match = self._first("STATED_COUNT", text, 0, end)
        if match is None:
            return None, None
        number = match
        for pattern in self.patterns.get("STATED_TOTAL", []):  # on the same line, after the count
            total = pattern.match(text, match.end(), end)
            if total is not None:
                number = total
                break
        value = parse_number(number.group("number"), self.number_words)
        _add(doc, spans, number.span("number"), "N_STATED")
        stop = max(match.end(), number.end())
        if number is match and value is not None:
            added, stop = self._addition(doc, text, match.end(), end)
            value += added
        return value, (match.start(), stop)

    def _addition(self, doc: Doc, text: str, position: int, end: int) -> tuple[int, int]:
        """Respondents added right after the count, and where their mention ends (with the
        list of their codes): '23 Member States and Norway' (a name counts when the
        countries stage found a country there), '... and two EMN observer countries (GE, MD)'."""
        for pattern in self.patterns.get("STATED_ADDITION", []):
            added = pattern.match(text, position, end)
            if added is None:
                continue
            listed = ADDED_LIST.match(text, added.end(), end)
            stop = listed.end() if listed else added.end()
            if added.group("number"):
                return parse_number(added.group("number"), self.number_words) or 0, stop
            start, name_end = added.span("name")
            countries = group_ranges(doc, COUNTRIES)[1]
            return (1 if any(s < name_end and start < e for s, e, _ in countries) else 0), stop
        return 0, position

    def respondents(self, doc: Doc, intro_end: int, stated_span: tuple[int, int] | None) -> list[Span]:
        """Countries of the footnote the stated number points to, or of its sentence; never
        those a sentence or footnote says did not reply."""
        footnote_spans = group(doc, FOOTNOTES)
        countries = group(doc, COUNTRIES)
        declined = self._no_reply(doc, intro_end, footnote_spans)
        mentions = [countries[index] for index, (start, _, _) in enumerate(group_ranges(doc, COUNTRIES)[1])
                    if (start < intro_end or any(f.start_char <= start < f.end_char for f in footnote_spans))
                    and not any(s <= start < e for s, e in declined)]
        numbered = ((self._footnote_number(doc, f), f) for f in footnote_spans)
        footnotes = {number: f for number, f in numbered if number is not None}
        if stated_span is not None:
            sentence_end = _sentence_end(doc._.raw_text, stated_span[1])
            for match in self.patterns.get("FOOTNOTE_MARKER", []):
                for marker in match.finditer(doc._.raw_text, stated_span[0], sentence_end):
                    number = footnote_number(marker.group("number") or marker.group("plain"))
                    footnote = footnotes.get(number) if number is not None else None
                    listed = _within(mentions, footnote) if footnote is not None else []
                    if len(listed) >= MIN_LISTED_RESPONDENTS:  # with those added after the count
                        return listed + [s for s in mentions if marker.end() <= s.start_char < stated_span[1]]
            listed = [s for s in mentions if stated_span[0] <= s.start_char < sentence_end]
            if len(listed) >= MIN_LISTED_RESPONDENTS:
                return listed
        for footnote in sorted(footnote_spans, key=lambda f: f.start_char):
            listed = _within(mentions, footnote)
            if len(listed) >= MIN_LISTED_RESPONDENTS and self._is_list(doc, footnote, listed):
                return listed
        for code_list in group(doc, CODE_LISTS):
            if code_list.start_char < intro_end:
                listed = _within(mentions, code_list)
                if len(listed) >= MIN_LISTED_RESPONDENTS:
                    return listed
        return []

    def _no_reply(self, doc: Doc, intro_end: int, footnotes: list[Span]) -> list[tuple[int, int]]:
        """The sentences and footnotes of the front matter that name countries asked but not
        replying ('also addressed to Georgia (GE), from which no reply had been received')."""
        text = doc._.clean_text
        cues = [m.start() for p in self.patterns.get("NO_REPLY", []) for m in p.finditer(text)]
        ranges = [(f.start_char, f.end_char) for f in footnotes if any(f.start_char <= c < f.end_char for c in cues)]
        for cue in cues:
            if cue < intro_end and not any(s <= cue < e for s, e in ranges):
                start = max(text.rfind(". ", 0, cue) + 2, text.rfind("\n\n", 0, cue) + 2, 0)
                ranges.append((start, _sentence_end(text, cue)))
        return ranges

    def _footnote_number(self, doc: Doc, footnote: Span) -> int | None:
        for pattern in self.patterns.get("FOOTNOTE_NUMBER", []):
            match = pattern.match(doc._.raw_text, footnote.start_char)
            if match:
                return footnote_number(match.group("number"))
        return None

    @staticmethod
    def _is_list(doc: Doc, footnote: Span, listed: list[Span]) -> bool:
        """Most of the footnote's words are the countries it names."""
        words = re.findall(r"[A-Za-z]+", doc._.clean_text[footnote.start_char:footnote.end_char])
        country_words = sum(len(span.text.split()) for span in listed)
        return country_words >= 0.6 * max(1, len(words) - words.count("and"))


def _iso_date(match: re.Match[str]) -> str:
    """A date the DATE rules matched, as ISO; '' when it is no real day (31 February).

    The rules find dates; python-dateutil reads each form they accept ('18th of April 2016',
    'April 18, 2016', '18.04.2016', day first as Europeans write)."""
    try:
        return parser.parse(match.group(), dayfirst=True, default=DATE_DEFAULT).date().isoformat()
    except (ValueError, OverflowError):
        return ""


def _add(doc: Doc, spans: list[Span], char_range: tuple[int, int], label: str) -> None:
    span = doc.char_span(char_range[0], char_range[1], label=label, alignment_mode="expand")
    if span is not None:
        spans.append(span)


def _within(mentions: list[Span], container: Span) -> list[Span]:
    """The mentions (in text order) that start inside the container, found by bisection."""
    start = bisect_left(mentions, container.start_char, key=attrgetter("start_char"))
    return mentions[start:bisect_left(mentions, container.end_char, key=attrgetter("start_char"))]


def _wrapped_end(text: str, end: int) -> int:
    """Where a title line ends, with the lines it wraps onto: those that go on in lower case
    ('... of temporary' / 'protection and secondary movements')."""
    while (match := WRAPPED_LINE.match(text, end)) is not None:
        end = match.end()
    return end


def _sentence_end(text: str, position: int) -> int:
    """End of the sentence at `position`: a stop before a space, or a paragraph break."""
    match = SENTENCE_OR_PARAGRAPH_END.search(text, position)
    return match.end() if match else len(text)


@Language.factory("emn_metadata", assigns=["doc._.metadata", "doc.spans"],
                  requires=["doc.spans"],
                  default_config={"rules": "default", "number_words": shared_config("number_words")})
def make_metadata(nlp: Language, name: str, rules: str, number_words: list[str]) -> Metadata:
    return Metadata(nlp, name, rules, number_words)
