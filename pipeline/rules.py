"""Rules as data: one record class per stage on a small shared base, and one matcher.

A rules file is JSON with one top-level key holding a list of flat records; every record
carries a `comment` saying what it is for. Each stage declares its own record class with a
closed vocabulary (the categories it acts on, and for cues the directions and scopes), so a
typo in a rules file fails when it loads, with the file and line, instead of silently
matching nothing. Files are written back canonically (fields in declaration order, the
comment last, one record per line), so saving the pipeline leaves `models/` as it is.
"""

from __future__ import annotations

import json
import re
import warnings
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, fields
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import srsly
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import registry

__all__ = [
    "RuleError",
    "Rule",
    "PatternRule",
    "LexiconRule",
    "SharedLexicon",
    "RuleComponent",
    "RuleMatcher",
    "parse_rules",
    "read_rules",
    "rules_text",
    "default_rules_path",
    "shared_lexicon",
    "number_pattern",
    "across_lines",
]

MODELS_PACKAGE = "pipeline.models"
SHARED_LEXICONS_FILE = "lexicons.json"  # lexicons several stages use, beside the components' folders
R = TypeVar("R", bound="Rule")


class RuleError(ValueError):
    """A malformed rules file or record; the message names the file and line."""


@dataclass
class Rule:
    """Base of every rule: fixed allowed keys, `from_dict`/`to_dict`, a comment on purpose."""

    comment: str = ""
    KIND: ClassVar[str] = "rules"

    @classmethod
    def from_dict(cls: type[R], record: dict[str, Any], where: str = "") -> R:
        """A checked rule; `where` ('models/x/rules.json:12') prefixes any error."""
        prefix = f"{where}: " if where else ""
        if not isinstance(record, dict):
            raise RuleError(f"{prefix}{cls.__name__}: a record must be an object, not {record!r}")
        allowed = {f.name for f in fields(cls)}
        unknown = sorted(set(record) - allowed)
        if unknown:
            raise RuleError(f"{prefix}{cls.__name__}: unknown key(s) {unknown} in {record}")
        try:
            rule = cls(**record)
            rule.validate()
        except TypeError as error:
            raise RuleError(f"{prefix}{cls.__name__}: {error} in {record}") from None
        except RuleError as error:
            raise RuleError(f"{prefix}{error}") from None
        return rule

    def to_dict(self) -> dict[str, Any]:
        """The fields that differ from their defaults, in declaration order, the comment last."""
        record = {f.name: getattr(self, f.name) for f in fields(self)
                  if f.name != "comment" and getattr(self, f.name) != f.default}
        record["comment"] = self.comment
        return record

    def validate(self) -> None:
        """Subclasses check their values here and raise RuleError."""


def _closed(rule: Rule, field_name: str, allowed: frozenset[str]) -> None:
    value = getattr(rule, field_name)
    if allowed and value not in allowed:
        raise RuleError(f"{type(rule).__name__}: {field_name} {value!r} is not one of {sorted(allowed)}")


@dataclass
class PatternRule(Rule):
    """A pattern with a category: exactly one of `literal`, `tokens` or `regex`.

    >>> PatternRule(literal="no such practice", category="NEGATED").kind
    'literal'

    A literal goes to a PhraseMatcher (on lower-cased text), a token pattern to a Matcher,
    a regex to character offsets aligned with `doc.char_span`. Each stage subclasses it with
    its closed set of CATEGORIES (and of PATTERN_KINDS, where it reads only regexes).
    """

    literal: str | None = None
    tokens: list[dict[str, Any]] | None = None
    regex: str | None = None
    category: str = ""
    flags: str = ""
    KIND: ClassVar[str] = "pattern_rules"
    CATEGORIES: ClassVar[frozenset[str]] = frozenset()
    PATTERN_KINDS: ClassVar[frozenset[str]] = frozenset({"literal", "tokens", "regex"})
    FLAGS: ClassVar[dict[str, int]] = {"i": re.I, "m": re.M, "s": re.S, "x": re.X}

    @property
    def kind(self) -> str:
        return "literal" if self.literal is not None else "tokens" if self.tokens else "regex"

    def validate(self) -> None:
        given = [p for p in (self.literal, self.tokens, self.regex) if p]
        if len(given) != 1:
            raise RuleError(f"need exactly one of literal, tokens, regex: {self.to_dict()}")
        if self.kind not in self.PATTERN_KINDS:
            raise RuleError(f"{type(self).__name__}: a {self.kind} pattern, where only "
                            f"{sorted(self.PATTERN_KINDS)} are read")
        _closed(self, "category", self.CATEGORIES)
        if set(self.flags) - set(self.FLAGS):
            raise RuleError(f"flags {self.flags!r}: only {''.join(self.FLAGS)}")
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as error:
                raise RuleError(f"bad regex {self.regex!r}: {error}") from None

    def compiled(self) -> re.Pattern[str]:
        flag_value = 0
        for letter in self.flags:
            flag_value |= self.FLAGS[letter]
        return re.compile(self.regex or "", flag_value)


