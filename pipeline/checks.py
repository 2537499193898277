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
from .rules import PatternRule, RuleComponent, number_pattern, shared_config
from .sections import QUESTION_BODIES, STATEMENTS
from .stance import RESPONSES

__all__ = ["CHECKS", "SEVERITY", "Finding", "CheckRule", "Checks", "check_rows"]

CHECKS = "emn_checks"
SEVERITY = {
    "count_mismatch": "error",
    "non_respondent": "error",
    "unknown_code": "error",
    "duplicate_in_list": "warning",
    "respondent_missing": "info",
    "conflicting_stance": "info",
}
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
        for start, end, question in group_ranges(doc, QUESTION_BODIES)[1]:
            text = doc._.raw_text[start:end]
            start += len(text) - len(text.lstrip())  # point at the body's text, not blank lines
            end = start + len(text.strip())
            for code in respondents:
                if code not in accounted[question]:
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


def _finding(doc: Doc, findings: list[Finding], start: int, end: int, kind: str, detail: str,
             question: str = "") -> None:
    findings.append(Finding(kind, SEVERITY[kind], detail, start, end, question))


def check_rows(doc: Doc, doc_id: str) -> list[tuple]:
    """The rows of the checks table for a processed Doc."""
    return [(doc_id, f.question_id, f.severity, f.kind, f.detail, f.start_char, f.end_char)
            for f in doc._.findings or []]


@Language.factory("emn_checks", assigns=["doc._.findings", "doc.spans"], requires=["doc._.metadata", "doc.spans"],
                  default_config={"rules": "default", "number_words": shared_config("number_words")})
def make_checks(nlp: Language, name: str, rules: str, number_words: list[str]) -> Checks:
    return Checks(nlp, name, rules, number_words)
