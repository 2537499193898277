"""Hostile and unlucky inputs, built at test time (no bomb is committed), and how to run `emn`
on them the way a user would: as a process, bounded in time, with its peak memory measured.

Each builder writes one file and returns its path. The PDFs are written object by object
with a cross-reference table, so each carries exactly the defect it is named for.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
MB = 1024 * 1024
PEAK = """
import resource, subprocess, sys
completed = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(completed.returncode)
"""


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (numbered from 1, the first the catalog), with its xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start))
    return out.getvalue()


def _one_page(contents: bytes) -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %s /Resources << >> >>" % contents]


def cyclic_contents_pdf(path: Path) -> Path:
    """A page whose /Contents refers to an object that refers back: pdfminer resolves it forever."""
    path.write_bytes(pdf_bytes(_one_page(b"5 0 R") + [b"<< >>", b"6 0 R", b"5 0 R"]))
    return path


def flate_bomb_pdf(path: Path, inflated_mb: int = 2048) -> Path:
    """One content stream of about a megabyte that inflates to `inflated_mb` MB of zeros.

    Deflate blocks after a full flush do not depend on what came before, so one megabyte's
    block is compressed once and repeated; the checksum is computed as zlib would."""
    chunk = bytes(MB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(inflated_mb):
        checksum = zlib.adler32(chunk, checksum)
    stream = b"\x78\xda" + block * inflated_mb + b"\x03\x00" + checksum.to_bytes(4, "big")
    objects = _one_page(b"4 0 R") + [b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                                     % (len(stream), stream)]
    path.write_bytes(pdf_bytes(objects))
    return path


def sparse_pdf(path: Path, size: int = 3 * 1024 * MB) -> Path:
    """A PDF header, gigabytes of nothing (a sparse file: no disk used), and an end marker."""
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.seek(size - 6)
        handle.write(b"%%EOF\n")
    return path


def docx_bomb(path: Path, inflated_mb: int = 300) -> Path:
    """The sample Word file with one more XML part of `inflated_mb` MB that zips to about 1/200."""
    sample = zipfile.ZipFile(SAMPLES / "emn-ahq-1055-summary.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        for info in sample.infolist():
            bomb.writestr(info, sample.read(info.filename))
        with bomb.open("word/padding.xml", "w", force_zip64=True) as part:
            run = b"<w:r><w:t>" + b"a" * MB + b"</w:t></w:r>"
            for _ in range(inflated_mb):
                part.write(run)
    return path


def emn(*args: str, cwd: Path = ROOT, timeout: float = 180, prefix: tuple[str, ...] = (),
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`emn ARGS` as a user runs it; a run that hangs fails the test at `timeout` seconds."""
    return subprocess.run([*prefix, sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def emn_measured(*args: str, cwd: Path = ROOT, timeout: float = 180) -> tuple[subprocess.CompletedProcess[str], float]:
    """`emn ARGS` and the peak resident memory, in MB, of the largest process it ran (itself or
    a worker): a wrapper waits for it, so the kernel's account covers exactly that tree."""
    result = emn(*args, cwd=cwd, timeout=timeout, prefix=(sys.executable, "-c", PEAK))
    *lines, peak = result.stderr.rstrip("\n").split("\n")
    result.stderr = "\n".join(lines) + ("\n" if lines else "")
    return result, int(peak) / 1024


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The `emn: error:` lines of a run; every line of stderr must be one of emn's own."""
    lines = result.stderr.splitlines()
    assert all(line.startswith("emn: ") for line in lines), result.stderr  # no traceback, no forged line
    return [line for line in lines if line.startswith("emn: error: ")]


def without_privileges() -> tuple[str, ...]:
    """A command prefix under which file permissions hold: root drops the capabilities that
    let it read and write anything (setpriv, util-linux); anyone else needs nothing."""
    if os.geteuid() != 0:
        return ()
    return ("setpriv", "--inh-caps=-all", "--bounding-set=-all", "--")


def on_small_disk(mount: Path, seed: Path, after: Path, size_kb: int) -> tuple[str, ...]:
    """A command prefix that runs it with a tmpfs of `size_kb` KB on `mount`, holding a copy of
    `seed`, in a user and mount namespace of its own (util-linux unshare): a real full disk,
    for no one else. What the tmpfs holds at the end is copied to `after`."""
    script = (f'mount -t tmpfs -o size={size_kb}k tmpfs "{mount}" && cp -a "{seed}/." "{mount}/" && '
              f'{{ "$@"; status=$?; cp -a "{mount}/." "{after}/"; exit $status; }}')
    return ("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh")


def manifest(folder: Path) -> dict[str, object]:
    return dict(json.loads((folder / "emn-manifest.json").read_text(encoding="utf-8")))
