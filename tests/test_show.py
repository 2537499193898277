"""`emn show` on the sample's tables: the matrix in document order, filters, plain text in a pipe."""

import os
import re
import subprocess
import sys

import pytest

from pipeline.cli.show import build_matrix, country_ranges, load_tables, response_rows, select_documents

from .conftest import ROOT, SAMPLES

SAMPLE = str(SAMPLES / "emn-ahq-1055-summary.txt")
RESPONDENTS = "BE CZ CY DE EE ES FI FR HR HU LV LU LT NL NO PL SE SI SK UK".split()
ANSI = "\x1b["


def emn(*args, colour=False):
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")}
    if colour:
        env["FORCE_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("show") / "out"
    result = emn("run", SAMPLE, "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out


def matrix_rows(stdout: str) -> list[str]:
    """The country codes that open the matrix lines, up to the unaccounted line."""
    codes = []
    for line in stdout.splitlines():
        if line.startswith("unaccounted"):
            break
        match = re.match(r"([A-Z]{2})\s", line)
        if match:
            codes.append(match.group(1))
    return codes


def test_matrix_lists_the_respondents_in_document_order(outputs):
    result = emn("show", str(outputs))
    assert result.returncode == 0, result.stderr
    assert matrix_rows(result.stdout) == RESPONDENTS
    header = next(line for line in result.stdout.splitlines() if line.startswith("country"))
    assert header.split()[1:] == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7"]
    assert "✔ yes" in result.stdout and "✘ no" in result.stdout  # the legend


def test_matrix_shows_the_respondents_a_question_leaves_unaccounted(outputs):
    stdout = emn("show", str(outputs)).stdout
    assert re.search(r"^\s+3\.3\s+CY LU NO\s*$", stdout, re.MULTILINE), stdout
    unaccounted = next(line for line in stdout.splitlines() if line.startswith("unaccounted"))
    assert unaccounted.split()[1:] == ["0", "0", "3", "0", "0", "0", "17"]


def test_several_statements_give_several_symbols(outputs):
    stdout = emn("show", str(outputs)).stdout
    be = next(line for line in stdout.splitlines() if line.startswith("BE "))
    assert be.split()[4] == "✔✘•"  # 3.4: cooperates, without a formal framework, and named in prose


def test_filter_shows_the_matching_rows_with_their_evidence(outputs):
    result = emn("show", str(outputs), "--question", "3.4", "--country", "be")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if re.match(r"3\.4\s", line)]
    assert len(lines) == 3 and all(line.split()[1] == "BE" for line in lines)
    assert [line.split()[3] for line in lines] == ["yes", "no", "mention"]
    flat = " ".join(result.stdout.split())
    assert "Eight Member States" in flat and "no formal framework" in flat
    # in a pipe the country stands between brackets: each list of the sentence in its own row
    assert flat.count("Eight Member States ([BE], CZ") == 1 and flat.count("States ([BE], CZ, DE, EE, ES)") == 1
    assert "in [Belgium] (with Facebook" in flat
    assert "3 rows" in result.stdout


def test_stance_filter_and_no_match(outputs):
    result = emn("show", str(outputs), "--stance", "no_information", "--country", "LU")
    assert result.returncode == 0
    assert {line.split()[0] for line in result.stdout.splitlines() if re.match(r"3\.\d\s+LU", line)} == {
        "3.1", "3.4", "3.5", "3.6"}
    nothing = emn("show", str(outputs), "--question", "9.9")
    assert nothing.returncode == 0 and "no response row matches" in nothing.stdout


def test_plain_text_in_a_pipe_colour_on_request(outputs):
    for args in ((), ("--question", "3.4", "--country", "BE")):
        assert ANSI not in emn("show", str(outputs), *args).stdout
    coloured = emn("show", str(outputs), colour=True).stdout
    assert ANSI in coloured


def test_document_by_stem_or_query_number(outputs):
    for key in ("emn-ahq-1055-summary.txt", "emn-ahq-1055-summary", "1055"):
        result = emn("show", str(outputs), "--doc", key)
        assert result.returncode == 0 and matrix_rows(result.stdout) == RESPONDENTS


@pytest.mark.parametrize("args, message", [
    (("show", "no/such/folder"), "no such output folder"),
    (("show", "{out}", "--doc", "4711"), "no document '4711'"),
])
def test_errors_are_one_line(outputs, args, message):
    result = emn(*(a.format(out=outputs) for a in args))
    assert result.returncode == 1
    assert result.stderr.startswith("emn: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_each_list_marks_its_own_occurrence(outputs):
    tables = load_tables(outputs)
    rows = [r for r in response_rows(tables, ["emn-ahq-1055-summary.txt"])
            if r["question_id"] == "3.4" and r["country"] == "BE"]
    yes, no, mention = rows
    assert yes["evidence"] == no["evidence"]
    assert len(yes["marks"]) == 1 and len(no["marks"]) == 1 and yes["marks"][0] < no["marks"][0]
    for row in rows:
        start, end = row["marks"][0]
        assert row["evidence"][start:end] in ("BE", "Belgium")


def test_matrix_data_matches_the_tables(outputs):
    tables = load_tables(outputs)
    (document,) = select_documents(tables, "1055")
    matrix = build_matrix(tables, document)
    assert matrix.respondents == RESPONDENTS and matrix.others == []
    assert sum(len(rows) for rows in matrix.cells.values()) == len(tables["responses"])
    assert matrix.unaccounted["3.3"] == ["CY", "LU", "NO"]


@pytest.mark.parametrize("text, country, found", [
    ("Two States (BE, CZ) and Belgium", "BE", ["BE", "Belgium"]),
    ("in Greece (EL)", "EL", ["Greece", "EL"]),
    ("the United Kingdom and the UK", "UK", ["United Kingdom", "UK"]),
    ("BEL and BELGIUM are not BE's name", "BE", ["BE"]),
])
def test_country_ranges(text, country, found):
    assert [text[s:e] for s, e in country_ranges(text, country)] == found
