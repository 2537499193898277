"""Checks: a summary checked against itself, since summaries are written by hand.

Findings go to `doc._.findings` (kind, severity, detail, offsets) and, as spans labelled
with their kind, to the `emn_checks` group:
a stated number that differs from its list, a country that did not respond, a code that is
no country, a country twice in one list, respondents a question leaves unaccounted for, and
a country both `yes` and `no` in one question with nothing to tell the two apart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import astuple, dataclass
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc

from ._extensions import (
    enclosing_range,
    group,
    group_ranges,
    install_extensions,
    msgpack_codec,
    question_id,
    set_group,
    span_values,
)
from .countries import CODE_LISTS, COUNTRIES, NAME_LIST, UNKNOWN_CODES
from .metadata import META, parse_number
from .normalize import FOOTNOTES
from .rules import PatternRule, RuleComponent, number_pattern, shared_config
from .schema import bare_number
from .sections import HEADINGS, QUESTION_BODIES, QUESTIONS, STATEMENTS
from .stance import RESPONSES

__all__ = ["CHECKS", "SEVERITY", "Finding", "CheckRule", "Checks", "check_rows", "unread_row"]

CHECKS = "emn_checks"
SEVERITY = {
    "count_mismatch": "error",
    "non_respondent": "error",
    "unknown_code": "error",
    "duplicate_in_list": "warning",
    "respondent_missing": "info",
    "conflicting_stance": "info",
    "question_gap": "warning",
    "unattributed_country": "warning",
    "table_unread": "warning",
    "reply_unread": "warning",
    "reader_warning": "warning",  # what a reader could not read or had to guess: a page without text, an encoding
    "document_unread": "error",  # the file could not be read at all: the reason
}
QUESTION_NUMBER = re.compile(r"^(?P<parts>\d{1,2}(?:\.\d{1,2})*)(?P<letter>[a-h]?)(?:-(?P<last>\d{1,2}))?$")
LOOKBACK = 120  # characters before a list searched for its stated number
CODE = re.compile(r"\b[A-Z]{2}\b")


@dataclass(frozen=True)
class Finding:
    """One slip found in a summary, with the offsets of the text it is about."""

    kind: str
    severity: str
    detail: str
    start_char: int
    end_char: int
    question_id: str


@dataclass
class CheckRule(PatternRule):
    """A regex the checks read; '{NUMBER}' stands for a count in digits or words.

    >>> CheckRule(regex="(?P<number>{NUMBER}) States$", category="STATED_LIST_COUNT").category
    'STATED_LIST_COUNT'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset({"STATED_LIST_COUNT"})
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"regex"})


