"""Replies: a compilation's replies, one per country, split into answers to its questions.

A compilation gives each country's own reply, as a section (the country's name on its own
line, 'Wider Dissemination: Yes', then the reply) or as a row of a table (Country | Wider
Dissemination | Response) whose cells a page break may split over two rows. A reply answers
the questions the compilation lists: numbered ('1.', 'Q1:', 'Question 1', 'Ad 1.'), several
at once ('2.-4.', 'Q1-Q5:'), or in unnumbered paragraphs taken in order where their count
matches. A withheld reply makes its country a respondent with no answer. The stance of each
answer is the stance stage's to decide; this stage notes an explicit 'Yes' or 'No' first and
a reply that only refers elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from ._extensions import group, group_ranges, install_extensions, msgpack_codec, set_group
from .countries import COUNTRIES
from .normalize import plain_text
from .overview import Cell, table_rows
from .rules import PatternRule, RuleComponent
from .schema import bare_number
from .sections import QUESTIONS, REPLY_MARKERS, TABLE_BLOCKS

__all__ = ["ANSWERS", "ReplyRule", "Answer", "Reply", "Replies"]

ANSWERS = "emn_answers"  # one span per answer, labelled with its country's code
LINES = re.compile(r"[^\n\u2029]+")  # paragraphs one per line, or the paragraphs of a Word table's cell
BLOCKS = re.compile(r"(?:[^\n\u2029]|\n(?![ \t]*\n))+")  # paragraphs apart by blank lines, their lines wrapped
BLANK_LINE = re.compile(r"\n[ \t]*\n")
AFTER_SENTENCE = ".!?:;"  # an answer's number within a line follows the end of the answer before it...
NUMBER_MARKS = (".", ":", ")", "\u2013", "\u2014", "-")  # ...and is marked: 'Q2', or a stop after it ('2.')
Range = tuple[int, int]


@dataclass
class ReplyRule(PatternRule):
    """A regex for the parts of a reply: an answer's number, a withheld reply, an explicit
    answer, a mere reference, and the columns of a table of replies.

    >>> ReplyRule(regex="(?i)^\\\\W*yes\\\\b", category="EXPLICIT_YES").category
    'EXPLICIT_YES'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset({
        "ANSWER_NUMBER", "NOT_DISSEMINATED", "WITHHELD", "EXPLICIT_YES", "EXPLICIT_NO", "REFERENCE",
        "COUNTRY_COLUMN", "DISSEMINATION_COLUMN", "RESPONSE_COLUMN"})
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


@dataclass(frozen=True)
class Answer:
    """A reply's answer to one question or to several at once, by its pieces of text."""

    questions: tuple[str, ...]
    pieces: tuple[Range, ...]  # a page break may split an answer in a table over two cells
    explicit: str  # 'yes' or 'no' when the answer opens with it, else ''
    reference: bool  # the answer only refers elsewhere ('Please refer to the circular ...')

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


@dataclass(frozen=True)
class Reply:
    """One country's reply: where its name stands, and its answers (none when withheld)."""

    country: str
    start: int
    end: int
    withheld: bool
    answers: tuple[Answer, ...]
    unread: str  # why the reply could not be split into answers, or ''


msgpack_codec("answer", Answer, astuple, lambda data: Answer(data[0], tuple(map(tuple, data[1])), *data[2:]))
msgpack_codec("reply", Reply, astuple, lambda data: Reply(*data))


