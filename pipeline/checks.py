"""Checks: a summary checked against itself, since summaries are written by hand.

Findings go to `doc._.findings` (kind, severity, detail, offsets) and, as spans labelled
with their kind, to the `emn_checks` group:
a stated number that differs from its list, a country that did not respond, a code that is
no country, a country twice in one list, respondents a question leaves unaccounted for, and
a country both `yes` and `no` in one question with nothing to tell the two apart.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from ._extensions import install_extensions
from .countries import CODE_LISTS, COUNTRIES, UNKNOWN_CODES
from .metadata import META, parse_number
from .rules import RuleComponent
from .sections import QUESTION_BODIES, QUESTIONS
from .stance import RESPONSES

__all__ = ["CHECKS", "SEVERITY", "Finding", "Checks", "check_rows"]

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


@dataclass(frozen=True)
class Finding:
    """One slip found in a summary, with the offsets of the text it is about."""

    kind: str
    severity: str
    detail: str
    start_char: int
    end_char: int
    question_id: str


class Checks(RuleComponent):
    """Sets `doc._.findings` and the `emn_checks` span group."""

    def __init__(self, nlp: Language, name: str = "emn_checks"):
        install_extensions()
        super().__init__(nlp, name)

    def setup(self) -> None:
        self.number_words = self.nlp.get_pipe("emn_metadata").number_words
        words = sorted(self.number_words, key=len, reverse=True)
        number = r"\d{1,3}|" + "|".join(re.escape(w).replace(r"\-", "[- ]") for w in words)
        self.stated_count = [re.compile(rule.regex.replace("{NUMBER}", number))
                             for rule in self.rules_of("STATED_LIST_COUNT")]

    def __call__(self, doc: Doc) -> Doc:
        findings: list[Finding] = []
        respondents = set((doc._.metadata or {}).get("respondents", []))
        bodies = list(doc.spans[QUESTION_BODIES])
        self.list_counts(doc, bodies, findings)
        self.stated_respondents(doc, findings)
        for span in doc.spans[UNKNOWN_CODES]:
            _finding(doc, findings, span, "unknown_code", f"'{span.text}' in a code list is no country code")
        self.duplicates(doc, findings)
        rows = [span for span in doc.spans[RESPONSES] if span._.question is not None]
        if respondents:
            for span in rows:
                if span.label_ not in respondents:
                    _finding(doc, findings, span, "non_respondent",
                             f"{span.label_} is not among the respondents")
        self.coverage(doc, rows, respondents, findings)
        self.conflicts(doc, rows, findings)
        findings.sort(key=lambda f: (f.start_char, f.kind, f.detail))
        doc._.findings = findings
        doc.spans[CHECKS] = [doc.char_span(f.start_char, f.end_char, label=f.kind, alignment_mode="expand")
                             for f in findings]
        return doc

    def list_counts(self, doc: Doc, bodies, findings) -> None:
        text = doc._.clean_text
        members = Counter()
        for country in list(doc.spans[COUNTRIES]) + list(doc.spans[UNKNOWN_CODES]):
            code_list = country._.code_list
            key = (code_list.start_char, code_list.end_char) if code_list is not None else _list_of(doc, country)
            members[key] += 1
        for code_list in doc.spans[CODE_LISTS]:
            if not any(b.start_char <= code_list.start_char < b.end_char for b in bodies):
                continue
            before = text[max(0, code_list.start_char - LOOKBACK):code_list.start_char]
            for pattern in self.stated_count:
                match = pattern.search(before)
                if match is None:
                    continue
                stated = parse_number(match.group("number"), self.number_words)
                written = len(set(re.findall(r"\b[A-Z]{2}\b", code_list.text)))
                if stated is not None and stated != written:
                    start = code_list.start_char - len(before) + match.start()
                    span = doc.char_span(start, code_list.end_char, alignment_mode="expand")
                    _finding(doc, findings, span, "count_mismatch",
                             f"'{match.group('number')}' stated, {written} codes listed")
                break

    def stated_respondents(self, doc: Doc, findings) -> None:
        meta = doc._.metadata or {}
        stated, listed = meta.get("n_respondents_stated"), meta.get("respondents", [])
        if stated is None or not listed or stated == len(listed):
            return
        number = next((s for s in doc.spans[META] if s.label_ == "N_STATED"), None)
        if number is not None:
            _finding(doc, findings, number, "count_mismatch",
                     f"introduction states {stated} respondents, {len(listed)} listed", question=False)

    def duplicates(self, doc: Doc, findings) -> None:
        by_list: dict[tuple, list[Span]] = defaultdict(list)
        for country in doc.spans[COUNTRIES]:
            if country._.code_list is not None:
                by_list[(country._.code_list.start_char, country._.code_list.end_char)].append(country)
        for spans in by_list.values():
            seen = set()
            for span in spans:
                if span.label_ in seen:
                    _finding(doc, findings, span, "duplicate_in_list", f"{span.label_} twice in one list")
                seen.add(span.label_)

    def coverage(self, doc: Doc, rows: list[Span], respondents: set[str], findings) -> None:
        order = (doc._.metadata or {}).get("respondents", [])
        accounted = defaultdict(set)
        for span in rows:
            accounted[span._.question.label_].add(span.label_)
        bodies = {body.label_: body for body in doc.spans[QUESTION_BODIES]}
        for question in doc.spans[QUESTIONS]:
            body = bodies.get(question.label_)
            if body is None or not respondents:
                continue
            for code in order:
                if code not in accounted[question.label_]:
                    _finding(doc, findings, body, "respondent_missing",
                             f"{code}: no statement of question {question.label_} accounts for it",
                             trim=True)

    def conflicts(self, doc: Doc, rows: list[Span], findings) -> None:
        stances = defaultdict(lambda: defaultdict(list))
        for span in rows:
            stances[(span._.question.label_, span.label_, span._.item or "")][span._.stance].append(span)
        for (question, code, item), by_stance in stances.items():
            if by_stance.get("yes") and by_stance.get("no"):
                statement = by_stance["no"][0]._.statement
                item_note = f" (item '{item}')" if item else ""
                _finding(doc, findings, statement, "conflicting_stance",
                         f"{code} is both yes and no in question {question}{item_note}")


def _list_of(doc: Doc, span: Span):
    for code_list in doc.spans[CODE_LISTS]:
        if code_list.start_char <= span.start_char < code_list.end_char:
            return (code_list.start_char, code_list.end_char)
    return None


def _finding(doc: Doc, findings: list[Finding], span: Span | None, kind: str, detail: str,
             question: bool = True, trim: bool = False) -> None:
    if span is None:
        return
    start, end = span.start_char, span.end_char
    if trim:  # a body: point at its text, not the blank lines around it
        text = doc.text[start:end]
        start += len(text) - len(text.lstrip())
        end = start + len(text.strip())
    heading = span._.question if question else None
    findings.append(Finding(kind, SEVERITY[kind], detail, start, end, heading.label_ if heading else ""))


def check_rows(doc: Doc, doc_id: str) -> list[tuple]:
    """The rows of the checks table for a processed Doc."""
    return [(doc_id, f.question_id, f.severity, f.kind, f.detail, f.start_char, f.end_char)
            for f in doc._.findings or []]


@Language.factory("emn_checks", assigns=["doc.spans"])
def make_checks(nlp: Language, name: str) -> Checks:
    return Checks(nlp, name)
