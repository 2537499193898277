"""Normalise: find markup and artefacts without changing the text, so offsets stay the input's.

Bold markers, link markup, review comments, page furniture and footnote markers are blanked
in `doc._.clean_text` (same length as `doc.text`), bold survives as the `emn_bold` span
group, and footnotes become the `emn_footnotes` group, blanked again in `doc._.body_text`
so they never join a body sentence. The tokenizer splits what Word glues to words
(superscript footnote digits, bullet glyphs), so matchers see the words themselves.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar

import srsly
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from ._extensions import install_extensions, set_group
from .rules import PatternRule, RuleComponent, default_rules_path, parse_rules, read_rules, rules_text

__all__ = ["MARKUP", "BOLD", "FOOTNOTES", "LAYOUT_HEADINGS", "NormalizerRule", "AffixRule", "Normalizer",
           "MarkupTokenizer", "blank_ranges", "plain_text"]

MARKUP = "emn_markup"
BOLD = "emn_bold"
FOOTNOTES = "emn_footnotes"
LAYOUT_HEADINGS = "emn_layout_headings"  # lines set as headings (Markdown '#', Word styles, PDF type), label the level

# What a normaliser rule does with its match (the rule's `category`).
BLANK = "BLANK"  # artefact: blank the whole match
KEEP_GROUP = "KEEP_GROUP"  # markup around content: blank all but group 1
BOLD_GROUP = "BOLD_GROUP"  # bold markup: blank all but group 1, which is bold
FOOTNOTE = "FOOTNOTE"  # a footnote paragraph: kept, but out of the body text
PLAIN_MARKER = "PLAIN_MARKER"  # a footnote marker in plain digits: blanked when its footnote follows
PLAIN_FOOTNOTE = "PLAIN_FOOTNOTE"  # a paragraph opening with a plain number: a footnote when its marker precedes
RUNNING_LINE = "RUNNING_LINE"  # a line blanked where it repeats: page furniture of a text conversion
HEADING_MARK = "HEADING_MARK"  # a Markdown heading: its '#' marks blanked, its text a layout heading of that level
ENDNOTES = "ENDNOTES"  # numbered notes under a 'Notes' heading at the end: each note a footnote (group 'notes')
NOTE_NUMBER = re.compile(r"(?m)^[ \t]*\d{1,3}[.)]?[ \t]+(?=\S)")  # where each endnote starts
MIN_RUNNING_WORDS = 3  # a repeated line this long is a running header, not a repeated short word
TITLE_LINES = 6  # the lines at the top where the title stands, which a running header may repeat
AFFIXES = ("PREFIX", "SUFFIX", "INFIX")
SUFFIX_WINDOW = 16  # characters a suffix is looked for in: no suffix rule matches a longer one
LONG_RUN = 1000  # characters without a space tokenized as one piece; a longer run is cut


@dataclass
class NormalizerRule(PatternRule):
    """A regex for markup or an artefact, and what to do with its match.

    >>> NormalizerRule(regex="Formatted:.*", category="BLANK").kind
    'regex'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset(
        {BLANK, KEEP_GROUP, BOLD_GROUP, FOOTNOTE, PLAIN_MARKER, PLAIN_FOOTNOTE, RUNNING_LINE, HEADING_MARK,
         ENDNOTES})
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


@dataclass
class AffixRule(PatternRule):
    """A tokenizer prefix, suffix or infix added to the English ones."""

    CATEGORIES: ClassVar[frozenset[str]] = frozenset(AFFIXES)
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


class MarkupTokenizer(Tokenizer):
    """The English tokenizer plus prefix, suffix and infix rules kept as data in `models/tokenizer`.

    It serialises only those extra rules, on disk and in bytes, so the saved pipeline stays
    readable text."""

    extra_rules: list[AffixRule]

    def __call__(self, text: str) -> Doc:
        """spaCy strips affixes one at a time, copying the rest of the word each time, so a
        long run without a space ('((((...') costs its length squared: such runs are cut."""
        cuts = [cut for run in re.finditer(rf"\S{{{LONG_RUN + 1},}}", text)
                for cut in range(run.start() + LONG_RUN, run.end(), LONG_RUN)]
        if not cuts:
            return super().__call__(text)
        tokenize = super().__call__
        pieces = pairwise([0, *cuts, len(text)])
        return Doc.from_docs([tokenize(text[start:end]) for start, end in pieces], ensure_whitespace=False)

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).write_text(rules_text(list(self.extra_rules), AffixRule.KIND), encoding="utf-8")

    def from_disk(self, path: str | Path, **kwargs: Any) -> MarkupTokenizer:
        if Path(path).exists():
            self._use(read_rules(Path(path), AffixRule))
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return srsly.msgpack_dumps(rules_text(list(self.extra_rules), AffixRule.KIND))

    def from_bytes(self, data: bytes, **kwargs: Any) -> MarkupTokenizer:
        self._use(parse_rules(srsly.msgpack_loads(data), AffixRule, "tokenizer (bytes)"))
        return self

    def _use(self, rules: list[AffixRule]) -> None:
        if [r.to_dict() for r in rules] != [r.to_dict() for r in self.extra_rules]:
            for name, value in affix_functions(rules).items():
                setattr(self, name, value)  # each assignment reloads the special cases
            self.extra_rules = rules


