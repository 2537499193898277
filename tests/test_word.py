"""Word reader on real DOCX files: small ones made here with python-docx, and the sample summary.

python-docx cannot write footnotes, so `add_footnotes` adds a footnotes part the way Word
stores one; everything else goes through python-docx's own API or, for links, tracked
changes and symbols, through the WordprocessingML Word itself writes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from pipeline.ingest import IngestError, read_source
from pipeline.ingest.docx import read_docx

from .conftest import split_rendering

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DOCX = ROOT / "samples" / "emn-ahq-1055-summary.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- helpers --------------------------------------------------------------------------------

def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(document_or_bytes, name: str = "doc.docx"):
    data = document_or_bytes if isinstance(document_or_bytes, bytes) else save(document_or_bytes)
    return read_docx(Path(name), data)


def bold_texts(source) -> list[str]:
    return [source.text[start:end] for start, end in source.bold]


def xml(fragment: str):
    """A WordprocessingML element from a fragment written without the namespace prefix."""
    end = re.match(r"<[\w:]+", fragment).end()
    return parse_xml(f'{fragment[:end]} xmlns:w="{W_NS}"{fragment[end:]}')


def cite(paragraph, note_id: int) -> None:
    """A footnote reference run, as Word writes it."""
    paragraph._p.append(xml(f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                            f'<w:footnoteReference w:id="{note_id}"/></w:r>'))


def add_footnotes(document, notes: dict[int, str]) -> None:
    """word/footnotes.xml with separators and the given notes; "**x**" marks a bold run."""
    bodies = []
    for note_id, text in notes.items():
        runs = []
        for number, part in enumerate(re.split(r"\*\*", text)):
            bold = "<w:b/>" if number % 2 else ""
            runs.append(f'<w:r><w:rPr>{bold}</w:rPr><w:t xml:space="preserve">{part}</w:t></w:r>')
        bodies.append(f'<w:footnote w:id="{note_id}"><w:p><w:r><w:rPr><w:vertAlign '
                      f'w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                      f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{"".join(runs)}</w:p>'
                      f'</w:footnote>')
    blob = (f'<w:footnotes xmlns:w="{W_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            '<w:continuationSeparator/></w:r></w:p></w:footnote>'
            f'{"".join(bodies)}</w:footnotes>').encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


# --- text and bold --------------------------------------------------------------------------

def test_paragraphs_headings_and_bold_runs():
    document = Document()
    document.add_paragraph("3.1. Do Member States monitor the internet?", style="Heading 2")
    paragraph = document.add_paragraph("Three Member States (")
    paragraph.add_run("EE, FR").bold = True
    paragraph.add_run(" and ")
    paragraph.add_run("SE").bold = True
    paragraph.add_run(") do not.")
    document.add_paragraph("")  # empty paragraphs leave no trace
    paragraph = document.add_paragraph("On the other hand ")
    paragraph.add_run("Cyprus ").bold = True  # the trailing space is not part of the range
    paragraph.add_run("has stated so.")
    source = read(document)
    assert source.text == ("3.1. Do Member States monitor the internet?\n\n"
                           "Three Member States (EE, FR and SE) do not.\n\n"
                           "On the other hand Cyprus has stated so.")
    assert bold_texts(source) == ["3.1. Do Member States monitor the internet?",  # style bold
                                  "EE, FR", "SE", "Cyprus"]
    assert source.pages == [] and source.boxes == [] and source.warnings == []


def test_bold_from_character_style_paragraph_style_and_switched_off():
    document = Document()
    style = document.styles.add_style("Answer Lead", 1)
    style.base_style = document.styles["Normal"]
    style.font.bold = True
    paragraph = document.add_paragraph("In ")
    paragraph.add_run("Belgium", style="Strong")
    paragraph.add_run(" print screens are used.")
    paragraph = document.add_paragraph("All bold ", style="Answer Lead")
    paragraph.add_run("but this").bold = False
    paragraph._p.append(xml('<w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t xml:space="preserve">'
                            ' nor this</w:t></w:r>'))
    source = read(document)
    assert source.text == "In Belgium print screens are used.\n\nAll bold but this nor this"
    assert bold_texts(source) == ["Belgium", "All bold"]


def test_adjacent_bold_runs_make_one_range():
    document = Document()
    paragraph = document.add_paragraph("With the exception of ")
    paragraph.add_run("Belgium,").bold = True
    paragraph.add_run(" ").bold = True
    paragraph.add_run("Spain").bold = True
    paragraph.add_run(" and ")
    paragraph.add_run("Norway").bold = True
    assert bold_texts(read(document)) == ["Belgium, Spain", "Norway"]


def test_list_paragraphs_become_bullet_lines():
    document = Document()
    document.add_paragraph("Groups monitored include:")
    document.add_paragraph("Facebook (BE, CZ);", style="List Bullet")
    document.add_paragraph("Twitter (HU);", style="List Number")
    document.add_paragraph("VK (FI).", style="List Paragraph")
    numbered = document.add_paragraph("Numbered by its own properties.")
    numbered._p.get_or_add_pPr().append(xml(
        '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'))
    document.add_paragraph("A continuation is no new item.", style="List Continue")
    heading = document.add_paragraph("3.2. Numbered heading", style="Heading 2")
    heading._p.get_or_add_pPr().append(xml(
        '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'))
    source = read(document)
    assert source.text == ("Groups monitored include:\n\n• Facebook (BE, CZ);\n• Twitter (HU);\n"
                           "• VK (FI).\n• Numbered by its own properties.\n\n"
                           "A continuation is no new item.\n\n3.2. Numbered heading")


def test_runs_inside_links_insertions_and_symbols():
    document = Document()
    paragraph = document.add_paragraph("Reference was made to the ")
    paragraph._p.append(xml(
        '<w:hyperlink r:id="rId99" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships"><w:r><w:t>E-Commerce Directive</w:t></w:r></w:hyperlink>'))
    paragraph._p.append(xml('<w:ins w:id="1" w:author="EMN"><w:r><w:t xml:space="preserve">'
                            ' and the</w:t></w:r></w:ins>'))
    paragraph._p.append(xml('<w:del w:id="2" w:author="EMN"><w:r><w:delText> old'
                            '</w:delText></w:r></w:del>'))
    paragraph._p.append(xml('<w:r><w:t xml:space="preserve"> Budapest</w:t><w:tab/>'
                            '<w:t>Convention</w:t><w:br/><w:t>on Cyber</w:t><w:noBreakHyphen/>'
                            '<w:t>crime.</w:t></w:r>'))
    item = document.add_paragraph()
    item._p.append(xml('<w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:tab/>'
                       '<w:t>Facebook (BE).</w:t></w:r>'))
    source = read(document)
    assert source.text == ("Reference was made to the E-Commerce Directive and the Budapest "
                           "Convention\non Cyber-crime.\n\n\uf0b7 Facebook (BE).")


# --- footnotes ------------------------------------------------------------------------------

def test_footnotes_follow_the_citing_paragraph_numbered_in_citation_order():
    document = Document()
    paragraph = document.add_paragraph("It is based on contributions from 20 Member States.")
    cite(paragraph, 7)
    paragraph.add_run(" Experts discussed smuggling,")
    cite(paragraph, 3)
    paragraph.add_run(" including social media.")
    later = document.add_paragraph("Cited again")
    cite(later, 7)
    later.add_run(" here.")
    add_footnotes(document, {3: "This includes **facilitation**.",
                             7: "BE, CZ, CY, DE, EE, ES."})
    source = read(document)
    assert source.text == (
        "It is based on contributions from 20 Member States.¹ Experts discussed smuggling,² "
        "including social media.\n\n"
        "¹ BE, CZ, CY, DE, EE, ES.\n\n"
        "² This includes facilitation.\n\n"
        "Cited again¹ here.")
    assert bold_texts(source) == ["facilitation"]


def test_missing_footnote_is_a_warning():
    document = Document()
    cite(document.add_paragraph("Cited"), 4)
    source = read(document)
    assert source.text == "Cited¹"
    assert source.warnings == ["footnote 1 is cited but missing from the file"]


# --- errors ---------------------------------------------------------------------------------

def test_pdf_named_docx_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "summary.docx"
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.drawString(72, 700, "A PDF in disguise.")
    pdf.save()
    with pytest.raises(IngestError, match=r"^not a DOCX file \(content looks like a PDF\)$"):
        read_source(path)


def test_text_file_named_docx_is_refused(tmp_path):
    path = tmp_path / "summary.docx"
    path.write_text("Summary of EMN Ad-Hoc Query No. 1055\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"^not a DOCX file \(content looks like text\)$"):
        read_source(path)


def test_truncated_docx_is_refused():
    data = save(Document())
    with pytest.raises(IngestError, match=r"^corrupt or truncated DOCX: "):
        read(data[:len(data) // 2])


def test_zip_that_is_not_a_word_file_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    with pytest.raises(IngestError,
                       match=r"^not a DOCX file \(content looks like a ZIP archive\)$"):
        read(buffer.getvalue())


def test_empty_document_is_refused():
    with pytest.raises(IngestError, match=r"^no text: the Word document is empty$"):
        read(Document())


def test_read_source_dispatches_docx(tmp_path):
    document = Document()
    document.add_paragraph("Done in June 2016")
    path = tmp_path / "one.docx"
    document.save(path)
    source = read_source(path)
    assert source.path == path and source.text == "Done in June 2016"


# --- the sample summary ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    return read_docx(SAMPLE_DOCX, SAMPLE_DOCX.read_bytes())


def test_sample_body_and_footnotes_match_the_text_sample(sample, sample_text):
    body, notes = split_rendering(sample_text.replace("**", ""))
    docx_body, docx_notes = split_rendering(sample.text)
    assert docx_body == body
    assert sorted(docx_notes) == sorted(notes)


def test_sample_question_headings_and_code_lists(sample, sample_text):
    for heading in re.findall(r"(?m)^3\.\d\. .+$", sample_text):
        assert f"\n\n{heading}\n\n" in sample.text  # one paragraph each, verbatim
    code_lists = re.findall(r"\(([A-Z]{2}(?:, [A-Z]{2})*(?: and [A-Z]{2})?)\)",
                            sample_text.replace("**", ""))
    assert len(code_lists) >= 20
    for codes in code_lists:
        assert f"({codes})" in sample.text


def test_sample_bold_matches_the_markup(sample, sample_text):
    marked = re.findall(r"\*\*(.+?)\*\*", sample_text)
    text = sample.text
    inline = [text[s:e] for s, e in sample.bold
              if not (text[:s].endswith("\n\n") or s == 0)]  # headings are bold by style
    assert inline == marked


def test_sample_layout(sample):
    text = sample.text
    assert "Formatert" not in text
    assert "Member States.¹\n\n¹ BE, CZ, CY, DE, EE, ES, FI, FR, HR, HU, LV, LU, LT, NL, NO, " \
           "PL, SE, SI, SK, UK.\n\n2. BACKGROUND" in text
    assert "such as:\n\n• Facebook (BE, CZ, ES, FI, HU, LT, NL, PL, UK);\n• Twitter" in text
    assert "E-Commerce Directive" in text and "](#)" not in text


def test_a_word_table_is_written_as_the_text_route_writes_one():
    document = Document()
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [("Country", "Yes", "No"), ("Austria", "\u2713", ""),
                                        ("Belgium", "", "\u2713 | partly")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("After the table.")
    source = read(document)
    assert source.text == ("| Country | Yes | No |\n|---|---|---|\n| Austria | \u2713 |  |\n"
                           "| Belgium |  | \u2713 \u00a6 partly |\n\nAfter the table.")


def test_a_merged_cell_keeps_the_columns_aligned():
    document = Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text = "State", "Measures"
    table.cell(0, 1).merge(table.cell(0, 2))
    for cell, value in zip(table.rows[1].cells, ("AT", "bail", "reporting"), strict=True):
        cell.text = value
    assert read(document).text.splitlines()[::2] == ["| State | Measures |  |", "| AT | bail | reporting |"]


def test_title_and_heading_styles_are_layout_headings():
    document = Document()
    document.add_paragraph("EMN Ad-Hoc Query on Detention", style="Title")
    document.add_paragraph("Introduction", style="Heading 1")
    document.add_paragraph("Q1. Does your State detain?", style="Heading 2")
    document.add_paragraph("Body text.")
    source = read(document)
    assert [(source.text[s:e], level) for s, e, level in source.headings] == [
        ("EMN Ad-Hoc Query on Detention", 0), ("Introduction", 1), ("Q1. Does your State detain?", 2)]