@dataclass
class LexiconRule(Rule):
    """A named word list: `{"name": "states_nouns", "terms": ["States", ...]}`; each stage
    subclasses it with the closed set of NAMES it reads."""

    name: str = ""
    terms: list[str] | None = None
    KIND: ClassVar[str] = "lexicons"
    NAMES: ClassVar[frozenset[str]] = frozenset()

    def validate(self) -> None:
        if not self.name or not self.terms:
            raise RuleError(f"a lexicon needs a name and terms: {self.to_dict()}")
        _closed(self, "name", self.NAMES)


@dataclass
class SharedLexicon(LexiconRule):
    """A lexicon several stages read, passed to them through their config."""

    NAMES: ClassVar[frozenset[str]] = frozenset({"number_words", "observer_states"})


def default_rules_path(*parts: str) -> Path:
    """Where shipped rules live: the `models/` folder, installed as `pipeline.models`."""
    return Path(str(files(MODELS_PACKAGE).joinpath(*parts)))


def _record_lines(text: str, kind: str) -> list[int]:
    """The line on which each record under `kind` starts, for error messages."""
    decoder = json.JSONDecoder()
    key = re.search(r'"' + re.escape(kind) + r'"\s*:\s*\[', text)
    if key is None:
        return []
    lines: list[int] = []
    position = key.end()
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return lines
        lines.append(text.count("\n", 0, position) + 1)
        _, position = decoder.raw_decode(text, position)


def parse_rules(text: str, rule_class: type[R], where: str) -> list[R]:
    """The records under `rule_class.KIND` in a rules file's text, each checked."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RuleError(f"{where}:{error.lineno}: {error.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get(rule_class.KIND), list):
        raise RuleError(f"{where}: expected a top-level key {rule_class.KIND!r} holding a list")
    lines = _record_lines(text, rule_class.KIND)
    return [rule_class.from_dict(record, f"{where}:{line}")
            for record, line in zip(data[rule_class.KIND], lines, strict=True)]


def read_rules(path: Path, rule_class: type[R]) -> list[R]:
    """Read the records under `rule_class.KIND` from a JSON rules file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise RuleError(f"{path}: {error.strerror or error}") from None
    return parse_rules(text, rule_class, str(path))


def rules_text(rules: list[Rule], kind: str) -> str:
    """A rules file as written: canonical, one record per line for readable diffs."""
    lines = ",\n".join("    " + json.dumps(rule.to_dict(), ensure_ascii=False) for rule in rules)
    return f'{{"{kind}": [\n{lines}\n]}}\n'


@registry.misc("emn.shared_lexicon.v1")
def shared_lexicon(name: str) -> list[str]:
    """A shared lexicon by name, from `models/lexicons.json`: stages get it through their
    config, so each works alone and none reads another's state."""
    for lexicon in read_rules(default_rules_path(SHARED_LEXICONS_FILE), SharedLexicon):
        if lexicon.name == name:
            return list(lexicon.terms or [])
    raise RuleError(f"no shared lexicon {name!r} in {SHARED_LEXICONS_FILE}")


def shared_config(name: str) -> dict[str, str]:
    """A factory's default config entry for a shared lexicon."""
    return {"@misc": "emn.shared_lexicon.v1", "name": name}


def number_pattern(number_words: list[str]) -> str:
    """A regex for a count: digits, or a number word ('twenty-one' also as 'twenty one')."""
    words = sorted(number_words, key=len, reverse=True)
    return r"\d{1,3}|" + "|".join(re.escape(w).replace(r"\-", "[- ]") for w in words)


LINE_BREAK = {"IS_SPACE": True, "OP": "*"}


