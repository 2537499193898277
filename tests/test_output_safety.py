"""The output folder through everything a run can meet: other formats, a concurrent run, a run
killed by SIGTERM or SIGKILL mid-write, a full disk, an --out that cannot be written, inputs
that cannot be read. Previous tables stay whole, nothing is left behind, every error is one
line naming the file and the reason, with the exit status the README gives.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .hostile import ROOT, SAMPLES, emn, errors, manifest, on_small_disk, without_privileges

SAMPLE = SAMPLES / "emn-ahq-1055-summary.txt"
SMALL = ("Summary of EMN Ad-Hoc Query No. 4711 from 2 May 2022\n\nA test query\n\n1. INTRODUCTION\n\n"
         "It is based on contributions from 2 Member States (BE, CZ).\n\n2. SUMMARY\n\n"
         "2.1. Do Member States do it?\n\nTwo Member States (BE, CZ) do it.\n")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".partial"))


@pytest.fixture
def old_outputs(tmp_path) -> Path:
    """An output folder holding the tables of a short summary: what must survive."""
    (tmp_path / "small.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert emn("run", str(tmp_path / "small.txt"), "--out", str(out), "-q").returncode == 0
    return out


def test_another_format_replaces_the_whole_set(old_outputs):
    assert emn("run", str(SAMPLE), "--out", str(old_outputs), "--format", "parquet", "-q").returncode == 0
    assert sorted(p.name for p in old_outputs.iterdir()) == [
        "checks.parquet", "documents.parquet", "emn-manifest.json", "questions.parquet", "responses.parquet"]
    assert manifest(old_outputs)["format"] == "parquet"
    shown = emn("show", str(old_outputs), "--country", "BE", "--question", "3.4")
    assert shown.returncode == 0 and "Eight Member States" in shown.stdout


def test_a_table_from_another_run_is_refused_by_every_reader(old_outputs, tmp_path):
    """What an interrupted commit or two runs into one folder would leave: a mixed set."""
    small_responses = (old_outputs / "responses.csv").read_bytes()
    assert emn("run", str(SAMPLE), "--out", str(old_outputs), "-q").returncode == 0
    (old_outputs / "responses.csv").write_bytes(small_responses)
    for command in (["show", str(old_outputs)], ["report", str(old_outputs), "-o", str(tmp_path / "r.html")],
                    ["evaluate", "--pred", str(old_outputs)]):
        result = emn(*command)
        assert result.returncode == 1, command
        (line,) = result.stderr.splitlines()
        assert line.startswith("emn: ") and "responses.csv: not the table the run wrote" in line


def test_a_second_run_into_the_same_folder_is_refused(old_outputs):
    before = digests(old_outputs)
    descriptor = os.open(old_outputs, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)  # as a run in progress holds it
    try:
        result = emn("run", str(SAMPLE), "--out", str(old_outputs))
    finally:
        os.close(descriptor)
    assert result.returncode == 2
    (error,) = errors(result)
    assert "another `emn run` is writing there" in error
    assert digests(old_outputs) == before


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(status.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGKILL])
def test_a_run_killed_mid_write_keeps_the_old_tables_whole(old_outputs, tmp_path, sent):
    """Killed while its workers write rows: no debris, no orphan worker, the old set intact."""
    before = digests(old_outputs)
    (tmp_path / "many").mkdir()
    for number in range(200):  # enough that the run cannot finish in the second before the signal
        shutil.copy(SAMPLES / "emn-ahq-1055-summary.pdf", tmp_path / "many" / f"s{number:03d}.pdf")
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(tmp_path / "many"), "--out",
                            str(old_outputs), "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and not (workers and _writing(run.pid)):
        time.sleep(0.05)
        workers = _children(run.pid)
    time.sleep(1.0)  # a few documents in: the rows of the first ones are being written
    run.send_signal(sent)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode in (-sent, 128 + sent), stderr  # killed, not finished
    if sent == signal.SIGTERM:
        assert stderr.splitlines() == ["emn: terminated; outputs left unchanged"]
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers and not [pid for pid in workers if _running(pid)]
    assert digests(old_outputs) == before
    assert hidden(old_outputs) == []


def _writing(pid: int) -> bool:
    """The run holds its unnamed table files open: it is past setting up and writing rows."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return sum(link.endswith("(deleted)") for link in links) >= 4


def test_a_full_disk_is_one_line_and_the_old_tables_stay(old_outputs, tmp_path):
    mount, after = tmp_path / "disk", tmp_path / "after"
    mount.mkdir()
    after.mkdir()
    prefix = on_small_disk(mount, old_outputs, after, size_kb=96)
    result = emn("run", str(SAMPLE), str(SAMPLES / "emn-ahq-1055-summary.pdf"), "--out", str(mount), prefix=prefix)
    assert result.returncode == 1, result.stderr
    (error,) = errors(result)
    assert str(mount) in error and "No space left on device" in error and "outputs left unchanged" in error
    assert digests(after) == digests(old_outputs)


def test_an_out_under_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "file").write_text("")
    result = emn("run", str(SAMPLE), "--out", str(tmp_path / "file" / "out"))
    assert result.returncode == 2
    (error,) = errors(result)
    assert "file/out: cannot write the tables there: Not a directory" in error


def test_an_out_that_cannot_be_written_is_a_usage_error(old_outputs):
    before = digests(old_outputs)
    old_outputs.chmod(0o555)
    try:
        result = emn("run", str(SAMPLE), "--out", str(old_outputs), prefix=without_privileges())
    finally:
        old_outputs.chmod(0o755)
    assert result.returncode == 2
    (error,) = errors(result)
    assert "cannot write the tables there: Permission denied" in error
    assert digests(old_outputs) == before


def test_inputs_that_cannot_be_entered_are_reported_and_the_others_written(tmp_path):
    tree = tmp_path / "in"
    for folder in ("locked", "open/closed", "shut"):
        (tree / folder).mkdir(parents=True)
    for path in (tree / "locked" / "a.txt", tree / "open" / "b.txt", tree / "open" / "closed" / "c.txt",
                 tree / "shut" / "d.txt"):
        path.write_bytes(SAMPLE.read_bytes())
    modes = {tree / "locked": 0o000, tree / "open" / "closed": 0o000, tree / "shut": 0o600}
    for folder, mode in modes.items():
        folder.chmod(mode)
    try:
        result = emn("run", str(tree / "locked"), str(tree / "open"), str(tree / "shut" / "d.txt"),
                     "--out", str(tmp_path / "out"), prefix=without_privileges())
    finally:
        for folder in modes:
            folder.chmod(0o755)
    assert result.returncode == 1
    found = errors(result)
    assert len(found) == 3, found
    for name, reason in (("in/locked:", "cannot read the folder: Permission denied"),
                         ("open/closed:", "cannot read the folder: Permission denied"),
                         ("shut/d.txt:", "cannot read it: Permission denied")):
        assert any(name in line and reason in line for line in found), (name, found)
    assert "1 documents ok, 3 failed" in result.stdout
