"""Writers: rows streamed into table files, committed as one set, and read back, in csv, jsonl
or parquet.

A run's tables are one set: documents from one run must never meet responses from another.
Rows are streamed into files that have no name yet (Linux `O_TMPFILE`; elsewhere hidden
`.partial` files), so a run that dies, even by SIGKILL, leaves nothing behind. `commit` puts
the four tables in place, then writes `emn-manifest.json` last, naming the format and each
table's rows, size and SHA-256; readers trust only tables that match it, so an interrupted
commit, a concurrent run or a truncated file is an error, never a silent mix. Tables of other
formats from earlier runs are removed, and a lock on the folder keeps two runs from writing
it at once.

CSV cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
carriage return) get a leading `'` (the OWASP rule); reading the CSV back removes it, and
Parquet and JSONL keep the text exact.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..printable import path_text
from ..schema import INT_COLUMNS, TABLES

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow.parquet as pq

    from .tables import Extraction

__all__ = ["FORMATS", "MANIFEST", "OutputError", "TableError", "TableWriter", "encode_rows", "guard_cell",
           "read_table", "read_tables"]

FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
MANIFEST = "emn-manifest.json"
FORMULA = re.compile(r"'*[=+\-@\t\r]")  # a cell a spreadsheet would run, after any quotes already guarding it
GUARDED = re.compile(r"'+[=+\-@\t\r]")
STALE = re.compile(rf"\.(?:{'|'.join(TABLES)}|emn-manifest)\..*\.partial")  # hidden files of killed runs


class OutputError(Exception):
    """The output folder cannot take the tables; the message is one line naming it and the reason.

    `unusable` when the folder could not be used at all, before anything was processed."""

    def __init__(self, message: str, unusable: bool = False) -> None:
        super().__init__(message)
        self.unusable = unusable


class TableError(Exception):
    """A table that cannot be trusted or read; the message is one line naming the file and the reason."""


def guard_cell(value: str) -> str:
    """A CSV cell that cannot start a spreadsheet formula: `=SUM(A1)` is written `'=SUM(A1)`.

    A cell already starting with quotes before such a character gets one more, so that reading
    removes exactly one and every text comes back as it was."""
    return "'" + value if FORMULA.match(value) else value


def unguard_cell(value: str) -> str:
    return value[1:] if GUARDED.match(value) else value


class Unnamed:
    """A file in a folder that has no name until `link`, so that the kernel reclaims it if the
    run dies; where the file system cannot do that, a hidden `.partial` file stands in."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder, self.name = folder, name
        self.path: Path | None = None
        try:
            self.fd = os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o666)
        except (AttributeError, OSError) as error:
            if isinstance(error, OSError) and error.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise
            self.path = self._hidden()
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        self.stream: BinaryIO = open(self.fd, "wb", closefd=False)  # noqa: SIM115 -- closed in close()

    def _hidden(self) -> Path:
        return self.folder / f".{self.name}.{secrets.token_hex(4)}.partial"

    def digest(self) -> tuple[int, str]:
        """Size and SHA-256 of what was written, read back from the file."""
        self.stream.flush()
        digest, size, offset = hashlib.sha256(), 0, 0
        while block := os.pread(self.fd, 1 << 20, offset):
            digest.update(block)
            size += len(block)
            offset += len(block)
        return size, digest.hexdigest()

    def link(self, target: Path) -> None:
        """Give the file its name, replacing whatever had it, after it is safely on disk."""
        self.stream.flush()
        os.fsync(self.fd)
        if self.path is None:
            self.path = self._hidden()  # named for the instant between the link and the rename
            descriptors = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
            try:  # linkat(AT_SYMLINK_FOLLOW) through /proc, the way open(2) documents for O_TMPFILE
                os.link(str(self.fd), self.path, src_dir_fd=descriptors, follow_symlinks=True)
            finally:
                os.close(descriptors)
        os.replace(self.path, target)
        self.path = None
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            try:
                self.stream.close()  # writes out what is buffered
            finally:
                os.close(self.fd)
                self.fd = -1

    def discard(self) -> None:
        try:
            self.close()
        except OSError:
            pass  # a full disk: what was buffered is dropped with the rest
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


