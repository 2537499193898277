"""Evaluate: score output tables against gold annotations, as ANNOTATION.md defines.

A gold folder names its document by stem (`document.json` -> `doc_id`) and is compared with
every output document of that stem, so the text, PDF and Word renderings of one summary are
scored separately. Scores: questions, responses core, items strict and lenient, respondents,
each overall, per question and per stance; then the missing and extra rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .schema import STANCES, bare_number

__all__ = ["Score", "DocumentScore", "GoldError", "evaluate", "load_gold", "load_predictions", "render"]

EDGE_PUNCTUATION = " \t\n.,;:!?\"'()[]-\u2013\u2014"


@dataclass
class Score:
    """Precision, recall and F1 from counts."""

    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.predicted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "predicted": self.predicted,
                "gold": self.gold}

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold)


@dataclass
class DocumentScore:
    """All scores of one output document against its gold."""

    doc_id: str
    gold_id: str
    scores: dict[str, Score]
    per_question: dict[str, Score]
    per_stance: dict[str, Score]
    metadata: dict[str, dict]
    missing: list[tuple] = field(default_factory=list)
    extra: list[tuple] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "gold": self.gold_id,
            "scores": {k: v.as_dict() for k, v in self.scores.items()},
            "per_question": {k: v.as_dict() for k, v in self.per_question.items()},
            "per_stance": {k: v.as_dict() for k, v in self.per_stance.items()},
            "metadata": self.metadata,
            "missing": [list(row) for row in self.missing],
            "extra": [list(row) for row in self.extra],
        }


def normalise_item(item) -> str:
    """Items compare case-folded, whitespace collapsed, surrounding punctuation stripped."""
    if item is None or (isinstance(item, float) and pd.isna(item)):
        return ""
    return " ".join(str(item).casefold().split()).strip(EDGE_PUNCTUATION)


def _collapse(text) -> str:
    return " ".join(str(text).split()) if isinstance(text, str) else ""


@dataclass
class Gold:
    doc_id: str
    document: dict
    questions: pd.DataFrame
    responses: pd.DataFrame
    contradictions: pd.DataFrame | None = None  # the contradicts_reply findings expected, if listed


class GoldError(Exception):
    """A gold annotation that cannot be used; the message is one line naming the file at fault."""


GOLD_TABLES = {"questions.csv": ("question_id", "question"),
               "responses.csv": ("question_id", "country", "stance", "item"),
               "contradictions.csv": ("question_id", "country")}
GOLD_OPTIONAL_TEXT = ("query_id", "query_date", "title")


def load_gold(folder: Path) -> list[Gold]:
    """Every gold annotation under `folder` (itself one, or a folder of them); GoldError names
    the file at fault when one does not follow the contract."""
    folder = Path(folder)
    paths = [folder] if (folder / "document.json").exists() else sorted(
        p.parent for p in folder.rglob("document.json"))
    golds = []
    for path in paths:
        document = _gold_document(path / "document.json")
        golds.append(Gold(
            doc_id=document["doc_id"],
            document=document,
            questions=_gold_table(path / "questions.csv"),
            responses=_gold_table(path / "responses.csv"),
            contradictions=_gold_table(path / "contradictions.csv")
            if (path / "contradictions.csv").exists() else None,
        ))
    return golds


def _gold_document(path: Path) -> dict[str, Any]:
    """document.json, checked: an object with a doc_id and a list of respondent codes."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise GoldError(f"{path}: cannot read it: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise GoldError(f"{path}: not UTF-8 (invalid byte at offset {error.start})") from None
    except ValueError as error:
        raise GoldError(f"{path}: not JSON ({error})") from None
    if not isinstance(document, dict):
        raise GoldError(f"{path}: must be a JSON object, not {_json_kind(document)}")
    if not isinstance(document.get("doc_id"), str) or not document["doc_id"]:
        raise GoldError(f"{path}: doc_id must be the document's file stem, not {_json_kind(document.get('doc_id'))}")
    respondents = document.get("respondents")
    if not isinstance(respondents, list) or not all(isinstance(code, str) for code in respondents):
        raise GoldError(f"{path}: respondents must be a list of country codes, not {_json_kind(respondents)}")
    for key in GOLD_OPTIONAL_TEXT:
        if not isinstance(document.get(key), str | None):
            raise GoldError(f"{path}: {key} must be text or null, not {_json_kind(document[key])}")
    stated = document.get("n_respondents_stated")
    if stated is not None and (not isinstance(stated, int) or isinstance(stated, bool)):
        raise GoldError(f"{path}: n_respondents_stated must be a whole number or null, not {_json_kind(stated)}")
    return document


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    kind = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(type(value), "a number")
    return f"{kind} ({json.dumps(value, ensure_ascii=False)[:40]})"


