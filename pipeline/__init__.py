"""emn-pipeline: EMN Ad-Hoc Query summaries in, response tables with evidence out.

The stages, one module each, in the order data flows through them:

- `ingest`     file -> `Source` (text with layout); `pdf` and `word` read those formats
- `normalize`  markup, bold, artefacts and footnotes           (spaCy component)
- `sections`   question headings, bodies, statements           (spaCy component)
- `countries`  code lists and country names                    (spaCy component)
- `metadata`   query number, date, title, respondents          (spaCy component)
- `items`      statement lists and bullet / inline items       (spaCy component)
- `stance`     yes / no / no_information / mention per country (spaCy component)
- `table`      Doc -> rows -> the four tables
- `checks`     the summary checked against itself              (spaCy component)
- `evaluate`   tables scored against a gold annotation
- `cli`        the `emn` command
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["load", "MODELS"]

MODELS = "pipeline.models"


@lru_cache(maxsize=1)
def load():
    """The assembled pipeline from `models/` (its rules and config), loaded once per process."""
    from importlib.resources import files

    import spacy

    from . import checks, countries, items, metadata, normalize, overview, replies, sections  # noqa: F401
    from .stance import component  # noqa: F401 - factory

    return spacy.load(str(files(MODELS)))
