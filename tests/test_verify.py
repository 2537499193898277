"""Verification: a summary's questions paired with its compilation's, and what the replies contradict."""

import subprocess
import sys

import pytest

from pipeline.evaluate import evaluate
from pipeline.export.batch import run_batch
from pipeline.export.writers import read_table
from pipeline.verify import DocumentFacts, contradictions, pair_questions

from .conftest import ROOT

SUMMARY_QUESTIONS = [("3.1", "Do States provide alternatives to detention in law?"),
                     ("3.2", "Is electronic monitoring used as an alternative?"),
                     ("3.3", "Do States plan new alternatives to detention?")]
COMPILATION_QUESTIONS = [("1", "Does your Member State's legislation provide for alternatives to detention?"),
                         ("2", "Is electronic monitoring used as an alternative to detention?"),
                         ("3", "How many persons were placed under an alternative in 2019?"),
                         ("4", "Does your Member State plan to introduce new alternatives to detention?")]


def test_questions_pair_by_order_and_words_past_a_question_left_out():
    assert pair_questions(SUMMARY_QUESTIONS, COMPILATION_QUESTIONS) == {"3.1": "1", "3.2": "2", "3.3": "4"}


def test_questions_without_shared_words_pair_by_order_when_their_counts_match():
    assert pair_questions([("3.1", ""), ("3.2", "")], [("1", "Q one?"), ("2", "Q two?")]) == {"3.1": "1", "3.2": "2"}


def facts(kind, rows):
    questions = SUMMARY_QUESTIONS if kind == "summary" else COMPILATION_QUESTIONS
    return DocumentFacts(f"x-{kind}.txt", kind, "2020.1", questions,
                         [(q, c, s, i, f"text {q} {c}", 0, 2) for q, c, s, i in rows])


def test_a_contradiction_is_an_answer_the_reply_gives_otherwise():
    summary = facts("summary", [
        ("3.1", "AT", "yes", ""), ("3.1", "BE", "no", ""), ("3.2", "CZ", "yes", ""), ("3.2", "CZ", "no", ""),
        ("3.2", "DE", "no", "tags"), ("3.3", "EE", "no", ""), ("3.3", "FI", "yes", ""), ("3.3", "FR", "no", "")])
    compilation = facts("compilation", [
        ("1", "AT", "yes", ""), ("1", "BE", "yes", ""), ("2", "CZ", "no", ""), ("2", "DE", "yes", ""),
        ("4", "EE", "no_information", ""), ("4", "FI", "mention", ""), ("3", "FR", "yes", "")])
    found = {(c.question_id, c.country, c.summary_stance, c.reply_stance) for c in contradictions(summary, compilation)}
    # BE contradicts; CZ has one row agreeing; DE only in an item; FI's reply is a mention; FR's
    # reply answers another question
    assert found == {("3.1", "BE", "no", "yes"), ("3.3", "EE", "no", "no_information")}


# Blind pairs (summary and compilation) with the planted contradictions their writers listed:
# (precision floor, recall floor, core F1 floor), measured after general fixes. In pairs2,
# one finding stays false: Norway's 'not bound by the Directive' is a denial to the rules,
# a yes to its writer, who read the reply as answering for Norway's national permit.
PAIR_SETS = {"pairs": (1.0, 0.75, 0.87), "pairs2": (0.75, 1.0, 0.98), "pairs3": (0.75, 1.0, 0.93)}


@pytest.mark.parametrize("name", sorted(PAIR_SETS))
def test_a_run_with_a_summary_and_its_compilation_reports_and_scores_the_contradictions(tmp_path, name):
    pair = ROOT / "tests" / "data" / name
    precision, recall, core = PAIR_SETS[name]
    run_batch([str(pair)], tmp_path, jobs=2)
    checks = read_table(tmp_path, "checks")
    found = checks[checks["kind"] == "contradicts_reply"]
    assert len(found) and set(found["severity"]) == {"warning"}
    assert all(detail[:2].isupper() and "the summary says" in detail for detail in found["detail"])
    scores = evaluate(pair / "gold", tmp_path)
    assert all(s.scores["responses_core"].f1 >= core for s in scores), [(s.doc_id, s.scores["responses_core"].f1)
                                                                       for s in scores]
    verified = [s for s in scores if "contradictions" in s.scores]
    assert verified and all(s.scores["contradictions"].precision >= precision
                            and s.scores["contradictions"].recall >= recall for s in verified)


def test_emn_verify_prints_the_summary_beside_the_reply():
    pair = ROOT / "tests" / "data" / "pairs"
    result = subprocess.run([sys.executable, "-m", "pipeline", "verify", str(pair / "emn-ahq-2020-27-summary.md"),
                             str(pair / "emn-ahq-2020-27-compilation.txt")], capture_output=True, text=True,
                            cwd=ROOT, env={"COLUMNS": "200", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert "3.5 ↔ 6" in result.stdout and "4 contradicted" in result.stdout
