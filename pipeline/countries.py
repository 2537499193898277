"""Countries: code lists in parentheses and country names in prose, mapped to EU codes.

Country data comes from pycountry (ISO 3166-1); `countries.json` adds what the EU style
guide does differently (EL, UK) and the names the summaries use. A code counts only inside
a list: a capitalised word outside one ("IT tools") is not a country, and a parenthesis is
a list only when all of it is codes, so "(Member)" and "(with X and Y)" are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import pycountry
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ._extensions import enclosing_range, install_extensions, set_group, span_values
from .rules import (
    LexiconRule,
    PatternRule,
    Rule,
    RuleComponent,
    RuleMatcher,
    default_rules_path,
    read_rules,
    shared_config,
)
from .sections import TABLE_BLOCKS

__all__ = [
    "COUNTRIES",
    "CODE_LISTS",
    "UNKNOWN_CODES",
    "NAME_LIST",
    "CountryRule",
    "CountryPatternRule",
    "CountryLexicon",
    "CountryTable",
    "Countries",
]

COUNTRIES = "emn_countries"
CODE_LISTS = "emn_code_lists"
UNKNOWN_CODES = "emn_unknown_codes"
NAME_LIST = "NAME_LIST"  # label of a list of country names in parentheses
TABLE_CELL = "TABLE_CELL"  # label of a table cell holding only codes ('| AT |')
ALIGNED_CELL = "ALIGNED_CELL"  # the same in a table aligned with spaces: found only inside a table block
BARE = ("BARE_CODE_LIST", "BARE_CODE")  # codes in prose without parentheses: the list is the codes alone
LIST_CATEGORIES = ("CODE_LIST", *BARE, TABLE_CELL, ALIGNED_CELL)
CAPITALS = re.compile(r"[A-Z]{3,}")
COUNTRIES_FILE = "countries.json"


@dataclass
class CountryRule(Rule):
    """One country's EU-style code, its ISO code where that differs, and extra names.

    >>> CountryRule(code="EL", iso="GR", names=["Greece"]).to_dict()["iso"]
    'GR'
    """

    code: str = ""
    iso: str | None = None
    names: list[str] | None = None
    KIND: ClassVar[str] = "countries"


@dataclass
class CountryPatternRule(PatternRule):
    """A pattern for a code list, a code, a list of names, or a name that is no country.

    >>> CountryPatternRule(literal="Northern Ireland", category="NOT_A_COUNTRY").kind
    'literal'
    """

    CATEGORIES: ClassVar[frozenset[str]] = frozenset(
        {"CODE_LIST", *BARE, "TABLE_CELL", "ALIGNED_CELL", "CODE", "ARTICLE_CODE", "NOT_A_COUNTRY", "NAME_LIST",
         "NAME_LIST_GLUE"})


@dataclass
class CountryLexicon(LexiconRule):
    NAMES: ClassVar[frozenset[str]] = frozenset({"named_states", "not_codes"})


class CountryTable:
    """Codes and names: ISO data from pycountry, EU exceptions and variants from data."""

    def __init__(self, rules: list[CountryRule], named_states: list[str], not_codes: list[str]) -> None:
        self._codes: dict[str, str | None] = {}  # code as written -> EU code, looked up once
        self.iso_to_code = {rule.iso: rule.code for rule in rules if rule.iso}
        self.code_to_iso = {rule.code: rule.iso for rule in rules if rule.iso}
        self.not_codes = set(not_codes)
        self.extra_names = {rule.code: rule.names or [] for rule in rules}
        self.names: dict[str, str] = {}  # name -> EU code, for the States recognised by name
        for code in named_states:
            for name in self.names_of(code):
                self.names.setdefault(name, code)

    @classmethod
    def shipped(cls) -> CountryTable:
        """The table of the shipped country data, for readers of tables that name countries."""
        return cls(read_rules(default_rules_path(Countries.FACTORY, COUNTRIES_FILE), CountryRule), [], [])

    def names_of(self, code: str) -> list[str]:
        """Every name of a country by its EU code: pycountry's, then the variants in the data."""
        return self._pycountry_names(self.code_to_iso.get(code, code)) + self.extra_names.get(code, [])

    @staticmethod
    def _pycountry_names(iso: str) -> list[str]:
        country = pycountry.countries.get(alpha_2=iso)
        if country is None:
            return []
        names = [getattr(country, attr, None) for attr in ("name", "common_name", "official_name")]
        return [name for name in names if name and "," not in name]

    def code(self, written: str) -> str | None:
        """The EU-style code for a code as written, or None when it is no country code."""
        if written not in self._codes:
            self._codes[written] = self._lookup(written)
        return self._codes[written]

    def _lookup(self, written: str) -> str | None:
        if written in self.code_to_iso:
            return written
        if written in self.iso_to_code:
            return self.iso_to_code[written]
        if pycountry.countries.get(alpha_2=written) is not None:
            return written
        return None


