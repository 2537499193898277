"""The cue rule: a pattern with a category, a direction and the targets it applies to.

The vocabulary is closed: a category, direction or scope that is not named here fails when
the rules load, with the file and line. A `Cue` is one match of a rule in a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..rules import LexiconRule, PatternRule, RuleError

__all__ = [
    "NEGATED", "NEGATED_PREDICATE", "NO_INFORMATION", "UNAVAILABLE", "EXCEPTION", "ALTERNATIVE", "TERMINATE", "PSEUDO",
    "FORWARD", "BACKWARD", "BIDIRECTIONAL", "ALL", "LISTS", "NAMES",
    "CueRule", "StanceLexicon", "Cue",
]

# Categories: what a cue does to the clause it stands in.
NEGATED = "NEGATED"  # the clause denies: its targets are `no`
NEGATED_PREDICATE = "NEGATED_PREDICATE"  # a denial that counts only when the question asks about its verb
NO_INFORMATION = "NO_INFORMATION"  # the clause says no information is available: `no_information`
UNAVAILABLE = "UNAVAILABLE"  # 'not available': no information where the question asks for figures, else a denial
EXCEPTION = "EXCEPTION"  # the targets after it take the opposite of their clause ('with the exception of')
ALTERNATIVE = "ALTERNATIVE"  # 'either' ... 'or': each branch is a clause of its own
TERMINATE = "TERMINATE"  # ends a scope ('however', ';', 'either because')
PSEUDO = "PSEUDO"  # blocks a false cue under it ('not only', 'no later than')
# Directions: where a cue's targets stand.
FORWARD = "FORWARD"  # after the cue
BACKWARD = "BACKWARD"  # before the cue
BIDIRECTIONAL = "BIDIRECTIONAL"  # anywhere in the clause
# Scopes: which targets a cue applies to.
ALL = "all"
LISTS = "lists"
NAMES = "names"


@dataclass
class CueRule(PatternRule):
    """A ConText cue as data.

    >>> rule = CueRule(literal="no information", category="NO_INFORMATION")
    >>> (rule.direction, rule.applies_to)
    ('BIDIRECTIONAL', 'all')
    """

    direction: str = BIDIRECTIONAL
    applies_to: str = ALL
    max_scope: int | None = None  # words a FORWARD or BACKWARD cue reaches
    CATEGORIES: ClassVar[frozenset[str]] = frozenset(
        {NEGATED, NEGATED_PREDICATE, NO_INFORMATION, UNAVAILABLE, EXCEPTION, ALTERNATIVE, TERMINATE, PSEUDO})
    DIRECTIONS: ClassVar[frozenset[str]] = frozenset({FORWARD, BACKWARD, BIDIRECTIONAL, TERMINATE, PSEUDO})
    SCOPES: ClassVar[frozenset[str]] = frozenset({ALL, LISTS, NAMES})

    def validate(self) -> None:
        super().validate()
        if self.direction not in self.DIRECTIONS:
            raise RuleError(f"CueRule: direction {self.direction!r} is not one of {sorted(self.DIRECTIONS)}")
        if self.applies_to not in self.SCOPES:
            raise RuleError(f"CueRule: applies_to {self.applies_to!r} is not one of {sorted(self.SCOPES)}")
        if self.max_scope is not None and (not isinstance(self.max_scope, int) or self.max_scope < 0):
            raise RuleError(f"CueRule: max_scope must be a count of words, not {self.max_scope!r}")

    def applies(self, kind: str) -> bool:
        """Whether the cue applies to a target of this kind ('list' or 'name')."""
        return self.applies_to == ALL or self.applies_to == kind + "s"


@dataclass
class StanceLexicon(LexiconRule):
    NAMES: ClassVar[frozenset[str]] = frozenset({
        "speech_verbs", "place_prepositions", "respondent_frames", "subject_gap_words", "motion_prepositions",
        "denial_frames", "reason_openers", "figure_words"})


@dataclass(frozen=True, slots=True)
class Cue:
    """One match of a cue rule: where it stands (characters and tokens) and its text."""

    rule: CueRule
    start: int
    end: int
    token_start: int
    token_end: int
    text: str

    @property
    def category(self) -> str:
        return self.rule.category
