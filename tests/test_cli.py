"""The `emn` command on good and bad input: clear one-line errors, exit codes, no lost output."""

import csv
import subprocess
import sys

import pytest

from .conftest import ROOT, SAMPLES

SAMPLE = str(SAMPLES / "emn-ahq-1055-summary.txt")


def emn(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True)


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 in Br\xfcssel (BE).".encode("cp1252"))
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "notes.md").write_text("# Shopping list\n\nMilk, bread, eggs.\n")
    (tmp_path / "lies.pdf").write_text("This is plain text named .pdf\n")
    return tmp_path


def test_bad_inputs_are_reported_one_line_each_and_the_batch_goes_on(bad_inputs, tmp_path):
    out = tmp_path / "out"
    files = sorted(str(p) for p in bad_inputs.iterdir() if p.is_file())
    result = emn("run", *files, SAMPLE, str(bad_inputs / "missing.txt"), "--out", str(out))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 4  # empty, binary, lies.pdf, missing
    for name, reason in [("empty.txt", "empty file"), ("binary.txt", "binary"), ("lies.pdf", "not a PDF"),
                         ("missing.txt", "no such file")]:
        assert any(name in line and reason in line for line in errors), (name, errors)
    warnings = result.stderr
    assert "latin.txt" in warnings and "Windows-1252" in warnings
    assert "notes.md" in warnings and "no question headings" in warnings
    documents = [row["doc_id"] for row in rows(out / "documents.csv")]
    assert documents == ["latin.txt", "notes.md", "emn-ahq-1055-summary.txt"]
    assert {row["doc_id"] for row in rows(out / "responses.csv")} == {"emn-ahq-1055-summary.txt"}
    unread = {(row["doc_id"], row["kind"], row["severity"]) for row in rows(out / "checks.csv")
              if row["kind"] in ("document_unread", "reader_warning")}
    assert unread == {("empty.txt", "document_unread", "error"), ("binary.txt", "document_unread", "error"),
                      ("lies.pdf", "document_unread", "error"), ("missing.txt", "document_unread", "error"),
                      ("latin.txt", "reader_warning", "warning"), ("notes.md", "reader_warning", "warning")}


def test_nothing_processed_leaves_previous_outputs_intact(bad_inputs, tmp_path):
    out = tmp_path / "out"
    assert emn("run", SAMPLE, "--out", str(out)).returncode == 0
    before = (out / "responses.csv").read_bytes()
    result = emn("run", str(bad_inputs / "empty.txt"), "--out", str(out))
    assert result.returncode == 1
    assert "outputs left unchanged" in result.stdout
    assert (out / "responses.csv").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


def test_usage_error_exits_2():
    assert emn("run", "--format", "xml").returncode == 2


def test_run_prints_one_line_per_document_and_a_summary(tmp_path):
    result = emn("run", SAMPLE, "--out", str(tmp_path))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("emn-ahq-1055-summary.txt: ")
    assert "rows" in lines[0] and "questions" in lines[0] and "errors" in lines[0] and "warnings" in lines[0]
    assert lines[-1].startswith("1 documents ok, 0 failed")


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_other_formats_evaluate_the_same(tmp_path, fmt):
    assert emn("run", SAMPLE, "--out", str(tmp_path), "--format", fmt).returncode == 0
    result = emn("evaluate", "--pred", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    import json

    (score,) = json.loads(result.stdout)
    assert score["scores"]["responses_core"]["f1"] == 1.0


def test_evaluate_reports_every_score(tmp_path):
    emn("run", SAMPLE, "--out", str(tmp_path))
    report = emn("evaluate", "--pred", str(tmp_path)).stdout
    for name in ("questions", "responses_core", "items_strict", "items_lenient", "respondents", "overall",
                 "per question", "per stance", "missing", "extra"):
        assert name in report


def test_repeated_file_names_get_relative_ids(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "s.txt").write_text(open(SAMPLE, encoding="utf-8").read())
    assert emn("run", str(tmp_path / "in"), "--out", str(tmp_path / "out")).returncode == 0
    assert [row["doc_id"] for row in rows(tmp_path / "out" / "documents.csv")] == ["a/s.txt", "b/s.txt"]
