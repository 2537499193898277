"""`emn report`: one self-contained HTML file over the samples; text from documents stays text."""

import re
import subprocess
import sys

import pytest

from pipeline.cli.report import split

from .conftest import DATA, ROOT, SAMPLES

SAMPLE = str(SAMPLES / "emn-ahq-1055-summary.txt")
SUMMARIES = DATA / "summaries"
EVIL = """Summary of EMN Ad-Hoc Query No. 4711 from 2 May 2022

Scripts <script>document.title='pwned'</script> in a summary

1. INTRODUCTION

It is based on contributions from 3 Member States.¹

¹ BE, CZ, DE.

2. SUMMARY

2.1. Do Member States embed <img src=x onerror="document.title='pwned'"> images?

Two Member States (**BE, CZ**) reported that they use <script>document.title='pwned'</script> tags. \
**Germany** has stated that <img src=x onerror="document.title='pwned'"> is not used.
"""
LOADS = re.compile(r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//|url\(|@import|<link\b""",
                   re.IGNORECASE)


def emn(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True)


def doc_ids(out) -> list[str]:
    lines = (out / "documents.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(",")[0] for line in lines]


@pytest.fixture(scope="module")
def samples_report(tmp_path_factory):
    """Tables of the sample and the test summaries, and their report (text found under both --inputs)."""
    folder = tmp_path_factory.mktemp("report")
    out = folder / "out"
    assert emn("run", SAMPLE, str(SUMMARIES), "--out", str(out), "--quiet").returncode == 0
    before = set(out.iterdir())
    result = emn("report", str(out), "-o", str(out / "report.html"), "--inputs", str(SAMPLES),
                 "--inputs", str(SUMMARIES))
    assert result.returncode == 0, result.stderr
    assert set(out.iterdir()) - before == {out / "report.html"}  # one file, nothing beside it
    return out, (out / "report.html").read_text(encoding="utf-8"), result.stdout


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    (folder / "evil-summary.txt").write_text(EVIL, encoding="utf-8")
    out = folder / "out"
    assert emn("run", str(folder / "evil-summary.txt"), "--out", str(out), "--quiet").returncode == 0
    result = emn("report", str(out), "--inputs", str(folder))
    assert result.returncode == 0, result.stderr
    return folder, (out / "report.html").read_text(encoding="utf-8")


def test_report_covers_every_document_with_its_text(samples_report):
    out, html, stdout = samples_report
    ids = doc_ids(out)
    assert len(ids) == 5
    assert "5 documents" in stdout and "text found for 5" in stdout
    for i, doc_id in enumerate(ids):
        assert f'<section class="document" id="doc-{i}">' in html
        assert f'href="#doc-{i}">{doc_id}</a>' in html  # the index
        assert f'id="matrix-d{i}"' in html
    assert html.count('<pre class="doctext">') == 5
    assert '<section id="cross">' in html


def test_report_is_self_contained(samples_report):
    _out, html, _stdout = samples_report
    assert not LOADS.search(html), LOADS.search(html)
    assert "http://" not in html and "https://" not in html
    assert html.count("<script") == 1 and "<script src" not in html
    assert "default-src 'none'" in html  # and the browser is told not to load anything


def test_matrix_cells_carry_their_evidence(samples_report):
    _out, html, _stdout = samples_report
    cells = re.findall(r'<td class="cell[^"]*" id="cell-(d0-q\d+-c\d+)"', html)
    assert len(cells) == 20 * 7  # 1055: 20 respondents, 7 questions, no other country
    assert all(f'<template id="ev-{cell}">' in html for cell in cells)
    evidence = html[html.index('<template id="ev-d0-q3-c0">'):]
    evidence = evidence[:evidence.index("</template>")]
    assert evidence.count("<li>") == 3 and "no formal framework" in evidence and "<mark>BE</mark>" in evidence
    assert "not accounted for" in html and ">CY LU NO<" in html


def test_text_spans_are_coloured_by_stance(samples_report):
    _out, html, _stdout = samples_report
    text = html[html.index('<pre class="doctext">'):]
    text = text[:text.index("</pre>")]
    marks = re.findall(r'<mark class="st-(\w+)" data-cell="d0-q\d+-c\d+" title="[^"]*">([^<]*)</mark>', text)
    assert len(marks) == 189  # every response row of 1055 has its own span
    assert {stance for stance, _ in marks} == {"yes", "no", "no_information", "mention"}
    assert ("mention", "Belgium") in marks


def test_document_html_and_script_render_as_text(evil_report):
    _folder, html = evil_report
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert html.count("<script") == 1  # the report's own
    assert "<img" not in html and "onerror=\"" not in html
    assert re.search(r"<mark[^>]*>BE</mark>", html) and re.search(r"<mark[^>]*>Germany</mark>", html)


def test_without_the_input_file_the_evidence_stands_in(evil_report, tmp_path):
    folder, _html = evil_report
    result = emn("report", str(folder / "out"), "-o", str(tmp_path / "r.html"), cwd=tmp_path)
    assert result.returncode == 0 and "text found for 0" in result.stdout
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "input file not found" in html and '<pre class="doctext">' not in html
    assert '<p class="sentence">' in html and "&lt;script&gt;" in html and "<img" not in html


def test_a_changed_input_file_is_not_trusted(tmp_path):
    (tmp_path / "evil-summary.txt").write_text(EVIL, encoding="utf-8")
    assert emn("run", str(tmp_path / "evil-summary.txt"), "--out", str(tmp_path / "out"), "-q").returncode == 0
    (tmp_path / "evil-summary.txt").write_text("A new first line.\n" + EVIL, encoding="utf-8")
    result = emn("report", str(tmp_path / "out"), "--inputs", str(tmp_path))
    assert result.returncode == 0 and "text found for 0" in result.stdout
    assert "does not match the tables" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_missing_folder_is_a_one_line_error(tmp_path):
    result = emn("report", str(tmp_path / "nothing"))
    assert result.returncode == 1 and result.stderr.startswith("emn: ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("text, marks, pieces", [
    ("a BE b", [(2, 4, "x")], [("a ", None), ("BE", "x"), (" b", None)]),
    ("BE", [(0, 2, "x"), (0, 2, "y")], [("BE", "x")]),  # overlaps dropped
    ("ab", [], [("ab", None)]),
])
def test_split(text, marks, pieces):
    assert split(text, marks) == pieces


def test_pdf_spans_show_their_page_and_bounding_box(tmp_path):
    pdf = str(SAMPLES / "emn-ahq-1055-summary.pdf")
    assert emn("run", pdf, "--out", str(tmp_path), "--quiet").returncode == 0
    assert emn("report", str(tmp_path), "-o", str(tmp_path / "r.html")).returncode == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    boxes = re.findall(r'title="[^"]* · page (\d), x \d+-\d+, y \d+-\d+ pt">([^<]+)</mark>', html)
    assert len(boxes) == 189
    assert {page for page, _ in boxes} == {"1", "2", "3", "4"}
