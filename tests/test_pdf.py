"""PDF reader on real PDFs: small ones typeset here with reportlab, and the sample summary.

Each test draws what a Word-made summary has (wrapped paragraphs, bold runs, raised footnote
markers, footnotes at the foot of the page, running headers and footers, bullet glyphs) and
checks the text conventions the pipeline relies on. Every PDF is read by both engines, pdfium
and pdfplumber, which must give the same Source; so must every PDF of the samples and test sets,
and the same rows."""

from __future__ import annotations

import io
import re
from dataclasses import astuple
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.export.batch import run_batch
from pipeline.export.writers import read_table
from pipeline.ingest import IngestError, read_source
from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.pdf_tables import ruling
from pipeline.ingest.pdfium import PdfiumDocument
from pipeline.ingest.text import content_kind

from .conftest import DATA, SAMPLES, split_rendering

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PDF = ROOT / "samples" / "emn-ahq-1055-summary.pdf"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
TOP = 770  # baseline of the first body line on an A4 page (72 pt margin)


# --- typesetting helpers ---------------------------------------------------------------------

def glyph_font() -> str:
    """DejaVu Sans, which has the bullet glyphs the standard 14 fonts lack."""
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans not installed")
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    return "DejaVuSans"


def build(draw, pages: int = 1, pagesize=A4, **options) -> bytes:
    """A PDF whose page N is drawn by draw(canvas, N); uncompressed and reproducible."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=pagesize, invariant=1, pageCompression=0, **options)
    for number in range(1, pages + 1):
        draw(pdf, number)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def runs(pdf, x: float, y: float, parts, size: float = 11) -> None:
    """Draw runs one after the other: (text, font) or (text, font, size, rise)."""
    text = pdf.beginText(x, y)
    for part in parts:
        run, font, *rest = part
        text.setFont(font, rest[0] if rest else size)
        text.setRise(rest[1] if len(rest) > 1 else 0)
        text.textOut(run)
    text.setRise(0)
    pdf.drawText(text)


def lines(pdf, x: float, y: float, rows, font: str = "Helvetica", size: float = 11,
          pitch: float = 14, gap: float = 10) -> float:
    """Draw text lines downwards from y; None leaves paragraph space. Returns the next y."""
    for row in rows:
        if row is None:
            y -= gap
            continue
        pdf.setFont(font, size)
        pdf.drawString(x, y, row)
        y -= pitch
    return y


def marker(number: str, font: str = "Helvetica", size: float = 11):
    """A footnote marker as Word sets it: the digit smaller and raised."""
    return (number, font, size * 0.6, size * 0.35)


def read(data: bytes, name: str = "doc.pdf", **options):
    """The Source pdfium's reader gives, once pdfplumber's has been found the same."""
    source = read_pdf(Path(name), data, **options)
    assert_same_source(source, read_pdf(Path(name), data, engine="pdfplumber", **options))
    return source


def assert_same_source(source, other, tolerance: float = 1.0) -> None:
    """The same text and layout facts; word boxes alike within `tolerance` points (the engines
    place glyphs from the same numbers, rounded differently)."""
    fields = ("text", "bold", "pages", "headings", "warnings")
    assert [getattr(source, name) for name in fields] == [getattr(other, name) for name in fields]
    assert [box[:3] for box in map(astuple, source.boxes)] == [box[:3] for box in map(astuple, other.boxes)]
    for box, other_box in zip(source.boxes, other.boxes, strict=True):
        assert astuple(box)[3:] == pytest.approx(astuple(other_box)[3:], abs=tolerance)


def bold_texts(source) -> list[str]:
    return [source.text[start:end] for start, end in source.bold]


# --- paragraphs, lines, hyphens ---------------------------------------------------------------

@pytest.mark.parametrize(("font", "margin", "pagesize"), [
    ("Helvetica", 72, A4), ("Times-Roman", 36, A4), ("Courier", 100, letter)])
def test_paragraphs_blank_line_and_wrapped_lines_newline(font, margin, pagesize):
    top = pagesize[1] - margin
    data = build(lambda pdf, n: lines(pdf, margin, top, [
        "The first paragraph wraps", "onto a second line.", None, "A second paragraph."],
        font=font), pagesize=pagesize)
    source = read(data)
    assert source.text == ("The first paragraph wraps\nonto a second line.\n\n"
                           "A second paragraph.")
    assert source.pages == [(0, len(source.text), 1)]
    assert source.bold == []


def test_boxes_one_per_word_on_the_page():
    data = build(lambda pdf, n: lines(pdf, 72, TOP, ["Eight Member States have", "reported."]))
    source = read(data)
    words = source.text.split()
    assert [source.text[b.start:b.end] for b in source.boxes] == words
    first, last = source.boxes[0], source.boxes[-1]
    assert first.page == 1 and first.x0 == pytest.approx(72, abs=0.5)
    assert first.top == pytest.approx(A4[1] - TOP - 11 * 0.72, abs=3)  # cap height above base
    assert last.top > first.bottom  # the second line stands below the first
    assert all(b.x0 < b.x1 and b.top < b.bottom for b in source.boxes)


def test_words_placed_without_space_characters_and_letter_spacing():
    def draw(pdf, n):
        x = 72
        for word in ["Eight", "Member", "States"]:  # as Word places words: no space glyphs
            pdf.setFont("Helvetica", 11)
            pdf.drawString(x, TOP, word)
            x += pdfmetrics.stringWidth(word, "Helvetica", 11) + 3.1
        text = pdf.beginText(72, TOP - 14)
        text.setFont("Helvetica", 11)
        text.setCharSpace(1.0)  # letter-spaced, still one word
        text.textOut("SUMMARY")
        pdf.drawText(text)
    assert read(build(draw)).text == "Eight Member States\nSUMMARY"


def test_hyphen_at_line_end_joins_word_and_real_hyphens_stay():
    data = build(lambda pdf, n: lines(pdf, 72, TOP, [
        "Cooperation is inter-",
        "national and covers E-Commerce",
        "and non-",
        "EU platforms on 12th -",
        "13th January."]))
    source = read(data)
    assert source.text == ("Cooperation is international and covers E-Commerce\n"
                           "and non-EU platforms on 12th -\n13th January.")
    start = source.text.index("international")
    pieces = [(b.start, b.end) for b in source.boxes if start <= b.start < start + 13]
    assert pieces == [(start, start + 5), (start + 5, start + 13)]  # one box on each line


def test_soft_hyphen_at_line_end_is_dropped():
    data = build(lambda pdf, n: (glyph_font(), lines(pdf, 72, TOP, [
        "an inter\xad", "national network"], font="DejaVuSans")))
    assert read(data).text == "an international network"


def test_rotated_margin_text_is_ignored():
    def draw(pdf, n):
        lines(pdf, 72, TOP, ["Body text only."])
        pdf.saveState()
        pdf.translate(30, 400)
        pdf.rotate(90)
        pdf.setFont("Helvetica", 8)
        pdf.drawString(0, 0, "Document reference 2016/123")
        pdf.restoreState()
    assert read(build(draw)).text == "Body text only."


def test_sideways_page_is_a_warning_and_a_sideways_document_an_error():
    def draw(pdf, n):
        if n == 2:
            pdf.setPageRotation(90)
        lines(pdf, 72, TOP, [f"Text of page {n}."])
    source = read(build(draw, pages=2))
    assert source.text == "Text of page 1."
    assert source.warnings == ["page 2: sideways (rotated) text left out"]
    with pytest.raises(IngestError, match=r"^only sideways \(rotated\) text: not supported$"):
        read(build(lambda pdf, n: (pdf.setPageRotation(90), lines(pdf, 72, TOP, ["Text."]))))


# --- bold -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("regular", "bold"), [
    ("Helvetica", "Helvetica-Bold"), ("Times-Roman", "Times-Bold"), ("Courier", "Courier-Bold"),
    ("Helvetica", "Helvetica-BoldOblique")])
def test_bold_ranges_from_font_names(regular, bold):
    def draw(pdf, n):
        runs(pdf, 72, TOP, [("Three Member States (", regular), ("EE, FR", bold),
                            (" and ", regular), ("SE", bold), (") do not;", regular)])
        runs(pdf, 72, TOP - 14, [("positive experiences in ", regular), ("United", bold)])
        runs(pdf, 72, TOP - 28, [("Kingdom", bold), (" were reported.", regular)])
    source = read(build(draw))
    assert source.text == ("Three Member States (EE, FR and SE) do not;\n"
                           "positive experiences in United\nKingdom were reported.")
    assert bold_texts(source) == ["EE, FR", "SE", "United\nKingdom"]


def test_bold_from_embedded_font_subset_name():
    if not DEJAVU_BOLD.exists():
        pytest.skip("DejaVu Sans Bold not installed")
    if "DejaVuSans-Bold" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(DEJAVU_BOLD)))
    glyph_font()
    data = build(lambda pdf, n: runs(pdf, 72, TOP, [
        ("In ", "DejaVuSans"), ("Belgium", "DejaVuSans-Bold"), (" print screens", "DejaVuSans")]))
    source = read(data)  # the font is named "AAAAAA+DejaVuSans-Bold" in the file
    assert bold_texts(source) == ["Belgium"]


# --- footnotes ------------------------------------------------------------------------------

def footnoted_pages(pdf, number):
    if number == 1:
        runs(pdf, 72, TOP, [("It is based on contributions from 20 Member States.", "Helvetica"),
                            marker("1")])
        runs(pdf, 72, TOP - 14, [("Experts discussed ways to prevent smuggling,", "Helvetica"),
                                 marker("2"), (" including", "Helvetica")])
        lines(pdf, 72, TOP - 28, ["the use of social media by national authorities,"])
        pdf.line(72, 92, 216, 92)
        runs(pdf, 72, 80, [("1", "Helvetica", 5, 3), (" BE, CZ, CY, DE.", "Helvetica", 8)])
        runs(pdf, 72, 70, [("2", "Helvetica", 5, 3),
                           (" This includes facilitation of unauthorised", "Helvetica", 8)])
        runs(pdf, 72, 60, [("entry and transit.", "Helvetica", 8)])
    else:
        lines(pdf, 72, TOP, ["social media companies as well as EU Agencies."])


def test_footnotes_follow_the_page_body_and_markers_are_superscripts():
    """The sentence a page break cuts goes on overleaf before the page's footnotes."""
    source = read(build(footnoted_pages, pages=2))
    assert source.text == (
        "It is based on contributions from 20 Member States.¹\n"
        "Experts discussed ways to prevent smuggling,² including\n"
        "the use of social media by national authorities,\n"
        "social media companies as well as EU Agencies.\n\n"
        "¹ BE, CZ, CY, DE.\n\n"
        "² This includes facilitation of unauthorised\nentry and transit.")
    page_two, notes = source.text.index("social media companies"), source.text.index("¹ BE")
    assert source.pages == [(0, page_two, 1), (page_two, notes, 2), (notes, len(source.text), 1)]
    assert source.page_at(notes) == 1