class Checks(RuleComponent):
    """Sets `doc._.findings` and the `emn_checks` span group."""

    FACTORY = "emn_checks"
    RULE_CLASS = CheckRule

    def __init__(self, nlp: Language, name: str = "emn_checks", rules: str = "default",
                 number_words: list[str] | None = None) -> None:
        install_extensions()
        self.number_words = list(number_words or [])
        super().__init__(nlp, name, rules)

    def setup(self) -> None:
        number = number_pattern(self.number_words)
        self.stated_count = [re.compile((rule.regex or "").replace("{NUMBER}", number))
                             for rule in self.rules_of("STATED_LIST_COUNT")]

    def __call__(self, doc: Doc) -> Doc:
        findings: list[Finding] = []
        respondents = (doc._.metadata or {}).get("respondents", [])
        self.list_counts(doc, findings)
        self.stated_respondents(doc, findings)
        for span in group(doc, UNKNOWN_CODES):
            _finding(doc, findings, span.start_char, span.end_char, "unknown_code",
                     f"'{span.text}' in a code list is no country code", question_id(doc, span.start_char) or "")
        self.duplicates(doc, findings)
        rows = []  # (question id, code, stance, item, start, end) of every response
        stances, items = span_values(doc, "stance"), span_values(doc, "item")
        for start, end, code in group_ranges(doc, RESPONSES)[1]:
            question = question_id(doc, start, end)
            if question is not None:
                rows.append((question, code, stances.get((start, end)), items.get((start, end)) or "", start, end))
        rows += [(row.question_id, row.country, row.stance, row.item, row.start, row.end)
                 for row in doc._.table_responses + doc._.reply_responses]
        for reply in doc._.replies:
            if reply.unread:
                _finding(doc, findings, reply.start, reply.end, "reply_unread",
                         f"{reply.country}: the reply could not be split into answers ({reply.unread})")
        self.question_gaps(doc, findings)
        self.unattributed(doc, respondents, findings)
        for table in doc._.unread_tables:
            _finding(doc, findings, table.start, table.end, "table_unread", table.reason,
                     question_id(doc, table.start) or "")
        if respondents:
            for question, code, _, _, start, end in rows:
                if code not in respondents:
                    _finding(doc, findings, start, end, "non_respondent", f"{code} is not among the respondents",
                             question)
            self.coverage(doc, rows, respondents, findings)
        self.conflicts(doc, rows, findings)
        findings.sort(key=lambda f: (f.start_char, f.kind, f.detail))
        doc._.findings = tuple(findings)
        spans = (doc.char_span(f.start_char, f.end_char, label=f.kind, alignment_mode="expand") for f in findings)
        set_group(doc, CHECKS, [span for span in spans if span is not None])  # an empty body has no span
        return doc

    def question_gaps(self, doc: Doc, findings: list[Finding]) -> None:
        """Question numbers that skip one ('3.2' then '3.4'), and questions listed up front that
        no answer section takes up: a question the reader may have lost."""
        answered = {label for _, _, label in group_ranges(doc, QUESTION_BODIES)[1]}
        previous: tuple[tuple[int, ...], str] | None = None
        for start, end, label in group_ranges(doc, QUESTIONS)[1]:
            if label not in answered and not doc._.replies:  # a compilation answers in its replies
                _finding(doc, findings, start, end, "question_gap",
                         f"question {label} is listed but no section answers it", label)
            match = QUESTION_NUMBER.match(bare_number(label))
            if match is None:
                continue
            parts = tuple(int(p) for p in match.group("parts").split("."))
            letter = match.group("letter")
            if previous is not None:
                missing = _skipped(previous, (parts, letter))
                if missing:
                    missing = label[:len(label) - len(bare_number(label))] + missing  # 'Q2' where ids keep their Q
                    _finding(doc, findings, start, end, "question_gap",
                             f"question {missing} is missing before {label}", label)
            last = int(match.group("last")) if match.group("last") else None
            previous = ((*parts[:-1], last) if last else parts, letter)

    def unattributed(self, doc: Doc, respondents: list[str], findings: list[Finding]) -> None:
        """Countries after the first question that stand in no question's body, heading or
        footnote: a code, or a respondent's name, whose statement the reader could not place."""
        questions = group_ranges(doc, QUESTIONS)[1]
        if not questions or doc._.replies:  # a compilation's countries head their replies
            return
        first = min(start for start, _, _ in questions)
        kept = [group_ranges(doc, name)[1] for name in (QUESTION_BODIES, HEADINGS, FOOTNOTES)]
        mention_types = span_values(doc, "mention_type")
        body = doc._.body_text
        for start, end, code in group_ranges(doc, COUNTRIES)[1]:
            if start < first or body[start:end].isspace():
                continue
            if mention_types.get((start, end)) == "name" and code not in respondents:
                continue
            if not any(s <= start < e for ranges in kept for s, e, _ in ranges):
                _finding(doc, findings, start, end, "unattributed_country",
                         f"{code} stands after the first question but in no question's section")

    def list_counts(self, doc: Doc, findings) -> None:
        text = doc._.clean_text
        for code_list in group(doc, CODE_LISTS):
            question = question_id(doc, code_list.start_char)
            if question is None:
                continue
            before = text[max(0, code_list.start_char - LOOKBACK):code_list.start_char]
            for pattern in self.stated_count:
                match = pattern.search(before)
                if match is None:
                    continue
                stated = parse_number(match.group("number"), self.number_words)
                written = (len({code for start, end, code in group_ranges(doc, COUNTRIES)[1]
                                if code_list.start_char <= start < code_list.end_char})
                           if code_list.label_ == NAME_LIST else len(set(CODE.findall(code_list.text))))
                if stated is not None and stated != written:
                    start = code_list.start_char - len(before) + match.start()
                    _finding(doc, findings, start, code_list.end_char, "count_mismatch",
                             f"'{match.group('number')}' stated, {written} codes listed", question)
                break

    def stated_respondents(self, doc: Doc, findings) -> None:
        meta = doc._.metadata or {}
        stated, listed = meta.get("n_respondents_stated"), meta.get("respondents", [])
        if stated is None or not listed or stated == len(listed):
            return
        number = next((s for s in group(doc, META) if s.label_ == "N_STATED"), None)
        if number is not None:
            _finding(doc, findings, number.start_char, number.end_char, "count_mismatch",
                     f"introduction states {stated} respondents, {len(listed)} listed")

    def duplicates(self, doc: Doc, findings) -> None:
        seen: set[tuple[int, str]] = set()
        for start, end, code in group_ranges(doc, COUNTRIES)[1]:
            code_list = enclosing_range(doc, CODE_LISTS, start, end)
            if code_list is None:
                continue
            if (code_list[0], code) in seen:
                _finding(doc, findings, start, end, "duplicate_in_list",
                         f"{code} twice in one list", question_id(doc, start) or "")
            seen.add((code_list[0], code))

    def coverage(self, doc: Doc, rows: list[tuple], respondents: list[str], findings) -> None:
        accounted = defaultdict(set)
        for question, code, *_ in rows:
            accounted[question].add(code)
        withheld = {reply.country for reply in doc._.replies if reply.withheld}
        # a summary's question is accounted for in its body; a compilation's in its replies
        places = group_ranges(doc, QUESTION_BODIES)[1] if not doc._.replies else group_ranges(doc, QUESTIONS)[1]
        for start, end, question in places:
            text = doc._.raw_text[start:end]
            start += len(text) - len(text.lstrip())  # point at the body's text, not blank lines
            end = start + len(text.strip())
            for code in respondents:
                if code not in accounted[question] and code not in withheld:
                    _finding(doc, findings, start, end, "respondent_missing",
                             f"{code}: no statement of question {question} accounts for it", question)

    def conflicts(self, doc: Doc, rows: list[tuple], findings) -> None:
        stances: defaultdict[tuple[str, str, str], defaultdict[str, list[tuple[int, int]]]] = \
            defaultdict(lambda: defaultdict(list))
        for question, code, stance, item, start, end in rows:
            stances[(question, code, item)][stance].append((start, end))
        for (question, code, item), by_stance in stances.items():
            if by_stance.get("yes") and by_stance.get("no"):
                start, end = by_stance["no"][0]
                statement = enclosing_range(doc, STATEMENTS, start, end) or (start, end)
                item_note = f" (item '{item}')" if item else ""
                _finding(doc, findings, statement[0], statement[1], "conflicting_stance",
                         f"{code} is both yes and no in question {question}{item_note}", question)


