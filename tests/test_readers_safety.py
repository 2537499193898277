"""The readers of tables (`show`, `report`, `evaluate`) on damaged, hostile or wrong input:
one-line errors naming the file at fault, nothing from a document reaching the terminal as a
control sequence, nothing read from outside --inputs, gold that does not follow the contract
refused by name.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.schema import TABLES

from .hostile import SAMPLES, cyclic_contents_pdf, emn

SAMPLE = SAMPLES / "emn-ahq-1055-summary.txt"
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # all but the line feed


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The sample's tables in each format."""
    folder = tmp_path_factory.mktemp("formats")
    for fmt in ("csv", "jsonl", "parquet"):
        assert emn("run", str(SAMPLE), "--out", str(folder / fmt), "--format", fmt, "-q").returncode == 0
    return folder


def emn_here(*args: str):
    """The command in this process (readers only: no interpreter to start for each case)."""
    result = CliRunner().invoke(main, list(args))
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def one_line_error(result, *words):
    assert result.returncode == 1, (result.stdout, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("emn: ") and all(word in line for word in words), line


def damage(folder, fmt, how):
    path = folder / f"responses.{fmt}"
    data = path.read_bytes()
    path.write_bytes({"truncated": data[:len(data) // 2], "broken": data[:len(data) // 2] + b"\n", "empty": b""}[how])


@pytest.mark.parametrize("fmt, how, unvouched", [
    ("csv", "truncated", "the last line is incomplete"),
    ("csv", "empty", "empty file"),
    ("parquet", "truncated", "not a readable Parquet file"),
    ("jsonl", "broken", "is not JSON"),
])
def test_damaged_tables_are_one_line_errors_for_every_reader(outputs, tmp_path, fmt, how, unvouched):
    """With the run's manifest, any change is caught; without it, the damage itself is."""
    for vouched in (True, False):
        folder = tmp_path / f"{fmt}-{vouched}"
        shutil.copytree(outputs / fmt, folder)
        damage(folder, fmt, how)
        if not vouched:
            (folder / "emn-manifest.json").unlink()
        reason = "not the table the run wrote" if vouched else unvouched
        for command in (["show", str(folder)], ["report", str(folder), "-o", str(tmp_path / "r.html")],
                        ["evaluate", "--pred", str(folder)]):
            one_line_error(emn_here(*command), f"responses.{fmt}", reason)


def hand_made(folder, documents, responses):
    """Tables written by hand (no manifest), as a crafted or edited folder would hold."""
    folder.mkdir()
    rows = {"documents": documents, "questions": [], "responses": responses, "checks": []}
    for name, columns in TABLES.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows[name])


def test_show_prints_no_control_character_from_the_tables(tmp_path):
    evil_id = "evil\x1b]0;pwned\x07\nemn: error: forged.txt"
    evidence = "Two States (BE, CZ) \x1b]52;c;ZWNobw==\x07 do it \x1b[2J\x9b31m\u202egnp.exe"
    hand_made(tmp_path / "out", [[evil_id, "1", "", "Title \x1b[31mred", "2", "2", "BE;CZ", "summary"]],
              [[evil_id, "1", "2.1", "BE", "yes", "\x07item", "code_list", evidence, "12", "14", ""]])
    for arguments, kept in (([], "forged.txt"), (["--country", "BE"], "ZWNobw==")):
        result = emn("show", str(tmp_path / "out"), *arguments)
        assert result.returncode == 0, result.stderr
        assert not CONTROL.search(result.stdout), repr(result.stdout)
        assert kept in result.stdout  # the text stays, its control characters go
        assert not any(line.startswith("emn: error") for line in result.stdout.splitlines())


def test_report_reads_nothing_outside_its_inputs(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SAMPLE.read_text(encoding="utf-8").replace("Addressing", "TOPSECRET"), encoding="utf-8")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "secret.txt").symlink_to(secret)  # a link out of the folder
    cyclic_contents_pdf(inputs / "hang.pdf")
    rows = [["", "1", "3.1", "BE", "yes", "", "code_list", "Two States (BE, CZ) do it.", "0", "2", ""]]
    ids = [str(secret), "../secret.txt", "secret.txt", "inputs/../secret.txt", "hang.pdf"]
    hand_made(tmp_path / "out", [[doc_id, "1", "", "", "", "", "", "summary"] for doc_id in ids],
              [[doc_id, *row[1:]] for doc_id in ids for row in rows])
    result = emn("report", str(tmp_path / "out"), "--inputs", str(inputs), "--timeout", "2", timeout=60)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "TOPSECRET" not in html and "text found for 0" in result.stdout
    assert html.count("input file not found under --inputs") == 4
    assert "hang.pdf: no text layer" in html  # what pdfminer resolves forever, pdfium refuses at once


@pytest.fixture
def gold(tmp_path):
    folder = tmp_path / "gold" / "ahq-1055"
    shutil.copytree(SAMPLES / "gold" / "ahq-1055", folder)
    return folder


@pytest.mark.parametrize("change, reason", [
    (lambda d: {**d, "respondents": None}, "respondents must be a list of country codes, not null"),
    (lambda d: {**d, "respondents": "BE, CZ"}, "respondents must be a list of country codes, not a string"),
    (lambda d: [d], "must be a JSON object, not a list"),
    (lambda d: {**d, "doc_id": 1055}, "doc_id must be the document's file stem"),
])
def test_bad_gold_is_refused_naming_its_file(outputs, gold, change, reason):
    document = gold / "document.json"
    document.write_text(json.dumps(change(json.loads(document.read_text(encoding="utf-8")))), encoding="utf-8")
    one_line_error(emn_here("evaluate", "--gold", str(gold.parent), "--pred", str(outputs / "csv")),
                   str(document), reason)


def test_bad_gold_tables_are_refused_naming_their_file(outputs, gold):
    responses = gold / "responses.csv"
    responses.write_text(responses.read_text(encoding="utf-8").replace("3.1,BE,yes", "3.1,BE,maybe", 1),
                         encoding="utf-8")
    one_line_error(emn_here("evaluate", "--gold", str(gold.parent), "--pred", str(outputs / "csv")),
                   str(responses), "stance 'maybe' is not one of")
    (gold / "questions.csv").unlink()
    one_line_error(emn_here("evaluate", "--gold", str(gold.parent), "--pred", str(outputs / "csv")),
                   str(gold / "questions.csv"), "missing")


def test_gold_with_a_byte_order_mark_scores_as_without(outputs, gold):
    document = gold / "document.json"
    document.write_bytes(b"\xef\xbb\xbf" + document.read_bytes())
    result = emn("evaluate", "--gold", str(gold.parent), "--pred", str(outputs / "csv"), "--json")
    assert result.returncode == 0, result.stderr
    (score,) = json.loads(result.stdout)
    assert score["scores"]["respondents"]["recall"] == 1.0 and score["scores"]["responses_core"]["f1"] == 1.0