def _gold_table(path: Path) -> pd.DataFrame:
    """questions.csv or responses.csv, checked: its columns, and known stances."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise GoldError(f"{path}: missing") from None
    except (OSError, ValueError) as error:  # pandas' EmptyDataError and ParserError, UnicodeDecodeError
        reason = " ".join(str(getattr(error, "strerror", None) or error).split())[:160]
        raise GoldError(f"{path}: cannot read it as CSV ({reason})") from None
    missing = [column for column in GOLD_TABLES[path.name] if column not in frame.columns]
    if missing:
        raise GoldError(f"{path}: no {', '.join(missing)} column")
    if "stance" in frame.columns:
        unknown = frame.index[~frame["stance"].isin(STANCES)]
        if len(unknown):
            line = int(unknown[0]) + 2  # the header is line 1
            raise GoldError(f"{path}: line {line}: stance {frame['stance'][unknown[0]]!r} is not one of "
                            f"{', '.join(STANCES)}")
    return frame


def load_predictions(folder: Path) -> dict[str, pd.DataFrame]:
    """The documents, questions and responses tables of an output folder, any format; TableError
    names a table that cannot be trusted."""
    from .export.writers import read_tables

    return read_tables(Path(folder), ("documents", "questions", "responses", "checks"))


def stem(doc_id: str) -> str:
    """'sub/emn-ahq-2101-summary.pdf' -> 'emn-ahq-2101-summary'."""
    name = re.split(r"[\\/]", str(doc_id))[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def evaluate(gold_dir: Path, pred_dir: Path) -> list[DocumentScore]:
    """Score every output document that has a gold annotation of the same stem."""
    predictions = load_predictions(pred_dir)
    results = []
    for gold in load_gold(gold_dir):
        documents = predictions["documents"]
        for doc_id in documents["doc_id"]:
            if stem(doc_id) == gold.doc_id:
                results.append(score_document(gold, doc_id, predictions))
    return results


def _rows(frame: pd.DataFrame, doc_id: str | None, columns: list[str]) -> pd.DataFrame:
    if doc_id is not None:
        frame = frame[frame["doc_id"] == doc_id]
    return frame[columns].astype(str)


def score_document(gold: Gold, doc_id: str, predictions: dict[str, pd.DataFrame]) -> DocumentScore:
    # 'Q1' and '1' are one question: annotators number 'Q1.' either way
    pred_questions = _rows(predictions["questions"], doc_id, ["question_id", "question"])
    gold_q = {(bare_number(q), _collapse(t))
              for q, t in gold.questions[["question_id", "question"]].itertuples(index=False)}
    pred_q = {(bare_number(q), _collapse(t)) for q, t in pred_questions.itertuples(index=False)}

    columns = ["question_id", "country", "stance", "item"]
    gold_rows = [(bare_number(q), c, s, normalise_item(i)) for q, c, s, i in
                 gold.responses[columns].itertuples(index=False)]
    pred_frame = predictions["responses"]
    pred_rows = [(bare_number(q), c, s, normalise_item(i)) for q, c, s, i in
                 _rows(pred_frame, doc_id, columns).itertuples(index=False)]

    core_gold = {row[:3] for row in gold_rows}
    core_pred = {row[:3] for row in pred_rows}
    strict_gold, strict_pred = set(gold_rows), set(pred_rows)
    lenient_tp = _lenient_matches(strict_pred, strict_gold)

    documents = predictions["documents"]
    document = documents[documents["doc_id"] == doc_id].iloc[0]
    respondents_pred = {c for c in str(document.get("respondents", "")).split(";") if c}
    respondents_gold = set(gold.document.get("respondents", []))

    scores = {
        "questions": _score(pred_q, gold_q),
        "responses_core": _score(core_pred, core_gold),
        "items_strict": _score(strict_pred, strict_gold),
        "items_lenient": Score(lenient_tp, len(strict_pred), len(strict_gold)),
        "respondents": _score(respondents_pred, respondents_gold),
    }
    scores["overall"] = scores["questions"] + scores["responses_core"] + scores["respondents"]
    if gold.contradictions is not None:  # a summary checked against its compilation
        checks = predictions["checks"]
        findings = checks[(checks["doc_id"] == doc_id) & (checks["kind"] == "contradicts_reply")]
        scores["contradictions"] = _score(
            {(bare_number(q), detail.split(":", 1)[0])
             for q, detail in findings[["question_id", "detail"]].itertuples(index=False)},
            {(bare_number(q), c) for q, c in gold.contradictions[["question_id", "country"]].itertuples(index=False)})
    question_ids = sorted({row[0] for row in core_gold | core_pred}, key=_question_order)
    per_question = {
        q: _score({r for r in core_pred if r[0] == q}, {r for r in core_gold if r[0] == q})
        for q in question_ids
    }
    per_stance = {
        s: _score({r for r in core_pred if r[2] == s}, {r for r in core_gold if r[2] == s})
        for s in STANCES
    }
    metadata = {}
    for key in ("query_id", "query_date", "title", "n_respondents_stated"):
        expected = "" if gold.document.get(key) is None else str(gold.document.get(key))
        found = str(document.get(key, ""))
        metadata[key] = {"expected": expected, "found": found, "match": expected == found}
    return DocumentScore(
        doc_id=doc_id,
        gold_id=gold.doc_id,
        scores=scores,
        per_question=per_question,
        per_stance=per_stance,
        metadata=metadata,
        missing=sorted(strict_gold - strict_pred, key=_row_order),
        extra=sorted(strict_pred - strict_gold, key=_row_order),
    )


def _score(predicted: set, gold: set) -> Score:
    return Score(len(predicted & gold), len(predicted), len(gold))


def _lenient_matches(predicted: set, gold: set) -> int:
    """One-to-one matches where the items are equal or one contains the other."""
    remaining = set(gold)
    matched = 0
    for row in sorted(predicted, key=lambda r: (r not in gold, _row_order(r))):
        if row in remaining:
            remaining.discard(row)
            matched += 1
            continue
        for candidate in sorted(remaining, key=_row_order):
            if candidate[:3] == row[:3] and candidate[3] and row[3] and (
                    candidate[3] in row[3] or row[3] in candidate[3]):
                remaining.discard(candidate)
                matched += 1
                break
    return matched


def _question_order(question_id: str):
    """'3.10' after '3.9'; ids such as 'Q2' sort among themselves."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.]", question_id)]


