"""Polarity: the stance that the cues in a clause give, by the precedence of their category.

A NEGATED_PREDICATE cue ('cannot change employer') counts as a denial only when the question
asks about its verb or object ('Are workers allowed to change employer?'), so a negation about
something else in a sentence about a named State stays a mention.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .rules import NEGATED, NEGATED_PREDICATE, NO_INFORMATION, TERMINATE, UNAVAILABLE, Cue

__all__ = ["STANCE_OF", "OPPOSITE", "polarity", "question_words", "lead_in_polarity"]

# One table maps cue categories to stances; the first found in a scope wins, in this order.
STANCE_OF = {NO_INFORMATION: "no_information", NEGATED: "no"}
OPPOSITE = {"yes": "no", "no": "yes", "no_information": "yes"}
QUESTION_STOPWORDS = {"the", "and", "are", "any", "for", "how", "what", "which", "with", "this", "that",
                      "these", "those", "there", "their", "from", "into", "does", "did", "has", "have",
                      "been", "can", "could", "was", "were", "states", "member", "other", "such", "its",
                      "take", "taken", "make", "made", "give", "given", "get", "put"}
OBJECT_WINDOW = 4  # tokens after a negated predicate searched for its object
PREDICATE_FILLERS = {"any", "particular", "specific", "such", "a", "an", "the", "to", "of", "on", "in", "for",
                     "with", "by", "at", "from", "yet", "so", "far", "further", "more"}
MIN_SHARED_PREFIX = 5  # a predicate and a question word agree on this many letters ("apply", "applied")
INTRODUCERS = ("following", "as follows")  # what a lead-in says its bullets are


def polarity(doc: Doc, cues: list[Cue], kind: str, asked: frozenset[str] = frozenset(),
             figure_words: frozenset[str] = frozenset()) -> tuple[str, str]:
    """The stance that the applicable cues give, by precedence, and the deciding cue's text;
    'yes' when none applies. `asked` holds the content words of the question; where they
    ask for figures (`figure_words`), 'not available' says there is no information."""
    applicable: list[tuple[str, Cue]] = []
    for cue in cues:
        if not cue.rule.applies(kind):
            continue
        if cue.category == UNAVAILABLE:
            applicable.append((NO_INFORMATION if asked & figure_words else NEGATED, cue))
            continue
        if cue.category == NEGATED_PREDICATE and any(_asked_about(word, asked) for word in _predicate_words(doc, cue)):
            applicable.append((NEGATED, cue))
        elif cue.category in STANCE_OF:
            applicable.append((cue.category, cue))
    for category, stance in STANCE_OF.items():
        for found, cue in applicable:
            if found == category:
                return stance, cue.text
    return "yes", ""


def question_words(question: str) -> frozenset[str]:
    """The content words of a question's text."""
    return frozenset(w for w in re.findall(r"[a-z]{3,}", question.lower()) if w not in QUESTION_STOPWORDS)


def lead_in_polarity(doc: Doc, text: str, lead_in: tuple[int, int], cues: list[Cue]) -> tuple[str, str]:
    """The polarity of the lead-in clause that introduces the bullets, which they inherit.

    That is the clause holding 'the following' where there is one ('they do not use the
    following measures, although the law provides for them:'), else the last clause."""
    lead_start, lead_end = lead_in
    end = len(text[:lead_end].rstrip().rstrip(":"))
    anchor = max(text.rfind(word, lead_start, end) for word in INTRODUCERS)
    position = anchor if anchor >= 0 else end
    start = lead_start
    for cue in cues:
        if cue.category != TERMINATE:
            continue
        if cue.end <= position:
            start = max(start, cue.end)
        elif cue.start >= position:
            end = min(end, cue.start)
    return polarity(doc, [cue for cue in cues if start <= cue.start < end], "list")


def _predicate_words(doc: Doc, cue: Cue) -> list[str]:
    """The negated predicate and the first content word after it ('encountered', 'obstacles')."""
    words = [doc[cue.token_end - 1].lower_]
    for token in doc[cue.token_end:cue.token_end + OBJECT_WINDOW]:
        if token.is_alpha and token.lower_ not in PREDICATE_FILLERS:
            words.append(token.lower_)
            break
    return words


def _asked_about(predicate: str, asked: frozenset[str]) -> bool:
    """Whether the question uses the predicate's word (same stem, roughly)."""
    for word in asked:
        shared = min(MIN_SHARED_PREFIX, len(word), len(predicate))
        if shared >= 3 and word[:shared] == predicate[:shared] and abs(len(word) - len(predicate)) <= 4:
            return True
    return False
