"""Sections: question headings, the body each question owns, and the statements in a body.

A question is a numbered heading whose text asks something (it may wrap over lines and hold
two questions). Its body runs to the next heading of any kind. A body is cut into
statements, the unit a country is coded in: sentences of prose paragraphs, and bullets,
each bullet remembering the sentence that leads in to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from ._extensions import group, install_extensions, set_group, span_values
from .normalize import LAYOUT_HEADINGS
from .rules import LexiconRule, PatternRule, RuleComponent
from .schema import bare_number

__all__ = ["HEADINGS", "TABLE_BLOCKS", "REPLY_MARKERS", "QUESTIONS", "QUESTION_BODIES", "STATEMENTS", "RULE_LINE",
           "SectionRule", "SectionLexicon", "Heading", "Sections", "aligned_cells", "collapse",
           "question_number"]

HEADINGS = "emn_headings"
TABLE_BLOCKS = "emn_table_blocks"
REPLY_MARKERS = "emn_reply_markers"  # 'Wider Dissemination: Yes' lines or headers: the document is a compilation
QUESTIONS = "emn_questions"
QUESTION_BODIES = "emn_question_bodies"
STATEMENTS = "emn_statements"

MAX_HEADING_LINES = 4  # a heading wraps over at most this many lines
NOTE_REACH = 6  # line breaks between a table and its note or caption below it (a footnote blanked between)
MIN_ALIGNED_ROWS = 3  # rows under its header that make lines aligned on columns a table
MAX_HEADER_CELL = 40  # characters: a column header is a label, not a sentence
COLUMN_SLACK = 2  # characters a cell may start before its column (a mark centred under its header)
MAX_STATEMENT = 1500  # characters: the longest sentence of the test summaries has 870
BLANK_LINE = re.compile(r"\n[ \t]*\n")
LAST_WORD = re.compile(r"([\w.]+)\.?$")  # the word a full stop ends, to test for abbreviations
ABBREVIATION_REACH = 64  # characters searched back for that word
NEXT_CHAR = re.compile(r"\s*(\S)")  # the first character after a possible sentence end
LINE = re.compile(r"[^\n]*")
RULE_LINE = re.compile(r"[ \t]*[-=_\u2013\u2014\u2500]+[ \t]*")  # a line drawn under a plain-text table's header


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped."""
    return " ".join(text.split())


