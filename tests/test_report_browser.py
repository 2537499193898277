"""The report in a real headless browser: click a matrix cell, see its evidence, keep a screenshot.

Drives Debian's chromium through playwright; skipped, with a message, where it is not installed
(`.ci/run` installs it). The screenshot is saved with the test's files; with EMN_UPDATE_DOCS=1
it also replaces docs/report.png, the one the README shows.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLES
from .test_report import EVIL

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS_SCREENSHOT = ROOT / "docs" / "report.png"
SAMPLE = str(SAMPLES / "emn-ahq-1055-summary.txt")

if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM}; install Debian's chromium to run", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")


def emn(*args):
    result = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: page.errors.append(f"request {request.url}")
            if not request.url.startswith(("file:", "data:", "about:")) else None)
    yield page
    page.close()


def report(tmp_path, *inputs, folders=()) -> str:
    out = tmp_path / "out"
    emn("run", *inputs, "--out", str(out), "--quiet")
    emn("report", str(out), *(f"--inputs={folder}" for folder in folders))
    return (out / "report.html").as_uri()


def test_click_a_cell_shows_its_evidence(page, tmp_path):
    page.goto(report(tmp_path, SAMPLE))
    panel = page.locator("#panel-d0")
    assert "Click a cell" in panel.inner_text()
    cell = page.locator("#matrix-d0 tr", has=page.locator("th", has_text="BE")).locator("td.cell").nth(3)  # 3.4
    assert "Eight Member States" in cell.get_attribute("title")  # the hover text
    cell.click()
    sync_api.expect(panel).to_contain_text("BE · 3.4")
    sync_api.expect(panel).to_contain_text("no formal framework in place")
    assert panel.locator("li").count() == 3
    assert panel.locator("blockquote mark").first.inner_text() == "BE"
    assert "selected" in cell.get_attribute("class")
    page.evaluate("window.scrollTo(0, document.querySelector('#matrix-d0').getBoundingClientRect().top"
                  " + window.scrollY - 90)")
    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    if os.environ.get("EMN_UPDATE_DOCS"):
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)
    assert page.errors == []


def test_text_spans_and_cross_document_squares_open_cells(page, tmp_path):
    (tmp_path / "evil-summary.txt").write_text(EVIL, encoding="utf-8")
    page.goto(report(tmp_path, SAMPLE, str(tmp_path / "evil-summary.txt"), folders=[tmp_path]))
    assert page.title().startswith("emn report")  # no script from a document ran
    assert page.locator("img").count() == 0
    sync_api.expect(page.locator("#doc-1 .doctext")).to_contain_text("<script>document.title='pwned'</script>")
    page.locator("#doc-1 .doctext mark", has_text="Germany").click()
    sync_api.expect(page.locator("#panel-d1")).to_contain_text("DE · 2.1")
    sync_api.expect(page.locator("#panel-d1")).to_contain_text("<img src=x onerror=")
    square = page.locator("#cross tr", has=page.locator("th", has_text="LU")).locator("a.sq").first
    square.click()
    sync_api.expect(page.locator("#panel-d0")).to_contain_text("LU · 3.1")
    assert page.errors == []
