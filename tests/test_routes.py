"""Text, PDF and Word routes give the same responses, also for PDFs our generator did not make."""

import re
import shutil
import subprocess

import pdfplumber
import pytest
from docx import Document
from docx.oxml import parse_xml
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen import canvas

from pipeline.evaluate import evaluate
from pipeline.export.batch import run_batch
from pipeline.export.writers import read_table

from .conftest import DATA, SAMPLES

SUPERSCRIPTS = "[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]"
PARITY_COLUMNS = ["question_id", "country", "stance", "item", "evidence"]


def responses(folder, doc_id):
    table = read_table(folder, "responses")
    return [tuple(row) for row in table[table["doc_id"] == doc_id][PARITY_COLUMNS].itertuples(index=False)]


def test_pdf_and_word_samples_give_the_text_route_rows(tmp_path):
    run_batch([str(SAMPLES)], tmp_path, jobs=1)
    for stem in ("emn-ahq-1055-summary", "emn-ahq-2021-19-summary", "emn-ahq-2021-19-compilation"):
        text = responses(tmp_path, f"{stem}.txt")
        assert text
        for suffix in ("pdf", "docx"):
            assert {row[:4] for row in responses(tmp_path, f"{stem}.{suffix}")} == {row[:4] for row in text}, suffix
    scores = {s.doc_id: s.scores["responses_core"].f1 for s in evaluate(SAMPLES / "gold", tmp_path)}
    assert len(scores) == 9
    assert all(scores[f"emn-ahq-1055-summary.{s}"] == 1.0 for s in ("docx", "pdf", "txt"))
    assert min(scores.values()) >= 0.97


def typeset(text: str, path, font: str, size: float, margin: float, pagesize, glyph: str,
            glyph_font: str | None = None) -> None:
    """A plain typesetter unlike scripts/make_samples.py: canvas lines, greedy wrapping, own fonts.

    Bold from `**`, link markup and footnotes dropped, bullets drawn with `glyph`."""
    bold = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}[font]
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(f"(?m)^{SUPERSCRIPTS}.*$|^Formatted:.*$|{SUPERSCRIPTS}", "", text)
    page = canvas.Canvas(str(path), pagesize=pagesize)
    width, height = pagesize
    y = height - margin
    blocks = re.split(r"\n\s*\n|\n(?=[-\u2022\u25aa\u2013\u2605\uf0b7] )", text)  # one block per bullet
    for paragraph in blocks:
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        bullet = re.match("^(?:[-\u2022\u25aa\u2013\u2605\uf0b7]\\s*)+", paragraph)
        indent = 14 if bullet else 0
        words = []
        bold_on = False
        for word in paragraph[bullet.end():].split(" ") if bullet else paragraph.split(" "):
            first = True
            for index, piece in enumerate(word.split("**")):
                if index:
                    bold_on = not bold_on
                if piece:
                    words.append((piece, bold_on, first))
                    first = False
        lines, line, line_width = [], [], 0.0
        for piece, is_bold, starts_word in words:
            piece_width = page.stringWidth(piece + " ", bold if is_bold else font, size)
            if line and starts_word and line_width + piece_width > width - 2 * margin - indent:
                lines.append(line)
                line, line_width = [], 0.0
            line.append((piece, is_bold, starts_word))
            line_width += piece_width
        lines.append(line)
        if y - size * 1.3 * len(lines) < margin and len(lines) < 4:  # keep short blocks together
            page.showPage()
            y = height - margin
        if bullet:
            page.setFont(glyph_font or font, size)
            page.drawString(margin, y, glyph)
        for line in lines:
            if y < margin:
                page.showPage()
                y = height - margin
            x = margin + indent
            for piece, is_bold, starts_word in line:
                if starts_word and x > margin + indent:
                    x += page.stringWidth(" ", font, size)
                page.setFont(bold if is_bold else font, size)
                page.drawString(x, y, piece)
                x += page.stringWidth(piece, bold if is_bold else font, size)
            y -= size * 1.3
        y -= size * 0.9
    page.save()


