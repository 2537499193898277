"""Rules as data: one record class per kind of rule on a small shared base, and one matcher.

A rules file is JSON with one top-level key holding a list of flat records; every record
carries a `comment` saying what it is for. Records are checked against the fields their
class allows, so a typo in a rules file fails loudly instead of silently matching nothing.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, fields
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

__all__ = [
    "RuleError",
    "Rule",
    "PatternRule",
    "LexiconRule",
    "RuleComponent",
    "RuleMatcher",
    "read_rules",
    "write_rules",
    "default_rules_path",
    "across_lines",
]


class RuleError(ValueError):
    """A malformed rules file or record."""


@dataclass
class Rule:
    """Base of every rule: fixed allowed keys, `from_dict`/`to_dict`, a comment on purpose."""

    comment: str = ""
    KIND: ClassVar[str] = "rules"

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Rule:
        allowed = {f.name for f in fields(cls)}
        unknown = sorted(set(record) - allowed)
        if unknown:
            raise RuleError(f"{cls.__name__}: unknown key(s) {unknown} in {record}")
        try:
            rule = cls(**record)
        except TypeError as error:
            raise RuleError(f"{cls.__name__}: {error} in {record}") from None
        rule.validate()
        return rule

    def to_dict(self) -> dict[str, Any]:
        defaults = {f.name: f.default for f in fields(self)}
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != defaults[f.name] or f.name == "comment"
        }

    def validate(self) -> None:
        """Subclasses check their values here."""


@dataclass
class PatternRule(Rule):
    """A pattern with a category: exactly one of `literal`, `tokens` or `regex`.

    >>> PatternRule(literal="no such practice", category="NEGATED").kind
    'literal'

    A literal goes to a PhraseMatcher (on lower-cased text), a token pattern to a Matcher,
    a regex to character offsets aligned with `doc.char_span`.
    """

    literal: str | None = None
    tokens: list[dict[str, Any]] | None = None
    regex: str | None = None
    category: str = ""
    direction: str = "BIDIRECTIONAL"
    applies_to: str = "all"
    max_scope: int | None = None
    flags: str = ""
    KIND: ClassVar[str] = "pattern_rules"

    @property
    def kind(self) -> str:
        return "literal" if self.literal is not None else "tokens" if self.tokens else "regex"

    def validate(self) -> None:
        given = [p for p in (self.literal, self.tokens, self.regex) if p]
        if len(given) != 1:
            raise RuleError(f"need exactly one of literal, tokens, regex: {self.to_dict()}")
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as error:
                raise RuleError(f"bad regex {self.regex!r}: {error}") from None

    def compiled(self) -> re.Pattern[str]:
        flag_value = 0
        for letter in self.flags:
            flag_value |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X}[letter]
        return re.compile(self.regex or "", flag_value)


@dataclass
class LexiconRule(Rule):
    """A named word list: `{"name": "states_nouns", "terms": ["States", ...]}`."""

    name: str = ""
    terms: list[str] | None = None
    KIND: ClassVar[str] = "lexicons"

    def validate(self) -> None:
        if not self.name or not self.terms:
            raise RuleError(f"a lexicon needs a name and terms: {self.to_dict()}")


def default_rules_path(*parts: str) -> Path:
    """Where shipped rules live: the `models/` folder, installed as `pipeline.models`."""
    return Path(str(files("pipeline.models").joinpath(*parts)))


def read_rules(path: Path, rule_class: type[Rule]) -> list[Rule]:
    """Read the records under `rule_class.KIND` from a JSON rules file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RuleError(f"{path}: {error}") from None
    if not isinstance(data, dict) or rule_class.KIND not in data:
        raise RuleError(f"{path}: expected a top-level key {rule_class.KIND!r}")
    return [rule_class.from_dict(record) for record in data[rule_class.KIND]]


def write_rules(path: Path, rules: list[Rule], kind: str | None = None) -> None:
    """Write rules back in the same shape, one record per line for readable diffs."""
    kind = kind or (type(rules[0]).KIND if rules else "rules")
    lines = ",\n".join("    " + json.dumps(r.to_dict(), ensure_ascii=False) for r in rules)
    Path(path).write_text(f'{{"{kind}": [\n{lines}\n]}}\n', encoding="utf-8")


LINE_BREAK = {"IS_SPACE": True, "OP": "*"}


