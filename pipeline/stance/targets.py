"""Targets: what a statement's cues decide for, its code lists and the names that speak.

Codes of one list form one target. A name is a target when it stands for a responding State,
not for a place ('services provided in the UK'); names coordinated with each other
('Czechia, Estonia and Latvia') are read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span

__all__ = ["Target", "TargetWords", "find_targets", "WORD", "COORDINATION"]

WORD = re.compile(r"[\w'.]+|[,;:]")
COORDINATION = re.compile(r"^[\s,]*(?:(?:and|or|as well as)\s+)?(?:(?:in|for)\s+)?(?:the\s+)?$", re.I)
FRAME_WINDOW = 4  # words before a preposition searched for a frame ("examples can be found in")
Range = tuple[int, int]


@dataclass
class Target:
    """A code list or a name in a statement: what a cue's scope is decided for."""

    spans: list[Span]
    start: int
    end: int
    kind: str  # "list" or "name"
    subject: bool = False
    group: int = -1  # names coordinated with each other share a group ('Czechia, Estonia and Latvia')


@dataclass(frozen=True)
class TargetWords:
    """The stance lexicons that tell a speaking State from a place."""

    speech_verbs: frozenset[str] = field(default_factory=frozenset)
    place_prepositions: frozenset[str] = field(default_factory=frozenset)
    respondent_frames: frozenset[str] = field(default_factory=frozenset)
    motion_prepositions: frozenset[str] = field(default_factory=frozenset)
    denial_frames: frozenset[str] = field(default_factory=frozenset)


def find_targets(text: str, statement: Range, countries: list[Span], list_ranges: dict[Range, Range],
                 subject_lists: set[Range], bold: list[Range], bold_names: bool,
                 words: TargetWords) -> list[Target]:
    """Group codes by their list; keep names that speak as a State (not mere places)."""
    targets: list[Target] = []
    by_list: dict[Range, Target] = {}
    names: list[Target] = []
    start, end = statement
    for span in countries:
        key = list_ranges.get((span.start_char, span.end_char))
        if key is None:
            subject = (_next_word(text, span.end_char, end) in words.speech_verbs
                       and _previous_word(text, start, span.start_char)
                       not in words.place_prepositions)  # 'an NGO in the UK was mentioned'
            names.append(Target([span], span.start_char, span.end_char, "name", subject=subject))
            continue
        if key not in by_list:
            by_list[key] = Target([], key[0], key[1], "list", subject=key in subject_lists)
            targets.append(by_list[key])
        by_list[key].spans.append(span)
    for index, name in enumerate(names):
        joined = index and COORDINATION.match(text[names[index - 1].end:name.start])
        name.group = names[index - 1].group if joined else index
    for name in names:  # a coordination speaks when its last name does
        name.subject = any(other.subject for other in names if other.group == name.group)
    has_speaker = any(t.subject for t in targets + names)
    kept: dict[int, bool] = {}
    for name in names:
        if name.group not in kept:  # 'in Bulgaria and Latvia': a coordination is read as one
            kept[name.group] = is_respondent(text, start, name, bold, has_speaker or bold_names, words)
        if kept[name.group]:
            targets.append(name)
    return sorted(targets, key=lambda t: t.start)


def is_respondent(text: str, statement_start: int, name: Target, bold: list[Range], places_likely: bool,
                  words: TargetWords) -> bool:
    """A name is a responding State unless it is a plain place after a preposition.

    After 'to' or 'from' it is a destination or origin; after 'in' it is a place only when
    places are likely: another State speaks in the sentence ('Poland explained that ...
    provided in the UK'), or the summary sets the names of respondents in bold."""
    if name.subject or any(start < name.end and name.start < end for start, end in bold):
        return True
    before = WORD.findall(text[statement_start:name.start])
    while before and before[-1].lower() == "the":
        before.pop()
    if not before or before[-1].lower() not in words.place_prepositions:
        return True
    if len(before) == 1 or before[-2] == ",":
        return True  # fronted: "In Belgium, ..."
    framing = [w.lower() for w in before[-1 - FRAME_WINDOW:-1]]
    if any(word in words.respondent_frames for word in framing):
        return True
    if before[-1].lower() in words.motion_prepositions:
        return False
    if any(word in words.denial_frames for word in framing):
        return True  # 'is not foreseen in Czechia': the practice is denied in that State
    return not places_likely


def _previous_word(text: str, start: int, end: int) -> str:
    words = [w.lower() for w in WORD.findall(text[start:end]) if w.lower() != "the"]
    return words[-1] if words else ""


def _next_word(text: str, start: int, end: int) -> str:
    for word in WORD.findall(text[start:end]):
        if word not in (",",):
            return str(word).lower()
    return ""
