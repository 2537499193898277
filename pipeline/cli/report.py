"""Report: the output tables as one self-contained HTML page, so a reader can check every cell.

Per document: metadata and respondents, the questions, the country x question matrix as a
heatmap whose cells show their evidence on hover (title) and click (panel), the document's
text with every country span coloured by stance, and the checks. Several documents add an
index and a country x document matrix with one square per question.

The tables do not hold the text, so it is read again from the input file when one is found
(by doc_id, relative to the current folder, each `--inputs` folder and `samples/`) and its
spans still fit; otherwise the evidence sentences stand in for it. Everything from a document
is escaped by Jinja's autoescape; the page loads nothing from the network.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from importlib.resources import files
from pathlib import Path

from ..schema import STANCES
from .show import COLOURS, SYMBOLS, ShowError, build_matrix, load_tables

__all__ = ["PALETTE", "TEMPLATE", "find_source", "read_text", "split", "build_report", "write_report"]

TEMPLATE = ("pipeline.cli", "templates/report.html.j2")
PALETTE = {"yes": "#a8dcab", "no": "#f3aeae", "no_information": "#f8e38c", "mention": "#a9cdf2"}
SEARCHED = (Path("."), Path("samples"))
TITLE_EVIDENCE = 300  # characters of each evidence sentence in a cell's hover text
CODE = re.compile(r"[A-Z]{2}")


def find_source(doc_id: str, inputs: list[Path]) -> Path | None:
    """The input file a doc_id names, relative to the current folder, an inputs folder or samples/."""
    for base in (SEARCHED[0], *inputs, *SEARCHED[1:]):
        candidate = Path(base) / doc_id
        if candidate.is_file():
            return candidate
    return None


def read_text(path: Path | None, rows: list[dict]):
    """The document's Source when it can be read and its code-list spans still hold codes; else a note."""
    from ..ingest import IngestError, read_source

    if path is None:
        return None, "input file not found (give its folder with --inputs); showing the evidence sentences"
    try:
        source = read_source(path)
    except IngestError as error:
        return None, f"{path}: {error}; showing the evidence sentences"
    text = source.text
    changed = None, f"{path} does not match the tables (changed since the run?); showing the evidence sentences"
    for row in rows:
        try:
            start, end = int(row["start_char"]), int(row["end_char"])
        except ValueError:
            return changed
        if end > len(text) or (row["mention_type"] == "code_list" and not CODE.fullmatch(text[start:end])):
            return changed
    return source, f"text of {path}"


def where(source, start: int, end: int) -> str:
    """Page and bounding box of a span in a PDF ('page 2, x 72-85, y 310-322 pt'), else ''."""
    starts = [box.start for box in source.boxes]
    index = bisect_right(starts, start) - 1
    boxes = [box for box in source.boxes[max(index, 0):index + 4] if box.start < end and start < box.end]
    if not boxes:
        return ""
    box = boxes[0]
    return f" · page {box.page}, x {box.x0:.0f}-{box.x1:.0f}, y {box.top:.0f}-{box.bottom:.0f} pt"


def split(text: str, marks: list[tuple[int, int, object]]) -> list[tuple[str, object]]:
    """The text cut into (piece, payload) segments, payload None outside the marks; overlaps are dropped."""
    pieces, position = [], 0
    for start, end, payload in sorted(marks, key=lambda m: (m[0], -m[1])):
        if start < position or end <= start:
            continue
        if start > position:
            pieces.append((text[position:start], None))
        pieces.append((text[start:end], payload))
        position = end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def _background(stances: list[str]) -> str:
    """One colour, or equal stripes of each distinct stance in the order they come."""
    colours = [PALETTE.get(s, "#ddd") for s in dict.fromkeys(stances)]
    if len(colours) == 1:
        return f"background:{colours[0]}"
    width = 100 / len(colours)
    stops = ", ".join(f"{c} {i * width:.0f}% {(i + 1) * width:.0f}%" for i, c in enumerate(colours))
    return f"background:linear-gradient(90deg, {stops})"


def _row_view(row: dict) -> dict:
    return {"stance": row["stance"], "symbol": SYMBOLS.get(row["stance"], ""), "item": row["item"],
            "mention_type": row["mention_type"], "page": row["page"],
            "segments": split(row["evidence"], [(s, e, True) for s, e in row["marks"]])}


def _hover(country: str, question_id: str, rows: list[dict]) -> str:
    lines = [f"{country} · {question_id}"]
    for row in rows:
        evidence = row["evidence"]
        if len(evidence) > TITLE_EVIDENCE:
            evidence = evidence[:TITLE_EVIDENCE] + "…"
        item = f" [{row['item']}]" if row["item"] else ""
        lines.append(f"{SYMBOLS.get(row['stance'], '')} {row['stance']}{item}: {evidence}")
    return "\n".join(lines)