def test_footnote_marker_in_bold_text_and_times():
    data = build(lambda pdf, n: (
        runs(pdf, 72, TOP, [("On the other hand ", "Times-Roman"), ("Cyprus", "Times-Bold"),
                            marker("3", "Times-Roman"), (" has stated so.", "Times-Roman")]),
        runs(pdf, 72, 80, [("3", "Times-Roman", 5, 3), (" See the national report.",
                                                         "Times-Roman", 8)])))
    source = read(data)
    assert source.text == ("On the other hand Cyprus³ has stated so.\n\n"
                           "³ See the national report.")
    assert bold_texts(source) == ["Cyprus"]


def test_small_type_without_a_number_is_body_text():
    data = build(lambda pdf, n: (
        lines(pdf, 72, TOP, ["Body text in the usual size, over", "two lines."]),
        lines(pdf, 72, TOP - 40, ["Source: national contributions."], size=8)))
    assert read(data).text == ("Body text in the usual size, over\ntwo lines.\n\n"
                               "Source: national contributions.")


# --- headers, footers, page numbers ---------------------------------------------------------

@pytest.mark.parametrize("footer", ["Page {n} of 3", "EMN Ad-Hoc Query No. 1055 – Summary {n}",
                                    "{n}", "- {n} -"])
def test_running_header_footer_and_page_numbers_are_removed(footer):
    def draw(pdf, n):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, A4[1] - 36, "European Migration Network")
        lines(pdf, 72, TOP, [f"Body text on page {n} that goes", "on for a second line."])
        pdf.setFont("Helvetica", 8)
        pdf.drawCentredString(A4[0] / 2, 30, footer.format(n=n))
    source = read(build(draw, pages=3))
    body = "Body text on page {n} that goes\non for a second line."
    assert source.text == "\n\n".join(body.format(n=n) for n in (1, 2, 3))
    assert [page for _, _, page in source.pages] == [1, 2, 3]


