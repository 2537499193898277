"""Checks: each kind of slip found where it is planted, nothing flagged on clean documents."""

import pytest

from pipeline.checks import CHECKS
from pipeline.export.tables import extract

from .conftest import DATA, ROOT, summary

CODES = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "EL", "HU", "IE", "IT", "LV",
         "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "UK", "NO", "CH", "IS"]
WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
         "twenty-one", "twenty-two", "twenty-three", "twenty-four", "twenty-five", "twenty-six",
         "twenty-seven", "twenty-eight", "twenty-nine", "thirty"]
INTRO = "It is based on contributions from 4 Member States.\u00b9\n\n\u00b9 AT, BE, CZ, DE."


def findings(doc, kind=None):
    return [(f.kind, f.severity, f.detail) for f in doc._.findings if kind is None or f.kind == kind]


@pytest.mark.parametrize(
    ("sentence", "kind", "severity"),
    [
        ("Seven Member States (AT, BE, CZ, DE, AT, BE) apply it.", "count_mismatch", "error"),
        ("Three States (AT, BE) apply it.", "count_mismatch", "error"),
        ("Two States (AT, MT) apply it.", "non_respondent", "error"),
        ("Two States (BE, XX) apply it.", "unknown_code", "error"),
        ("Three States (AT, AT, BE) apply it.", "duplicate_in_list", "warning"),
    ],
)
def test_planted_slip_is_found(process, sentence, kind, severity):
    doc = process(summary(sentence, intro=INTRO))
    assert (kind, severity) in [(k, s) for k, s, _ in findings(doc)]


def test_unknown_code_is_kept_out_of_responses(process):
    doc = process(summary("Two States (BE, XX) apply it.", intro=INTRO))
    assert [row[3] for row in extract(doc, "d").responses] == ["BE"]
    (finding,) = [f for f in doc._.findings if f.kind == "unknown_code"]
    assert doc.text[finding.start_char:finding.end_char] == "XX"


def test_stated_respondents_against_listed(process):
    doc = process(summary("Four States (AT, BE, CZ, DE) apply it.",
                          intro="It is based on contributions from 5 Member States.\u00b9\n\n\u00b9 AT, BE, CZ, DE."))
    assert findings(doc) == [("count_mismatch", "error", "introduction states 5 respondents, 4 listed")]
    (finding,) = doc._.findings
    assert doc.text[finding.start_char:finding.end_char] == "5"


def test_respondent_missing_and_conflicting_stance_point_at_the_text(process):
    doc = process(summary("Two States (AT, BE) cooperate; however two of these States (AT, BE) have no framework.",
                          intro=INTRO))
    missing = [f for f in doc._.findings if f.kind == "respondent_missing"]
    assert [f.detail.split(":")[0] for f in missing] == ["CZ", "DE"]
    conflicts = [f for f in doc._.findings if f.kind == "conflicting_stance"]
    assert [f.detail for f in conflicts] == ["AT is both yes and no in question 2.1",
                                             "BE is both yes and no in question 2.1"]
    assert doc.text[conflicts[0].start_char:conflicts[0].end_char].startswith("Two States (AT, BE) cooperate")
    assert len(doc.spans[CHECKS]) == len(doc._.findings)


def test_items_tell_stances_apart(process):
    doc = process(summary("States use tools such as:\n\n\u2022 Drones (AT, BE, CZ, DE);\n\n"
                          "They do not use the following:\n\n\u2022 Boats (AT, BE, CZ, DE).", intro=INTRO))
    assert findings(doc, "conflicting_stance") == []


@pytest.mark.parametrize("number", range(1, 31))
@pytest.mark.parametrize("form", ["digits", "word", "Word"])
def test_stated_numbers_one_to_thirty(process, number, form):
    written = {"digits": str(number), "word": WORDS[number - 1], "Word": WORDS[number - 1].capitalize()}[form]
    codes = ", ".join(CODES[:number])
    right = process(summary(f"In total {written} Member States ({codes}) apply it."))
    assert findings(right, "count_mismatch") == []
    wrong = process(summary(f"In total {written} Member States ({codes}, LI) apply it."))
    assert [k for k, _, _ in findings(wrong, "count_mismatch")] == ["count_mismatch"]


def test_a_majority_is_not_a_number(process):
    assert findings(process(summary("A majority of Member States (AT, BE) apply it.")), "count_mismatch") == []


