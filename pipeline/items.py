"""Items: which list is a statement's own list, and what item each other list belongs to.

A list right after its subject ("Eleven (Member) States (...)") is the statement's list and
carries no item. A bullet's list carries the bullet's text before it. Other lists in a
sentence are inline items: the phrase back to the connector after the previous list, or
after the last "such as" when the phrase follows the statement's own predicate.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from ._extensions import group, install_extensions, set_group, span_values
from .countries import CODE_LISTS, COUNTRIES
from .normalize import plain_text
from .rules import LexiconRule, RuleComponent, shared_config
from .sections import STATEMENTS

__all__ = ["ITEMS", "ItemLexicon", "Items", "SUBJECT_LIST", "STATEMENT_LIST", "ITEM_LIST"]

ITEMS = "emn_items"
SUBJECT_LIST = "subject"  # right after the States it names: opens its own clause
STATEMENT_LIST = "statement"  # the statement's list in another position ("either ... (A)")
ITEM_LIST = "item"
EDGE_PUNCTUATION = " \t\n,;:.-\u2013\u2014"
ARTICLES = frozenset({"a", "an", "the"})  # open an item but are no preposition two items share


@dataclass
class ItemLexicon(LexiconRule):
    NAMES: ClassVar[frozenset[str]] = frozenset({
        "subject_nouns", "enumerators", "connectors", "clause_subjects", "alternatives", "weak_enumerators",
        "item_openers", "subject_openers", "exception_phrases", "label_separators", "light_verb_frames"})


class Items(RuleComponent):
    """Sets `list_role` and `item` on code lists and their codes; items go to `emn_items`."""

    FACTORY = "emn_items"
    LEXICON_CLASS = ItemLexicon

    def __init__(self, nlp: Language, name: str = "emn_items", rules: str = "default",
                 number_words: list[str] | None = None) -> None:
        install_extensions()
        self.number_words = list(number_words or [])
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        words = self.lexicons
        self.subject_nouns = set(words.get("subject_nouns", []))
        self.enumerators = _alternation(words.get("enumerators", []))
        self.weak_enumerators = _alternation(words.get("weak_enumerators", []))
        self.item_openers = {w.lower() for w in words.get("item_openers", [])}
        frames = words.get("light_verb_frames", [])
        self.light_verb_frames = _alternation(frames) if frames else None
        self.function_words = self.item_openers | {w.lower() for w in words.get("subject_openers", [])} | {
            w.lower() for w in words.get("connectors", []) if w.isalpha()}
        self.connector = re.compile(
            r"^\s*(?:(?:" + "|".join(_phrase(w) for w in _longest_first(words.get("connectors", []))) + r")\s*)+",
            re.I,
        )
        self.clause_subject = re.compile(
            r"^\s*(?:" + "|".join(_phrase(w) for w in _longest_first(words.get("clause_subjects", []))) + r")\b",
            re.I,
        )
        numbers = [r"\d{1,3}", *map(re.escape, self.number_words)]
        openers = "|".join(map(re.escape, words.get("subject_openers", [])))
        self.number_subject = re.compile(
            r"(?:^|[,;:](?:\s*and\b)?|\b(?:" + (openers or "(?!)") + r"))\s*(?:" + "|".join(numbers) + r")\s*$", re.I)
        self.exception = re.compile(
            r"\b(?:" + ("|".join(_phrase(w) for w in _longest_first(words.get("exception_phrases", []))) or "(?!)")
            + r")\s*$", re.I)
        separators = "|".join(map(re.escape, words.get("label_separators", []))) or "(?!)"
        self.label_after = re.compile(r"\s*(?:" + separators + r")\s*(?=\S)")
        self.alternative = re.compile(
            r"\b(?:" + "|".join(map(re.escape, words.get("alternatives", []))) + r")\b", re.I
        )

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.clean_text
        lists = sorted(group(doc, CODE_LISTS), key=lambda s: s.start_char)
        list_starts = [s.start_char for s in lists]
        list_ranges, roles, items = (span_values(doc, name) for name in ("code_list_range", "list_role", "item"))
        members: dict[tuple[int, int], list[Span]] = {}
        for country in group(doc, COUNTRIES):
            key = list_ranges.get((country.start_char, country.end_char))
            if key is not None:
                members.setdefault(key, []).append(country)
        item_spans = []
        for statement in group(doc, STATEMENTS):
            inside = lists[bisect_left(list_starts, statement.start_char):
                           bisect_left(list_starts, statement.end_char)]
            if not inside:
                continue
            previous_end = statement.start_char
            classified = []
            for index, code_list in enumerate(inside):
                before = text[previous_end:code_list.start_char]
                either = self._either(text, statement, previous_end if index else code_list.start_char)
                classified.append((*self.classify(before, index == 0, statement.label_ == "bullet", either),
                                   before, previous_end))
                previous_end = code_list.end_char
            if len(classified) > 1 and statement.label_ != "bullet":
                classified[0] = self._first_of_a_series(*classified[0][2:], classified[0][:2], classified[1])
            for index, (code_list, (role, label_start, before, previous_end)) in enumerate(
                    zip(inside, classified, strict=True)):
                label, item_range = "", None
                if role == ITEM_LIST and self._names_nothing(before[label_start:]):
                    role = STATEMENT_LIST  # 'while in BE, IE and SE the figures ...': no item
                if role == ITEM_LIST:
                    item_range = (previous_end + label_start, code_list.start_char)
                elif index == 0 and statement.label_ == "bullet" and not before.strip(EDGE_PUNCTUATION):
                    # a bullet that opens with its list: '(FR, SE): places close to an airport;'
                    closing = text.rfind(")", code_list.start_char, code_list.end_char) + 1 or code_list.end_char
                    after = self.label_after.match(text, closing, statement.end_char)  # the list may hold the ':'
                    after = after if after is not None and after.end() >= code_list.end_char else None
                    if after is not None:
                        role, item_range = ITEM_LIST, (after.end(), statement.end_char)
                if item_range is not None:
                    label = plain_text(doc, *item_range).strip(EDGE_PUNCTUATION)
                    span = doc.char_span(*item_range, label="item", alignment_mode="expand")
                    if span is not None:
                        item_spans.append(span)
                for span in [code_list, *members.get((code_list.start_char, code_list.end_char), [])]:
                    roles[span.start_char, span.end_char] = role
                    items[span.start_char, span.end_char] = label
        set_group(doc, ITEMS, item_spans)
        return doc

    def classify(self, before: str, first: bool, in_bullet: bool, either: bool) -> tuple[str, int]:
        """(role, where the item label starts in `before`) for one code list; `either` tells
        that an 'either' which a later 'or' answers stands before the list."""
        if first and in_bullet:
            return _item(before, 0)  # a bullet's text before its list, whatever it ends with
        words = re.findall(r"[\w/]+", before.lower())
        if words and words[-1] in self.subject_nouns or self.number_subject.search(before):
            return SUBJECT_LIST, 0
        if self.exception.search(before):
            return STATEMENT_LIST, 0
        if first:
            if not either:
                return self._after_enumerator(before)
            # the first branch of 'either ... or ...' holds the statement's own list, unless an
            # enumerator inside it opens an item ('either platforms such as Teams (AT) or ...')
            branch = list(self.alternative.finditer(before))
            offset = branch[-1].end() if branch else 0
            enumerators = list(self.enumerators.finditer(before, offset))  # not 'from': 'distinguish them from'
            return _item(before, enumerators[-1].end()) if enumerators else (STATEMENT_LIST, 0)
        connector = self.connector.match(before)
        if connector and before[: connector.end()].strip():
            joined_by_or = re.search(r"\bor\b", before[: connector.end()], re.IGNORECASE)
            if either and joined_by_or:
                return self._branch(before, connector.end())
            if self.clause_subject.match(before[connector.end():]):
                return STATEMENT_LIST, 0
            return _item(before, connector.end())
        role, start = self._after_enumerator(before)
        if role == ITEM_LIST:
            return role, start
        comma = before.rfind(",")
        return _item(before, comma + 1) if comma >= 0 else (STATEMENT_LIST, 0)

    def _first_of_a_series(self, before: str, previous_end: int, first: tuple[str, int],
                           second: tuple[str, int, str, int]) -> tuple[str, int, str, int]:
        """The first list of a series of items is an item too: in 'the authority is, in most
        cases, the migration office (BG, EL), the ministry (LU) or an office (FR)' the lists
        after the first are items joined by a connector, so the first names one, back to the
        last comma before it. Not a list after its subject, an exception or 'either'."""
        role, start = first
        second_role, _, second_before, _ = second
        words = re.findall(r"[\w/]+", before.lower())
        plain = role == STATEMENT_LIST and not (words and words[-1] in self.subject_nouns) \
            and not self.number_subject.search(before) and not self.exception.search(before) \
            and not self.alternative.search(before)
        comma = before.rfind(",")
        connector = self.connector.match(second_before)
        if plain and second_role == ITEM_LIST and connector is not None:
            if comma >= 0:
                role, start = _item(before, comma + 1)
            elif (shared := self._shared_opener(before, second_before, connector.end())) is not None:
                role, start = _item(before, shared)
        return role, start, before, previous_end

    def _shared_opener(self, before: str, second_before: str, connector_end: int) -> int | None:
        """Where the first item starts when the items share their opening word, as the second
        item's label has it: 'subject to a work permit (AT) or to a labour market test (CY)'
        gives 'a work permit' ('to' joins like 'or'), 'given by the guardian (AT) or by the
        applicant (BE)' gives 'by the guardian'."""
        joined = re.findall(r"[\w']+", second_before[:connector_end].lower())
        if joined and joined[-1] in self.item_openers - ARTICLES:
            words, inside = [joined[-1]], False
        else:
            opener = re.match(r"\s*([\w']+)", second_before[connector_end:])
            if opener is None or opener.group(1).lower() not in self.item_openers:
                return None
            if opener.group(1).lower() in ARTICLES:
                return self._first_noun_phrase(before)
            words, inside = [opener.group(1)], True
        pattern = r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b"
        found = list(re.finditer(pattern, before, re.IGNORECASE))
        if not found:
            return None
        return found[-1].start() if inside else found[-1].end()

    def _first_noun_phrase(self, before: str) -> int | None:
        """Where the first of items opening with an article starts: at the first article after
        the subject that no preposition governs ('safeguards are the presence of a caseworker
        in the room (BE), a test call (DE)'), past a frame such as 'takes the form of'."""
        frames = [m.span() for m in self.light_verb_frames.finditer(before)] if self.light_verb_frames else []
        for article in re.finditer(r"\b(?:a|an|the)\b", before, re.IGNORECASE):
            previous = re.findall(r"[\w']+", before[:article.start()].lower())
            if previous and previous[-1] not in self.item_openers \
                    and not any(start <= article.start() < end for start, end in frames):
                return article.start()
        return None

    def _names_nothing(self, label: str) -> bool:
        """A label of function words alone ('while in', 'and for') names no item."""
        words = re.findall(r"[\w']+", label.lower())
        return bool(words) and all(word in self.function_words for word in words)

    def _branch(self, before: str, start: int) -> tuple[str, int]:
        """The 'or' branch of 'either ... or ...': a phrase ('or through surveys (DE)') is the
        list's item; a clause of its own ('or they have no information (HR)') has a statement
        list."""
        first_word = re.match(r"\s*([\w']+)", before[start:])
        if first_word is not None and first_word.group(1).lower() in self.item_openers:
            return _item(before, start)
        return STATEMENT_LIST, 0

    def _either(self, text: str, statement, position: int) -> bool:
        """An 'either' before `position` that a later 'or' in the statement answers."""
        opener = self.alternative.search(text, statement.start_char, position)
        return opener is not None and bool(re.search(r"\bor\b", text[opener.end():statement.end_char]))

    def _after_enumerator(self, before: str) -> tuple[str, int]:
        for enumerators in (self.enumerators, self.weak_enumerators):
            matches = list(enumerators.finditer(before))
            if matches:
                return _item(before, matches[-1].end())
        return STATEMENT_LIST, 0


def _item(before: str, start: int) -> tuple[str, int]:
    """An item starting at `start`, unless nothing but punctuation is left."""
    rest = before[start:]
    if not rest.strip(EDGE_PUNCTUATION):
        return STATEMENT_LIST, 0
    return ITEM_LIST, start + len(rest) - len(rest.lstrip(EDGE_PUNCTUATION))


def _longest_first(terms: list[str]) -> list[str]:
    return sorted(terms, key=len, reverse=True)


def _phrase(term: str) -> str:
    """A lexicon term as a regex: words bounded, punctuation literal."""
    escaped = re.escape(term).replace(r"\ ", r"\s+")
    return rf"\b{escaped}\b" if term[:1].isalnum() and term[-1:].isalnum() else escaped


def _alternation(terms: list[str]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(_phrase(t) for t in _longest_first(terms)) + ")", re.I)


@Language.factory("emn_items", assigns=["span._.item", "span._.list_role", "doc.spans"], requires=["doc.spans"],
                  default_config={"rules": "default", "number_words": shared_config("number_words")})
def make_items(nlp: Language, name: str, rules: str, number_words: list[str]) -> Items:
    return Items(nlp, name, rules, number_words)