def test_two_line_header_and_footer_blocks_are_removed():
    def draw(pdf, n):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, A4[1] - 30, "European Migration Network")
        pdf.drawString(72, A4[1] - 41, "EMN Ad-Hoc Query No. 1055")
        lines(pdf, 72, TOP, [f"Answers for question 3.{n}", "continue here."])
        pdf.drawString(72, 40, "Produced by the EMN Service Provider")
        pdf.drawString(72, 29, f"{n} / 2")
    assert read(build(draw, pages=2)).text == (
        "Answers for question 3.1\ncontinue here.\n\nAnswers for question 3.2\ncontinue here.")


def test_single_page_margin_header_and_bare_page_number_are_removed():
    def draw(pdf, n):
        pdf.setFont("Helvetica", 8)
        pdf.drawRightString(A4[0] - 72, A4[1] - 30, "Draft")
        lines(pdf, 72, TOP, ["Summary of EMN Ad-Hoc Query No. 1055"])
        pdf.drawCentredString(A4[0] / 2, 28, "1")
    assert read(build(draw)).text == "Summary of EMN Ad-Hoc Query No. 1055"


def test_heading_at_the_top_of_each_page_is_kept():
    data = build(lambda pdf, n: lines(pdf, 72, TOP, [f"3.{n}. Question number {n}?", None,
                                                      "Answer text."]), pages=2)
    assert read(data).text == ("3.1. Question number 1?\n\nAnswer text.\n\n"
                               "3.2. Question number 2?\n\nAnswer text.")