def across_lines(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A token pattern that also matches when a line break falls between its tokens.

    Wrapped text puts a newline token between words ('replied in the\\nnegative')."""
    spaced: list[dict[str, Any]] = []
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
        # (matcher, window, required words of each pattern) per anchor set
        self.groups: list[tuple[Matcher, int, list[list[re.Pattern[str]]]]] = []
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
                pattern = rule.tokens or []
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
            prefilter = [_required_words(pattern) for _, pattern in patterns]
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
        raw = doc._.raw_text
        lowered = raw.lower()
        if len(lowered) != len(raw):  # a letter whose lower case is longer ('İ'): offsets would shift
            lowered = None
        for group, starts in positions.items():
            matcher, window, prefilter = self.groups[group]
            for low, high in _windows(sorted(starts), window, len(doc), within):
                last = doc[high - 1]
                if lowered is not None and not any(_in_order(lowered, doc[low].idx, last.idx + len(last), words)
                                                   for words in prefilter):
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


def _required_words(pattern: list[dict]) -> list[re.Pattern[str]]:
    """Regexes for the words every match of the pattern holds, in order, in lower-cased text:
    a window where they do not stand in that order cannot hold a match."""
    parts = []
    for token in pattern:
        if token.get("OP") in ("?", "*"):
            continue
        words = _fixed_words(token)
        if words:
            parts.append(re.compile("|".join(re.escape(w) for w in sorted(words))))
    return parts


def _in_order(text: str, start: int, end: int, parts: list[re.Pattern[str]]) -> bool:
    """Whether the parts occur in order within text[start:end]. One forward scan, so linear
    in the window (a single 'a.*?b' regex is quadratic where 'a' is frequent and 'b' absent);
    each part is sought from just after the last one's start, which never misses an order
    that exists."""
    for part in parts:
        match = part.search(text, start, end)
        if match is None:
            return False
        start = match.start() + 1
    return True


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
    """Base of the pipeline's components: its stage's rules and lexicons, kept as data.

    Built with `rules="default"` it holds the rules shipped for its stage, so a stage added
    alone (`nlp.add_pipe("emn_stance")`) works; `rules` may also name a folder. `spacy.load`
    then reads the saved rules with `from_disk`. `to_disk` and `to_bytes` write the same
    canonical text that the files hold, so a save and load round-trips every rule."""

    FACTORY: ClassVar[str] = ""  # the folder under models/ holding the stage's shipped rules
    RULE_CLASS: ClassVar[type[PatternRule] | None] = None
    LEXICON_CLASS: ClassVar[type[LexiconRule] | None] = None
    RULES_FILE: ClassVar[str] = "rules.json"
    LEXICONS_FILE: ClassVar[str] = "lexicons.json"

    def __init__(self, nlp: Language, name: str, rules: str = "default") -> None:
        self.nlp = nlp
        self.name = name
        self.rules: list[PatternRule] = []
        self.lexicon_rules: list[LexiconRule] = []
        self.lexicons: dict[str, list[str]] = {}
        if rules:
            self.from_disk(default_rules_path(self.FACTORY) if rules == "default" else Path(rules))
        else:
            self._changed()

    def rule_files(self) -> list[tuple[str, str, type[Rule]]]:
        """(file name, attribute, record class) of each rules file the stage keeps."""
        found: list[tuple[str, str, type[Rule]]] = []
        if self.RULE_CLASS is not None:
            found.append((self.RULES_FILE, "rules", self.RULE_CLASS))
        if self.LEXICON_CLASS is not None:
            found.append((self.LEXICONS_FILE, "lexicon_rules", self.LEXICON_CLASS))
        return found

    def setup(self) -> None:
        """Compile the rules; called whenever they change."""

    def add_rules(self, rules: Iterable[PatternRule] = (), lexicons: Iterable[LexiconRule] = ()) -> None:
        self.rules.extend(rules)
        self.lexicon_rules.extend(lexicons)
        self._changed()

    def _changed(self) -> None:
        self.lexicons = {rule.name: list(rule.terms or []) for rule in self.lexicon_rules}
        if self.RULE_CLASS is not None and not self.rules:
            warnings.warn(f"{self.name}: no rules loaded, so it finds nothing", stacklevel=3)
        self.setup()

    def rules_of(self, category: str) -> list[PatternRule]:
        return [rule for rule in self.rules if rule.category == category]

    # -- serialisation ----------------------------------------------------------------------

    def _texts(self) -> dict[str, str]:
        return {file: rules_text(getattr(self, attribute), rule_class.KIND)
                for file, attribute, rule_class in self.rule_files() if getattr(self, attribute)}

    def _load(self, texts: dict[str, str], where: str) -> None:
        """Replace the rules with those of the files' texts; compile only when they changed."""
        loaded = {attribute: parse_rules(texts[file], rule_class, f"{where}/{file}") if file in texts else []
                  for file, attribute, rule_class in self.rule_files()}
        if all([r.to_dict() for r in rules] == [r.to_dict() for r in getattr(self, attribute)]
               for attribute, rules in loaded.items()) and any(loaded.values()):
            return
        for attribute, rules in loaded.items():
            setattr(self, attribute, rules)
        self._changed()

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for file, text in self._texts().items():
            (path / file).write_text(text, encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> RuleComponent:
        path = Path(path)
        texts = {}
        for file, _, _ in self.rule_files():
            if (path / file).exists():
                try:
                    texts[file] = (path / file).read_text(encoding="utf-8")
                except OSError as error:
                    raise RuleError(f"{path / file}: {error.strerror or error}") from None
        self._load(texts, str(path))
        return self

    def to_bytes(self, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self._texts())

    def from_bytes(self, data: bytes, exclude: Iterable[str] = ()) -> RuleComponent:
        self._load(srsly.msgpack_loads(data), self.name)
        return self
