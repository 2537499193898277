"""Metrics as ANNOTATION.md defines them, on small tables built for each case."""

import json

import pytest

from pipeline.evaluate import Score, evaluate, normalise_item
from pipeline.schema import CHECK_COLUMNS, DOCUMENT_COLUMNS, QUESTION_COLUMNS, RESPONSE_COLUMNS


def write_case(tmp_path, gold_rows, pred_rows):
    gold = tmp_path / "gold" / "g"
    gold.mkdir(parents=True)
    (gold / "document.json").write_text(json.dumps({"doc_id": "doc", "query_id": "1", "respondents": ["AT", "BE"]}))
    (gold / "questions.csv").write_text("question_id,question\n1.1,Do they?\n")
    (gold / "responses.csv").write_text("question_id,country,stance,item,mention_type,note\n"
                                        + "".join(f"{q},{c},{s},{i},code_list,\n" for q, c, s, i in gold_rows))
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "documents.csv").write_text(",".join(DOCUMENT_COLUMNS) + "\ndoc.pdf,1,,,,2,AT;BE,summary\n")
    (pred / "questions.csv").write_text(",".join(QUESTION_COLUMNS) + "\ndoc.pdf,1.1,Do  they?,0,9,\n")
    (pred / "responses.csv").write_text(",".join(RESPONSE_COLUMNS) + "\n" + "".join(
        f"doc.pdf,1,{q},{c},{s},{i},code_list,They do.,0,2,\n" for q, c, s, i in pred_rows))
    (pred / "checks.csv").write_text(",".join(CHECK_COLUMNS) + "\n")
    (result,) = evaluate(tmp_path / "gold", pred)
    return result


def test_core_ignores_items_and_lenient_accepts_containment(tmp_path):
    result = write_case(
        tmp_path,
        [("1.1", "AT", "yes", ""), ("1.1", "AT", "yes", "Language courses"), ("1.1", "BE", "no", "")],
        [("1.1", "AT", "yes", ""), ("1.1", "AT", "yes", "language courses for adults"), ("1.1", "BE", "yes", "")],
    )
    assert result.doc_id == "doc.pdf"  # matched by stem
    assert result.scores["questions"].f1 == 1.0  # whitespace collapsed
    core = result.scores["responses_core"]
    assert (core.tp, core.predicted, core.gold) == (1, 2, 2)
    assert result.scores["items_strict"].tp == 1
    assert result.scores["items_lenient"].tp == 2
    assert result.per_stance["no"].recall == 0.0
    assert result.missing == [("1.1", "AT", "yes", "language courses"), ("1.1", "BE", "no", "")]


@pytest.mark.parametrize(("item", "normal"), [(" Facebook; ", "facebook"), ("VK  -  Russian", "vk - russian"),
                                              ("(pop-up)", "pop-up"), (None, "")])
def test_item_normalisation(item, normal):
    assert normalise_item(item) == normal


def test_score_edges():
    assert Score(0, 0, 0).f1 == 1.0
    assert Score(0, 3, 0).precision == 0.0
    assert Score(2, 4, 2).f1 == pytest.approx(2 / 3)


def test_recall_counts_what_the_gold_has_and_the_output_missed(tmp_path):
    """Recall on its own: two of four gold rows found and nothing extra is recall 0.5 at
    precision 1.0, overall and for the stance and question concerned."""
    result = write_case(
        tmp_path,
        [("1.1", "AT", "yes", ""), ("1.1", "BE", "yes", ""), ("1.1", "CZ", "no", ""), ("1.1", "DE", "no", "")],
        [("1.1", "AT", "yes", ""), ("1.1", "BE", "yes", "")],
    )
    core = result.scores["responses_core"]
    assert (core.recall, core.precision) == (0.5, 1.0)
    assert result.per_stance["yes"].recall == 1.0 and result.per_stance["no"].recall == 0.0
    assert result.per_question["1.1"].recall == 0.5
    assert result.scores["respondents"].recall == 1.0


def test_a_question_numbered_q1_in_one_table_and_1_in_the_other_is_one_question(tmp_path):
    result = write_case(tmp_path, [("1", "AT", "yes", ""), ("Q2", "BE", "no", "")],
                        [("Q1", "AT", "yes", ""), ("2", "BE", "no", "")])
    assert result.scores["responses_core"].f1 == 1.0
