"""Sections: question headings, the body each question owns, and the statements in a body.

A question is a numbered heading whose text asks something (it may wrap over lines and hold
two questions). Its body runs to the next heading of any kind. A body is cut into
statements, the unit a country is coded in: sentences of prose paragraphs, and bullets,
each bullet remembering the sentence that leads in to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from ._extensions import install_extensions, set_group, span_values
from .rules import LexiconRule, PatternRule, RuleComponent

__all__ = ["HEADINGS", "QUESTIONS", "QUESTION_BODIES", "STATEMENTS", "SectionRule", "SectionLexicon", "Sections",
           "collapse"]

HEADINGS = "emn_headings"
QUESTIONS = "emn_questions"
QUESTION_BODIES = "emn_question_bodies"
STATEMENTS = "emn_statements"

MAX_HEADING_LINES = 4  # a heading wraps over at most this many lines
BLANK_LINE = re.compile(r"\n[ \t]*\n")
LAST_WORD = re.compile(r"([\w.]+)\.?$")  # the word a full stop ends, to test for abbreviations
ABBREVIATION_REACH = 64  # characters searched back for that word
NEXT_CHAR = re.compile(r"\s*(\S)")  # the first character after a possible sentence end
LINE = re.compile(r"[^\n]*")


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped."""
    return " ".join(text.split())


@dataclass
class SectionRule(PatternRule):
    """A regex for a heading, a bullet or a sentence end.

    >>> SectionRule(regex="(?m)^(?P<number>\\d)\\. (?P<text>.+)$", category="TOP_HEADING").category
    'TOP_HEADING'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset(
        {"NUMBERED_HEADING", "TOP_HEADING", "PLAIN_HEADING", "BULLET", "SENTENCE_END"})
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


@dataclass
class SectionLexicon(LexiconRule):
    NAMES: ClassVar[frozenset[str]] = frozenset({"request_openers", "abbreviations", "continuing_punctuation"})


class Sections(RuleComponent):
    """Finds headings, question bodies and statements (sentences and bullets)."""

    FACTORY = "emn_sections"
    RULE_CLASS = SectionRule
    LEXICON_CLASS = SectionLexicon

    def __init__(self, nlp: Language, name: str = "emn_sections", rules: str = "default") -> None:
        install_extensions()
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        self.heading_patterns = [
            (rule.category, rule.compiled())
            for rule in self.rules
            if rule.category.endswith("HEADING")
        ]
        self.bullet_patterns = [rule.compiled() for rule in self.rules_of("BULLET")]
        ends = self.rules_of("SENTENCE_END")
        self.sentence_end = ends[0].compiled() if ends else re.compile(r"[.!?](?=\s)")
        self.request_openers = {t.lower() for t in self.lexicons.get("request_openers", [])}
        self.abbreviations = {t.lower() for t in self.lexicons.get("abbreviations", [])}
        self.continuing = tuple(self.lexicons.get("continuing_punctuation", [".", "?", "!"]))

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.body_text
        headings = self.find_headings(text)
        heading_spans, question_spans, body_spans, statement_spans = [], [], [], []
        for index, (start, end, number, is_question, text_start) in enumerate(headings):
            heading = doc.char_span(start, end, label=number or "", alignment_mode="expand")
            heading_spans.append(heading)
            if not is_question:
                continue
            question = doc.char_span(text_start, end, label=number or "", alignment_mode="expand")
            question_spans.append(question)
            body_end = headings[index + 1][0] if index + 1 < len(headings) else len(text)
            body = doc.char_span(end, body_end, label=number or "", alignment_mode="expand")
            if body is not None:
                body_spans.append(body)
                statement_spans.extend(self.statements(doc, text, end, body_end))
        set_group(doc, HEADINGS, [s for s in heading_spans if s is not None])
        set_group(doc, QUESTIONS, [s for s in question_spans if s is not None])
        set_group(doc, QUESTION_BODIES, body_spans)
        set_group(doc, STATEMENTS, statement_spans)
        return doc

    # -- headings -------------------------------------------------------------------------

    def find_headings(self, text: str) -> list[tuple[int, int, str | None, bool, int]]:
        """(start, end, number, is_question, text_start) for every heading, in order."""
        found: dict[int, tuple[int, int, str | None, bool, int]] = {}
        for category, pattern in self.heading_patterns:
            for match in pattern.finditer(text):
                if match.start() in found or self._inside(found, match.start()):
                    continue
                groups = match.groupdict()
                number = groups.get("number")
                text_start = match.start("text")
                end = self._heading_end(text, text_start, match.end())
                heading_text = collapse(text[text_start:end])
                is_question = number is not None and self._asks(heading_text)
                if category == "TOP_HEADING" and not (is_question or self._looks_like_title(heading_text)):
                    continue
                if not is_question:
                    end = match.end()  # a section title does not wrap
                found[match.start()] = (match.start(), end, number, is_question, text_start)
        return [found[start] for start in sorted(found)]

    @staticmethod
    def _inside(found, position: int) -> bool:
        return any(start <= position < end for start, end, *_ in found.values())

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
            elif current.endswith((".", ":", ";")) and not line.endswith("?"):
                break
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

    # -- statements -----------------------------------------------------------------------

    def statements(self, doc: Doc, text: str, start: int, end: int) -> list[Span]:
        """Sentences and bullets of one question body, bullets linked to their lead-in."""
        spans: list[Span] = []
        lead_in: Span | None = None
        lead_in_ranges = span_values(doc, "lead_in_range")
        for block_start, block_end, is_bullet in self.blocks(text, start, end):
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
        return [(s, e, b) for s, e, b in pieces]

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
            if text[match.start()] == "." and word and word.group(1).lower().rstrip(".") in self.abbreviations:
                continue
            if text[match.start()] == "." and following[:1].isdigit():
                continue
            yield from _trimmed(text, cursor, match.end())
            cursor = match.end()
        yield from _trimmed(text, cursor, end)


def _trimmed(text: str, start: int, end: int):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
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