# --- bullets --------------------------------------------------------------------------------

def bullet_page(glyph: str):
    def draw(pdf, n):
        font = glyph_font()
        lines(pdf, 72, TOP, ["Groups monitored include:"])
        for row, item in enumerate(["Facebook (BE, CZ);", "Twitter (HU)."], 1):
            pdf.setFont(font, 10)
            pdf.drawString(84, TOP - 14 * row, glyph)
            pdf.setFont("Helvetica", 11)
            pdf.drawString(100, TOP - 14 * row, item)
    return draw


@pytest.mark.parametrize("glyph", ["•", "▪", "–", "-", "★"])
def test_bullet_glyph_kept_then_space_then_text(glyph):
    source = read(build(bullet_page(glyph)))
    assert source.text == (f"Groups monitored include:\n{glyph} Facebook (BE, CZ);\n"
                           f"{glyph} Twitter (HU).")


def test_private_use_bullet_from_a_symbol_font_is_kept():
    data = build(bullet_page("•"))
    # Word's Symbol-font bullets reach the text layer as U+F0B7: map the glyph so here too.
    assert data.count(b"<2022>") == 1
    data = data.replace(b"<2022>", b"<F0B7>")
    assert read(data).text == ("Groups monitored include:\n\uf0b7 Facebook (BE, CZ);\n"
                               "\uf0b7 Twitter (HU).")


def test_bullets_drawn_as_shapes_become_glyphs():
    """A browser prints a list's markers as small filled paths, not as characters."""
    def draw(pdf, n):
        lines(pdf, 72, TOP, ["Groups monitored include:"])
        for row, item in enumerate(["Facebook (BE, CZ);", "Twitter (HU)."], 1):
            pdf.circle(88, TOP - 14 * row + 3.5, 1.5, stroke=0, fill=1)
            pdf.setFont("Helvetica", 11)
            pdf.drawString(100, TOP - 14 * row, item)
        pdf.rect(72, TOP - 60, 400, 0.8, stroke=0, fill=1)  # a rule is no bullet
    assert read(build(draw)).text == "Groups monitored include:\n• Facebook (BE, CZ);\n• Twitter (HU)."


def test_letters_of_a_dingbat_font_are_bullets():
    def draw(pdf, n):
        pdf.setFont("ZapfDingbats", 10)
        pdf.drawString(84, TOP, "n")
        pdf.setFont("Helvetica", 11)
        pdf.drawString(100, TOP, "Facebook (BE, CZ);")
    assert read(build(draw)).text == "• Facebook (BE, CZ);"


def test_bullet_glyph_glued_to_its_text_is_split():
    def draw(pdf, n):
        pdf.setFont(glyph_font(), 11)
        pdf.drawString(84, TOP, "•Facebook (BE, CZ);")
    assert read(build(draw)).text == "• Facebook (BE, CZ);"


# --- errors ---------------------------------------------------------------------------------