def _row_order(row: tuple):
    return (_question_order(row[0]), *row[1:])


def render(results: list[DocumentScore], as_json: bool = False) -> str:
    """A report for people, or JSON for programs."""
    if as_json:
        return json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False)
    lines = []
    for result in results:
        lines.append(f"{result.doc_id}  (gold: {result.gold_id})")
        lines.append(f"  {'score':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}")
        for name, score in result.scores.items():
            lines.append(_score_line(name, score))
        meta = ", ".join(
            f"{key} {'ok' if value['match'] else 'MISMATCH'} ({value['found'] or '-'})"
            for key, value in result.metadata.items())
        lines.append(f"  metadata: {meta}")
        lines.append("  per question (responses core):")
        for name, score in result.per_question.items():
            lines.append(_score_line(name, score, indent=4))
        lines.append("  per stance (responses core):")
        for name, score in result.per_stance.items():
            lines.append(_score_line(name, score, indent=4))
        for title, rows in (("missing (gold, not extracted)", result.missing),
                            ("extra (extracted, not in gold)", result.extra)):
            lines.append(f"  {title}: {len(rows)}")
            lines += ["    " + " | ".join(row) for row in rows]
        lines.append("")
    return "\n".join(lines)


def _score_line(name: str, score: Score, indent: int = 2) -> str:
    width = 18 - indent
    return (f"{' ' * indent}{name:<{width}}{score.precision:7.3f}{score.recall:7.3f}"
            f"{score.f1:7.3f}{score.tp:6d}{score.predicted:6d}{score.gold:6d}")