def test_clean_documents_have_no_errors_or_warnings(nlp):
    from pipeline.ingest import make_doc, read_source

    for path in sorted((DATA / "summaries").glob("*.txt")):
        source = read_source(path)
        doc = nlp(make_doc(nlp, source))
        assert [f for f in doc._.findings if f.severity != "info"] == [], path.name


def test_a_skipped_question_number_is_a_question_gap(process):
    text = ("Summary\n\n3.1. Do they?\n\nYes (AT).\n\n3.2. Do they too?\n\nYes (BE).\n\n"
            "3.4. And this?\n\nNo (AT).\n\n3.5. And that?\n\nNo (BE).\n")
    assert findings(process(text), "question_gap") == [
        ("question_gap", "warning", "question 3.3 is missing before 3.4")]


def test_questions_numbered_with_their_q_keep_it_and_a_skipped_one_is_a_gap(process):
    text = "Summary\n\nQ1. Do they?\n\nYes (AT).\n\nQ3. And this?\n\n| State | Q3 |\n|---|---|\n| BE | Yes |\n"
    doc = process(text)
    assert [q.label_ for q in doc.spans["emn_questions"]] == ["Q1", "Q3"]
    assert [(r.question_id, r.country) for r in doc._.table_responses] == [("Q3", "BE")]
    assert findings(doc, "question_gap") == [("question_gap", "warning", "question Q2 is missing before Q3")]


def test_letters_that_skip_are_a_gap_and_a_listed_question_without_answers_too(process):
    text = ("The following questions were asked:\n\n1. Is there a procedure?\n2. Which authority?\n"
            "3. Any plans?\n\nQuestion 1\n\nYes (AT).\n\nQuestion 3\n\nNo (BE).\n\n"
            "4.1 Do they?\n\nYes (AT).\n\n(a) Who?\n\nThe court (AT).\n\n(c) Where?\n\nIn town (AT).\n")
    assert findings(process(text), "question_gap") == [
        ("question_gap", "warning", "question 2 is listed but no section answers it"),
        ("question_gap", "warning", "question 4.1b is missing before 4.1c")]


def test_numbers_in_order_and_a_new_block_are_no_gap(process):
    text = ("1.1 Do they?\n\nYes (AT).\n\n1.2 Do they?\n\nYes (AT).\n\n2.1 Do they?\n\nYes (AT).\n\n"
            "2.1a Who?\n\nX (AT).\n")
    assert findings(process(text), "question_gap") == []


def test_a_country_after_the_first_question_outside_any_question_is_unattributed(process):
    text = summary("Yes (AT, BE).", intro=INTRO) + "\n3. CONCLUSIONS\n\nMost States, notably (CZ), agree. Spain too.\n"
    assert findings(process(text), "unattributed_country") == [
        ("unattributed_country", "warning", "CZ stands after the first question but in no question's section")]


def test_a_compilations_countries_head_their_replies_and_are_not_unattributed(process):
    text = (ROOT / "samples" / "emn-ahq-2021-19-compilation.txt").read_text()
    doc = process(text)
    assert doc._.replies and findings(doc, "unattributed_country") == []


def test_an_unread_table_is_reported(process):
    text = summary("See the table.\n\n| Year | Count |\n|---|---|\n| 2019 | 3 |\n| 2020 | 4 |", intro=INTRO)
    assert findings(process(text), "table_unread") == [
        ("table_unread", "warning", "no column of the table names a country in most of its 2 rows")]


def test_a_non_respondent_named_in_prose_reaches_checks_csv(tmp_path):
    """End to end: a country given by its name, not a code, that is not among the respondents
    is a `non_respondent` error row of checks.csv, pointing at the name."""
    import csv
    import subprocess
    import sys

    from .conftest import ROOT

    text = summary("Two Member States (AT, BE) apply it. Portugal has stated that it applies it too.", intro=INTRO)
    (tmp_path / "s.txt").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", str(tmp_path / "s.txt"), "--out",
                             str(tmp_path / "out"), "-q"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "out" / "checks.csv", newline="", encoding="utf-8") as handle:
        found = [row for row in csv.DictReader(handle) if row["kind"] == "non_respondent"]
    assert [(row["severity"], row["detail"], row["question_id"]) for row in found] == [
        ("error", "PT is not among the respondents", "2.1")]
    start, end = int(found[0]["start_char"]), int(found[0]["end_char"])
    assert text[start:end] == "Portugal"
