"""Writers: rows streamed into table files, and tables read back, in csv, jsonl or parquet.

Until `commit`, the previous outputs stay untouched, so a failed run loses nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..schema import INT_COLUMNS, TABLES

if TYPE_CHECKING:
    from .tables import Extraction

__all__ = ["FORMATS", "TableWriter", "encode_rows", "read_table"]

FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}


class TableWriter:
    """Streams rows to temporary files beside the outputs; `commit` renames them into place.

    Until `commit`, the previous outputs stay untouched, so a failed run loses nothing."""

    def __init__(self, folder: Path, fmt: str = "csv"):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fmt = fmt
        self.counts = dict.fromkeys(TABLES, 0)
        self._files, self._temps, self._writers = {}, {}, {}
        for name, columns in TABLES.items():
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=self.folder)
            self._temps[name] = Path(temp)
            if fmt == "parquet":
                os.close(handle)
                self._writers[name] = None
            else:
                stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
                self._files[name] = stream
                if fmt == "csv":
                    csv.writer(stream, lineterminator="\n").writerow(columns)

    def write(self, extraction: Extraction) -> None:
        if self.fmt != "parquet":
            self.write_encoded(encode_rows(extraction, self.fmt))
            return
        for name, columns in TABLES.items():
            rows = extraction.rows(name)
            self.counts[name] += len(rows)
            if rows:
                self._write_parquet(name, columns, rows)

    def write_encoded(self, encoded: dict[str, tuple[int, str]]) -> None:
        """Append one document's rows as `encode_rows` made them (csv or jsonl)."""
        for name, (count, text) in encoded.items():
            self.counts[name] += count
            self._files[name].write(text)

    def _write_parquet(self, name: str, columns: tuple, rows: list[tuple]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.int64() if c in INT_COLUMNS else pa.string()) for c in columns])
        data = {c: [_typed(c, row[i]) for row in rows] for i, c in enumerate(columns)}
        if self._writers[name] is None:
            self._writers[name] = pq.ParquetWriter(self._temps[name], schema)
        self._writers[name].write_table(pa.table(data, schema=schema))

    def commit(self) -> dict[str, Path]:
        """Close and move every table into place; returns the final paths."""
        self._close()
        if self.fmt == "parquet":
            for name, columns in TABLES.items():
                if self._writers[name] is None:
                    self._write_parquet(name, columns, [])
                self._writers[name].close()
        final = {}
        umask = os.umask(0)
        os.umask(umask)
        for name, temp in self._temps.items():
            target = self.folder / f"{name}{FORMATS[self.fmt]}"
            os.chmod(temp, 0o666 & ~umask)  # mkstemp's private mode is not what users expect
            os.replace(temp, target)
            final[name] = target
        return final

    def abort(self) -> None:
        """Drop the temporary files; the previous outputs stay as they were."""
        self._close()
        for _name, writer in self._writers.items():
            if self.fmt == "parquet" and writer is not None:
                writer.close()
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)

    def _close(self) -> None:
        for stream in self._files.values():
            if not stream.closed:
                stream.close()


def encode_rows(extraction: Extraction, fmt: str) -> dict[str, tuple[int, str]]:
    """(row count, text) per table of one document, as a csv or jsonl writer appends them.

    Made where the document was processed: with --jobs the workers format the rows and the
    parent process only writes strings, so it does not become the bottleneck."""
    encoded = {}
    for name, columns in TABLES.items():
        rows = extraction.rows(name)
        if fmt == "csv":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(["" if v is None else v for v in row] for row in rows)
            text = buffer.getvalue()
        else:
            text = "".join(json.dumps(dict(zip(columns, row, strict=False)), ensure_ascii=False) + "\n"
                           for row in rows)
        encoded[name] = (len(rows), text)
    return encoded


def _typed(column: str, value):
    if column in INT_COLUMNS:
        return None if value in ("", None) else int(value)
    return "" if value is None else str(value)


def read_table(folder: Path, name: str):
    """A table of an output folder as a DataFrame of strings, whatever format it was written in."""
    import pandas as pd

    for fmt, suffix in FORMATS.items():
        path = Path(folder) / f"{name}{suffix}"
        if not path.exists():
            continue
        if fmt == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if fmt == "jsonl":
            if not path.stat().st_size:
                return pd.DataFrame(columns=list(TABLES[name]), dtype=str)
            frame = pd.read_json(path, lines=True, dtype=False)
        else:
            frame = pd.read_parquet(path)
        frame = frame.reindex(columns=list(TABLES[name]))
        return frame.astype(object).where(frame.notna(), "").astype(str)
    raise FileNotFoundError(f"no {name} table (.csv, .jsonl or .parquet) in {folder}")
