"""Stance: ConText-style cues decide yes / no / no_information / mention per country.

Cues are rules with a category (NEGATED, NO_INFORMATION, EXCEPTION, ALTERNATIVE, TERMINATE,
PSEUDO), a direction and the targets they apply to (code lists, names or both). A target's
scope is its clause: TERMINATE cues and the subject of the next clause bound it, and after
"either" each "or" opens a branch of its own. A list takes the polarity of its clause, a
bullet's list that of its lead-in; a name is `no` only when the clause denies the practice
for the State itself, and an exception takes the opposite of the clause it is excepted from.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from .._extensions import group_ranges, install_extensions, question_id, set_group, span_values
from ..countries import CODE_LISTS, COUNTRIES
from ..items import ITEMS, SUBJECT_LIST
from ..normalize import BOLD
from ..rules import RuleComponent, RuleMatcher
from ..sections import STATEMENTS

__all__ = ["CUES", "RESPONSES", "STANCE_OF", "OPPOSITE", "Stance"]

CUES = "emn_cues"
RESPONSES = "emn_responses"

# One table maps cue categories to stances; the first found in a scope wins, in this order.
STANCE_OF = {"NO_INFORMATION": "no_information", "NEGATED": "no"}
OPPOSITE = {"yes": "no", "no": "yes", "no_information": "yes"}
WORD = re.compile(r"[\w'.]+|[,;:]")
SUBJECT_START = re.compile(r",|\band\b|\bor\b|\bwhile\b|\bwhilst\b|\bwhereas\b", re.I)
COORDINATION = re.compile(r"^[\s,]*(?:(?:and|or|as well as)\s+)?(?:(?:in|for)\s+)?(?:the\s+)?$", re.I)
QUESTION_STOPWORDS = {"the", "and", "are", "any", "for", "how", "what", "which", "with", "this", "that",
                      "these", "those", "there", "their", "from", "into", "does", "did", "has", "have",
                      "been", "can", "could", "was", "were", "states", "member", "other", "such", "its",
                      "take", "taken", "make", "made", "give", "given", "get", "put"}
OBJECT_WINDOW = 4  # tokens after a negated predicate searched for its object
PREDICATE_FILLERS = {"any", "particular", "specific", "such", "a", "an", "the", "to", "of", "on", "in", "for",
                     "with", "by", "at", "from", "yet", "so", "far", "further", "more"}
MIN_SHARED_PREFIX = 5  # a predicate and a question word agree on this many letters ("apply", "applied")
COORDINATORS = {"and", "or", "the", "as", "well"}
INTRODUCERS = ("following", "as follows")  # what a lead-in says its bullets are
FRAME_WINDOW = 4  # words before a preposition searched for a frame ("examples can be found in")
EXCEPTION_RELATIVE = re.compile(r"\s*,?\s*(?:where|which|who|whose|when)\b[^,;]*,", re.IGNORECASE)
EXCEPTION_SUBJECT_WORDS = 4  # 'With the exception of two (Member) States (NO, SE)'


@dataclass
class Target:
    """A code list or a name in a statement: what a cue's scope is decided for."""

    spans: list[Span]
    start: int
    end: int
    kind: str  # "list" or "name"
    subject: bool = False
    group: int = -1  # names coordinated with each other share a group ('Czechia, Estonia and Latvia')