def one_page() -> bytes:
    return build(lambda pdf, n: lines(pdf, 72, TOP, [f"Page {n} text."]))


def test_encrypted_pdf_is_refused():
    data = build(lambda pdf, n: lines(pdf, 72, TOP, ["Secret."]), encrypt="user-password")
    with pytest.raises(IngestError, match=r"^encrypted PDF: "):
        read(data)


def test_pdf_with_only_an_owner_password_is_read():
    data = build(lambda pdf, n: lines(pdf, 72, TOP, ["Open to read."]),
                 encrypt=StandardEncryption("", ownerPassword="owner", canModify=0))
    assert read(data).text == "Open to read."


def test_image_only_pdf_has_no_text_layer():
    from PIL import Image

    image = Image.new("RGB", (60, 40), "white")
    data = build(lambda pdf, n: pdf.drawInlineImage(image, 72, 600, 300, 200))
    with pytest.raises(IngestError, match=r"^no text layer: scanned PDF\? OCR is not supported$"):
        read(data)


def test_page_without_text_is_a_warning():
    def draw(pdf, n):
        if n == 1:
            lines(pdf, 72, TOP, ["Only the first page has text."])
        else:
            pdf.rect(72, 400, 200, 100)
    source = read(build(draw, pages=2))
    assert source.text == "Only the first page has text."
    assert source.warnings == ["page 2 has no text layer (image only?)"]


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_refused(cut):
    data = one_page()
    with pytest.raises(IngestError, match=r"^corrupt or truncated PDF: "):
        read(data[:int(len(data) * cut)])


def test_corrupt_pdf_is_refused():
    data = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\ntrailer\n<<>>\n%%EOF\n"
    with pytest.raises(IngestError, match=r"^corrupt or truncated PDF: "):
        read(data)


def test_text_file_named_pdf_is_refused(tmp_path):
    path = tmp_path / "summary.pdf"
    path.write_text("Summary of EMN Ad-Hoc Query No. 1055\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"^not a PDF file \(content looks like text\)$"):
        read_source(path)


def test_word_file_named_pdf_is_refused(tmp_path):
    from docx import Document

    path = tmp_path / "summary.pdf"
    Document().save(path)
    with pytest.raises(IngestError, match=r"^not a PDF file \(content looks like a Word"):
        read_source(path)


def test_max_pages():
    data = build(lambda pdf, n: lines(pdf, 72, TOP, [f"Page {n} text."]), pages=3)
    with pytest.raises(IngestError, match=r"^3 pages, more than --max-pages 2$"):
        read(data, max_pages=2)
    assert read(data, max_pages=3).text.count("text.") == 3


def test_read_source_dispatches_pdf(tmp_path):
    path = tmp_path / "one.pdf"
    path.write_bytes(one_page())
    source = read_source(path)
    assert source.path == path and source.text == "Page 1 text."


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n...", "a PDF"), (b"PK\x03\x04....word/document.xml", "a Word document (DOCX)"),
    (b"\x89PNG\r\n\x1a\n", "an image"), ("Zusammenfassung für ÖSTERREICH".encode(), "text"),
    (b"<!DOCTYPE html><html>", "an HTML page"), (b"\x00\x01\x02\xff\xfe", "binary data")])
def test_content_kind(data, kind):
    assert content_kind(data) == kind


# --- the sample summary ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    return read_pdf(SAMPLE_PDF, SAMPLE_PDF.read_bytes())


def test_sample_body_and_footnotes_match_the_text_sample(sample, sample_text):
    body, notes = split_rendering(sample_text.replace("**", ""))
    pdf_body, pdf_notes = split_rendering(sample.text)
    assert pdf_body == body
    assert pdf_notes == notes


def test_sample_question_headings_and_code_lists(sample, sample_text):
    flat = " ".join(sample.text.split())
    headings = re.findall(r"(?m)^3\.\d\. .+$", sample_text)
    assert len(headings) == 7
    for heading in headings:
        assert heading in flat
    code_lists = re.findall(r"\(([A-Z]{2}(?:, [A-Z]{2})*(?: and [A-Z]{2})?)\)",
                            sample_text.replace("**", ""))
    assert len(code_lists) >= 20
    for codes in code_lists:
        assert f"({codes})" in flat