msgpack_codec("finding", Finding, astuple, lambda data: Finding(*data))


def _skipped(previous: tuple[tuple[int, ...], str], current: tuple[tuple[int, ...], str]) -> str:
    """The first question number missing between two in a row, or ''."""
    (before, before_letter), (parts, letter) = previous, current
    if parts[:-1] != before[:-1] or len(parts) != len(before):
        return ""
    if parts == before:
        if before_letter and letter and ord(letter) - ord(before_letter) > 1:
            return ".".join(map(str, parts)) + chr(ord(before_letter) + 1)
        return ""
    if parts[-1] - before[-1] > 1:
        return ".".join(map(str, (*parts[:-1], before[-1] + 1)))
    return ""


def _finding(doc: Doc, findings: list[Finding], start: int, end: int, kind: str, detail: str,
             question: str = "") -> None:
    findings.append(Finding(kind, SEVERITY[kind], detail, start, end, question))


def check_rows(doc: Doc, doc_id: str) -> list[tuple]:
    """The rows of the checks table for a processed Doc."""
    return [(doc_id, f.question_id, f.severity, f.kind, f.detail, f.start_char, f.end_char)
            for f in doc._.findings or []]


def unread_row(doc_id: str, kind: str, detail: str, at: int | None = None) -> tuple:
    """A checks row for what could not be read, so that it is reported, never dropped in silence;
    `at` is where in the text it is (the start for the whole document), None where there is no text."""
    offset = "" if at is None else at
    return (doc_id, "", SEVERITY[kind], kind, detail, offset, offset)


@Language.factory("emn_checks", assigns=["doc._.findings", "doc.spans"], requires=["doc._.metadata", "doc.spans"],
                  default_config={"rules": "default", "number_words": shared_config("number_words")})
def make_checks(nlp: Language, name: str, rules: str, number_words: list[str]) -> Checks:
    return Checks(nlp, name, rules, number_words)