class TableWriter:
    """Streams rows to unnamed files in the output folder; `commit` puts them in place as one set.

    Until `commit`, the previous outputs stay untouched, so a failed run loses nothing."""

    def __init__(self, folder: Path, fmt: str = "csv") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.folder = Path(folder)
        self.fmt = fmt
        self.counts = dict.fromkeys(TABLES, 0)
        self._files: dict[str, Unnamed] = {}
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._lock: int | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = _lock(self.folder)
            _remove_stale(self.folder)
            for name, columns in TABLES.items():
                self._files[name] = Unnamed(self.folder, name)
                if fmt == "csv":
                    self._files[name].stream.write((",".join(columns) + "\n").encode("utf-8"))
        except OSError as error:
            self.abort()
            raise OutputError(f"{path_text(self.folder)}: cannot write the tables there: "
                              f"{error.strerror or error}", unusable=True) from None

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
            self._files[name].stream.write(text.encode("utf-8"))

    def _write_parquet(self, name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.int64() if c in INT_COLUMNS else pa.string()) for c in columns])
        data = {c: [_typed(c, row[i]) for row in rows] for i, c in enumerate(columns)}
        if name not in self._parquet:
            self._parquet[name] = pq.ParquetWriter(self._files[name].stream, schema)
        self._parquet[name].write_table(pa.table(data, schema=schema))

    def commit(self) -> dict[str, Path]:
        """Put every table in place, then the manifest that vouches for them; returns the paths.

        Raises OutputError; should that happen halfway, the old manifest no longer matches the
        tables, and readers refuse them rather than mix two runs."""
        placed = False
        try:
            for name, columns in TABLES.items():
                if self.fmt == "parquet":
                    if name not in self._parquet:
                        self._write_parquet(name, columns, [])
                    self._parquet.pop(name).close()
            entries, final = {}, {}
            for name, unnamed in self._files.items():
                size, sha256 = unnamed.digest()
                final[name] = self.folder / f"{name}{FORMATS[self.fmt]}"
                entries[name] = {"file": final[name].name, "rows": self.counts[name], "bytes": size,
                                 "sha256": sha256}
            manifest = Unnamed(self.folder, "emn-manifest")
            self._files["emn-manifest"] = manifest
            manifest.stream.write((json.dumps({"format": self.fmt, "tables": entries}, indent=2) + "\n").encode())
            for name in TABLES:
                placed = True
                self._files.pop(name).link(final[name])
            self._files.pop("emn-manifest").link(self.folder / MANIFEST)
            for fmt, suffix in FORMATS.items():
                if fmt != self.fmt:
                    for name in TABLES:
                        (self.folder / f"{name}{suffix}").unlink(missing_ok=True)
            _sync_folder(self.folder)
        except OSError as error:
            state = ("the set there may be incomplete: readers refuse it; run again" if placed
                     else "outputs left unchanged")
            raise OutputError(f"{path_text(self.folder)}: cannot put the tables in place: "
                              f"{error.strerror or error} ({state})") from None
        finally:
            self.abort()
        return final

    def abort(self) -> None:
        """Drop what was written and release the folder; the previous outputs stay as they were."""
        for writer in self._parquet.values():
            try:
                writer.close()
            except OSError:
                pass  # the file is dropped anyway
        self._parquet.clear()
        for unnamed in self._files.values():
            unnamed.discard()
        self._files.clear()
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None


