"""Unattended on untrusted documents: each hostile or unlucky input of issue 14, built here at
test time, through `emn run` as a user runs it. Each run is bounded in time (a hang fails the
test) and in memory (the peak of the largest process it ran is measured), and each asserts
the outcome: one error line naming the file, the other documents written, nothing left behind.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import time
from pathlib import Path

import pytest

from pipeline.export.writers import read_table

from .hostile import (
    SAMPLES,
    cyclic_contents_pdf,
    docx_bomb,
    emn,
    emn_measured,
    errors,
    flate_bomb_pdf,
    sparse_pdf,
)

SAMPLE = SAMPLES / "emn-ahq-1055-summary.txt"
MEMORY_BOUND_MB = 600  # the whole run, parent or worker, with the default limits
WORKER_LIMIT_MB = 256  # --max-memory in the tests that reach it


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".partial"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_pdf_that_hangs_is_killed_and_the_batch_goes_on(tmp_path, jobs):
    """pdfminer resolves the cycle forever (pdfium sees it: see the next test)."""
    hang = cyclic_contents_pdf(tmp_path / "cycle.pdf")
    assert hang.stat().st_size < 600
    started = time.monotonic()
    result, peak = emn_measured("run", str(hang), str(SAMPLE), "--out", str(tmp_path / "out"), "--timeout", "3",
                                "--jobs", jobs, "--pdf-engine", "pdfplumber", timeout=60)
    assert time.monotonic() - started < 40
    assert result.returncode == 1
    (error,) = errors(result)
    assert "cycle.pdf" in error and "took longer than the 3 s limit per document" in error
    assert [row["doc_id"] for row in rows(tmp_path / "out" / "documents.csv")] == [SAMPLE.name]
    assert peak < MEMORY_BOUND_MB
    assert leftovers(tmp_path / "out") == []


def test_pdfium_refuses_the_pdf_pdfminer_hangs_on_at_once(tmp_path):
    hang = cyclic_contents_pdf(tmp_path / "cycle.pdf")
    result = emn("run", str(hang), "--out", str(tmp_path / "out"), "--timeout", "3", "--jobs", "1")
    (error,) = errors(result)
    assert "cycle.pdf: no text layer" in error


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_bombs_and_huge_files_are_refused_before_they_are_read(tmp_path, engine):
    inputs = [docx_bomb(tmp_path / "bomb.docx"), flate_bomb_pdf(tmp_path / "bomb.pdf"),
              sparse_pdf(tmp_path / "sparse.pdf")]
    assert max(path.stat().st_blocks * 512 for path in inputs) < 4 * 1024 * 1024  # small on disk
    result, peak = emn_measured("run", *map(str, inputs), str(SAMPLE), "--out", str(tmp_path / "out"),
                                "--pdf-engine", engine, timeout=120)
    assert result.returncode == 1
    found = errors(result)
    assert len(found) == 3
    for name, reason in [("bomb.docx", "parts unpack to 3"),
                         ("bomb.pdf", "a compressed stream inflates past the 50 MB"),
                         ("sparse.pdf", "too large: 3,221,225,472 bytes")]:
        assert any(name in line and reason in line for line in found), (name, found)
    assert "1 documents ok, 3 failed" in result.stdout
    assert peak < MEMORY_BOUND_MB


def test_memory_a_document_takes_is_bounded_in_its_worker(tmp_path):
    """With the size limits raised past the bombs, the address-space limit still ends them."""
    inputs = [docx_bomb(tmp_path / "bomb.docx"), flate_bomb_pdf(tmp_path / "bomb.pdf")]
    result, peak = emn_measured("run", *map(str, inputs), str(SAMPLE), "--out", str(tmp_path / "out"),
                                "--max-size", "5000", "--max-memory", str(WORKER_LIMIT_MB), "--jobs", "1",
                                timeout=120)
    assert result.returncode == 1
    found = errors(result)
    assert len(found) == 2 and all(f"{WORKER_LIMIT_MB} MB memory limit (--max-memory)" in line for line in found)
    assert "1 documents ok, 2 failed" in result.stdout
    assert peak < MEMORY_BOUND_MB  # the worker's own ~200 MB, plus at most the limit


def test_file_names_give_unique_ids_whatever_their_bytes(tmp_path):
    for folder in ("d1", "d2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "summary.txt").write_bytes(SAMPLE.read_bytes())
    latin = os.fsencode(tmp_path) + b"/r\xe9sum\xe9.txt"
    with open(latin, "wb") as handle:
        handle.write(SAMPLE.read_bytes())
    forged = tmp_path / "a\nemn: error: forged.txt"
    forged.write_text("")
    result = emn("run", str(tmp_path / "d1"), str(tmp_path / "d2"), os.fsdecode(latin), str(forged),
                 "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    (error,) = errors(result)
    assert "a\\nemn: error: forged.txt" in error and "empty file" in error  # one line, the newline escaped
    ids = [row["doc_id"] for row in rows(tmp_path / "out" / "documents.csv")]
    assert ids == ["d1/summary.txt", "d2/summary.txt", "r\\xe9sum\\xe9.txt"]
    shown = emn("show", str(tmp_path / "out"), "--doc", "d2/summary.txt")
    assert shown.returncode == 0 and "d2/summary.txt" in shown.stdout and "d1/summary.txt" not in shown.stdout


def test_text_with_a_byte_order_mark_gives_the_rows_of_plain_utf8(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plain.txt").write_text(text, encoding="utf-8")
    for encoding, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                          ("utf-8", codecs.BOM_UTF8)):
        (tmp_path / "in" / f"{encoding}.txt").write_bytes(bom + text.encode(encoding))
    assert emn("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q").returncode == 0
    by_document: dict[str, list[list[str]]] = {}
    for row in rows(tmp_path / "out" / "responses.csv"):
        by_document.setdefault(row.pop("doc_id"), []).append(list(row.values()))
    assert len(by_document) == 4 and len(by_document["plain.txt"]) == 189
    assert all(found == by_document["plain.txt"] for found in by_document.values())


def test_nul_bytes_after_the_first_4_kb_are_removed_with_a_warning(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text.index(" ", 5000)
    damaged = tmp_path / "nul.txt"
    damaged.write_bytes((text[:cut] + "\x00\x00 " + text[cut:]).encode("utf-8"))
    result = emn("run", str(damaged), "--out", str(tmp_path / "out"))
    assert result.returncode == 0 and "2 NUL characters removed" in result.stderr
    for name in ("documents", "questions", "responses", "checks"):
        assert b"\x00" not in (tmp_path / "out" / f"{name}.csv").read_bytes()


def test_csv_cells_cannot_start_a_formula_and_other_formats_keep_the_text(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    title = next(i for i, line in enumerate(text) if line.startswith("Addressing"))
    text[title] = '=HYPERLINK("http://example.org","click")'
    source = tmp_path / "@SUM(A1).txt"
    source.write_text("\n".join(text) + "\n", encoding="utf-8")
    for fmt in ("csv", "jsonl"):
        assert emn("run", str(source), "--out", str(tmp_path / fmt), "--format", fmt, "-q").returncode == 0
    for name in ("documents", "questions", "responses", "checks"):
        with open(tmp_path / "csv" / f"{name}.csv", newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], row
    raw = rows(tmp_path / "csv" / "documents.csv")[0]
    assert (raw["doc_id"], raw["title"]) == ("'@SUM(A1).txt", "'=HYPERLINK(\"http://example.org\",\"click\")")
    exact = json.loads((tmp_path / "jsonl" / "documents.jsonl").read_text(encoding="utf-8"))
    assert (exact["doc_id"], exact["title"]) == ("@SUM(A1).txt", '=HYPERLINK("http://example.org","click")')
    for fmt in ("csv", "jsonl"):  # read back, both give the exact text
        assert read_table(tmp_path / fmt, "documents")["title"][0] == exact["title"]


def test_a_slow_valid_pdf_is_over_time_not_corrupt(tmp_path):
    result = emn("run", str(SAMPLES / "emn-ahq-1055-summary.pdf"), "--out", str(tmp_path), "--timeout", "0.05",
                 "--pdf-engine", "pdfplumber")  # pdfium reads it within the limit
    (error,) = errors(result)
    assert "limit per document" in error and "corrupt" not in error


def test_loading_the_pipeline_never_counts_against_a_document(tmp_path):
    """Loading takes over a second; the document itself a few hundredths."""
    result = emn("run", str(SAMPLE), "--out", str(tmp_path), "--timeout", "1", "--jobs", "1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("value", "status"), [("inf", 0), ("nan", 2), ("-1", 2), ("soon", 2)])
def test_timeout_values(tmp_path, value, status):
    result = emn("run", str(SAMPLE), "--out", str(tmp_path), "--timeout", value, "-q")
    assert result.returncode == status
    assert "Traceback" not in result.stderr