class Countries(RuleComponent):
    """Finds code lists, the codes in them, and country names; unknown codes kept aside.

    Observer States (`observer_states`, a shared lexicon) are recognised by name too."""

    FACTORY = "emn_countries"
    RULE_CLASS = CountryPatternRule
    LEXICON_CLASS = CountryLexicon

    def __init__(self, nlp: Language, name: str = "emn_countries", rules: str = "default",
                 observer_states: list[str] | None = None) -> None:
        install_extensions()
        self.country_rules: list[CountryRule] = []
        self.named_if_respondent = set(observer_states or [])
        super().__init__(nlp, name, rules)

    def rule_files(self) -> list[tuple[str, str, type[Rule]]]:
        return [*super().rule_files(), (COUNTRIES_FILE, "country_rules", CountryRule)]

    def setup(self) -> None:
        self.table = CountryTable(
            self.country_rules,
            self.lexicons.get("named_states", []) + sorted(self.named_if_respondent),
            self.lexicons.get("not_codes", []),
        )
        self.list_patterns = [
            (rule.category, rule.compiled())
            for rule in self.rules
            if rule.category in LIST_CATEGORIES
        ]
        self.name_list_patterns = [rule.compiled() for rule in self.rules_of("NAME_LIST")]
        self.name_list_glue = [rule.compiled() for rule in self.rules_of("NAME_LIST_GLUE")]
        code_rules = self.rules_of("CODE")
        self.code_pattern = code_rules[0].compiled() if code_rules else re.compile("(?!)")
        token_rules = [r for r in self.rules if r.category in ("ARTICLE_CODE", "NOT_A_COUNTRY")]
        self.matcher = RuleMatcher(self.nlp, token_rules)
        single = sorted(n for n in self.table.names if len(self.nlp.make_doc(n)) == 1)
        self.name_matcher = _case_sensitive(self.nlp, single)
        # Names of several words may break over a line ('the United\nKingdom'): token patterns.
        self.long_names = RuleMatcher(self.nlp, [
            PatternRule(tokens=[{"ORTH": t.text} for t in self.nlp.make_doc(name)], category=code)
            for name, code in sorted(self.table.names.items()) if name not in single
        ])

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.clean_text
        lists, members, unknown = self.code_lists(doc, text)
        names = self.names(doc, occupied=[(s.start_char, s.end_char) for s in lists])
        lists = sorted(lists + self.name_lists(doc, text, names), key=lambda span: span.start_char)
        mentions = sorted(members + names, key=lambda span: span.start_char)
        set_group(doc, CODE_LISTS, lists)
        set_group(doc, COUNTRIES, mentions)
        set_group(doc, UNKNOWN_CODES, unknown)
        return doc

    def code_lists(self, doc: Doc, text: str):
        """Code-list spans, their member country spans, and unknown codes inside lists."""
        lists, members, unknown = [], [], []
        mention_types, list_ranges = span_values(doc, "mention_type"), span_values(doc, "code_list_range")
        taken = bytearray(len(text))  # 1 inside a list found: an overlap is a lookup, not a scan of all lists
        for category, pattern in self.list_patterns:
            for match in pattern.finditer(text):
                span_of_list = match.span("codes") if category in BARE else match.span()
                if taken.find(1, *span_of_list) != -1:
                    continue
                if category == ALIGNED_CELL and enclosing_range(doc, TABLE_BLOCKS, *span_of_list) is None:
                    continue
                if category in BARE and _between_capitals(text, *span_of_list):
                    continue
                codes_start = match.start("codes")
                found = []
                for code_match in self.code_pattern.finditer(match.group("codes")):
                    written = code_match.group()
                    start = codes_start + code_match.start()
                    found.append((written, self.table.code(written), start, start + 2))
                if not any(code for written, code, *_ in found):
                    continue
                list_span = doc.char_span(*span_of_list, label=category, alignment_mode="expand")
                if list_span is None:
                    continue
                taken[span_of_list[0]:span_of_list[1]] = b"\x01" * (span_of_list[1] - span_of_list[0])
                lists.append(list_span)
                tokens = {token.idx: (token.i, len(token)) for token in list_span}
                for written, code, start, end in found:
                    token = tokens.get(start)
                    span: Span | None
                    if token is not None and token[1] == end - start:  # the code is a token of its own
                        span = Span(doc, token[0], token[0] + 1, label=code or written)
                    else:
                        span = doc.char_span(start, end, label=code or written, alignment_mode="expand")
                    if span is None or written in self.table.not_codes:
                        continue
                    if code is None:
                        unknown.append(span)
                        continue
                    mention_types[span.start_char, span.end_char] = "table" if category in (TABLE_CELL, ALIGNED_CELL) \
                        else "code_list"
                    list_ranges[span.start_char, span.end_char] = (list_span.start_char, list_span.end_char)
                    members.append(span)
        lists.sort(key=lambda span: span.start_char)
        return lists, members, unknown

    def names(self, doc: Doc, occupied: list[tuple[int, int]]) -> list[Span]:
        """Country names (and 'the UK') outside code lists, longest match first."""
        candidates = []
        for _, start, end in self.name_matcher(doc):
            span = doc[start:end]
            candidates.append(Span(doc, start, end, label=self.table.names[span.text]))
        for index, span in self.long_names(doc):
            candidates.append(Span(doc, span.start, span.end, label=self.long_names.rules[index].category))
        for index, span in self.matcher(doc):
            rule = self.matcher.rules[index]
            if rule.category == "ARTICLE_CODE":
                last = span[-1:]
                code = self.table.code(last.text.replace(".", ""))
                if code:
                    candidates.append(Span(doc, last.start, last.end, label=code))
            else:
                candidates.append(Span(doc, span.start, span.end, label="NOT_A_COUNTRY"))
        names = []
        mention_types = span_values(doc, "mention_type")
        for span in filter_spans(candidates):
            if span.label_ == "NOT_A_COUNTRY":
                continue
            if any(start <= span.start_char < end for start, end in occupied):
                continue
            mention_types[span.start_char, span.end_char] = "name"
            names.append(span)
        return names

    def name_lists(self, doc: Doc, text: str, names: list[Span]) -> list[Span]:
        """Parentheses holding nothing but country names: lists like code lists, whose names
        keep `mention_type` "name" but take a list's stance and item."""
        lists = []
        list_ranges = span_values(doc, "code_list_range")
        for pattern in self.name_list_patterns:
            for match in pattern.finditer(text):
                start, end = match.span("names")
                inside = [n for n in names if start <= n.start_char and n.end_char <= end]
                if not inside:
                    continue
                glue = [text[left:right] for left, right in zip(
                    [start] + [n.end_char for n in inside], [n.start_char for n in inside] + [end], strict=True)]
                if not all(any(g.match(piece) for g in self.name_list_glue) for piece in glue):
                    continue
                list_span = doc.char_span(*match.span(), label=NAME_LIST, alignment_mode="expand")
                if list_span is None:
                    continue
                lists.append(list_span)
                for name in inside:
                    list_ranges[name.start_char, name.end_char] = (list_span.start_char, list_span.end_char)
        return lists

def _between_capitals(text: str, start: int, end: int) -> bool:
    """Codes in a line set in capitals ('IN PRACTICE', 'AT A GLANCE') are words of a heading."""
    before = text[max(0, start - 24):start].split()
    after = text[end:end + 24].split()
    return any(CAPITALS.fullmatch(word.strip(".,:;")) for word in before[-1:] + after[:1])


def _case_sensitive(nlp: Language, names: list[str]):
    """Names match case-sensitively: 'Chad' the name, not 'chad' the word."""
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for name in names:
        matcher.add(name, [nlp.make_doc(name)])
    return matcher


@Language.factory("emn_countries", assigns=["doc.spans", "span._.mention_type", "span._.code_list"],
                  default_config={"rules": "default", "observer_states": shared_config("observer_states")})
def make_countries(nlp: Language, name: str, rules: str, observer_states: list[str]) -> Countries:
    return Countries(nlp, name, rules, observer_states)