def across_lines(pattern: list[dict]) -> list[dict]:
    """A token pattern that also matches when a line break falls between its tokens.

    Wrapped text puts a newline token between words ('replied in the\\nnegative')."""
    spaced: list[dict] = []
    for token in pattern:
        if spaced:
            spaced.append(LINE_BREAK)
        spaced.append(token)
    return spaced


class RuleMatcher:
    """Dispatch on the pattern's type: PhraseMatcher, Matcher, or regex with char_span.

    Returns `(rule_index, span)` pairs; regexes run on the text with markup blanked, so a
    match never depends on `**` or link brackets and its offsets are the document's own.
    A Matcher costs time per pattern and token, so token patterns are grouped by the anchor
    words they require, and each group's Matcher only looks at windows around its anchors
    (found first by a PhraseMatcher); every match holds its anchor, so none is lost. A window
    whose text lacks some pattern's required words in order (`_required_words`) cannot hold a
    match of it, and is skipped without running the Matcher.
    """

    def __init__(self, nlp, rules: list[PatternRule]):
        self.rules = rules
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.anchors = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.groups: list[tuple[Matcher, int, re.Pattern[str]]] = []  # (matcher, window, filter) per anchor set
        self.regexes: list[tuple[int, re.Pattern[str]]] = []
        grouped: dict[frozenset[str], list[tuple[str, list[dict]]]] = {}
        for index, rule in enumerate(rules):
            key = str(index)
            if rule.kind == "literal":
                words = [t.lower_ for t in nlp.make_doc(rule.literal)]
                if len(words) == 1:
                    self.phrases.add(key, [nlp.make_doc(rule.literal)])
                    continue
                pattern = [{"LOWER": w} for w in words]
            elif rule.kind == "tokens":
                pattern = rule.tokens
            else:
                self.regexes.append((index, rule.compiled()))
                continue
            grouped.setdefault(frozenset(_anchor(pattern)), []).append((key, pattern))
        ordered = sorted(grouped.items(), key=lambda group: sorted(group[0]))
        for group, (anchor_words, patterns) in enumerate(ordered):
            matcher = Matcher(nlp.vocab)
            for key, pattern in patterns:
                matcher.add(key, [across_lines(pattern)])
            window = max(_longest(pattern) for _, pattern in patterns)
            prefilter = re.compile("|".join(_required_words(pattern) for _, pattern in patterns), re.S)
            self.groups.append((matcher, window, prefilter))
            self.anchors.add(str(group), [nlp.make_doc(word) for word in sorted(anchor_words)])

    def __call__(self, doc: Doc, text: str | None = None,
                 within: list[tuple[int, int]] | None = None) -> list[tuple[int, Span]]:
        """All matches, or those inside the sorted token ranges `within`."""
        found: list[tuple[int, Span]] = []
        strings = doc.vocab.strings
        inside = _membership(within)
        for match_id, start, end in self.phrases(doc):
            if inside(start):
                found.append((int(strings[match_id]), doc[start:end]))
        positions: dict[int, list[int]] = {}
        for match_id, start, _end in self.anchors(doc):
            if inside(start):
                positions.setdefault(int(strings[match_id]), []).append(start)
        raw = doc._.raw_text or doc.text
        lowered = raw.lower()
        if len(lowered) != len(raw):  # a letter whose lower case is longer ('İ'): offsets would shift
            lowered = None
        for group, starts in positions.items():
            matcher, window, prefilter = self.groups[group]
            for low, high in _windows(sorted(starts), window, len(doc), within):
                last = doc[high - 1]
                if lowered is not None and not prefilter.search(lowered, doc[low].idx, last.idx + len(last)):
                    continue
                for match_id, start, end in matcher(doc[low:high]):
                    found.append((int(strings[match_id]), doc[low + start:low + end]))
        if self.regexes:
            text = raw if text is None else text
            for index, pattern in self.regexes:
                for match in pattern.finditer(text):
                    span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        found.append((index, span))
        found = list({(index, span.start, span.end): (index, span) for index, span in found}.values())
        found.sort(key=lambda pair: (pair[1].start, -pair[1].end))
        return found


def _membership(within: list[tuple[int, int]] | None):
    """A test for 'token index lies in one of the sorted ranges' (always true without ranges)."""
    if within is None:
        return lambda index: True
    starts = [start for start, _ in within]

    def inside(index: int) -> bool:
        position = bisect_right(starts, index) - 1
        return position >= 0 and index < within[position][1]

    return inside


