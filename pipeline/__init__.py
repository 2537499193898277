"""emn-pipeline: EMN Ad-Hoc Query summaries and compilations in, response tables with evidence out.

The package, in the order data flows through it (file -> Source -> Doc -> rows -> tables):

- `ingest/`     a file becomes a `Source` (text with layout: `text`, `pdf` with `pdf_tables`,
                `docx`), and `make_doc` the Doc the pipeline processes
- `normalize`   markup, bold, artefacts, footnotes, layout headings   (spaCy component)
- `sections`    questions, bodies, statements, table blocks           (spaCy component)
- `countries`   code lists, bare codes, table cells, country names     (spaCy component)
- `overview`    overview tables read as responses                      (spaCy component)
- `metadata`    kind, query number, date, title, respondents           (spaCy component)
- `replies`     a compilation's replies split into answers             (spaCy component)
- `items`       statement lists and bullet / inline items              (spaCy component)
- `stance/`     yes / no / no_information / mention per country        (spaCy component)
- `checks`      each document checked against itself                   (spaCy component)
- `verify`      a summary checked against its compilation of replies
- `export/`     Docs to rows (`tables`), rows to files (`writers`), many files (`batch`, `sandbox`)
- `evaluate`    tables scored against gold annotations
- `cli/`        the `emn` command, `show`, `verify` and `report`

`load()` gives the assembled spaCy pipeline; `extract(paths)` runs it over files and returns
the four tables as pandas DataFrames, the rows `emn run` writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from spacy.language import Language

    from .limits import Limits

__all__ = ["load", "extract", "Tables", "MODELS"]

MODELS = "pipeline.models"


@lru_cache(maxsize=1)
def load() -> Language:
    """The assembled pipeline from `models/` (its rules and config), loaded once per process."""
    from importlib.resources import files

    import spacy

    from . import checks, countries, items, metadata, normalize, overview, replies, sections  # noqa: F401
    from .stance import component  # noqa: F401 - factory

    return spacy.load(str(files(MODELS)))


@dataclass
class Tables:
    """The four tables of a run, as `emn run` writes them; offsets and pages are integers."""

    documents: pd.DataFrame
    questions: pd.DataFrame
    responses: pd.DataFrame
    checks: pd.DataFrame


def extract(paths: Iterable[str | Path], jobs: int | None = None, limits: Limits | None = None) -> Tables:
    """Run the pipeline over files, folders or globs, as `emn run` does, for a notebook:

    >>> tables = extract(["reports/summary.pdf"])  # doctest: +SKIP
    >>> tables.responses.groupby("stance").size()  # doctest: +SKIP
    """
    import tempfile

    from .export.batch import run_batch
    from .export.writers import read_tables
    from .schema import INT_COLUMNS

    with tempfile.TemporaryDirectory() as folder:
        run_batch([str(path) for path in paths], Path(folder), jobs=jobs, limits=limits)
        frames = read_tables(Path(folder))
    for frame in frames.values():
        for column in INT_COLUMNS & set(frame.columns):
            frame[column] = frame[column].replace("", None).astype("Int64")
    return Tables(**frames)