def document_view(tables: dict, document: dict, index: int, inputs: list[Path]) -> dict:
    """Everything the template shows of one document, as plain values."""
    matrix = build_matrix(tables, document)
    doc_id = matrix.doc_id
    countries = {code: k for k, code in enumerate(matrix.countries)}
    qindex = {q["question_id"]: j for j, q in enumerate(matrix.questions)}

    def cell_id(country: str, question_id: str) -> str:
        return f"d{index}-q{qindex[question_id]}-c{countries[country]}"

    rows = []
    for country in matrix.countries:
        cells = []
        for question in matrix.questions:
            qid = question["question_id"]
            found = matrix.cells.get((country, qid), [])
            cells.append({
                "id": cell_id(country, qid), "question": question, "country": country,
                "symbols": [(SYMBOLS.get(r["stance"], "?"), r["stance"]) for r in found],
                "style": _background([r["stance"] for r in found]) if found else "",
                "title": _hover(country, qid, found) if found else f"{country} · {qid}: no statement",
                "rows": [_row_view(r) for r in found],
            })
        rows.append({"country": country, "respondent": country in matrix.respondents, "cells": cells})

    all_rows = [r for found in matrix.cells.values() for r in found]
    path = find_source(doc_id, inputs)
    source, note = read_text(path, all_rows)
    text_segments, evidence = [], []
    if source is not None:
        spans: dict[tuple[int, int], list[dict]] = {}
        for r in all_rows:
            spans.setdefault((int(r["start_char"]), int(r["end_char"])), []).append(r)
        marks = [(s, e, {"stance": group[0]["stance"], "cell": cell_id(group[0]["country"], group[0]["question_id"]),
                         "title": "; ".join(f"{r['country']} · {r['question_id']} · {r['stance']}" for r in group)
                         + where(source, s, e)})
                 for (s, e), group in spans.items()]
        text_segments = split(source.text, marks)
    else:
        for question in matrix.questions:
            sentences: dict[str, list] = {}
            for r in all_rows:
                if r["question_id"] == question["question_id"]:
                    sentences.setdefault(r["evidence"], []).extend(
                        (s, e, {"stance": r["stance"], "cell": cell_id(r["country"], r["question_id"]),
                                "title": f"{r['country']} · {r['question_id']} · {r['stance']}"})
                        for s, e in r["marks"])
            evidence.append({"question": question,
                             "sentences": [split(sentence, marks) for sentence, marks in sentences.items()]})

    checks = tables["checks"]
    return {
        "index": index, "anchor": f"doc-{index}", "document": document, "matrix": matrix,
        "questions": matrix.questions, "rows": rows, "n_respondents": len(matrix.respondents),
        "unaccounted": [matrix.unaccounted.get(q["question_id"], []) for q in matrix.questions],
        "n_rows": len(all_rows), "text": text_segments, "evidence": evidence, "text_note": note,
        "checks": checks[checks["doc_id"] == doc_id].to_dict("records"),
    }


def cross_view(views: list[dict]) -> dict:
    """Country x document, one square per question of each document."""
    countries = sorted({c for view in views for c in view["matrix"].countries})
    rows = []
    for country in countries:
        cells = []
        for view in views:
            matrix = view["matrix"]
            row = next((r for r in view["rows"] if r["country"] == country), {"cells": []})
            squares = []
            for cell in row["cells"]:
                qid = cell["question"]["question_id"]
                stances = [stance for _symbol, stance in cell["symbols"]]
                squares.append({"cell": cell["id"], "style": cell["style"],
                                "title": f"{view['document']['doc_id']} · {qid} · {country}: "
                                         + (", ".join(stances) or "no statement")})
            cells.append({"respondent": country in matrix.respondents, "squares": squares})
        rows.append({"country": country, "cells": cells})
    return {"rows": rows}


def build_report(folder: Path, inputs: list[Path]) -> tuple[str, dict]:
    """The HTML page over an output folder, and a few numbers about it."""
    import jinja2

    tables = load_tables(folder)
    documents = tables["documents"].to_dict("records")
    if not documents:
        raise ShowError(f"{folder}: the tables hold no document")
    views = [document_view(tables, document, i, inputs) for i, document in enumerate(documents)]
    package, resource = TEMPLATE
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    template = environment.from_string(files(package).joinpath(resource).read_text(encoding="utf-8"))
    html = template.render(
        folder=str(folder), views=views, cross=cross_view(views) if len(views) > 1 else None,
        stances=STANCES, symbols=SYMBOLS, palette=PALETTE, colours=COLOURS,
    )
    stats = {"documents": len(views), "rows": sum(v["n_rows"] for v in views),
             "texts": sum(1 for v in views if v["text"])}
    return html, stats


def write_report(folder: Path, target: Path, inputs: list[Path]) -> str:
    """Write the page to `target`; returns the line to tell the user."""
    html, stats = build_report(folder, inputs)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    plural = "" if stats["documents"] == 1 else "s"
    return f"{stats['documents']} document{plural}, {stats['rows']} rows, text found for {stats['texts']} -> {target}"
