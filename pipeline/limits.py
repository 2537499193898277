"""Limits: what one document may cost, so that `emn` can run unattended on files nobody vetted.

One value object shared by the readers (sizes, pages), the sandbox that runs each document in
a worker process (time, memory) and the command's options, which all commands that read
documents take alike (`run`, `report`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Limits", "MB", "CHARS_PER_PAGE"]

MB = 1024 * 1024
CHARS_PER_PAGE = 5000  # --max-pages also bounds text input: a dense page holds about this much


@dataclass(frozen=True)
class Limits:
    """The per-document limits; the defaults are the command's."""

    timeout: float | None = 60.0  # wall-clock seconds per document, enforced from outside; None: none
    memory_mb: int | None = 2048  # memory a document may add to its worker process; None: none
    max_size_mb: float = 50.0  # the file; a Word file's unpacked parts; each decoded PDF stream
    max_pages: int | None = 200  # PDF pages; text beyond this many pages' worth is refused

    def __post_init__(self) -> None:
        if self.timeout is not None and not (self.timeout > 0 and not math.isnan(self.timeout)):
            raise ValueError(f"timeout must be a positive number of seconds, not {self.timeout}")
        if self.timeout is not None and math.isinf(self.timeout):
            object.__setattr__(self, "timeout", None)

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * MB)

    @property
    def max_characters(self) -> int | None:
        return self.max_pages * CHARS_PER_PAGE if self.max_pages else None

    @property
    def memory_bytes(self) -> int | None:
        return self.memory_mb * MB if self.memory_mb else None