class Stance(RuleComponent):
    """Sets `stance` and `cue` on the countries that are responses (`emn_responses`)."""

    def __init__(self, nlp: Language, name: str = "emn_stance"):
        install_extensions()
        super().__init__(nlp, name)

    def setup(self) -> None:
        self.matcher = RuleMatcher(self.nlp, self.rules)
        self.speech_verbs = set(self.lexicons.get("speech_verbs", []))
        self.place_prepositions = set(self.lexicons.get("place_prepositions", []))
        self.respondent_frames = set(self.lexicons.get("respondent_frames", []))
        self.motion_prepositions = set(self.lexicons.get("motion_prepositions", []))
        self.denial_frames = set(self.lexicons.get("denial_frames", []))
        self.reason_openers = set(self.lexicons.get("reason_openers", []))
        countries = self.nlp.get_pipe("emn_countries") if "emn_countries" in self.nlp.pipe_names else None
        self.named_if_respondent = getattr(countries, "named_if_respondent", set())
        self.subject_gap_words = set(self.lexicons.get("subject_gap_words", []))

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.clean_text
        cues = self.find_cues(doc, self._statements_with_countries(doc))
        cue_starts = [span.start_char for _, span in cues]
        set_group(doc, CUES, [span for _, span in cues])
        self._question_cache: dict[str, set[str]] = {}
        bold = [(s.start_char, s.end_char) for s in doc.spans[BOLD]]
        # Where the summary sets respondents' names in bold, a plain name after a preposition is
        # a place ('minors in Greece joining relatives in Germany'); without bold, context decides.
        subject_lists = {key for key, role in span_values(doc, "list_role").items() if role == SUBJECT_LIST}
        list_ranges = span_values(doc, "code_list_range")
        item_labels, stances, decided_by = (span_values(doc, name) for name in ("item", "stance", "cue"))
        all_countries = list(doc.spans[COUNTRIES])
        bold_names = any(_overlaps(c, bold) for c in all_countries
                         if (c.start_char, c.end_char) not in list_ranges)
        body = doc._.body_text  # footnotes are blanked here: their countries are no statements
        respondents = set((doc._.metadata or {}).get("respondents", []))
        countries = [c for c in all_countries if not body[c.start_char:c.end_char].isspace()
                     and (c.label_ not in self.named_if_respondent or c.label_ in respondents
                          or (c.start_char, c.end_char) in list_ranges)]
        item_starts, items = group_ranges(doc, ITEMS)  # sorted and disjoint: one per inline item
        responses: list[Span] = []
        seen: set[tuple] = set()
        cursor = 0
        for statement in doc.spans[STATEMENTS]:
            while cursor < len(countries) and countries[cursor].start_char < statement.start_char:
                cursor += 1
            inside = []
            while cursor < len(countries) and countries[cursor].end_char <= statement.end_char:
                inside.append(countries[cursor])
                cursor += 1
            if not inside:
                continue
            targets = self.targets(text, statement, inside, list_ranges, subject_lists, bold, bold_names)
            first = bisect_left(cue_starts, statement.start_char)
            last = bisect_left(cue_starts, statement.end_char)
            statement_cues = [(r, s) for r, s in cues[first:last] if s.end_char <= statement.end_char]
            outside_items = [(r, s) for r, s in statement_cues
                             if not _inside(s.start_char, item_starts, items)]
            for target in targets:
                # an item's own words ('adult children who cannot provide ...') are its label,
                # not the clause its list belongs to
                scoped_cues = outside_items if target.kind == "list" else statement_cues
                stance, cue = self.decide(text, statement, target, targets, scoped_cues, cues)
                for span in target.spans:
                    offsets = (span.start_char, span.end_char)
                    key = (statement.start_char, span.label_, stance, item_labels.get(offsets, ""))
                    if key in seen:
                        continue
                    seen.add(key)
                    stances[offsets] = stance
                    decided_by[offsets] = cue
                    responses.append(span)
        set_group(doc, RESPONSES, sorted(responses, key=lambda s: s.start_char))
        return doc

    # -- cues -----------------------------------------------------------------------------

    def _statements_with_countries(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges of the statements that hold a country, and of their lead-ins: the only
        places a cue can decide anything."""
        countries = group_ranges(doc, COUNTRIES)[0]
        ranges = []
        for statement in doc.spans[STATEMENTS]:
            index = bisect_left(countries, statement.start_char)
            if index < len(countries) and countries[index] < statement.end_char:
                ranges.append((statement.start, statement.end))
                lead_in = statement._.lead_in if statement.label_ == "bullet" else None
                if lead_in is not None:
                    ranges.append((lead_in.start, lead_in.end))
        return sorted(set(ranges))

    def find_cues(self, doc: Doc, within: list[tuple[int, int]] | None = None) -> list[tuple]:
        """Cue matches outside code lists ("NO" is Norway), minus those a PSEUDO cue overlaps."""
        in_lists = {i for s in doc.spans[CODE_LISTS] for i in range(s.start, s.end)}
        body = doc._.body_text  # page furniture is blanked there: 'Query No. 6117' negates nothing
        found = [(r, s) for r, s in self.matcher(doc, within=within)
                 if not in_lists.intersection(range(s.start, s.end))
                 and not body[s.start_char:s.end_char].isspace()]
        pseudo = [(r, s) for r, s in found if self.rules[r].category == "PSEUDO"]
        kept = []
        for index, span in found:
            rule = self.rules[index]
            if rule.category == "PSEUDO":
                continue
            covered = [
                p for p_index, p in pseudo
                if p.start < span.end and span.start < p.end
                and self._applies(self.rules[p_index].applies_to, rule)
            ]
            if covered:
                continue
            kept.append((index, Span(doc, span.start, span.end, label=rule.category)))
        # "either because" outranks "either": a TERMINATE cue hides an ALTERNATIVE under it.
        terminators = [s for _, s in kept if s.label_ == "TERMINATE"]
        kept = [(i, s) for i, s in kept
                if not (s.label_ == "ALTERNATIVE" and any(t.start <= s.start < t.end for t in terminators))]
        return sorted(kept, key=lambda pair: pair[1].start_char)

    @staticmethod
    def _applies(pseudo_scope: str, rule) -> bool:
        return pseudo_scope == "all" or rule.applies_to in (pseudo_scope, "all")

    # -- targets --------------------------------------------------------------------------

    def targets(self, text, statement, countries, list_ranges, subject_lists, bold,
                bold_names: bool) -> list[Target]:
        """Group codes by their list; keep names that speak as a State (not mere places)."""
        targets: list[Target] = []
        by_list: dict[tuple[int, int], Target] = {}
        names = []
        for span in countries:
            key = list_ranges.get((span.start_char, span.end_char))
            if key is None:
                subject = (self._next_word(text, span.end_char, statement.end_char) in self.speech_verbs
                           and self._previous_word(text, statement.start_char, span.start_char)
                           not in self.place_prepositions)  # 'an NGO in the UK was mentioned
                names.append(Target([span], span.start_char, span.end_char, "name", subject=subject))
                continue
            if key not in by_list:
                is_subject = key in subject_lists
                by_list[key] = Target([], key[0], key[1], "list", subject=is_subject)
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
                kept[name.group] = self.is_respondent(text, statement, name, bold, has_speaker or bold_names)
            if kept[name.group]:
                targets.append(name)
        return sorted(targets, key=lambda t: t.start)

    def is_respondent(self, text: str, statement: Span, name: Target, bold, places_likely: bool) -> bool:
        """A name is a responding State unless it is a plain place after a preposition.

        After 'to' or 'from' it is a destination or origin; after 'in' it is a place only when
        places are likely: another State speaks in the sentence ('Poland explained that ...
        provided in the UK'), or the summary sets the names of respondents in bold."""
        if name.subject or any(start < name.end and name.start < end for start, end in bold):
            return True
        before = WORD.findall(text[statement.start_char:name.start])
        while before and before[-1].lower() == "the":
            before.pop()
        if not before or before[-1].lower() not in self.place_prepositions:
            return True
        if len(before) == 1 or before[-2] == ",":
            return True  # fronted: "In Belgium, ..."
        framing = [w.lower() for w in before[-1 - FRAME_WINDOW:-1]]
        if any(word in self.respondent_frames for word in framing):
            return True
        if before[-1].lower() in self.motion_prepositions:
            return False
        if any(word in self.denial_frames for word in framing):
            return True  # 'is not foreseen in Czechia': the practice is denied in that State
        return not places_likely

    @staticmethod
    def _previous_word(text: str, start: int, end: int) -> str:
        words = [w.lower() for w in WORD.findall(text[start:end]) if w.lower() != "the"]
        return words[-1] if words else ""

    @staticmethod
    def _next_word(text: str, start: int, end: int) -> str:
        for word in WORD.findall(text[start:end]):
            if word not in (",",):
                return word.lower()
        return ""

    # -- decisions ------------------------------------------------------------------------

    def decide(self, text, statement, target, targets, cues, all_cues) -> tuple[str, str]:
        """The stance of one target and the cue that decided it."""
        left_hard, right_hard = self._hard_segment(statement, target, cues)
        if target.kind == "list":
            left_hard, right_hard = self._main_clause_of_parked_list(statement, target, targets, cues,
                                                                     left_hard, right_hard)
        exception = self._exception(text, target, targets, cues, left_hard, right_hard)
        if exception is not None:
            left, right = self._excepted_clause(text, statement, cues, exception, left_hard, right_hard)
            start, end = exception
            polarity, cue = self._polarity(
                [(r, s) for r, s in cues if left <= s.start_char < right and not start <= s.start_char < end],
                "list",
            )
            return OPPOSITE[polarity], cue
        left, right = self._clause(text, target, targets, cues, left_hard, right_hard)
        scoped = [(r, s) for r, s in cues if left <= s.start_char and s.end_char <= right]
        scoped = [(r, s) for r, s in scoped if self._in_direction(text, target, self.rules[r], s)]
        polarity, cue = self._polarity(scoped, target.kind, self._question_words(statement))
        if target.kind == "name":
            return ("mention", "") if polarity == "yes" else (polarity, cue)
        lead_in = statement._.lead_in if statement.label_ == "bullet" else None
        if polarity == "yes" and lead_in is not None:
            return self._lead_in_polarity(lead_in, [
                (r, s) for r, s in all_cues
                if lead_in.start_char <= s.start_char and s.end_char <= lead_in.end_char])
        return polarity, cue

    def _hard_segment(self, statement, target, cues) -> tuple[int, int]:
        left, right = statement.start_char, statement.end_char
        for index, span in cues:
            if self.rules[index].category != "TERMINATE":
                continue
            if span.end_char <= target.start:
                left = max(left, span.end_char)
            elif span.start_char >= target.end:
                right = min(right, span.start_char)
        return left, right

    def _main_clause_of_parked_list(self, statement, target, targets, cues, left, right) -> tuple[int, int]:
        """A list parked at the end of a reason clause belongs to the main clause before it:
        'Evaluations have not been carried out in most States, either because ... or because
        no data were available (AT, BG)' is `no`, as ANNOTATION's 'either because' rule says.
        Only when no other country stands before the reason clause to own it."""
        before = [s for r, s in cues if self.rules[r].category == "TERMINATE" and s.end_char <= target.start]
        reasons = [s for s in before if s.text.lower() in self.reason_openers]
        if not before or before[-1] not in reasons or before[-1].end_char != left:
            return left, right
        main_left = max([statement.start_char] + [s.end_char for s in before if s not in reasons])
        main_right = min(s.start_char for s in reasons if s.start_char >= main_left)
        if any(other.start < main_right for other in targets if other is not target):
            return left, right
        return main_left, main_right

    def _clause(self, text, target, targets, cues, left, right) -> tuple[int, int]:
        """Narrow the hard segment to the target's clause and, after 'either', its branch."""
        for other in targets:
            if other is target:
                continue
            same_group = target.kind == "name" and other.group == target.group
            if other.end <= target.start and other.end > left and (other.subject or target.subject) \
                    and not same_group:
                left = max(left, other.end)
            same_group = target.kind == "name" and other.group == target.group
            if other.start >= target.end and other.subject and other.start < right and not same_group:
                right = other.start
        if target.subject:
            for match in SUBJECT_START.finditer(text, left, target.start):
                left = max(left, match.end())
        alternatives = [(self.rules[i], s) for i, s in cues
                        if self.rules[i].category == "ALTERNATIVE" and left <= s.start_char < right]
        opener = next((s for rule, s in alternatives
                       if rule.literal == "either" and s.end_char <= target.start), None)
        if opener is None or not any(rule.literal != "either" and s.start_char > opener.end_char
                                     for rule, s in alternatives):
            return left, right  # 'not required either in (IE)': an 'either' with no 'or' opens nothing
        starts = [opener.end_char] + [s.start_char for rule, s in alternatives
                                      if rule.literal != "either" and s.start_char > opener.end_char]
        branch_left = max(s for s in starts if s <= target.start)
        later = [s for s in starts if s > target.start]
        return max(left, branch_left), min([right] + later)

    def _in_direction(self, text, target, rule, span) -> bool:
        """FORWARD cues stand before the target, BACKWARD ones after it, within `max_scope` words.

        Words of a coordination of names ('in Czechia, Hungary and Poland') are not counted,
        and after a name only words such as 'also' may stand before its own negated verb."""
        if rule.direction == "FORWARD":
            if span.end_char > target.start:
                return False
            gap = _gap_words(text[span.end_char:target.start])
        elif rule.direction == "BACKWARD":
            if span.start_char < target.end:
                return False
            gap = _gap_words(text[target.end:span.start_char])
            if rule.max_scope is not None and not set(gap) <= self.subject_gap_words:
                return False
        else:
            return True
        return rule.max_scope is None or len(gap) <= rule.max_scope

    def _polarity(self, cues, kind: str, question_words: set[str] = frozenset()) -> tuple[str, str]:
        """The stance that the applicable cues give, by precedence; 'yes' when none.

        A NEGATED_PREDICATE cue counts as NEGATED only when its predicate is one the question
        asks about ('cannot change employer' under 'Are workers allowed to change employer?')."""
        applicable = []
        for index, span in cues:
            rule = self.rules[index]
            if rule.applies_to not in ("all", kind + "s"):
                continue
            if rule.category == "NEGATED_PREDICATE" and any(
                    _asked_about(word, question_words) for word in _predicate_words(span)):
                applicable.append((replace(rule, category="NEGATED"), span))
            elif rule.category in STANCE_OF:
                applicable.append((rule, span))
        for category, stance in STANCE_OF.items():
            for rule, span in applicable:
                if rule.category == category:
                    return stance, span.text
        return "yes", ""

    def _question_words(self, statement: Span) -> set[str]:
        """The content words of the question a statement answers (once per question)."""
        label = question_id(statement.doc, statement.start_char, statement.end_char)
        if label not in self._question_cache:
            question = statement._.question
            words = re.findall(r"[a-z]{3,}", question.text.lower()) if question is not None else []
            self._question_cache[label] = {w for w in words if w not in QUESTION_STOPWORDS}
        return self._question_cache[label]

    def _excepted_clause(self, text, statement, cues, exception, left, right) -> tuple[int, int]:
        """The clause the exception is taken from. A fronted exception ('With the exception of
        the Netherlands, where the police may ..., these States do not ...') is taken from the
        clause after it, past a relative clause hung on the excepted names."""
        start, end = exception
        if text[statement.start_char:start].strip():
            return left, right  # 'All respondents except Ireland have a procedure'
        relative = EXCEPTION_RELATIVE.match(text, end, statement.end_char)
        main = relative.end() if relative else end
        boundaries = [s.start_char for r, s in cues
                      if self.rules[r].category == "TERMINATE" and s.start_char >= main]
        return main, min(boundaries + [statement.end_char])

    def _exception(self, text, target, targets, cues, left, right) -> tuple[int, int] | None:
        """The (cue start, phrase end) of an exception phrase that holds the target, if any."""
        for index, cue in cues:
            if self.rules[index].category != "EXCEPTION" or not left <= cue.start_char < right:
                continue
            if cue.end_char > target.start:
                continue
            end, holds_target = cue.end_char, False
            for other in sorted(targets, key=lambda t: t.start):
                if other.start < end:
                    continue
                between = text[end:other.start]
                # the first may be a list after its subject: 'With the exception of two States (NO, SE)'
                opens_with_subject = end == cue.end_char and other.kind == "list" and other.subject \
                    and len(WORD.findall(between)) <= EXCEPTION_SUBJECT_WORDS and not re.search(r"[,;:]", between)
                if not (COORDINATION.match(between) or opens_with_subject):
                    break
                end = other.end
                holds_target = holds_target or other is target
            if holds_target:  # the phrase runs to its last State: 'Cyprus and Greece, where ...'
                return cue.start_char, end
        return None

    def _lead_in_polarity(self, lead_in: Span, cues_of) -> tuple[str, str]:
        """The polarity of the lead-in clause that introduces the bullets, which they inherit.

        That is the clause holding 'the following' where there is one ('they do not use the
        following measures, although the law provides for them:'), else the last clause."""
        text = lead_in.doc._.clean_text
        end = len(text[:lead_in.end_char].rstrip().rstrip(":"))
        anchor = max(text.rfind(word, lead_in.start_char, end) for word in INTRODUCERS)
        position = anchor if anchor >= 0 else end
        start = lead_in.start_char
        for index, span in cues_of:
            if self.rules[index].category != "TERMINATE":
                continue
            if span.end_char <= position:
                start = max(start, span.end_char)
            elif span.start_char >= position:
                end = min(end, span.start_char)
        scoped = [(r, s) for r, s in cues_of if start <= s.start_char < end]
        return self._polarity(scoped, "list")


def _inside(position: int, starts: list[int], ranges: list[tuple]) -> bool:
    """Whether a position lies in one of the sorted, disjoint ranges."""
    index = bisect_right(starts, position) - 1
    return index >= 0 and position < ranges[index][1]


def _overlaps(span: Span, ranges: list[tuple[int, int]]) -> bool:
    return any(start < span.end_char and span.start_char < end for start, end in ranges)


def _gap_words(text: str) -> list[str]:
    """The words between a cue and its target that count towards `max_scope`."""
    return [w.lower() for w in WORD.findall(text)
            if w[0].isalpha() and not w[0].isupper() and w.lower() not in COORDINATORS]


def _predicate_words(cue: Span) -> list[str]:
    """The negated predicate and the first content word after it ('encountered', 'obstacles')."""
    words = [cue[-1].lower_]
    for token in cue.doc[cue.end:cue.end + OBJECT_WINDOW]:
        if token.is_alpha and token.lower_ not in PREDICATE_FILLERS:
            words.append(token.lower_)
            break
    return words


def _asked_about(predicate: str, question_words: set[str]) -> bool:
    """Whether the question uses the predicate's word (same stem, roughly)."""
    for word in question_words:
        shared = min(MIN_SHARED_PREFIX, len(word), len(predicate))
        if shared >= 3 and word[:shared] == predicate[:shared] and abs(len(word) - len(predicate)) <= 4:
            return True
    return False


@Language.factory("emn_stance", assigns=["span._.stance", "doc.spans"])
def make_stance(nlp: Language, name: str) -> Stance:
    return Stance(nlp, name)
