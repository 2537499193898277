"""End to end: the sample and the test summaries against their gold, and the committed outputs."""

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import evaluate
from pipeline.export.batch import run_batch

from .conftest import DATA, ROOT, SAMPLES, country_text

SAMPLE_TEXT = SAMPLES / "emn-ahq-1055-summary.txt"
SAMPLE_QUESTIONS = [q["question_id"] for q in
                    __import__("csv").DictReader((SAMPLES / "gold/ahq-1055/questions.csv").open())]


@pytest.fixture(scope="module")
def sample_scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    run_batch([str(SAMPLE_TEXT)], out, jobs=1)
    (score,) = evaluate(SAMPLES / "gold", out)
    return score


def test_sample_scores(sample_scores):
    scores = sample_scores.scores
    assert scores["responses_core"].f1 == 1.0
    assert scores["items_lenient"].f1 >= 0.97
    assert (scores["questions"].tp, scores["questions"].gold) == (7, 7)
    assert (scores["respondents"].tp, scores["respondents"].gold) == (20, 20)
    assert {k: v["found"] for k, v in sample_scores.metadata.items() if k != "title"} == {
        "query_id": "1055", "query_date": "2016-04-18", "n_respondents_stated": "20"}


@pytest.mark.parametrize("question_id", SAMPLE_QUESTIONS)
def test_sample_question_regression(sample_scores, question_id):
    assert sample_scores.per_question[question_id].f1 == 1.0


TEST_SETS = {"summaries": DATA / "gold", "heldout": DATA / "heldout" / "gold", "blind": DATA / "blind" / "gold"}


@pytest.fixture(scope="module")
def test_summary_scores(tmp_path_factory):
    scores = {}
    for folder, gold in TEST_SETS.items():
        out = tmp_path_factory.mktemp(folder)
        run_batch([str(DATA / folder)], out, jobs=1)
        scores.update({score.gold_id: (score, gold) for score in evaluate(gold, out)})
    return scores


# documents scored (texts plus PDF or Word renderings), and the core and item F1 each must keep
MEASURED_SETS = {"blind3": (5, 0.98, 0.98), "blind4": (5, 0.98, 0.98), "blind5": (3, 0.98, 0.98),
                 "blind6": (4, 0.94, 0.88), "blind7": (4, 0.91, 0.92), "blind8": (5, 0.97, 0.96),
                 "blind9": (3, 0.94, 0.94), "blind10": (4, 0.96, 0.96), "blind11": (7, 0.97, 0.95),
                 "blind13": (6, 0.97, 0.96)}


@pytest.fixture(scope="module", params=sorted(MEASURED_SETS))
def measured_scores(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    run_batch([str(DATA / request.param)], out, jobs=1)
    return request.param, evaluate(DATA / request.param / "gold", out)


def test_last_blind_sets_text_pdf_and_word(measured_scores):
    """Written blind to the rules, as text and as PDF or Word, measured once and then corrected
    where the rule was general. A few rows stay wrong: they need word meaning ('laid down in
    law' for 'foreseen in legislation'), or the annotators disagree with each other. The sixth
    and seventh sets keep more of them (a footnote's codes counted for the sentence calling
    it, 'reported no cases' coded as a denial where ANNOTATION's own example 'there have been
    no prosecutions' is a mention), hence their lower floors."""
    name, scores = measured_scores
    count, core_floor, item_floor = MEASURED_SETS[name]
    assert len(scores) == count
    for score in scores:
        assert score.scores["responses_core"].f1 >= core_floor, score.doc_id
        assert score.scores["items_lenient"].f1 >= item_floor, score.doc_id
        assert score.scores["questions"].f1 == 1.0 and score.scores["respondents"].f1 == 1.0
        assert all(value["match"] for value in score.metadata.values()), score.metadata
    by_stem = {}
    for score in scores:
        by_stem.setdefault(score.gold_id, []).append((score.missing, score.extra))
    assert all(len(set(map(str, results))) == 1 for results in by_stem.values())  # PDF = text


@pytest.mark.parametrize("stem", sorted(p.name for gold in TEST_SETS.values() for p in gold.iterdir()))
def test_own_summaries_match_their_gold(test_summary_scores, stem):
    score, gold = test_summary_scores[stem]
    assert score.scores["questions"].f1 == 1.0
    assert score.scores["responses_core"].f1 == 1.0, (score.missing, score.extra)
    assert score.scores["items_lenient"].f1 >= 0.97
    assert score.scores["respondents"].f1 == 1.0
    expected = json.loads((gold / stem / "document.json").read_text())
    assert score.metadata["query_id"]["found"] == expected["query_id"]
    assert score.metadata["query_date"]["found"] == expected["query_date"]


def test_outputs_are_what_emn_run_writes(tmp_path):
    """`outputs/` is committed; it must be exactly what the main command produces now."""
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "samples", "--out", str(tmp_path),
                             "--jobs", "1", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    committed = ROOT / "outputs"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(p.name for p in committed.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(committed, tmp_path, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_pipeline_survives_a_save_and_load_round_trip(nlp, tmp_path):
    """The rules saved by `nlp.to_disk` load back with `spacy.load` and give the same rows."""
    import spacy

    from pipeline.export.tables import extract
    from pipeline.ingest import make_doc, read_source

    nlp.to_disk(tmp_path / "model")
    reloaded = spacy.load(tmp_path / "model")
    source = read_source(SAMPLE_TEXT)
    rows = []
    for pipeline in (nlp, reloaded):
        rows.append(extract(pipeline(make_doc(pipeline, source)), "x").responses)
    assert rows[0] == rows[1] and rows[0]
    assert Path(tmp_path / "model" / "emn_stance" / "rules.json").exists()


def test_each_rows_offsets_hold_its_country(nlp):
    """Every response row of every test document, through each reader: the text at
    start_char:end_char is that row's country, so an offset one character off fails."""
    from pipeline.countries import CountryTable
    from pipeline.export.tables import extract
    from pipeline.ingest import make_doc, read_source

    table = CountryTable.shipped()
    paths = sorted(p for p in [*DATA.rglob("*"), *SAMPLES.glob("*")] if p.suffix in (".txt", ".pdf", ".docx"))
    checked = 0
    for path in paths:
        source = read_source(path)
        for row in extract(nlp(make_doc(nlp, source)), path.name).responses:
            country, start, end = row[3], row[8], row[9]
            if row[6] == "reply":  # a reply's row stands on its answer, which is its evidence
                assert " ".join(source.text[start:end].split()).startswith(row[7][:40]), (path.name, row)
            else:
                assert country_text(table, source.text[start:end], country), (path.name, row)
            checked += 1
    assert checked > 6000
