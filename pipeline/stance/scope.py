"""Scope: the clause a target is decided in, as character bounds within its statement.

TERMINATE cues bound a hard segment; the subject of the next clause narrows it; after
'either' each 'or' opens a branch of its own; a list parked after a reason clause belongs to
the main clause; an exception phrase is taken from the clause it excepts from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rules import ALTERNATIVE, BACKWARD, EXCEPTION, FORWARD, TERMINATE, Cue
from .targets import COORDINATION, WORD, Target

__all__ = ["Clause", "Statement", "hard_segment", "parked_list_clause", "target_clause", "in_direction",
           "exception_phrase", "excepted_clause"]

SUBJECT_START = re.compile(r",|\band\b|\bor\b|\bwhile\b|\bwhilst\b|\bwhereas\b", re.I)
EXCEPTION_RELATIVE = re.compile(r"\s*,?\s*(?:where|which|who|whose|when)\b[^,;]*,", re.IGNORECASE)
EXCEPTION_SUBJECT_WORDS = 4  # 'With the exception of two (Member) States (NO, SE)'
COORDINATORS = {"and", "or", "the", "as", "well"}
EITHER = "either"


@dataclass(frozen=True, slots=True)
class Clause:
    """Character bounds of the clause a target is decided in."""

    left: int
    right: int

    def holds(self, cue: Cue) -> bool:
        return self.left <= cue.start and cue.end <= self.right


@dataclass(frozen=True)
class Statement:
    """A sentence or bullet with its targets, in the document's clean text."""

    text: str
    start: int
    end: int
    targets: list[Target]


def hard_segment(statement: Statement, target: Target, cues: list[Cue]) -> Clause:
    """The statement cut at the TERMINATE cues nearest the target on either side."""
    left, right = statement.start, statement.end
    for cue in cues:
        if cue.category != TERMINATE:
            continue
        if cue.end <= target.start:
            left = max(left, cue.end)
        elif cue.start >= target.end:
            right = min(right, cue.start)
    return Clause(left, right)


def parked_list_clause(statement: Statement, target: Target, cues: list[Cue], clause: Clause,
                       reason_openers: frozenset[str]) -> Clause:
    """A list parked at the end of a reason clause belongs to the main clause before it:
    'Evaluations have not been carried out in most States, either because ... or because
    no data were available (AT, BG)' is `no`, as the contract's 'either because' rule says.
    Only when no other country stands before the reason clause to own it."""
    before = [cue for cue in cues if cue.category == TERMINATE and cue.end <= target.start]
    reasons = [cue for cue in before if cue.text.lower() in reason_openers]
    if not before or before[-1] not in reasons or before[-1].end != clause.left:
        return clause
    main_left = max([statement.start] + [cue.end for cue in before if cue not in reasons])
    main_right = min(cue.start for cue in reasons if cue.start >= main_left)
    if any(other.start < main_right for other in statement.targets if other is not target):
        return clause
    return Clause(main_left, main_right)


def target_clause(statement: Statement, target: Target, cues: list[Cue], clause: Clause) -> Clause:
    """Narrow the hard segment to the target's clause and, after 'either', its branch."""
    left, right = clause.left, clause.right
    for other in statement.targets:
        if other is target:
            continue
        same_group = target.kind == "name" and other.group == target.group
        if other.end <= target.start and other.end > left and (other.subject or target.subject) \
                and not same_group:
            left = max(left, other.end)
        if other.start >= target.end and other.subject and other.start < right and not same_group:
            right = other.start
    if target.subject:
        for match in SUBJECT_START.finditer(statement.text, left, target.start):
            left = max(left, match.end())
    alternatives = [cue for cue in cues if cue.category == ALTERNATIVE and left <= cue.start < right]
    opener = next((cue for cue in alternatives if cue.rule.literal == EITHER and cue.end <= target.start), None)
    if opener is None or not any(cue.rule.literal != EITHER and cue.start > opener.end for cue in alternatives):
        return Clause(left, right)  # 'not required either in (IE)': an 'either' with no 'or' opens nothing
    starts = [opener.end] + [cue.start for cue in alternatives
                             if cue.rule.literal != EITHER and cue.start > opener.end]
    branch_left = max(start for start in starts if start <= target.start)
    later = [start for start in starts if start > target.start]
    return Clause(max(left, branch_left), min([right] + later))


def in_direction(text: str, target: Target, cue: Cue, subject_gap_words: frozenset[str]) -> bool:
    """FORWARD cues stand before the target, BACKWARD ones after it, within `max_scope` words.

    Words of a coordination of names ('in Czechia, Hungary and Poland') are not counted,
    and after a name only words such as 'also' may stand before its own negated verb."""
    rule = cue.rule
    if rule.direction == FORWARD:
        if cue.end > target.start:
            return False
        gap = _gap_words(text[cue.end:target.start])
    elif rule.direction == BACKWARD:
        if cue.start < target.end:
            return False
        gap = _gap_words(text[target.end:cue.start])
        if rule.max_scope is not None and not set(gap) <= subject_gap_words:
            return False
    else:
        return True
    return rule.max_scope is None or len(gap) <= rule.max_scope


def exception_phrase(statement: Statement, target: Target, cues: list[Cue], clause: Clause) -> tuple[int, int] | None:
    """The (cue start, phrase end) of an exception phrase that holds the target, if any."""
    text = statement.text
    for cue in cues:
        if cue.category != EXCEPTION or not clause.left <= cue.start < clause.right:
            continue
        if cue.end > target.start:
            continue
        end, holds_target = cue.end, False
        for other in sorted(statement.targets, key=lambda t: t.start):
            if other.start < end:
                continue
            between = text[end:other.start]
            # the first may be a list after its subject: 'With the exception of two States (NO, SE)'
            opens_with_subject = end == cue.end and other.kind == "list" and other.subject \
                and len(WORD.findall(between)) <= EXCEPTION_SUBJECT_WORDS and not re.search(r"[,;:]", between)
            if not (COORDINATION.match(between) or opens_with_subject):
                break
            end = other.end
            holds_target = holds_target or other is target
        if holds_target:  # the phrase runs to its last State: 'Cyprus and Greece, where ...'
            return cue.start, end
    return None


def excepted_clause(statement: Statement, cues: list[Cue], exception: tuple[int, int], clause: Clause) -> Clause:
    """The clause the exception is taken from. A fronted exception ('With the exception of
    the Netherlands, where the police may ..., these States do not ...') is taken from the
    clause after it, past a relative clause hung on the excepted names."""
    text = statement.text
    start, end = exception
    if text[statement.start:start].strip():
        return clause  # 'All respondents except Ireland have a procedure'
    relative = EXCEPTION_RELATIVE.match(text, end, statement.end)
    main = relative.end() if relative else end
    boundaries = [cue.start for cue in cues if cue.category == TERMINATE and cue.start >= main]
    return Clause(main, min(boundaries + [statement.end]))


def _gap_words(text: str) -> list[str]:
    """The words between a cue and its target that count towards `max_scope`."""
    return [w.lower() for w in WORD.findall(text)
            if w[0].isalpha() and not w[0].isupper() and w.lower() not in COORDINATORS]
