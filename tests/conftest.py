"""Shared fixtures: the assembled pipeline, loaded once, and a helper to run it on text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import load
from pipeline.ingest import Source, make_doc

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def nlp():
    return load()


@pytest.fixture(scope="session")
def process(nlp):
    """Run the pipeline on a text as if it were a .txt file."""

    def run(text: str):
        return nlp(make_doc(nlp, Source(path=Path("test.txt"), text=text)))

    return run


def summary(*body: str, intro: str = "") -> str:
    """A minimal summary around question bodies: title, introduction, one question each."""
    parts = [
        "Summary of EMN Ad-Hoc Query No. 4711 from 2 May 2022",
        "",
        "A test query",
        "",
        "1. INTRODUCTION",
        "",
        intro or "It is based on contributions from 3 Member States.",
        "",
        "2. SUMMARY",
        "",
    ]
    for number, text in enumerate(body, start=1):
        parts += [f"2.{number}. Do Member States do something number {number}?", "", text, ""]
    return "\n".join(parts)


SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def split_rendering(text: str) -> tuple[str, list[str]]:
    """Body (footnotes, review comments, link markup, bullet marks removed, whitespace
    collapsed) and the footnotes, for comparing renderings of one summary."""
    body, notes = [], []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if re.match(r"Format\w*:", paragraph):
            continue
        paragraph = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", paragraph)
        paragraph = re.sub(r"(?m)^(?:- )?[★•▪\uf0b7] ", "", paragraph)
        (notes if paragraph[0] in SUPERSCRIPTS else body).append(" ".join(paragraph.split()))
    return " ".join(body), notes


@pytest.fixture(scope="session")
def sample_text() -> str:
    return (SAMPLES / "emn-ahq-1055-summary.txt").read_text(encoding="utf-8")


def country_text(table, surface: str, country: str) -> bool:
    """The text is the country itself: its code as written, or one of its names (a name may
    wrap over a line)."""
    return table.code(surface) == country or " ".join(surface.split()) in table.names_of(country)
