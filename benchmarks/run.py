"""Benchmarks: speed and memory of `emn run`, each as a ratio against a floor measured in the same run.

Builds a corpus from the repository's summaries (1,000 text documents with varied question
numbers, codes and query numbers; 100 PDFs typeset from them, with the test sets' PDFs that
LibreOffice and Chromium made), then measures, each in its own process so that start-up and
imports are counted on both sides:

- text route, one process, against the blank spaCy tokenizer alone on the same texts;
- PDF route (the default engine, pdfium) against pdfplumber's own text extraction of the same files;
- `--jobs 2` against `--jobs 1` on the 1,000 documents, and on the PDFs;
- peak memory for 1,000 documents against 10;
- `emn --help` start-up time;
- linear time: for each pathological input (10-20 KB of '(' or '**' with no space took
  12 s and more before), the time for twice the input over the time for the input;
- and, for reference, the floor of the architecture itself: the tokenizer plus one Span per
  two-capital word with three extension values, a span group and a CSV row each, which is
  the least a spaCy pipeline that stores one response per country does (no target).

Timed measurements run three times, alternating, and keep their fastest run.

Usage: python benchmarks/run.py [--docs 1000] [--pdfs 100] [--keep]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted([ROOT / "samples" / "emn-ahq-1055-summary.txt", *(ROOT / "tests" / "data").rglob("*-summary.txt")])
# PDFs of other producers than our typesetter: LibreOffice (pairs, blind11) and Chromium (blind8)
OTHER_PDFS = sorted(path for folder in ("pairs", "blind11", "blind8")
                    for path in (ROOT / "tests" / "data" / folder).glob("*.pdf"))
CODES = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "EL", "HU", "IE", "IT", "LV",
         "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "UK", "NO"]
REPEATS = 3  # runs of each timed measurement; the fastest counts
TARGETS = {  # what the issue asks for
    "text route / tokenizer": ("<=", 3.5),
    "PDF route / pdfplumber": ("<=", 0.25),
    "jobs 1 / jobs 2 (speed-up)": (">=", 1.7),
    "jobs 1 / jobs 2, PDFs": (">=", 1.7),
    "peak memory 1,000 / 10 docs": ("<=", 1.2),
    "emn --help (seconds)": ("<", 0.3),
    "pathological 2x / 1x (worst)": ("<=", 2.5),  # about doubles: linear, with the noise of a shared machine
}
PATHOLOGICAL_UNITS = ["(", "**", "[", "[a](", "(BE)", "(BE, FR) ", "Belgium, ", "the Netherlands ", "3.1. Q?\n",
                      "\u00b9", "BE and FR do not. ", "(BE), however, do not; ", "AT    X\n", "Notes\n\n1. AT\n"]
PATHOLOGICAL_SIZE = 20_000  # characters of the smaller input; the larger has twice as many
CODE_LIST = re.compile(r"\((\*\*)?([A-Z]{2}(?:(?:, | and |\*\* and \*\*|,\n)[A-Z]{2})*)(\*\*)?\)")
QUESTION = re.compile(r"(?m)^(\d)(\.\d+\.?\s)")
QUERY = re.compile(r"(Query No\. )(\d+)")


def vary(text: str, rng: random.Random, number: int) -> str:
    """Another summary of the same shape: other codes in each list, section and query numbers."""
    def codes(match: re.Match) -> str:
        size = len(re.findall(r"[A-Z]{2}", match.group(2)))
        chosen = ", ".join(rng.sample(CODES, min(size, len(CODES))))
        return f"({match.group(1) or ''}{chosen}{match.group(3) or ''})"

    section = str(rng.randint(2, 6))
    text = CODE_LIST.sub(codes, text)
    text = QUESTION.sub(lambda m: section + m.group(2), text)
    return QUERY.sub(lambda m: f"{m.group(1)}{1000 + number}", text)


def build_corpus(folder: Path, docs: int, pdfs: int) -> tuple[Path, Path]:
    texts, pdf_folder = folder / "text", folder / "pdf"
    if texts.exists() and len(list(texts.glob("*.txt"))) == docs and \
            len(list(pdf_folder.glob("*.pdf"))) == pdfs + len(OTHER_PDFS):
        return texts, pdf_folder
    shutil.rmtree(folder, ignore_errors=True)
    texts.mkdir(parents=True)
    pdf_folder.mkdir()
    rng = random.Random(1055)
    seeds = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    for number in range(docs):
        (texts / f"doc-{number:04d}.txt").write_text(vary(seeds[number % len(seeds)], rng, number), encoding="utf-8")
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_samples import build_pdf, parse_sample, plain

    built = 0
    for path in sorted(texts.glob("*.txt")):
        if built == pdfs:
            break
        blocks, footnotes = parse_sample(path.read_text(encoding="utf-8"))
        title = next((plain(b.runs) for b in blocks if b.kind == "subtitle"), "Summary")
        try:
            data = build_pdf(blocks, footnotes, title, path.stem)
        except RuntimeError:  # the typesetter could not settle this text's footnotes: take the next
            continue
        (pdf_folder / f"{path.stem}.pdf").write_bytes(data)
        built += 1
    for path in OTHER_PDFS:
        shutil.copy(path, pdf_folder / f"{path.parent.name}-{path.name}")
    return texts, pdf_folder


MEASURE = """
import json, resource, sys, time
start = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - start,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""
TOKENIZER = """
from pathlib import Path
import spacy
nlp = spacy.blank("en")
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    nlp.make_doc(path.read_text(encoding="utf-8"))
"""
ARCHITECTURE_FLOOR = """
import csv, io, re
from pathlib import Path
import spacy
from spacy.tokens import Span
nlp = spacy.blank("en")
for name in ("stance", "item", "cue"):
    Span.set_extension(name, default=None)
code = re.compile(r"\\b[A-Z]{2}\\b")
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    text = path.read_text(encoding="utf-8")
    doc = nlp.make_doc(text)
    spans = [doc.char_span(m.start(), m.end(), label=m.group()) for m in code.finditer(text)]
    spans = [span for span in spans if span is not None]
    for span in spans:
        span._.stance, span._.item, span._.cue = "yes", "", ""
    doc.spans["responses"] = spans
    csv.writer(io.StringIO()).writerows((s.label_, s._.stance, s._.item, s._.cue, s.start_char, s.end_char)
                                        for s in doc.spans["responses"])
"""
PDFPLUMBER = """
from pathlib import Path
import pdfplumber
for path in sorted(Path(sys.argv[1]).glob("*.pdf")):
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
"""
EMN = """
from pipeline.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
"""