def affix_functions(rules: list[AffixRule]) -> dict[str, Callable[..., Any]]:
    """The English prefix, suffix and infix functions with the extra rules added."""
    from spacy.lang.en import English

    defaults = English.Defaults
    extra: dict[str, list[str | re.Pattern[str]]] = {
        kind: [r.regex or "" for r in rules if r.category == kind] for kind in AFFIXES}
    return {
        "prefix_search": compile_prefix_regex(list(defaults.prefixes or []) + extra["PREFIX"]).search,
        "suffix_search": tail_search(compile_suffix_regex(list(defaults.suffixes or []) + extra["SUFFIX"]).search),
        "infix_finditer": compile_infix_regex(list(defaults.infixes or []) + extra["INFIX"]).finditer,
    }


def tail_search(search: Callable[[str], re.Match | None]) -> Callable[[str], re.Match | None]:
    """A suffix search over the word's last characters: the tokenizer uses only the match's
    length, and a `$`-anchored search over the whole word tries every position in it."""

    def search_tail(word: str) -> re.Match | None:
        return search(word[-SUFFIX_WINDOW:])

    return search_tail


@registry.tokenizers("emn.tokenizer.v1")
def make_tokenizer() -> Callable[[Language], MarkupTokenizer]:
    """Config hook: `[nlp.tokenizer] @tokenizers = "emn.tokenizer.v1"`."""

    def create(nlp: Language) -> MarkupTokenizer:
        from spacy.lang.en import English

        defaults = English.Defaults
        rules = read_rules(default_rules_path("tokenizer"), AffixRule)
        tokenizer = MarkupTokenizer(
            nlp.vocab,
            # emoticons made only of punctuation ('):', ':(' ) would glue a list's ')' to the ':' after it
            rules={text: tokens for text, tokens in defaults.tokenizer_exceptions.items()
                   if any(char.isalnum() for char in text)},
            token_match=defaults.token_match,
            url_match=defaults.url_match,
            **affix_functions(rules),
        )
        tokenizer.extra_rules = rules
        return tokenizer

    return create