class Replies(RuleComponent):
    """Sets `doc._.replies` and the `emn_answers` group, on a compilation of replies."""

    FACTORY = "emn_replies"
    RULE_CLASS = ReplyRule

    def __init__(self, nlp: Language, name: str = "emn_replies", rules: str = "default") -> None:
        install_extensions()
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        self.patterns = {category: [rule.compiled() for rule in self.rules_of(category)]
                         for category in ReplyRule.CATEGORIES}

    def _says(self, category: str, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.patterns[category])

    def __call__(self, doc: Doc) -> Doc:
        markers = group(doc, REPLY_MARKERS)
        questions = [label for _, _, label in group_ranges(doc, QUESTIONS)[1]]
        replies: list[Reply] = []
        if markers and questions:
            text = doc._.clean_text
            if text[markers[0].start_char:markers[0].end_char].lstrip().startswith("|"):
                replies = self.table_replies(doc, markers[0].start_char, questions)
            else:
                replies = self.section_replies(doc, markers, questions)
        doc._.replies = tuple(replies)
        answers = [doc.char_span(answer.start, answer.end, label=reply.country, alignment_mode="expand")
                   for reply in replies for answer in reply.answers]
        set_group(doc, ANSWERS, [span for span in answers if span is not None])
        return doc

    # -- replies ------------------------------------------------------------------------------

    def section_replies(self, doc: Doc, markers: list[Span], questions: list[str]) -> list[Reply]:
        """A reply per 'Wider Dissemination' line, under the line naming its country, running
        to the next country's line."""
        text = doc._.clean_text
        heads = []
        for marker in markers:
            country = self._country_line_above(doc, marker.start_char)
            if country is not None:
                heads.append((country, marker))
        replies = []
        for index, ((code, start, end), marker) in enumerate(heads):
            stop = heads[index + 1][0][1] if index + 1 < len(heads) else len(text)
            withheld = self._says("NOT_DISSEMINATED", marker.text) or \
                self._says("WITHHELD", text[marker.end_char:stop])
            replies.append(self.reply(doc, code, (start, end), [(marker.end_char, stop)], questions, withheld))
        return replies

    def _country_line_above(self, doc: Doc, position: int) -> tuple[str, int, int] | None:
        """The country named alone on the nearest line above a position."""
        text = doc._.clean_text
        end = position
        while end > 0 and text[end - 1].isspace():
            end -= 1
        start = text.rfind("\n", 0, end) + 1
        starts, countries = group_ranges(doc, COUNTRIES)
        inside = [(code, s, e) for s, e, code in countries if start <= s and e <= end]
        rest = text[start:end]
        for _, s, e in inside:
            rest = rest.replace(text[s:e], "")
        rest = re.sub(r"\b(?:the|of)\b", "", rest, flags=re.I)
        if len({code for code, _, _ in inside}) == 1 and not re.search(r"[^\W\d_]{2,}", rest):
            return inside[0]
        return None

    def table_replies(self, doc: Doc, position: int, questions: list[str]) -> list[Reply]:
        """A reply per row of the table of replies; a row whose country cell is empty goes on
        from the row above (a page break split it)."""
        block = next((b for b in group(doc, TABLE_BLOCKS) if b.start_char <= position < b.end_char), None)
        if block is None:
            return []
        rows = table_rows(doc, block.start_char, block.end_char)
        header = [cell.text for cell in rows[0]]
        country = self._column(header, "COUNTRY_COLUMN", 0)
        dissemination = self._column(header, "DISSEMINATION_COLUMN", 1)
        response = self._column(header, "RESPONSE_COLUMN", len(header) - 1)
        logical: list[list[list[Cell]]] = []
        for row in rows[1:]:
            texts = [cell.text for cell in row]
            if texts == header or all(re.fullmatch(r"[:\-\s]*", t) for t in texts) or len(row) <= response:
                continue  # a repeated header, or the separator under the header
            if logical and not row[country].text:
                logical[-1].append(row)
            else:
                logical.append([row])
        replies = []
        starts, countries = group_ranges(doc, COUNTRIES)
        for parts in logical:
            cell = parts[0][country]
            named = [(code, s, e) for s, e, code in countries if cell.start <= s and e <= cell.end]
            if not named:
                continue
            code, start, end = named[0]
            withheld = self._says("NOT_DISSEMINATED", parts[0][dissemination].text) or \
                any(self._says("WITHHELD", row[response].text) for row in parts)
            pieces = [(row[response].start, row[response].end) for row in parts]
            replies.append(self.reply(doc, code, (start, end), pieces, questions, withheld))
        return replies

    def _column(self, header: list[str], category: str, default: int) -> int:
        found = [index for index, text in enumerate(header) if self._says(category, text)]
        return found[0] if found else min(default, len(header) - 1)

    # -- answers ------------------------------------------------------------------------------

    def reply(self, doc: Doc, code: str, name: Range, segments: list[Range], questions: list[str],
              withheld: bool) -> Reply:
        if withheld:
            return Reply(code, name[0], name[1], True, (), "")
        answers, unread = self.answers(doc, segments, questions)
        return Reply(code, name[0], name[1], False, tuple(answers), unread)

    def answers(self, doc: Doc, segments: list[Range], questions: list[str]) -> tuple[list[Answer], str]:
        """The reply's answers by their numbers; else its paragraphs, one per question, when
        their count matches; else none, and why."""
        text = doc._.clean_text
        segments = [(s, e) for s, e in (_trim(text, s, e) for s, e in segments) if s < e]
        if not segments:
            return [], "the reply is empty"
        numbers = self._numbers(text, segments, questions)
        found: list[tuple[tuple[str, ...], list[Range]]] = []
        if numbers:
            for index, (covered, _, content) in enumerate(numbers):
                stop = numbers[index + 1][1] if index + 1 < len(numbers) else segments[-1][1]
                found.append((covered, _pieces(segments, content, stop)))
        else:
            blocks = BLOCKS if any(BLANK_LINE.search(text, start, end) for start, end in segments) else LINES
            grouped: list[list[Range]] = []
            for number, (start, end) in enumerate(segments):
                for index, m in enumerate(m for m in blocks.finditer(text[start:end]) if m.group().strip()):
                    piece = (start + m.start(), start + m.end())
                    last = text[grouped[-1][-1][0]:grouped[-1][-1][1]].rstrip() if grouped else ""
                    if number and not index and last and last[-1] not in AFTER_SENTENCE:
                        grouped[-1].append(piece)  # a paragraph a page break split goes on in the next cell
                    else:
                        grouped.append([piece])
            if len(questions) == 1:
                grouped = [[piece for pieces in grouped for piece in pieces]]
            if len(grouped) == len(questions):
                found = [((question,), ranges) for question, ranges in zip(questions, grouped, strict=False)]
            elif grouped:
                return [], f"{len(grouped)} unnumbered paragraphs for {len(questions)} questions"
        answers = []
        for covered, ranges in found:
            pieces = [(s, e) for s, e in (_trim(text, s, e) for s, e in ranges) if s < e]
            if not pieces:
                continue
            opening = plain_text(doc, pieces[0][0], pieces[0][1])
            explicit = "yes" if self._says("EXPLICIT_YES", opening) else "no" if self._says("EXPLICIT_NO", opening) \
                else ""
            answers.append(Answer(covered, tuple(pieces), explicit, self._says("REFERENCE", opening)))
        return answers, ""

    def _numbers(self, text: str, segments: list[Range],
                 questions: list[str]) -> list[tuple[tuple[str, ...], int, int]]:
        """(questions covered, marker start, answer start) of each answer number in the reply,
        in the order of the questions: a number out of order is a number in the text."""
        candidates = []
        for start, end in segments:
            for pattern in self.patterns["ANSWER_NUMBER"]:
                for match in pattern.finditer(text, start, end):
                    before = text[start:match.start()].rstrip(" \t")
                    if not before.strip() or before[-1] in "\n\u2029" or (
                            before[-1] in AFTER_SENTENCE and _marked(match.group().strip())):
                        candidates.append(match)
        candidates.sort(key=lambda m: m.start())
        kept: list[tuple[tuple[str, ...], int, int]] = []
        last = -1
        for match in candidates:
            numbers = [bare_number(question) for question in questions]  # 'Q1:' and '1.' answer question 'Q1'
            first = numbers.index(match.group("first")) if match.group("first") in numbers else -1
            final = numbers.index(match.group("last")) if match.group("last") in numbers else first
            if first > last and final >= first and (not kept or match.start() >= kept[-1][2]):
                kept.append((tuple(questions[first:final + 1]), match.start(), match.end()))
                last = final
        return kept


def _marked(number: str) -> bool:
    """Whether an answer number within a line is marked as one ('Q2', 'Question 2', '2.', '2:'),
    not a bare number that follows a full stop ('... Act, nos. 3 and 4')."""
    return number[:1].isalpha() or number.endswith(NUMBER_MARKS)


def _pieces(segments: list[Range], start: int, stop: int) -> list[Range]:
    """The parts of the segments between two offsets."""
    return [(max(s, start), min(e, stop)) for s, e in segments if s < stop and start < e]


def _trim(text: str, start: int, end: int) -> Range:
    while start < end and (text[start].isspace() or text[start] == "|"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "|"):
        end -= 1
    return start, end


@Language.factory("emn_replies", assigns=["doc._.replies", "doc.spans"], requires=["doc.spans"],
                  default_config={"rules": "default"})
def make_replies(nlp: Language, name: str, rules: str) -> Replies:
    return Replies(nlp, name, rules)
