"""Report: the output tables as one self-contained HTML page, so a reader can check every cell.

Per document: metadata and respondents, the questions, the country x question matrix as a
heatmap whose cells show their evidence on hover (title) and click (panel), the document's
text with every country span coloured by stance, and the checks. Several documents add an
index and a country x document matrix with one square per question.

The tables do not hold the text, so it is read again from the input file when one is found
under the `--inputs` folders (the doc_id is the tail of its path; nothing outside them is
ever read), in a sandboxed worker with the limits of `emn run`, and its spans still fit;
otherwise the evidence sentences stand in for it. Everything from a document is escaped by
Jinja's autoescape; the page loads nothing from the network.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..export.sandbox import Sandbox
from ..ingest.source import Source
from ..limits import Limits
from ..printable import path_text
from ..schema import STANCES
from ..verify import parse_detail
from .show import COLOURS, SYMBOLS, ShowError, build_matrix, load_tables

__all__ = ["PALETTE", "TEMPLATE", "source_index", "read_sources", "read_text", "split", "build_report",
           "write_report"]

TEMPLATE = ("pipeline.cli", "templates/report.html.j2")
PALETTE = {"yes": "#a8dcab", "no": "#f3aeae", "no_information": "#f8e38c", "mention": "#a9cdf2"}
NOT_FOUND = "input file not found under --inputs (give its folder with --inputs)"
TITLE_EVIDENCE = 300  # characters of each evidence sentence in a cell's hover text
CODE = re.compile(r"[A-Z]{2}")


def source_index(inputs: list[Path]) -> dict[str, Path | None]:
    """The input files under the --inputs folders by every doc_id `emn run` could have given
    them: each tail of their path (`a.txt`, `d1/a.txt`, ...). A tail two files share names
    neither (None); a link that leads out of its folder is left out, so nothing outside
    --inputs can be named, by an absolute or `../` doc_id or otherwise."""
    from ..export.batch import collect_inputs

    index: dict[str, Path | None] = {}
    for found in collect_inputs([str(folder) for folder in inputs]):
        if found.error is not None or found.root is None:
            continue
        if not found.path.resolve().is_relative_to(found.root.resolve()):
            continue
        parts = Path(os.path.abspath(found.path)).parts[1:]
        for start in range(len(parts)):
            key = path_text("/".join(parts[start:]))
            index[key] = found.path if key not in index else None
    return index


def read_sources(paths: list[Path | None], limits: Limits) -> list[Source | str]:
    """Each input file's Source, read in a worker under the limits of `emn run`, or why not."""
    wanted = [path for path in paths if path is not None]
    with Sandbox(1, limits) as sandbox:
        sources = iter(list(sandbox.run(partial(_read, limits=limits), wanted, _unread)))
    return [next(sources) if path is not None else NOT_FOUND for path in paths]


def _read(path: Path, limits: Limits) -> Source | str:
    from ..ingest import IngestError, read_source

    try:
        return read_source(path, limits)
    except IngestError as error:
        return f"{path_text(path)}: {error}"
    except MemoryError:
        return f"{path_text(path)}: needs more than the {limits.memory_mb} MB memory limit (--max-memory)"


def _unread(path: Path, reason: str) -> str:
    return f"{path_text(path)}: {reason}"


def read_text(source: Source | str, rows: list[dict]) -> tuple[Source | None, str]:
    """The document's Source when it was read and its code-list spans still hold codes; else a note."""
    if isinstance(source, str):
        return None, f"{source}; showing the evidence sentences"
    text = source.text
    name = path_text(source.path)
    changed = None, f"{name} does not match the tables (changed since the run?); showing the evidence sentences"
    for row in rows:
        try:
            start, end = int(row["start_char"]), int(row["end_char"])
        except ValueError:
            return changed
        if end > len(text) or (row["mention_type"] == "code_list" and not CODE.fullmatch(text[start:end])):
            return changed
    return source, f"text of {name}"


def where(source, start: int, end: int) -> str:
    """Page and bounding box of a span in a PDF ('page 2, x 72-85, y 310-322 pt'), else ''."""
    starts = [box.start for box in source.boxes]
    index = bisect_right(starts, start) - 1
    boxes = [box for box in source.boxes[max(index, 0):index + 4] if box.start < end and start < box.end]
    if not boxes:
        return ""
    box = boxes[0]
    return f" · page {box.page}, x {box.x0:.0f}-{box.x1:.0f}, y {box.top:.0f}-{box.bottom:.0f} pt"


def split(text: str, marks: Sequence[tuple[int, int, object]]) -> list[tuple[str, object]]:
    """The text cut into (piece, payload) segments, payload None outside the marks; overlaps are dropped."""
    pieces: list[tuple[str, object]] = []
    position = 0
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


def document_view(tables: dict, document: dict, index: int, read: Source | str) -> dict:
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
    source, note = read_text(read, all_rows)
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
    own_checks = checks[checks["doc_id"] == doc_id].to_dict("records")
    return {
        "index": index, "anchor": f"doc-{index}", "document": document, "matrix": matrix,
        "questions": matrix.questions, "rows": rows, "n_respondents": len(matrix.respondents),
        "unaccounted": [matrix.unaccounted.get(q["question_id"], []) for q in matrix.questions],
        "n_rows": len(all_rows), "text": text_segments, "evidence": evidence, "text_note": note,
        "checks": own_checks, "contradictions": contradiction_views(tables, doc_id, own_checks),
    }


def contradiction_views(tables: dict[str, Any], doc_id: str, checks: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each contradicts_reply finding with the summary's sentence and the country's whole reply."""
    responses = tables["responses"]
    views = []
    for check in checks:
        parts = parse_detail(check["detail"]) if check["kind"] == "contradicts_reply" else None
        if parts is None:
            continue
        said = responses[(responses["doc_id"] == doc_id) & (responses["question_id"] == check["question_id"])
                         & (responses["country"] == parts["country"]) & (responses["stance"] == parts["summary"])]
        replied = responses[(responses["doc_id"] == parts["compilation"])
                            & (responses["question_id"] == parts["question"])
                            & (responses["country"] == parts["country"])]
        views.append({**parts, "summary_question": check["question_id"],
                      "summary_text": said["evidence"].iloc[0] if len(said) else "",
                      "reply_text": replied["evidence"].iloc[0] if len(replied) else check["detail"]})
    return views


def cross_view(views: list[dict]) -> dict:
    """Country x document, one square per question of each document."""
    countries = sorted({c for view in views for c in view["matrix"].countries})
    rows = []
    for country in countries:
        cells = []
        for view in views:
            matrix = view["matrix"]
            row: dict[str, Any] = next((r for r in view["rows"] if r["country"] == country), {"cells": []})
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


def build_report(folder: Path, inputs: list[Path], limits: Limits) -> tuple[str, dict]:
    """The HTML page over an output folder, and a few numbers about it."""
    import jinja2

    tables = load_tables(folder)
    documents = tables["documents"].to_dict("records")
    if not documents:
        raise ShowError(f"{folder}: the tables hold no document")
    index = source_index(inputs)
    sources = read_sources([index.get(document["doc_id"]) for document in documents], limits)
    views = [document_view(tables, document, i, read)
             for i, (document, read) in enumerate(zip(documents, sources, strict=True))]
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


def write_report(folder: Path, target: Path, inputs: list[Path], limits: Limits) -> str:
    """Write the page to `target`; returns the line to tell the user."""
    html, stats = build_report(folder, inputs, limits)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    plural = "" if stats["documents"] == 1 else "s"
    return f"{stats['documents']} document{plural}, {stats['rows']} rows, text found for {stats['texts']} -> {target}"