def blank_ranges(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with each range replaced by spaces (newlines kept), same length."""
    if not ranges:
        return text
    pieces, cursor = [], 0
    for start, end in sorted(ranges):
        start = max(start, cursor)
        if start >= end:
            continue
        pieces.append(text[cursor:start])
        pieces.append("".join("\n" if c == "\n" else " " for c in text[start:end]))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


class Normalizer(RuleComponent):
    """Marks markup, bold, artefacts and footnotes; sets `clean_text` and `body_text`."""

    FACTORY = "emn_normalizer"
    RULE_CLASS = NormalizerRule

    def __init__(self, nlp: Language, name: str = "emn_normalizer", rules: str = "default") -> None:
        install_extensions()
        self._compiled: list[tuple[str, re.Pattern[str]]] = []
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        self._compiled = [(rule.category, rule.compiled()) for rule in self.rules]

    def __call__(self, doc: Doc) -> Doc:
        source = doc._.source
        # doc.text joins every token again on each call; a Doc made from its Source has the same text
        made_from_source = source is not None and len(doc) > 0 and (
            doc[-1].idx + len(doc[-1].text_with_ws) == len(source.text))
        text = doc._.raw_text = source.text if made_from_source else doc.text
        blanks: list[tuple[int, int]] = []
        bold: list[tuple[int, int]] = []
        footnotes: list[tuple[int, int]] = []
        headings: list[tuple[int, int, int]] = list(source.headings) if source is not None else []
        plain: dict[str, list[re.Match]] = {PLAIN_MARKER: [], PLAIN_FOOTNOTE: [], RUNNING_LINE: []}
        for category, pattern in self._compiled:
            for match in pattern.finditer(text):
                if category in plain:
                    plain[category].append(match)
                elif category == BLANK:
                    blanks.append(match.span())
                elif category == FOOTNOTE:
                    footnotes.append(match.span())
                elif category == ENDNOTES:
                    footnotes += endnotes(text, *match.span("notes"))
                elif category == HEADING_MARK:
                    blanks += [(match.start(), match.start("text")), (match.end("text"), match.end())]
                    headings.append((*match.span("text"), len(match.group("marks"))))
                else:
                    inner_start, inner_end = match.span(1)
                    blanks += [(match.start(), inner_start), (inner_end, match.end())]
                    if category == BOLD_GROUP:
                        bold.append((inner_start, inner_end))
        blanks += running_lines(text, plain[RUNNING_LINE])
        for marker, footnote in plain_footnotes(plain[PLAIN_MARKER], plain[PLAIN_FOOTNOTE]):
            blanks.append(marker.span("number"))
            footnotes.append(footnote.span())
        if source is not None:
            bold.extend(source.bold)
        doc._.markup_ranges = _merged(blanks)
        doc._.clean_text = blank_ranges(text, blanks)
        doc._.body_text = blank_ranges(doc._.clean_text, footnotes)
        set_group(doc, MARKUP, _spans(doc, blanks, "contract"))
        set_group(doc, BOLD, _spans(doc, bold, "expand"))
        set_group(doc, FOOTNOTES, _spans(doc, footnotes, "expand"))
        set_group(doc, LAYOUT_HEADINGS, [span for start, end, level in sorted(headings)
                                         if (span := doc.char_span(start, end, label=str(level),
                                                                   alignment_mode="expand")) is not None])
        return doc


def running_lines(text: str, lines: list[re.Match]) -> list[tuple[int, int]]:
    """Ranges of the lines that come again word for word, except where one stands among the
    first lines of the text: that is the title the header repeats."""
    title_end = 0
    for _ in range(TITLE_LINES):
        title_end = text.find("\n", title_end) + 1 or len(text)
    occurrences: dict[str, list[re.Match]] = {}
    for line in lines:
        words = line.group("line").split()
        if len(words) >= MIN_RUNNING_WORDS:
            occurrences.setdefault(" ".join(words), []).append(line)
    return [line.span("line") for repeated in occurrences.values() if len(repeated) > 1
            for line in repeated if line.start() >= title_end]


def endnotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The ranges of the numbered notes in a block of endnotes, each from its number to the next."""
    starts = [match.start() for match in NOTE_NUMBER.finditer(text, start, end)]
    return [(first, (starts + [end])[index + 1]) for index, first in enumerate(starts)]


def plain_footnotes(markers: list[re.Match], paragraphs: list[re.Match]) -> list[tuple[re.Match, re.Match]]:
    """(marker, paragraph) pairs of footnotes numbered in plain digits.

    A paragraph opening with a number is a footnote when its number is the next in the
    sequence (1, 2, ...) and a marker with that number stands before it; digits glued to a
    word elsewhere ('COM(2016)', '3.10.2003') and numbered headings pair with nothing."""
    pairs, expected, cursor = [], 1, 0
    for paragraph in paragraphs:
        if int(paragraph.group("number")) != expected:
            continue
        marker = next((m for m in markers[cursor:] if m.start() < paragraph.start()
                       and int(m.group("number")) == expected), None)
        if marker is None:
            continue
        pairs.append((marker, paragraph))
        cursor = markers.index(marker) + 1
        expected += 1
    return pairs


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def plain_text(doc: Doc, start: int, end: int) -> str:
    """The body text of a range as a reader sees it: markup removed, whitespace collapsed.

    Markup is deleted rather than blanked here, so '(**BE**)' reads '(BE)'."""
    text = doc._.body_text
    ranges = doc._.markup_ranges or []
    index = bisect_left(ranges, start, key=lambda r: r[0]) - 1
    pieces, cursor = [], start
    for range_start, range_end in ranges[max(index, 0):]:
        if range_start >= end:
            break
        if range_end <= cursor:
            continue
        pieces.append(text[cursor:max(cursor, range_start)])
        cursor = max(cursor, range_end)
    pieces.append(text[cursor:end] if cursor < end else "")
    return " ".join("".join(pieces).split())


def _spans(doc: Doc, ranges: list[tuple[int, int]], mode: str) -> list:
    spans = []
    for start, end in sorted(set(ranges)):
        span = doc.char_span(start, end, alignment_mode=mode)
        if span is not None and len(span):
            spans.append(span)
    return spans


@Language.factory("emn_normalizer", assigns=["doc._.clean_text", "doc._.body_text", "doc.spans"],
                  default_config={"rules": "default"})
def make_normalizer(nlp: Language, name: str, rules: str) -> Normalizer:
    return Normalizer(nlp, name, rules)