def _windows(starts: list[int], window: int, length: int,
             within: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Token ranges around each anchor (kept inside the anchor's own range), merged."""
    bounds = [start for start, _ in within] if within else []
    merged: list[list[int]] = []
    for start in starts:
        low, high = max(0, start - window), min(length, start + window + 1)
        if within:
            own = within[bisect_right(bounds, start) - 1]
            low, high = max(low, own[0]), min(high, own[1])
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


REPEAT_ALLOWANCE = 4  # tokens a '*' or '+' token may take within a window
LINE_BREAK_ALLOWANCE = 2  # newline tokens a match may span
COMMON_WORDS = {",", ";", ":", ".", "the", "a", "an", "of", "in", "to", "and", "or", "is", "are", "was", "were", "be",
                "been", "has", "have", "had", "do", "does", "did", "that", "this", "it", "they",
                "for", "on", "by", "with", "as", "at", "from"}


def _longest(pattern: list[dict]) -> int:
    """How many tokens a match of the pattern may take, as far as a window needs to know."""
    repeats = sum(REPEAT_ALLOWANCE for token in pattern if token.get("OP") in ("*", "+"))
    return len(pattern) + repeats + LINE_BREAK_ALLOWANCE


def _required_words(pattern: list[dict]) -> str:
    """A regex that finds, in lower-cased text, the words every match of the pattern holds, in
    order with anything between: a window it does not find cannot hold a match."""
    parts = []
    for token in pattern:
        if token.get("OP") in ("?", "*"):
            continue
        words = _fixed_words(token)
        if words:
            parts.append("(?:" + "|".join(re.escape(w) for w in sorted(words)) + ")")
    return ".*?".join(parts) or ""


def _fixed_words(token: dict) -> set[str]:
    """The lower-cased words a token pattern allows, or none when it allows any word."""
    for attr in ("LOWER", "ORTH", "TEXT"):
        value = token.get(attr)
        if isinstance(value, dict):
            words = set(value.get("IN", []))
        else:
            words = {value} if isinstance(value, str) else set()
        if words:
            return {w.lower() for w in words}
    return set()


def _anchor(pattern: list[dict]) -> set[str]:
    """The words of the pattern's rarest required token: every match contains one of them."""
    candidates = [_fixed_words(token) for token in pattern
                  if token.get("OP") not in ("?", "*") and "IS_SPACE" not in token]
    candidates = [words for words in candidates if words]
    if not candidates:
        raise RuleError(f"a token pattern needs one required token with fixed words: {pattern}")
    return min(candidates, key=lambda words: (bool(words & COMMON_WORDS), len(words)))


class RuleComponent:
    """Base of the pipeline's components: pattern rules and lexicons read from their folder.

    `spacy.load` builds the component empty, then `from_disk` reads `rules.json` and
    `lexicons.json` from the component's folder under `models/` and calls `setup`."""

    RULES_FILE = "rules.json"
    LEXICONS_FILE = "lexicons.json"

    def __init__(self, nlp, name: str):
        self.nlp = nlp
        self.name = name
        self.rules: list[PatternRule] = []
        self.lexicon_rules: list[LexiconRule] = []
        self.lexicons: dict[str, list[str]] = {}

    def setup(self) -> None:
        """Compile the rules; called whenever they change."""

    def add_rules(self, rules: list[PatternRule], lexicons: list[LexiconRule] = ()) -> None:
        self.rules.extend(rules)
        self.lexicon_rules.extend(lexicons)
        self.lexicons = {rule.name: list(rule.terms or []) for rule in self.lexicon_rules}
        self.setup()

    def rules_of(self, category: str) -> list[PatternRule]:
        return [rule for rule in self.rules if rule.category == category]

    def to_disk(self, path, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.rules:
            write_rules(path / self.RULES_FILE, self.rules)
        if self.lexicon_rules:
            write_rules(path / self.LEXICONS_FILE, self.lexicon_rules)

    def from_disk(self, path, exclude=()):
        path = Path(path)
        self.rules, self.lexicon_rules = [], []
        rules = read_rules(path / self.RULES_FILE, PatternRule) if (path / self.RULES_FILE).exists() else []
        lexicons = (
            read_rules(path / self.LEXICONS_FILE, LexiconRule)
            if (path / self.LEXICONS_FILE).exists()
            else []
        )
        self.add_rules(rules, lexicons)
        return self
