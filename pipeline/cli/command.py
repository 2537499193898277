"""The `emn` command: run the pipeline over summaries, evaluate, inspect.

Heavy imports (spaCy, pandas, pdfplumber) happen inside the commands, so `emn --help`
answers at once. Every error is one line, `emn: ...`, naming the file and the reason, with
anything a file name or a document could put there (a newline, an escape sequence) shown as
an escape; exit status 0 when all went well, 1 when some input or table failed, 2 when the
command cannot run as given, 130 or 143 when interrupted (Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import math
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ..ingest.pdf import ENGINES
from ..limits import Limits
from ..printable import one_line

if TYPE_CHECKING:
    from tqdm import tqdm

    from ..export.batch import Outcome

__all__ = ["main"]

DEFAULT_INPUT = "samples"
DEFAULT_OUTPUT = "outputs"
DEFAULT_GOLD = "samples/gold"
DEFAULTS = Limits()
EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 1, 2, 130, 143
Command = TypeVar("Command", bound=Callable[..., Any])


def _error(message: str) -> None:
    click.echo(f"emn: {one_line(message)}", err=True)


def _fail(message: str, status: int = EXIT_FAILED) -> NoReturn:
    _error(message)
    sys.exit(status)


class Terminated(Exception):
    """SIGTERM, turned into an exception so that the outputs and the workers are cleaned up."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C or SIGTERM: the workers are stopped, the previous outputs stay, one line says so."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    except KeyboardInterrupt:
        _fail("interrupted; outputs left unchanged", EXIT_INTERRUPTED)
    except Terminated:
        _fail("terminated; outputs left unchanged", EXIT_TERMINATED)
    finally:
        signal.signal(signal.SIGTERM, previous)