@dataclass
class SectionRule(PatternRule):
    """A regex for a heading, a bullet or a sentence end.

    >>> SectionRule(regex="(?m)^(?P<number>\\d)\\. (?P<text>.+)$", category="TOP_HEADING").category
    'TOP_HEADING'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset({
        "NUMBERED_HEADING", "TOP_HEADING", "QUESTION_HEADING", "ANSWER_HEADING", "SUB_HEADING", "PLAIN_HEADING",
        "SECTION_HEADING", "BULLET", "SENTENCE_END", "TABLE_ROW", "COLUMN_GAP", "TABLE_CAPTION", "TABLE_NOTE",
        "REPLY_MARKER"})
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


@dataclass
class SectionLexicon(LexiconRule):
    NAMES: ClassVar[frozenset[str]] = frozenset({"request_openers", "abbreviations", "continuing_punctuation"})


@dataclass
class Heading:
    """A heading line: a question ('3.1', '2a'), an answer section ('Question 1'), or a title.

    `number` is the question id it carries; a PARENT is a numbered line that is no heading
    ('2. Where a procedure exists:') but numbers the sub-questions under it."""

    start: int
    end: int
    text_start: int
    number: str | None
    kind: str  # QUESTION, ANSWER, SECTION or PARENT
    letter: str = ""  # a sub-question's letter, before its parent's number is known


QUESTION, ANSWER, SECTION, PARENT = "QUESTION", "ANSWER", "SECTION", "PARENT"
Body = tuple[str, tuple[int, int]]  # a question's id and the range of its body
NUMBERED = ("NUMBERED_HEADING", "TOP_HEADING", "QUESTION_HEADING")


def column_of(position: int, columns: tuple[int, ...]) -> int:
    """The column a cell starting at this position stands in: the last that starts before it
    (or a little after it: a mark centred under its header)."""
    return max(index for index, start in enumerate((0, *columns[1:])) if start <= position + COLUMN_SLACK)


def aligned_cells(text: str, start: int, end: int, columns: tuple[int, ...]) -> list[tuple[int, int]]:
    """The (start, end) of each column's cell in the line text[start:end] of a table aligned
    with spaces; an empty cell is empty. A column's border moves right out of a word that
    runs over it."""
    borders = [start] + [start + max(0, column - COLUMN_SLACK) for column in columns[1:]] + [end]
    for index in range(1, len(borders) - 1):
        border = min(max(borders[index], borders[index - 1]), end)
        while start < border < end and not text[border - 1].isspace() and not text[border].isspace():
            border += 1
        borders[index] = border
    cells = []
    for left, right in zip(borders, borders[1:], strict=False):
        piece = text[left:right]
        stripped = piece.strip()
        offset = left + (piece.find(stripped) if stripped else 0)
        cells.append((offset, offset + len(stripped)))
    return cells


def question_number(written: str, prefix: str = "") -> str:
    """A question id as numbered in the text: '3.2.b.' -> '3.2b', '2 a)' -> '2a'; a number
    written with its 'Q' keeps it ('Q4-5.' -> 'Q4-5', 'Q.2' -> 'Q2'), 'Question 3' is '3'."""
    number = re.sub(r"\s+", "", written).rstrip(".)")
    return prefix + re.sub(r"\.(?=[a-h]$)", "", number)



class Sections(RuleComponent):
    """Finds headings, question bodies, statements (sentences and bullets) and table blocks."""

    FACTORY = "emn_sections"
    RULE_CLASS = SectionRule
    LEXICON_CLASS = SectionLexicon

    def __init__(self, nlp: Language, name: str = "emn_sections", rules: str = "default") -> None:
        install_extensions()
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        heading_categories = (*NUMBERED, "ANSWER_HEADING", "SUB_HEADING", "PLAIN_HEADING", "SECTION_HEADING")
        self.heading_patterns = [(rule.category, rule.compiled()) for rule in self.rules
                                 if rule.category in heading_categories]
        self.bullet_patterns = [rule.compiled() for rule in self.rules_of("BULLET")]
        ends = self.rules_of("SENTENCE_END")
        self.sentence_end = ends[0].compiled() if ends else re.compile(r"[.!?](?=\s)")
        self.table_row = [rule.compiled() for rule in self.rules_of("TABLE_ROW")]
        self.column_gap = [rule.compiled() for rule in self.rules_of("COLUMN_GAP")]
        self.table_caption = [rule.compiled() for rule in self.rules_of("TABLE_CAPTION")]
        self.table_note = [rule.compiled() for rule in self.rules_of("TABLE_NOTE")]
        self.reply_markers = [rule.compiled() for rule in self.rules_of("REPLY_MARKER")]
        self.request_openers = {t.lower() for t in self.lexicons.get("request_openers", [])}
        self.abbreviations = {t.lower() for t in self.lexicons.get("abbreviations", [])}
        self.continuing = tuple(self.lexicons.get("continuing_punctuation", [".", "?", "!"]))

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.body_text
        tables, outside, aligned = self.find_tables(text)
        layout = [(s.start_char, s.end_char) for s in group(doc, LAYOUT_HEADINGS) if s.label_ != "0"]  # not the title
        markers = sorted({m.span() for p in self.reply_markers for m in p.finditer(text)})
        headings = self.find_headings(text, layout, tables)
        if markers:  # a compilation of replies: its questions are those it lists before the replies
            headings = [h for h in headings if h.start < markers[0][0]]
        questions, bodies = self.question_sections(headings, text)
        if markers:
            bodies = []
        heading_spans = [doc.char_span(h.start, h.end, label=h.number or "", alignment_mode="expand")
                         for h in headings if h.kind != PARENT]
        question_spans, body_spans, statement_spans = [], [], []
        for heading in questions:
            question = doc.char_span(heading.text_start, heading.end, label=heading.number or "",
                                     alignment_mode="expand")
            if question is not None:
                question_spans.append(question)
        for number, (start, end) in bodies:
            body = doc.char_span(start, end, label=number, alignment_mode="expand")
            if body is not None:
                body_spans.append(body)
                statement_spans.extend(self.statements(doc, text, start, end, outside))
        set_group(doc, HEADINGS, [s for s in heading_spans if s is not None])
        set_group(doc, QUESTIONS, sorted(question_spans, key=lambda s: s.start_char))
        set_group(doc, QUESTION_BODIES, sorted(body_spans, key=lambda s: s.start_char))
        set_group(doc, STATEMENTS, sorted(statement_spans, key=lambda s: s.start_char))
        set_group(doc, TABLE_BLOCKS, [span for start, end in tables
                                      if (span := doc.char_span(start, end, label="table",
                                                                alignment_mode="expand")) is not None])
        table_columns = span_values(doc, "table_columns")
        for span in group(doc, TABLE_BLOCKS):
            columns = next((c for (s, e), c in aligned.items() if span.start_char <= s < span.end_char), None)
            if columns is not None:
                table_columns[span.start_char, span.end_char] = columns
        set_group(doc, REPLY_MARKERS, [span for start, end in markers
                                       if (span := doc.char_span(start, end, alignment_mode="expand")) is not None])
        return doc

    # -- headings -------------------------------------------------------------------------

    def find_headings(self, text: str, layout: list[tuple[int, int]], tables: list[tuple[int, int]]) -> list[Heading]:
        """Every heading in order; a line set as a heading by its layout (a Word heading style)
        is a section title when no rule reads it as more."""
        found: dict[int, Heading] = {}
        claimed = bytearray(len(text) + 1)  # 1 inside a table or a heading found: a lookup per match, not a scan
        for start, end in tables:
            claimed[start:end] = b"\x01" * max(0, end - start)
        for category, pattern in self.heading_patterns:
            for match in pattern.finditer(text):
                if match.start() in found or claimed[match.start()]:
                    continue
                heading = self._heading(category, match, text)
                if heading is not None:
                    found[match.start()] = heading
                    if heading.kind != PARENT:
                        claimed[heading.start:heading.end] = b"\x01" * max(0, heading.end - heading.start)
        for start, end in layout:
            line_start = text.rfind("\n", 0, start) + 1
            if not any(h.start <= start < max(h.end, h.start + 1) for h in found.values()) \
                    and not claimed[start] and text[line_start:start].strip() == "":
                found[start] = Heading(start, end, start, None, SECTION)
        headings = [found[start] for start in sorted(found)]
        parent: str | None = None
        for heading in headings:  # a sub-question takes the number of the line above it
            if heading.letter:
                heading.number = f"{parent}{heading.letter}" if parent else None
                if heading.number is None:
                    heading.kind = SECTION
            elif heading.number is not None:
                parent = re.sub(r"[a-h]$", "", heading.number)
        return headings

    def _heading(self, category: str, match: re.Match[str], text: str) -> Heading | None:
        groups = match.groupdict()
        text_start = match.start("text") if groups.get("text") is not None else match.end()
        prefix = "Q" if groups.get("q") else ""  # 'Q1.' is numbered 'Q1', 'Question 1' is numbered '1'
        if category == "ANSWER_HEADING":
            return Heading(match.start(), match.end(), match.end(), question_number(groups["number"], prefix), ANSWER)
        if category in ("PLAIN_HEADING", "SECTION_HEADING"):
            return Heading(match.start(), match.end(), text_start, None, SECTION)
        end = self._heading_end(text, text_start, match.end())
        asks = self._asks(collapse(text[text_start:end]))
        if category == "SUB_HEADING":
            if not asks:
                return None  # an enumerated bullet, not a sub-question
            return Heading(match.start(), end, text_start, None, QUESTION, letter=groups["letter"])
        number = question_number(groups["number"], prefix)
        if asks or category == "QUESTION_HEADING":
            return Heading(match.start(), end, text_start, number, QUESTION)
        title = collapse(text[text_start:match.end()])
        kind = SECTION if category != "TOP_HEADING" or self._looks_like_title(title) else PARENT
        return Heading(match.start(), match.end(), text_start, number, kind)

    @staticmethod
    def question_sections(headings: list[Heading], text: str) -> tuple[list[Heading], list[Body]]:
        """The questions and (question id, body range) of each answered one.

        A question's body runs to the next heading. Where questions are listed up front and
        answered under short headings ('Question 1'), the list gives the question's text and
        the answer section its body; a question listed twice keeps the heading that has one."""
        answer_headings = [h for h in headings if h.kind == ANSWER and h.number]
        if answer_headings:
            listed_numbers = {bare_number(str(h.number)) for h in headings
                              if h.kind == QUESTION and h.number and h.start < answer_headings[0].start}
            for heading in headings:  # '**2a)** Access is ...' in an answer section answers sub-question 2a
                if heading.kind == PARENT and heading.start > answer_headings[0].start \
                        and bare_number(str(heading.number)) in listed_numbers:
                    heading.kind, heading.end = ANSWER, heading.text_start
        boundaries = [h for h in headings if h.kind != PARENT]
        body_of: dict[int, tuple[int, int]] = {}
        for index, heading in enumerate(boundaries):
            if heading.kind in (QUESTION, ANSWER):
                end = boundaries[index + 1].start if index + 1 < len(boundaries) else len(text)
                body_of[id(heading)] = (heading.end, end)
        questions = [h for h in boundaries if h.kind == QUESTION and h.number]
        answers = [h for h in boundaries if h.kind == ANSWER and h.number]
        if answers:
            first_answer = answers[0].start
            listed = {h.number: h for h in questions if h.start < first_answer}
            listed_id = {bare_number(str(number)): str(number) for number in listed}  # 'Q1' answers '1.'
            later = [h for h in questions if h.start > first_answer]
            bodies = [(listed_id.get(bare_number(str(a.number)), str(a.number)), body_of[id(a)]) for a in answers]
            bodies += [(str(h.number), body_of[id(h)]) for h in later]
            return list(listed.values()) + later, bodies
        kept: dict[str, Heading] = {}
        for heading in questions:
            previous = kept.get(str(heading.number))
            if previous is None or not text[slice(*body_of[id(previous)])].strip():
                kept[str(heading.number)] = heading
        chosen = sorted(kept.values(), key=lambda h: h.start)
        return chosen, [(str(h.number), body_of[id(h)]) for h in chosen]

    def _heading_end(self, text: str, text_start: int, line_end: int) -> int:
        """Extend a heading over wrapped lines: until it asks its question, at most a few lines."""
        end = line_end
        for _ in range(MAX_HEADING_LINES - 1):
            current = text[text_start:end].rstrip()
            if end >= len(text) or text[end:end + 1] != "\n":
                break
            next_end = text.find("\n", end + 1)
            next_end = len(text) if next_end < 0 else next_end
            line = text[end + 1:next_end].strip()
            if not line or self._is_bullet(line) or self._starts_heading(text, end + 1):
                break
            if current.endswith("?"):
                if not (line.endswith("?") and line[:1].isupper()):
                    break  # the body starts; only a second question continues the heading
            elif current.endswith((".", ":", ";")) and not line.endswith("?") and not line[:1].islower():
                break  # a line that goes on in lower case continues the heading ('..., i.e.' / 'before ...')
            end = next_end
            if not current.endswith("?") and not line.endswith("?") and line.endswith("."):
                break
        return end

    def _starts_heading(self, text: str, position: int) -> bool:
        return any(p.match(text, position) for _, p in self.heading_patterns)

    def _is_bullet(self, line: str) -> bool:
        return any(p.match(line) for p in self.bullet_patterns)

    def _asks(self, heading_text: str) -> bool:
        first = heading_text.split(" ", 1)[0].lower().strip(",:")
        return "?" in heading_text or first in self.request_openers

    @staticmethod
    def _looks_like_title(heading_text: str) -> bool:
        letters = [c for c in heading_text if c.isalpha()]
        upper = sum(c.isupper() for c in letters)
        return bool(letters) and (upper / len(letters) > 0.6 or (
            len(heading_text) <= 60 and not heading_text.endswith(".")))

    # -- tables -----------------------------------------------------------------------------

    def find_tables(self, text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]],
                                              dict[tuple[int, int], tuple[int, ...]]]:
        """The table blocks (runs of table rows, or lines aligned on columns), the ranges that
        are no statements (the tables with their caption above and their notes below), and the
        columns of each table aligned with spaces."""
        rows = sorted({m.span() for p in self.table_row for m in p.finditer(text)})
        tables: list[list[int]] = []
        for start, end in rows:
            if tables and not text[tables[-1][1]:start].strip():
                tables[-1][1] = end
            else:
                tables.append([start, end])
        aligned = self.aligned_tables(text) if self.column_gap else {}
        tables = sorted(tables + [[start, end] for start, end in aligned])
        outside = []
        for start, end in tables:
            outside.append((start, end))
            caption = self._paragraph_before(text, start)
            if caption is not None and any(p.match(text, caption[0]) for p in self.table_caption):
                outside.append(caption)
            cursor = end  # below it, its notes, and a caption set under the table (past blanked footnotes)
            while (note := self._paragraph_after(text, cursor, NOTE_REACH)) is not None \
                    and any(p.match(text, note[0]) for p in self.table_note + self.table_caption):
                outside.append(note)
                cursor = note[1]
        return [(start, end) for start, end in tables], sorted(outside), aligned

    def aligned_tables(self, text: str) -> dict[tuple[int, int], tuple[int, ...]]:
        """Plain-text tables aligned with spaces, and where each one's columns start: a header
        line of short labels apart by column gaps, then at least a few lines whose cells each
        start under one of its labels ('State    Yes    No' over 'AT       X')."""
        lines, position = [], 0
        for line in text.split("\n"):
            lines.append((position, position + len(line)))
            position += len(line) + 1
        found: dict[tuple[int, int], tuple[int, ...]] = {}
        index = 0
        while index < len(lines):
            start, end = lines[index]
            header = self._cells(text, start, end)
            columns = tuple(s - start for s, _ in header)
            if len(header) < 2 or any(e - s > MAX_HEADER_CELL for s, e in header):
                index += 1
                continue
            last, filled = index, 0
            while last + 1 < len(lines) and (cells := self._under(text, *lines[last + 1], columns)):
                last += 1
                filled += cells > 1
            if last - index >= MIN_ALIGNED_ROWS and 2 * filled >= last - index:
                found[start, lines[last][1]] = columns
                index = last + 1
            else:
                index += 1
        return found

    def _cells(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The (start, end) of each cell of a line, cells apart by a column gap."""
        line = text[start:end]
        if not line.strip() or "|" in line:
            return []
        cells, cursor = [], len(line) - len(line.lstrip())
        for gap in self.column_gap[0].finditer(line, cursor):
            if gap.start() > cursor:
                cells.append((start + cursor, start + gap.start()))
            cursor = gap.end()
        if cursor < len(line.rstrip()):
            cells.append((start + cursor, start + len(line.rstrip())))
        return cells

    def _under(self, text: str, start: int, end: int, columns: tuple[int, ...]) -> int:
        """How many cells a line has if they start under the columns (the first in the first,
        one per column, a lone cell short as a label); else 0."""
        if RULE_LINE.fullmatch(text, start, end) and text[start:end].strip():
            return 1  # a rule under the header ('------'), part of the table
        cells = self._cells(text, start, end)
        if not cells or cells[0][0] - start > columns[0] + COLUMN_SLACK or len(cells) > len(columns):
            return 0
        if len(cells) == 1 and cells[0][1] - cells[0][0] > MAX_HEADER_CELL:
            return 0  # a line of prose
        taken = [column_of(s - start, columns) for s, _ in cells]
        return len(cells) if taken[0] == 0 and len(set(taken)) == len(taken) else 0

    @staticmethod
    def _paragraph_before(text: str, position: int) -> tuple[int, int] | None:
        """The paragraph just above a position, at most one blank line away."""
        end = position
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if end == 0 or text.count("\n", end, position) > 2:
            return None
        start = end
        while start > 0:
            line_start = text.rfind("\n", 0, start - 1) + 1
            if not text[line_start:start].strip():
                break
            start = line_start
        return start + len(text[start:end]) - len(text[start:end].lstrip()), end

    @staticmethod
    def _paragraph_after(text: str, position: int, reach: int = 2) -> tuple[int, int] | None:
        """The paragraph just below a position, at most `reach` line breaks away (one blank line)."""
        start = position
        while start < len(text) and text[start].isspace():
            start += 1
        if start >= len(text) or text.count("\n", position, start) > reach:
            return None
        gap = BLANK_LINE.search(text, start)
        return start, gap.start() if gap else len(text)

    # -- statements -----------------------------------------------------------------------

    def statements(self, doc: Doc, text: str, start: int, end: int, outside: list[tuple[int, int]]) -> list[Span]:
        """Sentences and bullets of one question body, bullets linked to their lead-in; tables,
        their captions and their notes are no statements."""
        spans: list[Span] = []
        lead_in: Span | None = None
        lead_in_ranges = span_values(doc, "lead_in_range")
        for block_start, block_end, is_bullet in self.blocks(text, start, end):
            if any(s < block_end and block_start < e for s, e in outside):
                continue
            if is_bullet:
                span = _char_span(doc, block_start, block_end, "bullet")
                if span is not None:
                    lead_in_ranges[span.start_char, span.end_char] = (
                        (lead_in.start_char, lead_in.end_char) if lead_in else None)
                    spans.append(span)
                continue
            for sentence_start, sentence_end in self.sentences(text, block_start, block_end):
                span = _char_span(doc, sentence_start, sentence_end, "sentence")
                if span is not None:
                    spans.append(span)
                    lead_in = span
        return spans

    def blocks(self, text: str, start: int, end: int):
        """(start, end, is_bullet): bullets, and prose paragraphs joined across page breaks."""
        paragraphs = []
        cursor = start
        for gap in BLANK_LINE.finditer(text, start, end):
            paragraphs.append((cursor, gap.start()))
            cursor = gap.end()
        paragraphs.append((cursor, end))
        pieces: list[list[int | bool]] = []
        for para_start, para_end in paragraphs:
            for line in LINE.finditer(text, para_start, para_end):
                content = line.group()
                if not content.strip():
                    continue
                bullet = next((p.match(content) for p in self.bullet_patterns if p.match(content)), None)
                if bullet is not None:
                    pieces.append([line.start() + bullet.end(), line.end(), True])
                elif pieces and (pieces[-1][1] >= para_start or self._page_cut(text, pieces[-1], line.start())):
                    pieces[-1][1] = line.end()
                else:
                    pieces.append([line.start(), line.end(), False])
        return [(cut_start, cut_end, bullet) for s, e, bullet in pieces
                for cut_start, cut_end in (_bounded(text, s, e) if bullet else [(s, e)])]

    def _page_cut(self, text: str, previous: list, line_start: int) -> bool:
        """A paragraph continues the block before it across a break: no stop, lower-case start."""
        before = text[previous[0]:previous[1]].rstrip()
        first = text[line_start:line_start + 40].lstrip()[:1]
        return not before.endswith(self.continuing) and first.islower()

    def sentences(self, text: str, start: int, end: int):
        """Sentence ranges in a prose block: a stop ends one unless an abbreviation owns it."""
        cursor = start
        for match in self.sentence_end.finditer(text, start, end):
            next_char = NEXT_CHAR.match(text, match.end(), end)  # not a slice to the block's end
            following = next_char.group(1) if next_char else ""
            if following and not (following[0].isupper() or following[0].isdigit()
                                  or following[0] in "\"'“‘(["):
                continue
            word = LAST_WORD.search(text[max(cursor, match.start() - ABBREVIATION_REACH):match.start() + 1])
            if text[match.start()] == "." and word and not word.group(1).isupper() \
                    and word.group(1).lower().rstrip(".") in self.abbreviations:  # 'NO.' is Norway, 'No.' a number
                continue
            if text[match.start()] == "." and following[:1].isdigit():
                continue
            yield from _trimmed(text, cursor, match.end())
            cursor = match.end()
        yield from _trimmed(text, cursor, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield from _bounded(text, start, end)


def _bounded(text: str, start: int, end: int):
    """A statement cut into pieces of at most MAX_STATEMENT characters, at a space where there is
    one: the stance rules compare each country with the others of its statement, so an endless
    'sentence' ('(BE)(BE)(BE)...') would cost its length squared."""
    while end - start > MAX_STATEMENT:
        cut = text.rfind(" ", start + 1, start + MAX_STATEMENT)
        cut = cut if cut > start else start + MAX_STATEMENT
        yield start, cut
        start = cut + (text[cut] == " ")
    yield start, end


def _char_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    text = doc._.body_text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return doc.char_span(start, end, label=label, alignment_mode="expand")


@Language.factory("emn_sections", assigns=["doc.spans"], default_config={"rules": "default"})
def make_sections(nlp: Language, name: str, rules: str) -> Sections:
    return Sections(nlp, name, rules)
