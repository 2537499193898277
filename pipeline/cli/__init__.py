"""The `emn` command (`command`), and the views of its tables: the terminal (`show`) and
one HTML page (`report`, from `templates/`)."""

from .command import main

__all__ = ["main"]
