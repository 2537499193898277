"""Batch: many summaries through the pipeline, each in a killable worker, streamed into the tables.

Inputs are files, folders (searched recursively) and glob patterns, each file once. Every
document runs in a sandboxed worker process (`sandbox.py`: a wall-clock limit enforced from
outside, an address-space limit); workers load the pipeline once, before their clock starts.
Results come back in input order and are written as they arrive, so memory stays flat. A
file that fails, hangs or blows up is reported and skipped; the outputs are replaced, as one
set, only when the run has produced something.
"""

from __future__ import annotations

import glob
import json
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import unread_row
from ..ingest import SUPPORTED_SUFFIXES, IngestError, make_doc, read_source
from ..limits import Limits
from ..printable import path_text
from ..verify import DocumentFacts, finding_rows, pairs_of_a_run
from .sandbox import Sandbox
from .tables import DocumentSummary, Extraction
from .writers import OutputError, TableWriter, encode_rows

__all__ = ["Input", "Task", "Outcome", "BatchResult", "collect_inputs", "doc_ids", "process", "run_batch"]

GLOB_CHARACTERS = set("*?[")


@dataclass(frozen=True)
class Input:
    """A file to read, the folder given on the command line it was found under, and why it
    cannot be read when that is known before reading (a folder that cannot be entered)."""

    path: Path
    root: Path | None = None
    error: str | None = None


@dataclass(frozen=True)
class Task:
    path: Path
    doc_id: str
    limits: Limits = field(default_factory=Limits)
    fmt: str = "csv"
    error: str | None = None
    pdf_engine: str = "pdfium"  # what reads a PDF's characters (`read_source`)


@dataclass
class Outcome:
    task: Task
    extraction: Extraction | None = None  # parquet: the rows, written by the parent
    encoded: dict[str, tuple[int, str]] | None = None  # csv, jsonl: the rows already formatted
    summary: DocumentSummary | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    facts: DocumentFacts | None = None  # for checking a summary against its compilation


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    written: dict[str, Path]
    counts: dict[str, int]
    contradictions: int = 0  # summaries' answers their compilation's replies contradict

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def succeeded(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.error]


def _status(path: Path) -> os.stat_result | str:
    """The path's status, or why it has none, in words."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return "no such file"
    except OSError as error:
        return f"cannot read it: {error.strerror or error}"


def _folder_files(folder: Path) -> list[Input]:
    """The supported files under a folder, hidden ones left out, with one error per subfolder
    that cannot be entered (a skipped folder is never silent)."""
    found: list[Input] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        found.append(Input(where, folder, f"cannot read the folder: {error.strerror or error}"))

    for here, folders, files in os.walk(folder, onerror=unreadable):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            path = Path(here) / name
            if not name.startswith(".") and path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(Input(path, folder))
    return sorted(found, key=lambda found_input: found_input.path.parts)


def collect_inputs(arguments: list[str]) -> list[Input]:
    """Each input file once, in order: files, the files of folders, the matches of globs.

    A path that does not exist or cannot be read is kept, with its error, so that it is
    reported with the others."""
    found: list[Input] = []
    for argument in arguments:
        path = Path(argument)
        status = _status(path)
        if isinstance(status, str):
            if status == "no such file" and GLOB_CHARACTERS & set(argument):
                matches = sorted(Path(p) for p in glob.glob(argument, recursive=True))
                found += [Input(p) for p in matches if p.is_file()] or [Input(path, error=status)]
            else:
                found.append(Input(path, error=status))
        elif stat.S_ISDIR(status.st_mode):
            found += _folder_files(path)
        else:
            found.append(Input(path))
    unique, seen = [], set()
    for found_input in found:
        key = found_input.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(found_input)
    return unique


def doc_ids(inputs: list[Input]) -> list[str]:
    """File names; where names repeat, the path relative to the common parent of the files that
    share the name, so that every id is unique within a run. Names that are not UTF-8 keep
    their bytes as `\\xe9` escapes."""
    names = Counter(found_input.path.name for found_input in inputs)
    parents: dict[str, str] = {}
    for name in names:
        if names[name] > 1:
            folders = [os.path.abspath(i.path.parent) for i in inputs if i.path.name == name]
            parents[name] = os.path.commonpath(folders)
    ids = []
    for found_input in inputs:
        name = found_input.path.name
        if name in parents:
            ids.append(path_text(Path(os.path.relpath(os.path.abspath(found_input.path), parents[name])).as_posix()))
        else:
            ids.append(path_text(name))
    return ids


def process(task: Task) -> Outcome:
    """One file through the pipeline, in a worker; any failure becomes a one-line error."""
    from .. import load
    from .tables import extract

    try:
        source = read_source(task.path, task.limits, task.pdf_engine)
        nlp = load()
        extraction = extract(nlp(make_doc(nlp, source)), task.doc_id)
        warnings = source.warnings + extraction.warnings
        if task.fmt == "parquet":
            return Outcome(task, extraction, warnings=warnings, facts=extraction.facts())
        return Outcome(task, encoded=encode_rows(extraction, task.fmt), summary=extraction.summary(),
                       warnings=warnings, facts=extraction.facts())
    except IngestError as error:
        return Outcome(task, error=str(error))
    except MemoryError:
        return Outcome(task, error=f"needs more than the {task.limits.memory_mb} MB memory limit (--max-memory)")
    except RecursionError:
        return Outcome(task, error="nested too deeply to read")
    except Exception as error:  # one bad file never stops a batch
        return Outcome(task, error=f"internal error ({type(error).__name__}: {error})")


def _failed(task: Task, reason: str) -> Outcome:
    return Outcome(task, error=reason)


def _warm() -> None:
    from .. import load

    load()


def _outcomes(tasks: list[Task], sandbox: Sandbox) -> Iterator[Outcome]:
    """Every task's outcome in input order: inputs already known to be unreadable need no worker."""
    results = sandbox.run(process, [task for task in tasks if task.error is None], _failed)
    for task in tasks:
        yield _failed(task, task.error) if task.error is not None else next(results)


