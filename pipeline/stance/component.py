"""Stance: ConText-style cues decide yes / no / no_information / mention per country.

Cues are rules with a category (NEGATED, NO_INFORMATION, EXCEPTION, ALTERNATIVE, TERMINATE,
PSEUDO), a direction and the targets they apply to (code lists, names or both). A target's
scope is its clause (`scope`); a list takes the polarity of its clause (`polarity`), a
bullet's list that of its lead-in; a name is `no` only when the clause denies the practice
for the State itself, and an exception takes the opposite of the clause it is excepted from.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span

from .._extensions import RecordedResponse, group, group_ranges, install_extensions, question_id, set_group, span_values
from ..countries import CODE_LISTS, COUNTRIES
from ..items import ITEMS, SUBJECT_LIST
from ..normalize import BOLD, plain_text
from ..replies import ANSWERS
from ..rules import RuleComponent, RuleMatcher, shared_config
from ..sections import QUESTIONS, STATEMENTS
from .polarity import OPPOSITE, lead_in_polarity, polarity, question_words
from .rules import ALL, ALTERNATIVE, NEGATED, NO_INFORMATION, PSEUDO, TERMINATE, Cue, CueRule, StanceLexicon
from .scope import (
    Statement,
    excepted_clause,
    exception_phrase,
    hard_segment,
    in_direction,
    parked_list_clause,
    target_clause,
)
from .targets import Target, TargetWords, find_targets

__all__ = ["CUES", "RESPONSES", "Stance"]

COMMA_REACH = 8  # characters before a cue searched for the comma that sets it off
COMMA_BEFORE = re.compile(r",\s*$")  # searched in the text just before a cue, to its start
COMMA_AFTER = re.compile(r"\s*,")  # matched right after a cue; neither copies the text around it

CUES = "emn_cues"
RESPONSES = "emn_responses"
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
OUTRANKS = {TERMINATE: (ALTERNATIVE,), NEGATED: (NO_INFORMATION,)}  # a longer cue hides these categories in it
Range = tuple[int, int]


class Stance(RuleComponent):
    """Sets `stance` and `cue` on the countries that are responses (`emn_responses`).

    Observer States (`observer_states`, a shared lexicon) are responses by name only where
    the summary lists them among its respondents: elsewhere 'Ukraine' is a country of origin."""

    FACTORY = "emn_stance"
    RULE_CLASS = CueRule
    LEXICON_CLASS = StanceLexicon

    def __init__(self, nlp: Language, name: str = "emn_stance", rules: str = "default",
                 observer_states: list[str] | None = None) -> None:
        install_extensions()
        self.named_if_respondent = frozenset(observer_states or [])
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        self.cue_rules: list[CueRule] = [rule for rule in self.rules if isinstance(rule, CueRule)]
        self.matcher = RuleMatcher(self.nlp, list(self.cue_rules))
        words = {name: frozenset(terms) for name, terms in self.lexicons.items()}
        empty: frozenset[str] = frozenset()
        self.words = TargetWords(*(words.get(name, empty) for name in (
            "speech_verbs", "place_prepositions", "respondent_frames", "motion_prepositions", "denial_frames")))
        self.reason_openers = words.get("reason_openers", empty)
        self.subject_gap_words = words.get("subject_gap_words", empty)
        self.figure_words = words.get("figure_words", empty)

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.clean_text
        cues = self.find_cues(doc, self._statements_with_countries(doc))
        cue_starts = [cue.start for cue in cues]
        set_group(doc, CUES, [Span(doc, cue.token_start, cue.token_end, label=cue.category) for cue in cues])
        asked: dict[str | None, frozenset[str]] = {}
        bold = [(s.start_char, s.end_char) for s in group(doc, BOLD)]
        # Where the summary sets respondents' names in bold, a plain name after a preposition is
        # a place ('minors in Greece joining relatives in Germany'); without bold, context decides.
        subject_lists = {key for key, role in span_values(doc, "list_role").items() if role == SUBJECT_LIST}
        list_ranges: dict[Range, Range] = span_values(doc, "code_list_range")
        item_labels, stances, decided_by = (span_values(doc, name) for name in ("item", "stance", "cue"))
        all_countries = group(doc, COUNTRIES)
        bold_names = any(_overlaps(c, bold) for c in all_countries if (c.start_char, c.end_char) not in list_ranges)
        body = doc._.body_text  # footnotes are blanked here: their countries are no statements
        respondents = set((doc._.metadata or {}).get("respondents", []))
        countries = [c for c in all_countries if not body[c.start_char:c.end_char].isspace()
                     and (c.label_ not in self.named_if_respondent or c.label_ in respondents
                          or (c.start_char, c.end_char) in list_ranges)]
        item_starts, items = group_ranges(doc, ITEMS)  # sorted and disjoint: one per inline item
        responses: list[Span] = []
        seen: set[tuple[int, str, str, object]] = set()
        cursor = 0
        for statement in group(doc, STATEMENTS):
            while cursor < len(countries) and countries[cursor].start_char < statement.start_char:
                cursor += 1
            inside = []
            while cursor < len(countries) and countries[cursor].end_char <= statement.end_char:
                inside.append(countries[cursor])
                cursor += 1
            if not inside:
                continue
            bounds = (statement.start_char, statement.end_char)
            targets = find_targets(text, bounds, inside, list_ranges, subject_lists, bold, bold_names, self.words)
            context = Statement(text, statement.start_char, statement.end_char, targets)
            first, last = bisect_left(cue_starts, statement.start_char), bisect_left(cue_starts, statement.end_char)
            statement_cues = [cue for cue in cues[first:last] if cue.end <= statement.end_char]
            outside_items = [cue for cue in statement_cues if not _inside(cue.start, item_starts, items)]
            label = question_id(doc, statement.start_char, statement.end_char)
            if label not in asked:
                asked[label] = question_words(_question_text(doc, label))
            lead_in = span_values(doc, "lead_in_range").get(bounds) if statement.label_ == "bullet" else None
            for target in targets:
                # an item's own words ('adult children who cannot provide ...') are its label,
                # not the clause its list belongs to
                scoped_cues = outside_items if target.kind == "list" else statement_cues
                stance, cue_text = self.decide(doc, context, target, scoped_cues, cues, asked[label],
                                               lead_in)
                for span in target.spans:
                    offsets = (span.start_char, span.end_char)
                    key = (statement.start_char, span.label_, stance, item_labels.get(offsets, ""))
                    if key in seen:
                        continue
                    seen.add(key)
                    stances[offsets] = stance
                    decided_by[offsets] = cue_text
                    responses.append(span)
        set_group(doc, RESPONSES, sorted(responses, key=lambda s: s.start_char))
        doc._.reply_responses = tuple(self.reply_responses(doc, cues, cue_starts))
        return doc

    def reply_responses(self, doc: Doc, cues: list[Cue], cue_starts: list[int]) -> list[RecordedResponse]:
        """The stance of each answer in a compilation's replies: an explicit Yes or No first;
        else its first clause's cues, read as the clause of a list of one State; else a mere
        reference is a mention, and a reply that describes the practice a yes."""
        responses = []
        text = doc._.clean_text
        for reply in doc._.replies:
            for answer in reply.answers:
                evidence = " ".join(plain_text(doc, start, end) for start, end in answer.pieces)
                clause_end = _first_clause_end(text, answer.start, answer.pieces[0][1])
                first, last = bisect_left(cue_starts, answer.start), bisect_left(cue_starts, clause_end)
                clause = [cue for cue in cues[first:last] if cue.end <= clause_end]
                clause = clause[:next((i for i, cue in enumerate(clause) if cue.category == TERMINATE), len(clause))]
                for question in answer.questions:
                    stance = answer.explicit
                    if not stance:
                        asked = question_words(_question_text(doc, question))
                        found, _ = polarity(doc, clause, "list", asked, self.figure_words)
                        stance = found if found != "yes" else "mention" if answer.reference else "yes"
                    responses.append(RecordedResponse(reply.country, stance, "", question, evidence,
                                                      answer.start, answer.end, "reply"))
        return responses

    # -- cues -----------------------------------------------------------------------------

    def _statements_with_countries(self, doc: Doc) -> list[Range]:
        """Token ranges of the statements that hold a country, and of their lead-ins: the only
        places a cue can decide anything."""
        countries = group_ranges(doc, COUNTRIES)[0]
        lead_ins = span_values(doc, "lead_in_range")
        ranges = [(answer.start, answer.end) for answer in group(doc, ANSWERS)]
        for statement in group(doc, STATEMENTS):
            index = bisect_left(countries, statement.start_char)
            if index < len(countries) and countries[index] < statement.end_char:
                ranges.append((statement.start, statement.end))
                lead_in = lead_ins.get((statement.start_char, statement.end_char)) \
                    if statement.label_ == "bullet" else None
                if lead_in is not None:
                    span = doc.char_span(*lead_in, alignment_mode="expand")  # type: ignore[misc]
                    if span is not None:
                        ranges.append((span.start, span.end))
        return sorted(set(ranges))

    def find_cues(self, doc: Doc, within: list[Range] | None = None) -> list[Cue]:
        """Cue matches outside code lists ("NO" is Norway), minus those a PSEUDO cue overlaps,
        in text order."""
        in_lists = {i for s in group(doc, CODE_LISTS) for i in range(s.start, s.end)}
        body = doc._.body_text  # page furniture is blanked there: 'Query No. 6117' negates nothing
        raw = doc._.raw_text
        found = [(self.cue_rules[index], span) for index, span in self.matcher(doc, within=within)
                 if not in_lists.intersection(range(span.start, span.end))
                 and not body[span.start_char:span.end_char].isspace()]
        pseudo: defaultdict[int, list[str]] = defaultdict(list)  # token -> scopes of the PSEUDO cues over it
        for rule, span in found:
            if rule.category == PSEUDO:
                for token in range(span.start, span.end):
                    pseudo[token].append(rule.applies_to)
        kept: list[Cue] = []
        for rule, span in found:
            if rule.category == PSEUDO:
                continue
            if any(_blocks(scope, rule) for token in range(span.start, span.end) for scope in pseudo.get(token, ())):
                continue
            kept.append(Cue(rule, span.start_char, span.end_char, span.start, span.end,
                            raw[span.start_char:span.end_char]))
        # A longer cue hides a cue of a category it outranks inside it, where it applies to the
        # same targets: 'either because' (TERMINATE) hides 'either', 'no data are collected'
        # (NEGATED) hides 'no data'.
        text = doc._.clean_text  # a contrast set off by commas ('(BE), however, do not') ends no clause
        kept = [cue for cue in kept if not (cue.category == TERMINATE and COMMA_AFTER.match(text, cue.end)
                                            and COMMA_BEFORE.search(text, max(0, cue.start - COMMA_REACH), cue.start))]
        covering: defaultdict[int, list[Cue]] = defaultdict(list)  # cues are a few tokens long: linear
        for other in kept:
            if other.category in OUTRANKS:
                for token in range(other.token_start, other.token_end):
                    covering[token].append(other)
        kept = [cue for cue in kept if not any(
            cue.category in OUTRANKS[other.category] and other.token_start <= cue.token_start
            and cue.token_end <= other.token_end and other.rule.applies_to in (ALL, cue.rule.applies_to)
            for other in covering.get(cue.token_start, ()))]
        return sorted(kept, key=lambda cue: cue.start)

    # -- decisions ------------------------------------------------------------------------

    def decide(self, doc: Doc, statement: Statement, target: Target, cues: list[Cue], all_cues: list[Cue],
               asked: frozenset[str], lead_in: Range | None) -> tuple[str, str]:
        """The stance of one target and the text of the cue that decided it."""
        clause = hard_segment(statement, target, cues)
        if target.kind == "list":
            clause = parked_list_clause(statement, target, cues, clause, self.reason_openers)
        exception = exception_phrase(statement, target, cues, clause)
        if exception is not None:
            taken_from = excepted_clause(statement, cues, exception, clause)
            start, end = exception
            found, cue_text = polarity(doc, [cue for cue in cues if taken_from.left <= cue.start < taken_from.right
                                             and not start <= cue.start < end], "list")
            return OPPOSITE[found], cue_text
        clause = target_clause(statement, target, cues, clause)
        scoped = [cue for cue in cues if clause.holds(cue)
                  and in_direction(statement.text, target, cue, self.subject_gap_words)]
        found, cue_text = polarity(doc, scoped, target.kind, asked, self.figure_words)
        if target.kind == "name":
            return ("mention", "") if found == "yes" else (found, cue_text)
        if found == "yes" and lead_in is not None:
            return lead_in_polarity(doc, statement.text, lead_in,
                                    [cue for cue in all_cues if lead_in[0] <= cue.start and cue.end <= lead_in[1]])
        return found, cue_text


def _first_clause_end(text: str, start: int, end: int) -> int:
    """Where an answer's first sentence ends."""
    match = SENTENCE_END.search(text, start, end)
    return match.end() if match else end


def _question_text(doc: Doc, label: str | None) -> str:
    """The text of the question heading with this id ('' outside any question)."""
    for start, end, question in group_ranges(doc, QUESTIONS)[1]:
        if question == label:
            return str(doc._.raw_text[start:end])
    return ""


def _blocks(pseudo_scope: str, rule: CueRule) -> bool:
    """Whether a PSEUDO cue of this scope blocks a cue of this rule."""
    return pseudo_scope == ALL or rule.applies_to in (pseudo_scope, ALL)


def _inside(position: int, starts: list[int], ranges: list[tuple[int, int, str]]) -> bool:
    """Whether a position lies in one of the sorted, disjoint ranges."""
    index = bisect_right(starts, position) - 1
    return index >= 0 and position < ranges[index][1]


def _overlaps(span: Span, ranges: list[Range]) -> bool:
    return any(start < span.end_char and span.start_char < end for start, end in ranges)


@Language.factory("emn_stance", assigns=["span._.stance", "doc.spans"], requires=["doc.spans"],
                  default_config={"rules": "default", "observer_states": shared_config("observer_states")})
def make_stance(nlp: Language, name: str, rules: str, observer_states: list[str]) -> Stance:
    return Stance(nlp, name, rules, observer_states)