class Seconds(click.ParamType):
    """A positive number of seconds; `inf` means no limit."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float | None:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if math.isnan(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a positive number of seconds (inf: no limit)", param, ctx)
        return None if math.isinf(seconds) else seconds


def limit_options(command: Command) -> Command:
    """The limits per document, alike for every command that reads documents (`run`, `report`)."""
    options = [
        click.option("--timeout", type=Seconds(), default=DEFAULTS.timeout, show_default=True,
                     help="Wall-clock seconds a document may take (inf: no limit)."),
        click.option("--max-memory", type=click.IntRange(min=1), default=DEFAULTS.memory_mb, show_default=True,
                     help="Megabytes of memory a document may take."),
        click.option("--max-size", type=click.FloatRange(min=0, min_open=True), default=DEFAULTS.max_size_mb,
                     show_default=True,
                     help="Megabytes a file may have; also a Word file's parts unpacked, a PDF stream inflated."),
        click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULTS.max_pages, show_default=True,
                     help="Refuse PDFs with more pages, and text longer than this many pages."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _limits(timeout: float | None, max_memory: int, max_size: float, max_pages: int) -> Limits:
    return Limits(timeout=timeout, memory_mb=max_memory, max_size_mb=max_size, max_pages=max_pages)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="emn-pipeline")
def main() -> None:
    """Turn EMN Ad-Hoc Query summaries into response tables, and check them."""


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--out", "-o", default=DEFAULT_OUTPUT, show_default=True, type=click.Path(file_okay=False),
              help="Folder for documents, questions, responses and checks tables.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "jsonl"]), default="csv",
              show_default=True, help="Table file format.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: the machine's cores].")
@limit_options
@click.option("--pdf-engine", type=click.Choice(ENGINES), default=ENGINES[0], show_default=True,
              help="What reads a PDF's characters: pdfium (fast) or pdfplumber (pdfminer, as before); "
                   "both give the same rows.")
@click.option("--quiet", "-q", is_flag=True, help="Only the final summary line.")
def run(inputs: tuple[str, ...], out: str, fmt: str, jobs: int | None, timeout: float | None, max_memory: int,
        max_size: float, max_pages: int, pdf_engine: str, quiet: bool) -> None:
    """Extract the tables from INPUTS (files, folders, globs; default: samples/).

    Exit status: 0 when every document was processed, 1 when some failed (the others are
    written) or the tables could not be written, 2 when the command cannot run as given
    (a bad option, an --out that cannot be written)."""
    from ..export.batch import run_batch
    from ..export.writers import OutputError

    arguments = list(inputs) or [DEFAULT_INPUT]
    progress = _progress_bar()

    def report(outcome: Outcome) -> None:
        if progress is not None:
            progress.update(1)
        for warning in outcome.warnings:
            _echo_above(progress, f"emn: warning: {one_line(str(outcome.task.path))}: {one_line(warning)}")
        if outcome.error:
            _echo_above(progress, f"emn: error: {one_line(str(outcome.task.path))}: {one_line(outcome.error)}")

    def count(total: int) -> None:
        if progress is not None:
            progress.total = total
            progress.refresh()

    try:
        with _interruptible():
            result = run_batch(arguments, Path(out), fmt, jobs, _limits(timeout, max_memory, max_size, max_pages),
                               on_outcome=report, on_inputs=count, pdf_engine=pdf_engine)
    except OutputError as error:
        _fail(f"error: {error}", EXIT_USAGE if error.unusable else EXIT_FAILED)
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        for outcome in result.succeeded:
            s = outcome.summary
            if s is not None:
                click.echo(f"{one_line(s.doc_id)}: {s.rows} rows, {s.questions} questions, "
                           f"{s.errors} errors, {s.warnings} warnings")
    failed = result.failed
    if result.contradictions and not quiet:
        click.echo(f"{result.contradictions} answers in summaries contradict their compilation's replies "
                   f"(contradicts_reply in checks; `emn verify SUMMARY COMPILATION` shows them)")
    where = f" -> {one_line(out)}/" if result.written else " (outputs left unchanged)"
    click.echo(f"{len(result.succeeded)} documents ok, {len(failed)} failed, "
               f"{result.counts['responses']} rows, {result.counts['checks']} checks{where}")
    if failed:
        sys.exit(EXIT_FAILED)


def _progress_bar() -> tqdm[Any] | None:
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=0, unit="doc", file=sys.stderr, leave=False)


def _echo_above(progress: tqdm[Any] | None, message: str) -> None:
    if progress is not None:
        progress.write(message, file=sys.stderr)
    else:
        click.echo(message, err=True)


@main.command()
@click.option("--gold", default=DEFAULT_GOLD, show_default=True, type=click.Path(file_okay=False),
              help="A gold folder, or a folder of them.")
@click.option("--pred", default=DEFAULT_OUTPUT, show_default=True, type=click.Path(file_okay=False),
              help="The output folder of `emn run`.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores.")
def evaluate(gold: str, pred: str, as_json: bool) -> None:
    """Score the tables in --pred against the gold annotations in --gold.

    Exit status: 1 for a gold file or a table that cannot be read (named), 2 for a folder
    that does not exist."""
    from ..evaluate import GoldError, render
    from ..evaluate import evaluate as score
    from ..export.writers import TableError

    for folder, what in ((gold, "gold"), (pred, "output")):
        if not Path(folder).is_dir():
            _fail(f"{folder}: no such {what} folder", EXIT_USAGE)
    try:
        results = score(Path(gold), Path(pred))
    except (GoldError, TableError) as error:
        _fail(str(error))
    if not results:
        _fail(f"no output document in {pred} matches a gold annotation in {gold}")
    click.echo(render(results, as_json=as_json))


@main.command()
@click.argument("folder", default=DEFAULT_OUTPUT, required=False)
@click.option("--doc", "doc", default=None, help="Only this document (doc_id, file stem or query number).")
@click.option("--question", "-q", default=None, help="Only rows of this question (e.g. 3.4).")
@click.option("--country", "-c", default=None, help="Only rows of this country code (e.g. BE).")
@click.option("--stance", "-s", type=click.Choice(["yes", "no", "no_information", "mention"]), default=None,
              help="Only rows of this stance.")
def show(folder: str, doc: str | None, question: str | None, country: str | None, stance: str | None) -> None:
    """Print the country x question matrix of FOLDER's tables (default: outputs/).

    With --question, --country or --stance: the matching rows with their evidence. Control
    characters in the tables (escape sequences, line breaks) are never printed."""
    from .show import ShowError
    from .show import show as print_tables

    try:
        print_tables(Path(folder), doc, question, country, stance)
    except ShowError as error:
        _fail(str(error))


@main.command()
@click.argument("folder", default=DEFAULT_OUTPUT, required=False)
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False),
              help="The HTML file to write [default: FOLDER/report.html].")
@click.option("--inputs", "-i", multiple=True, default=[DEFAULT_INPUT], show_default=True,
              type=click.Path(file_okay=False),
              help="Folder the documents were read from, for their text (repeatable); nothing outside is read.")
@limit_options
def report(folder: str, output: str | None, inputs: tuple[str, ...], timeout: float | None, max_memory: int,
           max_size: float, max_pages: int) -> None:
    """Write one self-contained HTML page over FOLDER's tables (default: outputs/).

    Documents are read again for their text only from under --inputs, with the limits of
    `emn run`."""
    from .report import write_report
    from .show import ShowError

    target = Path(output) if output else Path(folder) / "report.html"
    limits = _limits(timeout, max_memory, max_size, max_pages)
    try:
        with _interruptible():
            summary = write_report(Path(folder), target, [Path(p) for p in inputs], limits)
    except ShowError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{target}: cannot write the report: {error.strerror or error}")
    click.echo(one_line(summary))


@main.command()
@click.argument("summary", type=click.Path(dir_okay=False))
@click.argument("compilation", type=click.Path(dir_okay=False))
@limit_options
def verify(summary: str, compilation: str, timeout: float | None, max_memory: int, max_size: float,
           max_pages: int) -> None:
    """Check SUMMARY against the COMPILATION of replies it was written from.

    Prints, per question, how many of the summary's answers the countries' own replies
    confirm and contradict, then each contradiction with the summary's sentence beside the
    reply. Exit status 0 whatever it finds; 1 when a document cannot be read."""
    from ..export.writers import OutputError, TableError
    from .show import ShowError
    from .verify import verify as print_verification

    try:
        with _interruptible():
            print_verification(Path(summary), Path(compilation), _limits(timeout, max_memory, max_size, max_pages))
    except (ShowError, TableError, OutputError) as error:
        _fail(one_line(str(error)))


if __name__ == "__main__":
    main()