@pytest.mark.parametrize(
    ("stem", "font", "size", "margin", "pagesize", "glyph", "glyph_font"),
    [
        ("emn-ahq-2124-summary", "Times-Roman", 11, 50, A4, "\u2022", None),
        ("emn-ahq-2101-summary", "Courier", 9, 90, LETTER, "-", None),
        ("emn-ahq-2139-summary", "Helvetica", 10, 40, A4, "\u2022", None),
        # ZapfDingbats draws a square for 'n' and a tick for '3': the text layer holds the letter
        ("emn-ahq-2139-summary", "Helvetica", 10, 40, A4, "n", "ZapfDingbats"),
        ("emn-ahq-2124-summary", "Times-Roman", 11, 50, A4, "3", "ZapfDingbats"),
    ],
)
def test_pdfs_from_another_typesetter_give_the_text_route_rows(tmp_path, stem, font, size, margin, pagesize, glyph,
                                                               glyph_font):
    source = (DATA / "summaries" / f"{stem}.txt").read_text(encoding="utf-8")
    typeset(source, tmp_path / f"{stem}.pdf", font, size, margin, pagesize, glyph, glyph_font)
    (tmp_path / f"{stem}.txt").write_text(source, encoding="utf-8")
    run_batch([str(tmp_path / f"{stem}.txt"), str(tmp_path / f"{stem}.pdf")], tmp_path / "out", jobs=1)
    text = {row[:4] for row in responses(tmp_path / "out", f"{stem}.txt")}
    pdf = {row[:4] for row in responses(tmp_path / "out", f"{stem}.pdf")}
    assert text and pdf == text


def test_libreoffice_makes_the_pdf_of_a_word_summary_as_word_users_do(tmp_path):
    """A Word summary with a table that runs onto a second page under a repeated header, and its
    PDF made by LibreOffice, give the same rows."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (.ci/run installs libreoffice-writer-nogui)"
    document = Document()
    document.add_paragraph("EMN Ad-Hoc Query on Reporting duties", style="Title")
    document.add_paragraph("Query number: AHQ 2024.5. Responses from 30 EMN NCPs.")
    document.add_paragraph("1. Does your Member State apply reporting duties?", style="Heading 2")
    document.add_paragraph("The replies are shown in the table below.")
    codes = ["AT", "BE", "BG", "CY", "CZ", "DE", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
             "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "NO", "GE", "MD", "UA"]
    table = document.add_table(rows=1 + len(codes), cols=3)
    table.style = "Table Grid"
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(parse_xml(
        '<w:tblHeader xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))
    for cell, text in zip(header.cells, ("Member State", "Yes", "No"), strict=True):
        cell.text = text
    for number, (row, code) in enumerate(zip(table.rows[1:], codes, strict=True)):
        row.cells[0].text = code
        row.cells[1 + number % 2].text = "X"
        row.cells[2 - number % 2].text = "" if number % 3 else "(reported in the national report of last year)"
    document.add_paragraph("Several States explained their practice in more detail (AT, BE).")
    docx = tmp_path / "emn-ahq-2024-5-summary.docx"
    document.save(docx)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    run_batch([str(docx), str(tmp_path / "emn-ahq-2024-5-summary.pdf")], tmp_path / "out", jobs=1)
    word = responses(tmp_path / "out", "emn-ahq-2024-5-summary.docx")
    pdf = responses(tmp_path / "out", "emn-ahq-2024-5-summary.pdf")
    assert len([row for row in word if row[1] in codes]) == len(codes) + 2
    assert [row[:4] for row in pdf] == [row[:4] for row in word]
    with pdfplumber.open(tmp_path / "emn-ahq-2024-5-summary.pdf") as typeset_pdf:
        assert len(typeset_pdf.pages) >= 2  # the table runs onto a second page
