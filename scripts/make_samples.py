"""Render a text sample as PDF and Word, so the three input routes can be compared on one summary.

The text conversion (`samples/emn-ahq-1055-summary.txt`) is the reference. This script parses
its markup (`**bold**`, `- ★ ` bullets, `¹ ...` footnote lines, `[text](#)` links, numbered
headings) and typesets it the way the originals were made: a PDF with bold runs, raised
footnote markers, footnotes at the foot of the page that cites them and a running footer, and a
DOCX with bold runs, list-style bullets and real footnotes. Review comments ("Formatert: ...")
are left out: they are not content. Output is deterministic, so re-running changes nothing.

Usage: python scripts/make_samples.py [samples/emn-ahq-1055-summary.txt ...]
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["Block", "parse_sample", "build_pdf", "build_docx", "main"]

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DEFAULT_SAMPLE = SAMPLES / "emn-ahq-1055-summary.txt"

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
TO_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")
FIXED_DATE = datetime(2016, 6, 30, 12, 0, 0)
ZIP_DATE = (2016, 6, 30, 12, 0, 0)

REVIEW_COMMENT = re.compile(r"^Formatert:")
FOOTNOTE = re.compile(rf"^([{SUPERSCRIPTS}]+) (.*)$", re.S)
HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.\s+\S")
BULLET = re.compile(r"^- (\S) (.*)$")
INLINE = re.compile(rf"\*\*(.+?)\*\*|\[([^\]]+)\]\([^)]*\)|([{SUPERSCRIPTS}]+)")
SENTENCE_END = (".", ":", ";", "?", "!")

FOOTER_TEXT = "EMN Ad-Hoc Query No. {query} – Summary"


@dataclass
class Block:
    """One unit of the sample: kind is title, subtitle, heading, paragraph or bullets.

    `runs` is a list of (kind, text) with kind "text", "bold" or "ref" (a footnote number);
    bullets keep one run list per item in `items` and their glyph in `glyph`."""

    kind: str
    runs: list[tuple[str, str]] = field(default_factory=list)
    items: list[list[tuple[str, str]]] = field(default_factory=list)
    glyph: str = "•"
    level: int = 1


def parse_inline(text: str) -> list[tuple[str, str]]:
    """Split markup into runs: bold, footnote references, plain text (links become plain)."""
    runs: list[tuple[str, str]] = []
    pos = 0
    for match in INLINE.finditer(text):
        if match.start() > pos:
            runs.append(("text", text[pos:match.start()]))
        bold, link, ref = match.groups()
        if bold is not None:
            runs.append(("bold", bold))
        elif link is not None:
            runs.append(("text", link))
        else:
            runs.append(("ref", ref.translate(TO_DIGITS)))
        pos = match.end()
    if pos < len(text):
        runs.append(("text", text[pos:]))
    return runs


def parse_sample(text: str) -> tuple[list[Block], dict[str, list[tuple[str, str]]]]:
    """Blocks in reading order and footnotes by number, from the text conversion's markup.

    A body paragraph cut by a page break (it ends without sentence punctuation and the next
    content paragraph starts in lower case) is joined again: the page break is an accident of
    the original layout, not of the content."""
    blocks: list[Block] = []
    footnotes: dict[str, list[tuple[str, str]]] = {}
    seen_heading = False
    for chunk in re.split(r"\n\s*\n", text.strip()):
        chunk = chunk.strip()
        if not chunk or REVIEW_COMMENT.match(chunk):
            continue
        if match := FOOTNOTE.match(chunk):
            footnotes[match.group(1).translate(TO_DIGITS)] = parse_inline(match.group(2))
            continue
        lines = chunk.splitlines()
        if all(BULLET.match(line) for line in lines):
            glyph = BULLET.match(lines[0]).group(1)
            items = [parse_inline(BULLET.match(line).group(2)) for line in lines]
            blocks.append(Block("bullets", items=items, glyph=glyph))
            continue
        flat = " ".join(line.strip() for line in lines)
        if match := HEADING.match(flat):
            seen_heading = True
            blocks.append(Block("heading", parse_inline(flat), level=match.group(1).count(".") + 1))
        elif not seen_heading:
            kind = "title" if not any(b.kind == "title" for b in blocks) else "subtitle"
            blocks.append(Block(kind, parse_inline(flat)))
        elif (blocks and blocks[-1].kind == "paragraph" and flat[:1].islower()
              and not plain(blocks[-1].runs).rstrip().endswith(SENTENCE_END)):
            blocks[-1].runs.extend([("text", " ")] + parse_inline(flat))
        else:
            blocks.append(Block("paragraph", parse_inline(flat)))
    return blocks, footnotes


def plain(runs: list[tuple[str, str]]) -> str:
    """The runs' text without markup (references dropped)."""
    return "".join(text for kind, text in runs if kind != "ref")


# --- PDF ------------------------------------------------------------------------------------

