"""Rules files: checked records, every rule commented, nothing from the sample document."""

import re

import pytest

from pipeline import load
from pipeline.normalize import AffixRule
from pipeline.rules import PatternRule, RuleError, SharedLexicon, read_rules
from pipeline.sections import SectionRule
from pipeline.stance import CueRule

from .conftest import ROOT


def rule_files():
    """(path, record class) of every rules file in models/, as the stages read them."""
    found = [(ROOT / "models" / "tokenizer", AffixRule), (ROOT / "models" / "lexicons.json", SharedLexicon)]
    for name, component in load().pipeline:
        for file, _, rule_class in component.rule_files():
            if (ROOT / "models" / name / file).exists():
                found.append((ROOT / "models" / name / file, rule_class))
    return found


def test_unknown_key_is_rejected():
    with pytest.raises(RuleError, match="unknown key"):
        CueRule.from_dict({"literal": "no", "category": "NEGATED", "scope": "all"})


def test_pattern_needs_exactly_one_kind():
    with pytest.raises(RuleError, match="exactly one"):
        PatternRule.from_dict({"literal": "no", "regex": "no", "category": "NEGATED"})


def test_bad_regex_is_rejected():
    with pytest.raises(RuleError, match="bad regex"):
        PatternRule.from_dict({"regex": "(", "category": "X"})


@pytest.mark.parametrize("record, message", [
    ({"literal": "no", "category": "NEGATD"}, "category 'NEGATD' is not one of"),
    ({"literal": "no", "category": "NEGATED", "direction": "FORWARDS"}, "direction 'FORWARDS' is not one of"),
    ({"literal": "no", "category": "NEGATED", "applies_to": "name"}, "applies_to 'name' is not one of"),
    ({"literal": "no", "category": "NEGATED", "max_scope": -1}, "max_scope"),
])
def test_cue_vocabulary_is_closed(record, message):
    with pytest.raises(RuleError, match=message):
        CueRule.from_dict(record)


def test_a_stage_refuses_another_stages_categories_and_pattern_kinds():
    with pytest.raises(RuleError, match="category 'NEGATED'"):
        SectionRule.from_dict({"regex": "x", "category": "NEGATED"})
    with pytest.raises(RuleError, match="only \\['regex'\\]"):
        SectionRule.from_dict({"literal": "x", "category": "BULLET"})


def test_a_bad_record_is_reported_with_its_file_and_line(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('{"pattern_rules": [\n    {"literal": "no", "category": "NEGATED", "comment": "fine"},\n'
                    '    {"literal": "not", "category": "NEGATED", "direction": "FORWARDS", "comment": "typo"}\n]}\n')
    with pytest.raises(RuleError, match=f"^{re.escape(str(path))}:3: CueRule: direction 'FORWARDS'"):
        read_rules(path, CueRule)


def test_broken_json_is_reported_with_its_line(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('{"pattern_rules": [\n    {"literal": "no",, "category": "NEGATED"}\n]}\n')
    with pytest.raises(RuleError, match=f"^{re.escape(str(path))}:2: "):
        read_rules(path, CueRule)


@pytest.mark.parametrize("path, rule_class", rule_files(), ids=lambda v: getattr(v, "name", ""))
def test_every_rule_loads_with_its_stage_class_and_has_a_comment(path, rule_class):
    rules = read_rules(path, rule_class)
    assert rules and all(rule.comment for rule in rules)


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