def test_sample_bold_matches_the_markup(sample, sample_text):
    marked = [" ".join(b.split()) for b in re.findall(r"\*\*(.+?)\*\*", sample_text)]
    text = sample.text
    inline = [" ".join(text[s:e].split()) for s, e in sample.bold
              if not (text[:s].endswith("\n\n") or s == 0)]  # headings are bold in the PDF
    assert inline == marked


def test_sample_layout(sample):
    text = sample.text
    assert "EMN Ad-Hoc Query No. 1055 – Summary" not in text  # the running footer
    assert "Formatert" not in text
    assert "\n\n¹ BE, CZ, CY, DE, EE, ES, FI, FR, HR, HU, LV, LU, LT, NL, NO, PL, SE, SI, SK, UK."\
        in text
    assert "Member States.¹" in text and "smuggling,² including" in text
    assert "\n★ Facebook (BE, CZ, ES, FI, HU, LT, NL, PL, UK);\n★ Twitter" in text
    # one question heading wraps: its lines are joined by a newline within one paragraph
    assert "3.1. Do Member States monitor the internet for content related to migrant\n" \
           "smuggling?\n\n" in text
    # the sentence cut by the first page break goes on before that page's footnotes
    assert re.search(r"when they are these\nactivities are likely to involve border authorities\.\n\n¹ ", text)
    # page 1's last sentence goes on with page 2's first line, then page 1's footnotes follow
    assert [page for _, _, page in sample.pages] == [1, 2, 1, 2, 3, 4]
    assert sample.page_at(text.index("¹ BE")) == 1
    assert sample.page_at(text.index("Done in June 2016")) == 4
    assert len(sample.boxes) == len(text.split())


# --- tables, page breaks, the title ------------------------------------------------------------

def ruled_table(pdf, top: float, rows, widths=(120, 60, 60)) -> float:
    """A table with borders, one row per 16 pt; returns the y below it."""
    left, height = 72, 16
    x = [left]
    for width in widths:
        x.append(x[-1] + width)
    y = top
    for row in rows:
        pdf.line(left, y, x[-1], y)
        for number, text in enumerate(row):
            pdf.setFont("Helvetica", 10)
            pdf.drawString(x[number] + 4, y - 12, text)
        y -= height
    pdf.line(left, y, x[-1], y)
    for position in x:
        pdf.line(position, top, position, y)
    return y


def test_a_ruled_table_is_written_as_rows_and_goes_on_overleaf_under_its_repeated_header():
    def draw(pdf, number):
        if number == 1:
            y = lines(pdf, 72, TOP, ["The replies are shown below."])
            ruled_table(pdf, y - 10, [("Member State", "Yes", "No"), ("AT", "X", ""), ("BE", "", "X")])
        else:
            y = ruled_table(pdf, TOP, [("Member State", "Yes", "No"), ("CZ", "X", "")])
            lines(pdf, 72, y - 20, ["After the table."])

    source = read(build(draw, pages=2))
    assert source.text == ("The replies are shown below.\n\n| Member State | Yes | No |\n|---|---|---|\n"
                           "| AT | X | |\n| BE | | X |\n| CZ | X | |\n\nAfter the table.")
    czech = source.text.index("CZ")
    assert source.page_at(czech) == 2 and source.page_at(source.text.index("BE")) == 1
    box = next(b for b in source.boxes if b.start == czech)
    assert box.page == 2 and box.x0 == pytest.approx(76, abs=1)


def test_a_table_aligned_on_whitespace_is_written_as_rows():
    def draw(pdf, number):
        y = lines(pdf, 72, TOP, ["Table 1. Replies", None])
        for row in [("Country", "Q1", "Q2"), ("AT", "No", "Yes"), ("BE", "Yes", ""), ("EL", "No information", "No")]:
            for x, text in zip((72, 150, 260), row, strict=True):
                pdf.setFont("Helvetica", 10)
                pdf.drawString(x, y, text)
            y -= 13
        lines(pdf, 72, y - 14, ["A sentence after it."])

    source = read(build(draw))
    assert source.text == ("Table 1. Replies\n\n| Country | Q1 | Q2 |\n|---|---|---|\n| AT | No | Yes |\n"
                           "| BE | Yes | |\n| EL | No information | No |\n\nA sentence after it.")


