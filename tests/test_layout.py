"""The package's shape: every module imports on its own, so no import cycle hides in it."""

import subprocess
import sys

import pytest

from .conftest import ROOT

MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "pipeline").rglob("*.py")
)


def test_the_package_has_its_subpackages():
    assert {"pipeline.ingest", "pipeline.stance", "pipeline.export", "pipeline.cli"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_alone(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]


def test_extract_gives_the_rows_emn_run_writes(tmp_path):
    from pipeline import extract
    from pipeline.export.batch import run_batch
    from pipeline.export.writers import read_table

    sample = ROOT / "samples" / "emn-ahq-1055-summary.txt"
    tables = extract([sample], jobs=1)
    run_batch([str(sample)], tmp_path, jobs=1)
    written = read_table(tmp_path, "responses")
    assert len(tables.responses) == len(written) > 100
    assert list(tables.responses["evidence"]) == list(written["evidence"])
    assert tables.responses["start_char"].dtype == "Int64"
    assert set(tables.documents["kind"]) == {"summary"}