def _lock(folder: Path) -> int:
    """An exclusive lock on the folder itself, held until the run ends; another run is refused."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise OutputError(f"{path_text(folder)}: another `emn run` is writing there; "
                          f"wait for it to finish or choose another --out", unusable=True) from None
    except OSError:
        pass  # a file system without locks: write unlocked, as before
    return descriptor


def _remove_stale(folder: Path) -> None:
    """Hidden `.partial` files of runs killed before they could clean up (never a live run's:
    the lock is held)."""
    for entry in os.scandir(folder):
        if STALE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # not every file system syncs a folder
    finally:
        os.close(descriptor)


def encode_rows(extraction: Extraction, fmt: str) -> dict[str, tuple[int, str]]:
    """(row count, text) per table of one document, as a csv or jsonl writer appends them.

    Made where the document was processed: with --jobs the workers format the rows and the
    parent process only writes strings, so it does not become the bottleneck."""
    encoded = {}
    for name, columns in TABLES.items():
        rows = extraction.rows(name)
        if fmt == "csv":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(
                [guard_cell(v) if isinstance(v, str) else "" if v is None else v for v in row] for row in rows)
            text = buffer.getvalue()
        else:
            text = "".join(json.dumps(dict(zip(columns, row, strict=False)), ensure_ascii=False) + "\n"
                           for row in rows)
        encoded[name] = (len(rows), text)
    return encoded


def _typed(column: str, value: Any) -> Any:
    if column in INT_COLUMNS:
        return None if value in ("", None) else int(value)
    return "" if value is None else str(value)


# --- reading --------------------------------------------------------------------------------

def read_table(folder: Path, name: str) -> pd.DataFrame:
    """A table of an output folder as a DataFrame of strings, whatever format it was written in."""
    return read_tables(folder, (name,))[name]


def read_tables(folder: Path, names: tuple[str, ...] = tuple(TABLES)) -> dict[str, pd.DataFrame]:
    """Tables of an output folder as DataFrames of strings; TableError when one cannot be trusted.

    With a manifest, each table must be exactly the file the run wrote. Without one (tables
    made by hand or by an older version), a table must be in one format only and whole."""
    folder = Path(folder)
    manifest = _manifest(folder)
    tables = {}
    for name in names:
        if manifest is not None:
            path, fmt, data = _vouched(folder, manifest, name)
        else:
            path, fmt = _only_format(folder, name)
            data = _read_bytes(path)
        try:
            tables[name] = _parse(data, fmt, name)
        except TableError as error:
            raise TableError(f"{path_text(path)}: {error}") from None
    return tables


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise TableError(f"{path_text(path)}: cannot read it: {error.strerror or error}") from None


def _manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(_read_bytes(path))
        if manifest["format"] in FORMATS and all(name in manifest["tables"] for name in TABLES):
            return dict(manifest)
    except (ValueError, KeyError, TypeError):
        pass
    raise TableError(f"{path_text(path)}: not a manifest emn wrote (damaged?); run `emn run` again")


def _vouched(folder: Path, manifest: dict[str, Any], name: str) -> tuple[Path, str, bytes]:
    entry = manifest["tables"][name]
    path = folder / Path(str(entry["file"])).name
    if not path.exists():
        raise TableError(f"{path_text(path)}: missing, though {MANIFEST} lists it; run `emn run` again")
    data = _read_bytes(path)
    if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise TableError(f"{path_text(path)}: not the table the run wrote ({entry['rows']:,} rows, "
                         f"{entry['bytes']:,} bytes in {MANIFEST}; it has {len(data):,} bytes): truncated, "
                         f"changed, or from another run; run `emn run` again")
    return path, str(manifest["format"]), data


def _only_format(folder: Path, name: str) -> tuple[Path, str]:
    present = [(folder / f"{name}{suffix}", fmt) for fmt, suffix in FORMATS.items()
               if (folder / f"{name}{suffix}").exists()]
    if not present:
        raise TableError(f"{path_text(folder)}: no {name} table (.csv, .jsonl or .parquet)")
    if len(present) > 1:
        found = ", ".join(path.name for path, _ in present)
        raise TableError(f"{path_text(folder)}: {found} and no {MANIFEST} to tell which run is current; "
                         f"run `emn run` again")
    return present[0]


def _parse(data: bytes, fmt: str, name: str) -> pd.DataFrame:
    """One table's bytes as a DataFrame of strings with the contract's columns, or TableError."""
    import pandas as pd

    columns = list(TABLES[name])
    if fmt == "parquet":
        return _parse_parquet(data, columns)
    if not data:
        raise TableError("empty file (not even a header line)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TableError(f"not UTF-8 (invalid byte at offset {error.start})") from None
    if not text.endswith("\n"):
        raise TableError("truncated: the last line is incomplete")
    rows = _csv_rows(text, columns) if fmt == "csv" else _jsonl_rows(text, columns)
    return pd.DataFrame(rows, columns=columns, dtype=str)


def _csv_rows(text: str, columns: list[str]) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        if header != columns:
            raise TableError(f"not this table's header ({','.join(header)[:120]})")
        rows = []
        for row in reader:
            if len(row) != len(columns):
                raise TableError(f"line {reader.line_num} has {len(row)} fields, not {len(columns)} "
                                 f"(truncated or damaged)")
            rows.append([unguard_cell(cell) for cell in row])
    except csv.Error as error:
        raise TableError(f"line {reader.line_num}: {error} (truncated or damaged)") from None
    return rows


def _jsonl_rows(text: str, columns: list[str]) -> list[list[str]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            record = json.loads(line)
        except ValueError:
            raise TableError(f"line {number} is not JSON (truncated or damaged)") from None
        if not isinstance(record, dict) or set(record) != set(columns):
            raise TableError(f"line {number} is not a row of this table")
        rows.append(["" if record[c] is None else str(record[c]) for c in columns])
    return rows


def _parse_parquet(data: bytes, columns: list[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as error:
        reason = " ".join(str(error).split())[:160]
        raise TableError(f"not a readable Parquet file ({reason})") from None
    if table.column_names != columns:
        raise TableError(f"not this table's columns ({', '.join(table.column_names)[:120]})")
    strings = table.cast(pa.schema([(column, pa.string()) for column in columns]))
    return strings.to_pandas().fillna("").astype(str)