def test_a_paragraph_and_a_heading_split_by_a_page_break_are_joined_before_the_footnotes():
    def draw(pdf, number):
        lines(pdf, 72, 40, [f"Page {number}"], size=9)  # a footer the reader drops
        if number == 1:
            runs(pdf, 72, TOP, [("Three States reported it", "Helvetica"), marker("1")])
            lines(pdf, 72, TOP - 14, ["3.3. Are persons recognised as stateless and, if so, for"])
            runs(pdf, 72, 80, [("1", "Helvetica", 6.5, 3), (" AT, BE, CZ.", "Helvetica", 9)])
        else:
            lines(pdf, 72, TOP, ["how long are they allowed to stay?", None, "Austria replied (AT)."])

    source = read(build(draw, pages=2))
    assert source.text == ("Three States reported it\u00b9\n3.3. Are persons recognised as stateless and, if so, "
                           "for\nhow long are they allowed to stay?\n\n\u00b9 AT, BE, CZ.\n\nAustria replied (AT).")


def test_the_largest_type_on_the_first_page_is_the_title_line():
    def draw(pdf, number):
        lines(pdf, 72, TOP, ["EMN Ad-Hoc Query on Detention"], size=16)
        lines(pdf, 72, TOP - 30, ["Body text in the usual size.", "And more of it."])

    source = read(build(draw))
    assert [(source.text[s:e], level) for s, e, level in source.headings] == [("EMN Ad-Hoc Query on Detention", 0)]


# --- the engines agree on every PDF of the samples and test sets -------------------------------

ALL_PDFS = sorted([*SAMPLES.glob("*.pdf"), *DATA.glob("*/*.pdf")])  # Word, LibreOffice, Chromium, reportlab


@pytest.mark.parametrize("path", ALL_PDFS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_both_engines_give_the_same_source(path):
    data = path.read_bytes()
    assert_same_source(read_pdf(path, data), read_pdf(path, data, engine="pdfplumber"))


def edge_keys(edges) -> list[tuple]:
    """Edges as pdfplumber's table finder reads them; pdfium keeps coordinates as 32-bit floats."""
    return [(e["object_type"], e["orientation"], *(round(e[k], 3) for k in ("x0", "x1", "top", "bottom")))
            for e in edges]


@pytest.mark.parametrize("path", [path for path in ALL_PDFS if "pairs" in path.parent.name],
                         ids=lambda path: f"{path.parent.name}/{path.name}")
def test_pdfium_paths_give_the_edges_pdfplumber_finds_tables_in(path):
    data = path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf, PdfiumDocument(data) as document:
        for index, page in enumerate(pdf.pages):
            pdfium_page = document.page(index)
            pdfium_page.chars([0])
            assert edge_keys(ruling(pdfium_page.painted).edges) == edge_keys(page.edges), index + 1
            pdfium_page.close()


def test_both_engines_give_the_same_rows(tmp_path):
    inputs = [str(path) for path in ALL_PDFS]
    for engine in ("pdfium", "pdfplumber"):
        result = run_batch(inputs, tmp_path / engine, jobs=1, pdf_engine=engine)
        assert not result.failed
    for table in ("documents", "questions", "responses", "checks"):
        pdfium, pdfplumber = (read_table(tmp_path / engine, table) for engine in ("pdfium", "pdfplumber"))
        assert pdfium.equals(pdfplumber), table
    assert len(read_table(tmp_path / "pdfium", "responses")) > 1000


def test_a_row_cut_by_the_page_end_is_closed_where_its_column_rules_end():
    from pipeline.ingest.pdf_tables import close_open_rows

    def edge(orientation, x0, x1, top, bottom):
        return {"orientation": orientation, "object_type": "rect", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                "doctop": top, "width": x1 - x0, "height": bottom - top}
    rules = [edge("v", x, x + 1, 700, 785) for x in (57, 143, 538)]
    ends = [edge("h", x, x + 1, 785, 785) for x in (57, 143, 538)]  # a rule's own end is no border
    border = [edge("h", 57, 539, 700, 700)]
    added = close_open_rows(rules + ends + border)[len(rules + ends + border):]
    assert [(e["orientation"], e["x0"], e["x1"], e["top"]) for e in added] == [("h", 57, 539, 785.0)]


@pytest.mark.parametrize(("word", "following", "join"), [("inter-", "national", "drop"), ("non-", "EU", "keep"),
                                                          ("2025\u2013", "2026?", "keep"), ("page", "two", None)])
def test_how_a_line_end_meets_the_next_line(word, following, join):
    from pipeline.ingest.pdf import hyphen_join

    assert hyphen_join(word, following) == join
