"""Fuzzing the readers with damaged PDFs and Word files: whatever the damage, `emn run` gives
each file one outcome (its rows or one error line), never a traceback, stays under the memory
bound, and leaves no `.partial` file. Hypothesis draws the damage; each example is one run
over a folder of damaged files. EMN_FUZZ_EXAMPLES sets the number of runs (3 by default,
so that `make test` stays quick; raise it for a longer search).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .hostile import SAMPLES, emn_measured, errors

PDF = (SAMPLES / "emn-ahq-1055-summary.pdf").read_bytes()
DOCX = (SAMPLES / "emn-ahq-1055-summary.docx").read_bytes()
MEMORY_LIMIT_MB = 512  # --max-memory of the fuzz runs
MEMORY_BOUND_MB = MEMORY_LIMIT_MB + 350  # plus a worker's own interpreter, spaCy and the pipeline
EXAMPLES = int(os.environ.get("EMN_FUZZ_EXAMPLES", "3"))

# one damage: what to do, where (a fraction of the data), how much, with which byte
damages = st.tuples(st.sampled_from(["flip", "cut", "insert", "repeat", "zero"]), st.floats(0, 1),
                    st.integers(1, 4096), st.integers(0, 255))


def damaged(data: bytes, damage: tuple[str, float, int, int]) -> bytes:
    kind, where, size, byte = damage
    at = int(where * len(data))
    if kind == "flip":
        return data[:at] + bytes(b ^ (1 << (byte % 8)) for b in data[at:at + size]) + data[at + size:]
    if kind == "cut":
        return data[:at] + data[at + size:]
    if kind == "insert":
        return data[:at] + bytes([byte]) * size + data[at:]
    if kind == "repeat":
        return data[:at + size] + data[at:]
    return data[:at] + bytes(size) + data[at + size:]


def damaged_docx(damage: tuple[str, float, int, int]) -> bytes:
    """The Word file with its main XML part damaged, then zipped again, so the damage reaches
    the reader rather than only the ZIP's checksums."""
    source = zipfile.ZipFile(io.BytesIO(DOCX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info.filename)
            package.writestr(info, damaged(data, damage) if info.filename == "word/document.xml" else data)
    return out.getvalue()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pdf_damage=st.lists(damages, min_size=1, max_size=4), docx_damage=st.lists(damages, min_size=1, max_size=4),
       xml_damage=damages)
def test_damaged_pdf_and_word_files_never_break_a_run(tmp_path_factory, pdf_damage, docx_damage, xml_damage):
    folder = tmp_path_factory.mktemp("fuzz")
    files = {}
    for number, damage in enumerate(pdf_damage):
        files[f"p{number}.pdf"] = damaged(PDF, damage)
    for number, damage in enumerate(docx_damage):
        files[f"w{number}.docx"] = damaged(DOCX, damage)
    files["x.docx"] = damaged_docx(xml_damage)
    (folder / "in").mkdir()
    for name, data in files.items():
        (folder / "in" / name).write_bytes(data)
    result, peak = emn_measured("run", str(folder / "in"), "--out", str(folder / "out"), "--timeout", "30",
                                "--max-memory", str(MEMORY_LIMIT_MB), "--jobs", "2", timeout=300)
    assert result.returncode in (0, 1), result.stderr
    failed = errors(result)  # asserts that every line of stderr is emn's own: no traceback
    assert not [line for line in failed if "internal error" in line], failed
    succeeded = result.stdout.splitlines()[:-1]
    outcomes = [Path(line.removeprefix("emn: error: ").split(": ")[0]).name for line in failed]
    outcomes += [line.split(": ")[0] for line in succeeded]
    assert sorted(outcomes) == sorted(files)  # one outcome per file
    assert f"{len(succeeded)} documents ok, {len(failed)} failed" in result.stdout
    assert peak < MEMORY_BOUND_MB
    if (folder / "out").exists():
        assert not [p.name for p in (folder / "out").iterdir() if p.name.endswith(".partial") or p.name[0] == "."]
