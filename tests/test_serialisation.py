"""Serialisation: the pipeline, each component and each processed Doc round-trip faithfully."""

import filecmp
import shutil
from contextlib import nullcontext

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from pipeline.export.tables import extract
from pipeline.ingest import make_doc, read_source

from .conftest import ROOT, SAMPLES

FACTORIES = ["emn_normalizer", "emn_sections", "emn_countries", "emn_metadata", "emn_items", "emn_stance",
             "emn_checks"]
SAMPLE_PDF = SAMPLES / "emn-ahq-1055-summary.pdf"


def rows(nlp, source):
    return extract(nlp(make_doc(nlp, source)), "x")


@pytest.fixture(scope="module")
def sample_source():
    return read_source(SAMPLE_PDF)


def test_saving_the_loaded_pipeline_into_models_rewrites_nothing(nlp, tmp_path):
    """`nlp.to_disk("models")` leaves models/ byte-identical: canonical rules files, no vocab."""
    copy = tmp_path / "models"
    shutil.copytree(ROOT / "models", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = sorted(p.relative_to(copy) for p in copy.rglob("*"))
    nlp.to_disk(copy)
    assert sorted(p.relative_to(copy) for p in copy.rglob("*")) == before
    files = [p for p in before if (copy / p).is_file()]
    assert files and all(filecmp.cmp(ROOT / "models" / p, copy / p, shallow=False) for p in files)


def test_from_bytes_restores_every_component(nlp, sample_source):
    empty = spacy.blank("emn")
    for name in FACTORIES:
        with pytest.warns(UserWarning, match="no rules loaded") if name != "emn_items" else nullcontext():
            empty.add_pipe(name, config={"rules": ""})
    assert len(empty.get_pipe("emn_stance").rules) == 0
    restored = empty.from_bytes(nlp.to_bytes())
    for name in FACTORIES:
        ours, theirs = nlp.get_pipe(name), restored.get_pipe(name)
        for _, attribute, _ in ours.rule_files():
            assert [r.to_dict() for r in getattr(theirs, attribute)] == [r.to_dict() for r in getattr(ours, attribute)]
    assert restored.tokenizer.extra_rules == nlp.tokenizer.extra_rules
    assert rows(restored, sample_source).responses == rows(nlp, sample_source).responses


def test_a_component_round_trips_through_bytes_and_disk(nlp, tmp_path):
    stance = nlp.get_pipe("emn_stance")
    with pytest.warns(UserWarning, match="emn_stance: no rules loaded"):
        other = spacy.blank("emn").add_pipe("emn_stance", config={"rules": ""})
    assert [r.to_dict() for r in other.from_bytes(stance.to_bytes()).rules] == [r.to_dict() for r in stance.rules]
    stance.to_disk(tmp_path / "stance")
    with pytest.warns(UserWarning):
        third = spacy.blank("emn").add_pipe("emn_stance", config={"rules": ""})
    assert [r.to_dict() for r in third.from_disk(tmp_path / "stance").rules] == [r.to_dict() for r in stance.rules]


def test_docbin_keeps_the_rows_and_their_provenance(nlp, sample_source):
    doc = nlp(make_doc(nlp, sample_source))
    store = DocBin(store_user_data=True)
    store.add(doc)
    (loaded,) = DocBin().from_bytes(store.to_bytes()).get_docs(nlp.vocab)
    assert loaded._.source.boxes == doc._.source.boxes and loaded._.source.pages == doc._.source.pages
    assert loaded._.findings == doc._.findings
    before, after = extract(doc, "x"), extract(loaded, "x")
    assert after.responses == before.responses and after.checks == before.checks
    assert after.documents == before.documents and after.questions == before.questions
    assert all(isinstance(row[-1], int) for row in after.responses)  # the page of every row survives


def test_doc_to_bytes_round_trips(nlp, sample_source):
    doc = nlp(make_doc(nlp, sample_source))
    loaded = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert extract(loaded, "x").responses == extract(doc, "x").responses


@pytest.mark.parametrize("name", FACTORIES)
@pytest.mark.parametrize("lang", ["en", "emn"])
def test_each_stage_runs_alone_with_its_default_rules(name, lang, sample_text):
    nlp = spacy.blank(lang)
    component = nlp.add_pipe(name)
    assert component.rules or component.lexicon_rules
    doc = nlp(sample_text)
    assert doc.text == sample_text