PDF_MARGIN = 72.0
PDF_BOTTOM = 64.0
FOOTER_Y = 34.0
FOOTNOTE_GAP = 10.0
MAX_PASSES = 8


def pdf_styles() -> dict:
    """Paragraph styles: Helvetica body, bold headings, small footnotes, DejaVu for the glyphs."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    glyph_font = "Helvetica"
    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                      "/usr/share/fonts/dejavu/DejaVuSans.ttf"):
        if Path(candidate).exists():
            if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVuSans", candidate))
            glyph_font = "DejaVuSans"
            break
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14,
                          spaceAfter=8, alignment=4)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=15,
                                leading=19, alignment=1, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontName="Helvetica-Bold",
                                   fontSize=13, leading=17, alignment=1, spaceAfter=16),
        "heading1": ParagraphStyle("heading1", parent=body, fontName="Helvetica-Bold",
                                   fontSize=12, leading=15, alignment=0, spaceBefore=8,
                                   spaceAfter=8),
        "heading2": ParagraphStyle("heading2", parent=body, fontName="Helvetica-Bold",
                                   fontSize=11.5, leading=14.5, alignment=0, spaceBefore=4,
                                   spaceAfter=8),
        "paragraph": body,
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=28, bulletIndent=12,
                                 bulletFontName=glyph_font, bulletFontSize=10, spaceAfter=2,
                                 alignment=0),
        "footnote": ParagraphStyle("footnote", parent=body, fontSize=8, leading=10,
                                   spaceAfter=1, alignment=0),
    }


def pdf_markup(runs: list[tuple[str, str]]) -> str:
    """Reportlab paragraph markup: bold in <b>, references as raised small digits that also
    report where they were drawn (the onDraw callback places the footnote on that page)."""
    parts = []
    for kind, text in runs:
        if kind == "bold":
            parts.append(f"<b>{escape(text)}</b>")
        elif kind == "ref":
            parts.append(f'<super>{text}</super><onDraw name="footnote" label="{text}"/>')
        else:
            parts.append(escape(text))
    return "".join(parts)


def pdf_flowables(blocks: list[Block], styles: dict) -> list:
    """The story: one Paragraph per block and per bullet item, spacing around each list."""
    from reportlab.platypus import Paragraph

    story = []
    for block in blocks:
        if block.kind == "bullets":
            for number, item in enumerate(block.items):
                style = styles["bullet"]
                if number == len(block.items) - 1:
                    style = style.clone("bullet_last", spaceAfter=8)
                story.append(Paragraph(pdf_markup(item), style, bulletText=block.glyph))
        elif block.kind == "heading":
            story.append(Paragraph(pdf_markup(block.runs), styles[f"heading{min(block.level, 2)}"]))
        else:
            story.append(Paragraph(pdf_markup(block.runs), styles[block.kind]))
    return story


def footnote_paragraph(number: str, runs: list[tuple[str, str]], styles: dict):
    """A footnote as typeset at the foot of the page: raised label, then the small text."""
    from reportlab.platypus import Paragraph

    return Paragraph(f"<super>{number}</super> {pdf_markup(runs)}", styles["footnote"])


def render_pdf(blocks: list[Block], footnotes: dict, reserved: dict[int, list[str]],
               title: str, query: str) -> tuple[bytes, dict[int, list[str]]]:
    """One typesetting pass: body frames shortened by the footnotes `reserved` for each page;
    returns the PDF and where the markers actually landed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    styles = pdf_styles()
    width, height = A4
    frame_width = width - 2 * PDF_MARGIN
    placed: dict[int, list[str]] = {}

    def footnote_block(numbers: list[str]) -> tuple[list, float]:
        paragraphs = [footnote_paragraph(n, footnotes[n], styles) for n in numbers
                      if n in footnotes]
        heights = [p.wrap(frame_width, height)[1] + 1 for p in paragraphs]
        return paragraphs, (sum(heights) + FOOTNOTE_GAP if paragraphs else 0.0)

    def record(canvas, kind, label):
        page = canvas.getPageNumber()
        if label not in placed.setdefault(page, []):
            placed[page].append(label)

    def on_page(canvas, doc):
        canvas.setNamedCB("footnote", record)

    def on_page_end(canvas, doc):
        page = canvas.getPageNumber()
        paragraphs, block_height = footnote_block(placed.get(page, []))
        y = PDF_BOTTOM + block_height - FOOTNOTE_GAP
        if paragraphs:
            canvas.setLineWidth(0.5)
            canvas.line(PDF_MARGIN, y + 4, PDF_MARGIN + 144, y + 4)
        for paragraph in paragraphs:
            _, h = paragraph.wrap(frame_width, height)
            paragraph.drawOn(canvas, PDF_MARGIN, y - h)
            y -= h + 1
        canvas.setFont("Helvetica", 8)
        canvas.drawString(PDF_MARGIN, FOOTER_Y, FOOTER_TEXT.format(query=query))
        canvas.drawRightString(width - PDF_MARGIN, FOOTER_Y, str(page))

    templates = []
    for page in range(1, 61):
        _, reserve = footnote_block(reserved.get(page, []))
        frame = Frame(PDF_MARGIN, PDF_BOTTOM + reserve, frame_width,
                      height - PDF_MARGIN - PDF_BOTTOM - reserve,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                      id=f"body{page}")
        templates.append(PageTemplate(id=f"p{page}", frames=[frame], onPage=on_page,
                                      onPageEnd=on_page_end,
                                      autoNextPageTemplate=f"p{page + 1}"))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, pageTemplates=templates, invariant=1,
                          title=title, author="European Migration Network",
                          subject=f"EMN Ad-Hoc Query {query}", creator="make_samples.py")
    doc.build(pdf_flowables(blocks, styles))
    return buffer.getvalue(), placed


