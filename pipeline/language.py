"""The language: English defaults with the pipeline's tokenizer, saved without a vocabulary.

A blank pipeline has no vectors and no lexeme data worth keeping: its vocabulary is rebuilt
from the rules when it loads. So `to_disk` leaves the vocabulary out, and saving the loaded
pipeline into `models/` writes back exactly the files that are there.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.lang.en import English, EnglishDefaults
from spacy.util import load_config_from_str, registry

__all__ = ["EmnLanguage"]

DEFAULT_CONFIG = """
[nlp]

[nlp.tokenizer]
@tokenizers = "emn.tokenizer.v1"
"""


class EmnDefaults(EnglishDefaults):
    config = load_config_from_str(DEFAULT_CONFIG)


@registry.languages("emn")
class EmnLanguage(English):
    """`spacy.blank("emn")`: English with the tokenizer that splits markup and footnote marks."""

    lang = "emn"
    Defaults = EmnDefaults

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        super().to_disk(path, exclude=[*exclude, "vocab"])
