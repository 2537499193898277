"""The `emn` command: run the pipeline over summaries, evaluate, inspect.

Heavy imports (spaCy, pandas, pdfplumber) happen inside the commands, so `emn --help`
answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["main"]

DEFAULT_INPUT = "samples"
DEFAULT_OUTPUT = "outputs"
DEFAULT_GOLD = "samples/gold"


def _error(message: str) -> None:
    click.echo(f"emn: {message}", err=True)


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
@click.option("--max-pages", type=click.IntRange(min=1), default=200, show_default=True,
              help="Refuse PDFs with more pages than this.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0,
              show_default=True, help="Seconds allowed per document.")
@click.option("--quiet", "-q", is_flag=True, help="Only the final summary line.")
def run(inputs, out, fmt, jobs, max_pages, timeout, quiet) -> None:
    """Extract the tables from INPUTS (files, folders, globs; default: samples/).

    Exit status: 0 when every document was processed, 1 when some failed (the others are
    written), 2 for a usage error."""
    from ..export.batch import run_batch

    arguments = list(inputs) or [DEFAULT_INPUT]
    progress = _progress_bar(arguments)

    def report(outcome) -> None:
        if progress is not None:
            progress.update(1)
        for warning in outcome.warnings:
            _echo_above(progress, f"emn: warning: {outcome.task.path}: {warning}")
        if outcome.error:
            _echo_above(progress, f"emn: error: {outcome.task.path}: {outcome.error}")

    try:
        result = run_batch(arguments, Path(out), fmt, jobs, max_pages, timeout, on_outcome=report)
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        for outcome in result.succeeded:
            s = outcome.summary
            click.echo(f"{s.doc_id}: {s.rows} rows, {s.questions} questions, "
                       f"{s.errors} errors, {s.warnings} warnings")
    failed = result.failed
    where = f" -> {out}/" if result.written else " (outputs left unchanged)"
    click.echo(f"{len(result.succeeded)} documents ok, {len(failed)} failed, "
               f"{result.counts['responses']} rows, {result.counts['checks']} checks{where}")
    if failed:
        sys.exit(1)


def _progress_bar(arguments):
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    from ..export.batch import collect_inputs

    return tqdm(total=len(collect_inputs(arguments)), unit="doc", file=sys.stderr, leave=False)


def _echo_above(progress, message: str) -> None:
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
def evaluate(gold, pred, as_json) -> None:
    """Score the tables in --pred against the gold annotations in --gold."""
    from ..evaluate import evaluate as score
    from ..evaluate import render

    for folder, what in ((gold, "gold"), (pred, "output")):
        if not Path(folder).is_dir():
            _error(f"{folder}: no such {what} folder")
            sys.exit(2)
    try:
        results = score(Path(gold), Path(pred))
    except (FileNotFoundError, ValueError, KeyError) as error:
        _error(f"{pred}: {error}")
        sys.exit(1)
    if not results:
        _error(f"no output document in {pred} matches a gold annotation in {gold}")
        sys.exit(1)
    click.echo(render(results, as_json=as_json))


@main.command()
@click.argument("folder", default=DEFAULT_OUTPUT, required=False)
@click.option("--doc", "doc", default=None, help="Only this document (doc_id, file stem or query number).")
@click.option("--question", "-q", default=None, help="Only rows of this question (e.g. 3.4).")
@click.option("--country", "-c", default=None, help="Only rows of this country code (e.g. BE).")
@click.option("--stance", "-s", type=click.Choice(["yes", "no", "no_information", "mention"]), default=None,
              help="Only rows of this stance.")
def show(folder, doc, question, country, stance) -> None:
    """Print the country x question matrix of FOLDER's tables (default: outputs/).

    With --question, --country or --stance: the matching rows with their evidence."""
    from .show import ShowError
    from .show import show as print_tables

    try:
        print_tables(Path(folder), doc, question, country, stance)
    except ShowError as error:
        _error(str(error))
        sys.exit(1)


@main.command()
@click.argument("folder", default=DEFAULT_OUTPUT, required=False)
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False),
              help="The HTML file to write [default: FOLDER/report.html].")
@click.option("--inputs", "-i", multiple=True, default=[DEFAULT_INPUT], show_default=True,
              type=click.Path(file_okay=False),
              help="Folder to find the documents in, for their text (repeatable).")
def report(folder, output, inputs) -> None:
    """Write one self-contained HTML page over FOLDER's tables (default: outputs/)."""
    from .report import write_report
    from .show import ShowError

    target = Path(output) if output else Path(folder) / "report.html"
    try:
        summary = write_report(Path(folder), target, [Path(p) for p in inputs])
    except (ShowError, OSError) as error:
        _error(str(error))
        sys.exit(1)
    click.echo(summary)


if __name__ == "__main__":
    main()