def build_pdf(blocks: list[Block], footnotes: dict, title: str, query: str) -> bytes:
    """Typeset until every footnote stands on the page of its marker with room reserved."""
    reserved: dict[int, list[str]] = {}
    for _ in range(MAX_PASSES):
        data, placed = render_pdf(blocks, footnotes, reserved, title, query)
        if placed == reserved:
            return data
        reserved = placed
    raise RuntimeError("footnote placement did not settle")


# --- DOCX -----------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"/>'
    "</w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "{notes}</w:footnotes>"
)


def docx_runs_xml(runs: list[tuple[str, str]]) -> str:
    """WordprocessingML runs for a footnote's text (bold kept)."""
    parts = []
    for kind, text in runs:
        bold = "<w:b/>" if kind == "bold" else ""
        parts.append(f'<w:r><w:rPr>{bold}<w:sz w:val="18"/></w:rPr>'
                     f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')
    return "".join(parts)


def footnote_xml(note_id: int, runs: list[tuple[str, str]]) -> str:
    """One w:footnote: the self-reference mark, a space, then the text."""
    return (f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="18"/></w:rPr>'
            '<w:footnoteRef/></w:r>'
            f'<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve"> </w:t></w:r>'
            f"{docx_runs_xml(runs)}</w:p></w:footnote>")


def add_docx_runs(paragraph, runs: list[tuple[str, str]], note_ids: dict[str, int]) -> None:
    """Append runs to a python-docx paragraph; references become w:footnoteReference runs."""
    from docx.oxml import parse_xml

    for kind, text in runs:
        if kind == "ref":
            paragraph._p.append(parse_xml(
                f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{note_ids[text]}"/></w:r>'))
        else:
            run = paragraph.add_run(text)
            if kind == "bold":
                run.bold = True


def build_docx(blocks: list[Block], footnotes: dict, title: str, query: str) -> bytes:
    """A Word file: Title/Heading/List Bullet styles, bold runs, footnotes in word/footnotes.xml."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    note_ids = {number: index for index, number in enumerate(sorted(footnotes, key=int), 1)}
    for block in blocks:
        if block.kind == "bullets":
            for item in block.items:
                add_docx_runs(document.add_paragraph(style="List Bullet"), item, note_ids)
            continue
        if block.kind in ("title", "subtitle"):
            paragraph = document.add_paragraph(style="Title" if block.kind == "title"
                                               else "Subtitle")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "heading":
            paragraph = document.add_paragraph(style=f"Heading {min(block.level, 2)}")
        else:
            paragraph = document.add_paragraph()
        add_docx_runs(paragraph, block.runs, note_ids)
    notes = "".join(footnote_xml(note_ids[n], footnotes[n]) for n in sorted(footnotes, key=int))
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES,
                FOOTNOTES_XML.format(notes=notes).encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    properties = document.core_properties
    properties.title = title
    properties.author = "European Migration Network"
    properties.subject = f"EMN Ad-Hoc Query {query}"
    properties.last_modified_by = "make_samples.py"
    properties.created = properties.modified = FIXED_DATE
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed member timestamps, so the bytes do not depend on the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


# --- main -----------------------------------------------------------------------------------

def make_samples(path: Path) -> list[Path]:
    """Write `<stem>.pdf` and `<stem>.docx` next to the text sample; return their paths."""
    blocks, footnotes = parse_sample(path.read_text(encoding="utf-8"))
    subtitle = next((plain(b.runs) for b in blocks if b.kind == "subtitle"), path.stem)
    heading = next((plain(b.runs) for b in blocks if b.kind == "title"), "")
    query = (re.search(r"No\.?\s*(\d+)", heading) or re.search(r"(\d+)", path.stem))
    query_id = query.group(1) if query else ""
    written = []
    for suffix, build in ((".pdf", build_pdf), (".docx", build_docx)):
        target = path.with_suffix(suffix)
        target.write_bytes(build(blocks, footnotes, subtitle, query_id))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    paths = [Path(arg) for arg in (argv if argv is not None else sys.argv[1:])] or [DEFAULT_SAMPLE]
    for path in paths:
        for target in make_samples(path):
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
