"""Rules files: checked records, every rule commented, nothing from the sample document."""

import json
import re

import pytest

from pipeline.rules import LexiconRule, PatternRule, RuleError, read_rules

from .conftest import ROOT

RULE_FILES = sorted((ROOT / "models").rglob("*.json")) + [ROOT / "models" / "tokenizer"]


def test_unknown_key_is_rejected():
    with pytest.raises(RuleError, match="unknown key"):
        PatternRule.from_dict({"literal": "no", "category": "NEGATED", "scope": "all"})


def test_pattern_needs_exactly_one_kind():
    with pytest.raises(RuleError, match="exactly one"):
        PatternRule.from_dict({"literal": "no", "regex": "no", "category": "NEGATED"})


def test_bad_regex_is_rejected():
    with pytest.raises(RuleError, match="bad regex"):
        PatternRule.from_dict({"regex": "(", "category": "X"})


@pytest.mark.parametrize("path", [p for p in RULE_FILES if p.name != "meta.json"],
                         ids=lambda p: p.parent.name + "/" + p.name)
def test_every_rule_has_a_comment(path):
    data = json.loads(path.read_text())
    ((kind, records),) = data.items()
    rule_class = {"pattern_rules": PatternRule, "lexicons": LexiconRule}.get(kind)
    if rule_class is not None:
        read_rules(path, rule_class)
    assert all(record.get("comment") for record in records)


def test_no_rule_is_taken_from_the_sample_document():
    sample = (ROOT / "samples" / "emn-ahq-1055-summary.txt").read_text()
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", sample) if len(s.strip()) > 40]
    code_lists = set(re.findall(r"\(\*\*([A-Z]{2}(?:, [A-Z]{2}){2,})", sample))
    for path in list((ROOT / "models").rglob("*")) + list((ROOT / "pipeline").rglob("*.py")):
        if path.is_file():
            text = path.read_text(errors="ignore")
            assert "1055" not in text, path
            assert not [s for s in sentences if s in text], path
            assert not [c for c in code_lists if c in text], path