def run_batch(
    arguments: list[str],
    out: Path,
    fmt: str = "csv",
    jobs: int | None = None,
    limits: Limits | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_inputs: Callable[[int], None] | None = None,
    pdf_engine: str = "pdfium",
) -> BatchResult:
    """Process every input and write the tables; `on_inputs` hears how many inputs there are,
    `on_outcome` sees each result in order, `pdf_engine` reads PDFs' characters. Raises
    OutputError when `out` cannot take them."""
    limits = limits or Limits()
    inputs = collect_inputs(arguments)
    if on_inputs is not None:
        on_inputs(len(inputs))
    tasks = [Task(found_input.path, doc_id, limits, fmt, found_input.error, pdf_engine)
             for found_input, doc_id in zip(inputs, doc_ids(inputs), strict=True)]
    writer = TableWriter(out, fmt)  # before any work: an --out that cannot be written fails at once
    outcomes: list[Outcome] = []
    facts = FactStore()
    found: list[tuple[object, ...]] = []
    _warm()  # before the workers fork, so that none loads the pipeline itself
    try:
        with Sandbox(jobs or os.cpu_count() or 1, limits, warm=_warm) as sandbox:
            for outcome in _outcomes(tasks, sandbox):
                if outcome.encoded is not None:
                    writer.write_encoded(outcome.encoded)
                    outcome.encoded = None  # its rows are on disk; memory stays flat
                elif outcome.extraction is not None:
                    writer.write(outcome.extraction)
                    outcome.summary = outcome.extraction.summary()
                    outcome.extraction = None
                elif outcome.error is not None:
                    writer.write(Extraction(outcome.task.doc_id,
                                            checks=[unread_row(outcome.task.doc_id, "document_unread", outcome.error)]))
                if outcome.facts is not None:
                    facts.add(outcome.facts)
                    outcome.facts = None
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        found = [row for summary, compilation in pairs_of_a_run(facts.matched())
                 for row in finding_rows(summary, compilation)]
        if found:
            writer.write(Extraction("", checks=found))
        written = writer.commit() if any(o.error is None for o in outcomes) else {}
    except OSError as error:
        raise OutputError(f"{path_text(out)}: cannot write the tables: {error.strerror or error} "
                          f"(outputs left unchanged)") from None
    finally:
        writer.abort()  # after a commit there is nothing left to drop
        facts.close()
    return BatchResult(outcomes, written, dict(writer.counts), len(found))


class FactStore:
    """The facts of each document with a query number, spilled to a temporary file so that
    memory stays flat; read back at the end for the queries with a summary and a compilation."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.kinds: dict[str, set[str]] = {}

    def add(self, facts: DocumentFacts) -> None:
        self.kinds.setdefault(facts.query_id, set()).add(facts.kind)
        self.file.write(json.dumps(facts.as_dict(), ensure_ascii=False) + "\n")

    def matched(self) -> list[DocumentFacts]:
        wanted = {query for query, kinds in self.kinds.items() if len(kinds) > 1}
        if not wanted:
            return []
        self.file.seek(0)
        found = (DocumentFacts.from_dict(json.loads(line)) for line in self.file)
        return [facts for facts in found if facts.query_id in wanted]

    def close(self) -> None:
        self.file.close()