PATHOLOGICAL = """
import json, sys, time
from pathlib import Path
from pipeline import load
from pipeline.ingest import Source, make_doc
nlp = load()
HEAD = "Summary of EMN Ad-Hoc Query No. 1\\n\\n1. INTRODUCTION\\n\\nBased on 3 Member States.\\n\\n" \\
       "2.1. Do Member States do it?\\n\\n"

def seconds(text):
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        nlp(make_doc(nlp, Source(path=Path("x.txt"), text=text)))
        best = min(best, time.perf_counter() - start)
    return best

size, ratios = int(sys.argv[1]), {}
for unit in json.loads(sys.argv[2]):
    one, two = (HEAD + unit * (n * size // len(unit)) for n in (1, 2))
    ratios[unit] = (seconds(one), seconds(two))
print(json.dumps(ratios))
"""


def pathological_times() -> dict[str, tuple[float, float]]:
    """Seconds for each pathological input at its size and at twice its size, in one process
    that has loaded the pipeline (best of five each)."""
    result = subprocess.run([sys.executable, "-c", PATHOLOGICAL, str(PATHOLOGICAL_SIZE),
                             json.dumps(PATHOLOGICAL_UNITS)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return {unit: (one, two) for unit, (one, two) in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def measure(body: str, *args: str) -> dict:
    """Wall time inside a fresh interpreter (imports included) and its peak memory."""
    script = MEASURE.format(body=body)
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def emn_run(inputs: str, out: Path, jobs: int) -> dict:
    return measure(EMN, "run", inputs, "--out", str(out), "--jobs", str(jobs), "--quiet")


def fastest(*runs) -> list[dict]:
    """Each measurement repeated, alternating with the others, keeping its fastest run: on a
    shared machine a single run can be a fifth slower than the next."""
    best: list[dict | None] = [None] * len(runs)
    for _ in range(REPEATS):
        for index, run in enumerate(runs):
            result = run()
            if best[index] is None or result["seconds"] < best[index]["seconds"]:
                best[index] = result
    return best


def startup_seconds(repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, cwd=ROOT, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the corpus in benchmarks/.corpus")
    args = parser.parse_args()
    corpus = ROOT / "benchmarks" / ".corpus" if args.keep else Path(tempfile.mkdtemp(prefix="emn-bench-"))
    texts, pdfs = build_corpus(corpus, args.docs, args.pdfs)
    small = corpus / "small"
    small.mkdir(exist_ok=True)
    for path in sorted(texts.glob("*.txt"))[:10]:
        shutil.copy(path, small / path.name)
    out = Path(tempfile.mkdtemp(prefix="emn-bench-out-"))

    tokenizer, floor, text_one, text_two = fastest(
        lambda: measure(TOKENIZER, str(texts)),
        lambda: measure(ARCHITECTURE_FLOOR, str(texts)),
        lambda: emn_run(str(texts), out / "one", 1),
        lambda: emn_run(str(texts), out / "two", 2),
    )
    ten = emn_run(str(small), out / "ten", 1)
    plumber, pdf_route, pdf_two = fastest(lambda: measure(PDFPLUMBER, str(pdfs)),
                                          lambda: emn_run(str(pdfs), out / "pdf", 1),
                                          lambda: emn_run(str(pdfs), out / "pdf2", 2))
    help_seconds = startup_seconds()
    pathological = pathological_times()

    results = {
        "text route / tokenizer": text_one["seconds"] / tokenizer["seconds"],
        "PDF route / pdfplumber": pdf_route["seconds"] / plumber["seconds"],
        "jobs 1 / jobs 2 (speed-up)": text_one["seconds"] / text_two["seconds"],
        "jobs 1 / jobs 2, PDFs": pdf_route["seconds"] / pdf_two["seconds"],
        "peak memory 1,000 / 10 docs": text_one["max_rss_kb"] / ten["max_rss_kb"],
        "emn --help (seconds)": help_seconds,
        "pathological 2x / 1x (worst)": max(two / one for one, two in pathological.values()),
    }
    print(f"corpus: {args.docs} text documents, {args.pdfs} PDFs typeset and {len(OTHER_PDFS)} of other producers")
    print(f"floors: tokenizer {tokenizer['seconds']:.2f} s, pdfplumber {plumber['seconds']:.2f} s, "
          f"10 docs {ten['max_rss_kb'] / 1024:.0f} MB")
    print(f"architecture floor (tokenizer, a Span with three attributes and a CSV row per code): "
          f"{floor['seconds']:.2f} s, {floor['seconds'] / tokenizer['seconds']:.2f} x the tokenizer")
    print(f"emn run: text jobs 1 {text_one['seconds']:.2f} s, jobs 2 {text_two['seconds']:.2f} s, "
          f"PDF jobs 1 {pdf_route['seconds']:.2f} s, jobs 2 {pdf_two['seconds']:.2f} s, "
          f"1,000 docs {text_one['max_rss_kb'] / 1024:.0f} MB")
    print(f"pathological inputs, {PATHOLOGICAL_SIZE:,} and {2 * PATHOLOGICAL_SIZE:,} characters: " + ", ".join(
        f"{unit!r} {one:.2f}/{two:.2f} s" for unit, (one, two) in pathological.items()))
    print(f"{'measure':<30}{'value':>8}  target")
    failed = 0
    for name, value in results.items():
        op, bound = TARGETS[name]
        ok = value <= bound if op == "<=" else value >= bound if op == ">=" else value < bound
        failed += not ok
        print(f"{name:<30}{value:8.2f}  {op} {bound}  {'ok' if ok else 'MISSED'}")
    shutil.rmtree(out, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(corpus, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
