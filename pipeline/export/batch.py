"""Batch: many summaries through the pipeline, in parallel, streamed into the tables.

Inputs are files, folders (searched recursively) and glob patterns, each file once. Worker
processes each load the pipeline once; results come back in input order and are written
as they arrive, so memory stays flat. A file that fails is reported and skipped; the
outputs are replaced only when the run has produced something.
"""

from __future__ import annotations

import glob
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest import SUPPORTED_SUFFIXES, IngestError, make_doc, read_source
from .tables import DocumentSummary, Extraction
from .writers import TableWriter, encode_rows

__all__ = ["Task", "Outcome", "BatchResult", "collect_inputs", "process", "run_batch"]

GLOB_CHARACTERS = set("*?[")
CHUNK_DOCUMENTS = 16  # documents per task handed to a worker


@dataclass(frozen=True)
class Task:
    path: Path
    doc_id: str
    max_pages: int | None = None
    timeout: float | None = None
    fmt: str = "csv"


@dataclass
class Outcome:
    task: Task
    extraction: Extraction | None = None  # parquet: the rows, written by the parent
    encoded: dict[str, tuple[int, str]] | None = None  # csv, jsonl: the rows already formatted
    summary: DocumentSummary | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    written: dict[str, Path]
    counts: dict[str, int]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def succeeded(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.error]


class DocumentTimeout(Exception):
    """One document took longer than the per-document limit."""


def collect_inputs(arguments: list[str]) -> list[tuple[Path, Path | None]]:
    """(file, the folder it was found under) for each input, duplicates dropped, in order.

    A path that does not exist is kept, so that its error is reported with the others."""
    found: list[tuple[Path, Path | None]] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            found += [(p, path) for p in files]
        elif not path.exists() and GLOB_CHARACTERS & set(argument):
            matches = sorted(Path(p) for p in glob.glob(argument, recursive=True))
            found += [(p, None) for p in matches if p.is_file()] or [(path, None)]
        else:
            found.append((path, None))
    unique, seen = [], set()
    for path, root in found:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            unique.append((path, root))
    return unique


def doc_ids(inputs: list[tuple[Path, Path | None]]) -> list[str]:
    """File names, or paths relative to the folder given where names repeat."""
    names = Counter(path.name for path, _ in inputs)
    ids = []
    for path, root in inputs:
        if names[path.name] == 1:
            ids.append(path.name)
        elif root is not None:
            ids.append(path.relative_to(root).as_posix())
        else:
            ids.append(path.as_posix())
    return ids


def _alarm(signum, frame):
    raise DocumentTimeout


def process(task: Task) -> Outcome:
    """One file through the pipeline; any failure becomes a one-line error."""
    from .. import load
    from .tables import extract

    use_alarm = task.timeout and hasattr(signal, "setitimer")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, task.timeout)
    try:
        source = read_source(task.path, max_pages=task.max_pages)
        nlp = load()
        extraction = extract(nlp(make_doc(nlp, source)), task.doc_id)
        warnings = source.warnings + extraction.warnings
        if task.fmt == "parquet":
            return Outcome(task, extraction, warnings=warnings)
        return Outcome(task, encoded=encode_rows(extraction, task.fmt), summary=extraction.summary(),
                       warnings=warnings)
    except IngestError as error:
        return Outcome(task, error=str(error))
    except DocumentTimeout:
        return Outcome(task, error=f"took longer than the {task.timeout:g} s limit per document")
    except (OSError, UnicodeError) as error:
        return Outcome(task, error=f"{type(error).__name__}: {error}")
    except Exception as error:  # one bad file never stops a batch
        return Outcome(task, error=f"internal error ({type(error).__name__}: {error})")
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def process_chunk(tasks: list[Task]) -> list[Outcome]:
    """A few documents per task handed to a worker, so that the pickling of tasks and results
    is paid once per chunk rather than once per document."""
    return [process(task) for task in tasks]


def _outcomes(tasks: list[Task], jobs: int):
    chunks = [tasks[i:i + CHUNK_DOCUMENTS] for i in range(0, len(tasks), CHUNK_DOCUMENTS)]
    if jobs <= 1 or len(tasks) <= 1:
        for chunk in chunks:
            yield from process_chunk(chunk)
        return
    import multiprocessing

    from .. import load

    load()  # forked workers inherit the loaded pipeline
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(jobs) as pool:
        for outcomes in pool.imap(process_chunk, chunks):
            yield from outcomes


def run_batch(
    arguments: list[str],
    out: Path,
    fmt: str = "csv",
    jobs: int | None = None,
    max_pages: int | None = None,
    timeout: float | None = None,
    on_outcome=None,
) -> BatchResult:
    """Process every input and write the tables; `on_outcome` sees each result in order."""
    inputs = collect_inputs(arguments)
    tasks = [Task(path, doc_id, max_pages, timeout, fmt)
             for (path, _), doc_id in zip(inputs, doc_ids(inputs), strict=False)]
    jobs = jobs or os.cpu_count() or 1
    writer = TableWriter(out, fmt)
    outcomes: list[Outcome] = []
    try:
        for outcome in _outcomes(tasks, jobs):
            if outcome.encoded is not None:
                writer.write_encoded(outcome.encoded)
                outcome.encoded = None  # its rows are on disk; memory stays flat
            elif outcome.extraction is not None:
                writer.write(outcome.extraction)
                outcome.summary = outcome.extraction.summary()
                outcome.extraction = None
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    except BaseException:
        writer.abort()
        raise
    if any(o.error is None for o in outcomes):
        written = writer.commit()
    else:
        writer.abort()
        written = {}
    return BatchResult(outcomes, written, dict(writer.counts))

