"""Printable: file names and document text made safe to print and to write as UTF-8.

File names are bytes on POSIX; a name that is not UTF-8 becomes text with `\\xe9` escapes
rather than the lone surrogates of `os.fsdecode`, which no UTF-8 table or terminal can take.
Text from a document or a file name reaches the terminal without its control characters, so
an escape sequence cannot clear the screen, set the clipboard or forge a line of output.
"""

from __future__ import annotations

import os
import re

__all__ = ["path_text", "one_line", "printable"]

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a line shows
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SPACING_CONTROLS = re.compile("[\t\n\r\x0b\x0c]")


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as text: bytes that are not UTF-8 written as `\\xe9` escapes.

    >>> path_text(os.fsdecode(b"r\\xe9sum\\xe9.txt"))
    'r\\\\xe9sum\\\\xe9.txt'
    """
    text = os.fspath(path)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decoding makes
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def one_line(text: str) -> str:
    """Text for one line of a message: control characters shown as escapes (`\\n`, `\\x1b`).

    >>> one_line("a.txt\\nemn: error: forged")
    'a.txt\\\\nemn: error: forged'
    """
    return CONTROLS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), path_text(text))


def printable(text: str) -> str:
    """Text for the terminal: line breaks and tabs become spaces, other control characters go.

    >>> printable("BE\\x1b]52;c;ZWNobw==\\x07 said\\nyes")
    'BE]52;c;ZWNobw== said yes'
    """
    return CONTROLS.sub("", SPACING_CONTROLS.sub(" ", text))
