"""Robustness: arbitrary text never breaks the pipeline, bad files never stop a batch."""

import filecmp
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.countries import CountryTable
from pipeline.export.tables import extract

from .conftest import DATA, ROOT, SAMPLES, country_text

COUNTRY_TABLE = CountryTable.shipped()

FRAGMENTS = [
    "3.1. Do Member States do X?\n", "4.2 Which rules apply?\n", "Q1. Are there any?\n", "\n\n", "\n",
    "(BE, CZ and SE)", "(**EE, FR** and **SE**)", "(XX, BE)", "(EU)", "(Member) States", "**Cyprus**",
    "the Netherlands", "the UK", "Greece", " not ", " no information ", " either ", " or ", "; however ",
    "With the exception of ", "\u2022 ", "- \u2605 ", "\uf0b7 ", "\u00b9", "\u00b9 AT, BE, CZ.\n", "[link](#)",
    "Formatted: Font: Bold\n", "Three States ", "have reported that ", ".", ", ", ":", "**", "(", ")",
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents)
def test_arbitrary_text_never_raises_and_rows_point_into_it(process, text):
    doc = process(text)
    result = extract(doc, "x")
    for row in result.responses:
        start, end = row[8], row[9]
        assert 0 <= start < end <= len(text)
        surface = text[start:end]
        assert country_text(COUNTRY_TABLE, surface, row[3]), row  # the span is the country itself
        assert surface in row[7]  # and the evidence holds it
    for row in result.questions:
        assert 0 <= row[3] <= row[4] <= len(text)
    for row in result.checks:
        assert 0 <= row[5] <= row[6] <= len(text)


def emn(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True)


def test_huge_and_corrupt_files_are_refused_and_the_batch_goes_on(tmp_path):
    sample = (SAMPLES / "emn-ahq-1055-summary.txt").read_text(encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_text(sample * (10_000_000 // len(sample) + 1), encoding="utf-8")
    (tmp_path / "truncated.pdf").write_bytes((SAMPLES / "emn-ahq-1055-summary.pdf").read_bytes()[:5000])
    (tmp_path / "noise.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    result = emn("run", str(tmp_path / "huge.txt"), str(tmp_path / "truncated.pdf"), str(tmp_path / "noise.docx"),
                 str(SAMPLES / "emn-ahq-1055-summary.txt"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 3, result.stderr
    assert any("huge.txt" in line and "characters" in line for line in errors)
    assert any("truncated.pdf" in line and "PDF" in line for line in errors)
    assert any("noise.docx" in line and "DOCX" in line for line in errors)
    assert "1 documents ok, 3 failed" in result.stdout


def test_a_document_over_its_time_limit_fails_alone(tmp_path):
    long = tmp_path / "long.txt"  # a second or more of work: the limit is checked a few times a second
    long.write_text((SAMPLES / "emn-ahq-1055-summary.txt").read_text(encoding="utf-8") * 80, encoding="utf-8")
    result = emn("run", str(long), str(SAMPLES / "emn-ahq-1055-summary.txt"),
                 "--out", str(tmp_path / "out"), "--timeout", "0.5", "--jobs", "1")
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if "limit per document" in line] == [
        f"emn: error: {long}: took longer than the 0.5 s limit per document (--timeout)"]
    assert "1 documents ok, 1 failed" in result.stdout


def test_parallel_output_equals_serial_output_over_many_windows(tmp_path):
    """More documents than the workers hold at once, several times over: every input has one
    outcome and one documents row, and the tables equal the serial run's byte for byte."""
    from pipeline.export.batch import collect_inputs
    from pipeline.export.sandbox import WINDOW_PER_WORKER

    inputs = [str(DATA), str(SAMPLES / "emn-ahq-1055-summary.txt")]
    count = len(collect_inputs(inputs))
    assert count > 3 * 2 * WINDOW_PER_WORKER
    for jobs in ("1", "2"):
        result = emn("run", *inputs, "--out", str(tmp_path / jobs), "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        lines = [line for line in result.stdout.splitlines() if "contradict their compilation" not in line]
        assert len(lines) == count + 1 and f"{count} documents ok, 0 failed" in result.stdout
        assert len((tmp_path / jobs / "documents.csv").read_text(encoding="utf-8").splitlines()) == count + 1
    names = ["documents.csv", "questions.csv", "responses.csv", "checks.csv", "emn-manifest.json"]
    assert filecmp.cmpfiles(tmp_path / "1", tmp_path / "2", names, shallow=False)[0] == names


def test_globs_folders_and_duplicates(tmp_path):
    pattern = str(DATA / "summaries" / "*2101*.txt")
    result = emn("run", pattern, str(DATA / "summaries"), pattern, "--out", str(tmp_path))
    assert result.returncode == 0
    ids = (tmp_path / "documents.csv").read_text().splitlines()[1:]
    assert [line.split(",")[0] for line in ids] == [
        "emn-ahq-2101-summary.txt", "emn-ahq-2117-summary.txt", "emn-ahq-2124-summary.txt",
        "emn-ahq-2139-summary.txt"]


def test_a_glob_that_matches_nothing_is_an_error(tmp_path):
    result = emn("run", str(tmp_path / "*.pdf"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "no such file" in result.stderr
