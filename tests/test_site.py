"""The course website (``python -m course_tools site``), built and opened in a real browser.

The site is built once for this module from whatever notebooks are in ``notebooks/`` now,
served from a thread on 127.0.0.1, and every page is opened in headless Chromium with every
request to another host blocked (and recorded). Each page must load with no console error
and no request elsewhere, show every image, have its maths typeset by the local MathJax,
and have its Colab and Binder links; a solution stays hidden until its toggle is opened;
the index links to every notebook page; search and previous/next work. Screenshots of the
index and of a notebook page with maths and a figure, at 1024×768, go to
``tests/artifacts/``, with the build time and page count in ``site-build.json``.

Without Chromium (or Playwright) the browser tests are skipped, unless
``MLP_CORE_REQUIRE_BROWSER=1`` (CI), which makes that a failure.
"""

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from helpers import ARTIFACTS, TIMEOUT_MS, chromium_path, launch_chromium, need, serve_folder

from course_tools import course
from course_tools.editions import cell_source, has_solution
from course_tools.site import (
    CourseRow,
    build_site,
    course_table,
    match_rows,
    site_notebook,
)

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install playwright)"
    if chromium_path() is None:
        return "no chromium on PATH (Debian: apt-get install chromium)"
    return None


# --- the pieces, without a browser ---------------------------------------------------------


def test_course_table_matches_notebooks_by_name_even_when_renumbered(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# A course\n\n[![Binder](x)](y)\n\nIntro line.\n\n## The course\n\n"
        "| # | notebook | in one line | runs in |\n|---|---|---|---|\n"
        "| 00 | Meet MNIST | digits as numbers | 9 s |\n"
        "| 01 | Softmax and cross-entropy | the `A − Y` gradient | 5 s |\n"
        "| 02 | Old title | renamed since | 7 s |\n\nAfter.\n",
        encoding="utf-8",
    )
    title, intro, rows = course_table(readme)
    assert title == "A course"
    assert intro == "Intro line."
    assert rows[1] == CourseRow("01", "Softmax and cross-entropy", "the `A − Y` gradient", "5 s")
    paths = [
        Path(n)
        for n in ("00_meet_mnist.ipynb", "02_new.ipynb", "04_softmax_and_cross_entropy.ipynb")
    ]
    matched = match_rows(paths, rows)
    assert matched[paths[0]].title == "Meet MNIST"
    assert matched[paths[2]].runtime == "5 s"  # by name, though its number moved from 01 to 04
    assert matched[paths[1]].title == "Old title"  # no name match: by number


def test_course_table_missing_is_a_clear_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# A course\n\nNo table.\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"no course table .*\| # \| notebook \|"):
        course_table(readme)


def test_site_notebook_stubs_exercises_links_student_edition_and_drops_setup() -> None:
    path = sorted(NOTEBOOKS.glob("*.ipynb"))[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    page = site_notebook(nb, f"student/{path.name}", "notebooks", {path.name})
    sources = [cell_source(c) for c in page["cells"]]
    assert course.colab_url(f"student/{path.name}") in sources[0]
    assert course.binder_url(f"student/{path.name}") in sources[0]
    assert "colab-badge.svg" not in sources[0]  # an image from another host
    code = [s for c, s in zip(page["cells"], sources) if c["cell_type"] == "code"]
    assert not any(has_solution(s) for s in code)
    n_exercises = sum(has_solution(cell_source(c)) for c in nb["cells"] if c["cell_type"] == "code")
    assert sum('<details class="solution">' in s for s in sources) == n_exercises > 0
    setup = [c for c in page["cells"] if cell_source(c).startswith(course.SETUP_MARKER)]
    assert setup and all("remove-cell" in c["metadata"]["tags"] for c in setup)
    assert "remove-cell" not in json.dumps(nb)  # the notebook itself is not changed


def test_site_refuses_a_folder_it_did_not_build(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "course_tools", "site", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "not empty and not a site built by this command" in result.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


# --- the built site in Chromium ------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the notebooks and the README as they are now: the site is built from it
    and checked against it, so edits made meanwhile do not mix two versions."""
    root = tmp_path_factory.mktemp("snapshot")
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    shutil.copy2(REPO / "README.md", root / "README.md")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, snapshot: Path):
    """The site built once from the snapshot of the notebooks."""
    out = tmp_path_factory.mktemp("site") / "html"
    report = build_site(
        out, snapshot / "notebooks", snapshot / "README.md", repository_folder="notebooks"
    )
    n_html = len(list(out.glob("*.html")))
    ARTIFACTS.mkdir(exist_ok=True)
    measured = {
        "build_seconds": round(report.seconds, 1),
        "notebook_pages": len(report.pages),
        "html_pages": n_html,
        "size_mb": round(sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6, 1),
        "warnings": report.warnings,
    }
    (ARTIFACTS / "site-build.json").write_text(json.dumps(measured, indent=1), encoding="utf-8")
    print(f"\nsite: {measured}")
    return report


@pytest.fixture(scope="module")
def base_url(site):
    """The site served by http.server from a thread on 127.0.0.1."""

    with serve_folder(site.index.parent) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium window at 1024×768 for the module (pages share its cache)."""
    need(_missing())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        context = chromium.new_context(viewport={"width": 1024, "height": 768})
        yield context
        context.close()
        chromium.close()


class Visit:
    """A page opened with requests to other hosts blocked; records what went wrong."""

    def __init__(self, context, url: str) -> None:
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.goto(url, wait_until="load")
        # Pages with maths load MathJax (deferred: it has run by "load"); it typesets after
        # the page has loaded, so wait until it is done.
        self.page.evaluate("() => window.MathJax?.startup?.promise ?? null")

    def _route(self, route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def close(self) -> None:
        self.page.close()


def _widget_fallbacks(path: Path) -> list[str]:
    """The saved text/plain fallbacks of the widget outputs of one notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/plain" in data:
                plain = data["text/plain"]
                texts.append(plain if isinstance(plain, str) else "".join(plain))
    return texts


def _figure_count(path: Path) -> int:
    """How many image outputs (PNG, JPEG, SVG) one notebook has saved."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    kinds = ("image/png", "image/jpeg", "image/svg+xml")
    return sum(
        any(kind in output.get("data", {}) for kind in kinds)
        for cell in nb["cells"]
        for output in cell.get("outputs", [])
    )


PAGE_CHECKS = """() => {
  const article = document.querySelector("article");
  const prose = article.cloneNode(true);
  prose.querySelectorAll("pre, code, mjx-container").forEach((e) => e.remove());
  const images = [...document.images];
  const maths = [...article.querySelectorAll(".math")];
  return {
    figures: article.querySelectorAll(".cell_output img").length,
    broken: images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    maths: maths.length,
    untypeset: maths.filter((m) => !m.querySelector("mjx-container")).length,
    texErrors: article.querySelectorAll("mjx-merror").length,
    rawDollars: prose.textContent.includes("$$"),
    text: article.innerText,
    colab: [...document.querySelectorAll("a.launch-colab")].map((a) => a.href),
    binder: [...document.querySelectorAll("a.launch-binder")].map((a) => a.href),
  };
}"""


# Where to scroll so that typeset maths and a whole figure are in the window (or null).
FIND_MATHS_AND_FIGURE = """() => {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return [r.top + window.scrollY, r.bottom + window.scrollY];
  };
  const maths = [...document.querySelectorAll("article .math mjx-container")].map(box);
  const figures = [...document.querySelectorAll("article .cell_output img")].map(box);
  for (const [ft, fb] of figures) {
    for (const [mt, mb] of maths) {
      const top = Math.min(ft, mt), bottom = Math.max(fb, mb);
      if (bottom - top < window.innerHeight - 60) return Math.max(0, top - 30);
    }
  }
  return null;
}"""
MATHS_AND_FIGURE_IN_VIEW = """() => {
  const seen = (e) => {
    const r = e.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
  };
  return [...document.querySelectorAll(".math mjx-container")].some(seen)
    && [...document.querySelectorAll(".cell_output img")].some(seen);
}"""


def test_every_page_loads_offline_with_images_maths_and_launch_links(
    snapshot, site, base_url, browser
):
    notebooks = sorted((snapshot / "notebooks").glob("*.ipynb"))
    assert [p.name for p in site.pages] == [f"{p.stem}.html" for p in notebooks]
    typeset = 0
    for name in ["index.html", "search.html"] + [p.name for p in site.pages]:
        visit = Visit(browser, base_url + name)
        try:
            found = visit.page.evaluate(PAGE_CHECKS)
            assert visit.blocked == [], f"{name} asked another host for {visit.blocked}"
            assert visit.errors == [], f"{name}: {visit.errors}"
            assert found["broken"] == [], f"{name}: images that did not load"
            assert found["untypeset"] == 0 and found["texErrors"] == 0, name
            assert not found["rawDollars"], f"{name}: raw $$ left in the prose"
            typeset += found["maths"]
            if name in ("index.html", "search.html"):
                continue
            notebook = snapshot / "notebooks" / name.replace(".html", ".ipynb")
            assert found["figures"] == _figure_count(notebook), f"{name}: figures missing"
            assert found["colab"] == [course.colab_url(f"student/{notebook.name}")], name
            assert found["binder"] == [course.binder_url(f"student/{notebook.name}")], name
            for fallback in _widget_fallbacks(notebook):
                assert fallback in found["text"], f"{name}: widget fallback {fallback!r}"
        finally:
            visit.close()
    assert typeset > 0  # the course has maths, and MathJax typeset all of it


def test_solutions_are_hidden_until_their_toggle_is_opened(site, base_url, browser):
    page_with = next(p for p in site.pages if 'class="solution"' in p.read_text(encoding="utf-8"))
    visit = Visit(browser, base_url + page_with.name)
    try:
        solution = visit.page.locator("details.solution").first
        code = solution.locator("pre")
        assert code.is_hidden()
        # The stub the student edition has is what shows above it.
        assert visit.page.get_by_text("# YOUR CODE HERE").first.is_visible()
        solution.locator("summary").click()
        code.wait_for(state="visible")
        assert "raise NotImplementedError" not in code.inner_text()
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.close()


def test_index_links_every_notebook_with_its_summary_and_run_time(
    snapshot, site, base_url, browser
):
    _, _, rows = course_table(snapshot / "README.md")
    matched = match_rows(sorted((snapshot / "notebooks").glob("*.ipynb")), rows)
    visit = Visit(browser, base_url + "index.html")
    try:
        table = visit.page.locator("article table")
        hrefs = table.locator("a").evaluate_all("(links) => links.map((a) => a.href)")
        assert hrefs == [base_url + p.name for p in site.pages]
        text = table.inner_text()
        for row in matched.values():
            assert row.runtime in text
            assert row.summary.replace("`", "") in text
        # Previous/next: the index leads to the first notebook, which leads to the second.
        first = visit.page.locator("a.next-page")
        assert first.get_attribute("href") == site.pages[0].name
        first.click()
        visit.page.wait_for_url(base_url + site.pages[0].name)
        assert visit.page.locator("a.next-page").get_attribute("href") == site.pages[1].name
        assert visit.page.locator("a.prev-page").get_attribute("href") == "index.html"
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.close()


def test_search_finds_a_notebook(site, base_url, browser):
    visit = Visit(browser, base_url + "search.html?q=softmax")
    try:
        results = visit.page.locator("ul.search li a")
        results.first.wait_for()
        found = results.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
        assert any("softmax" in href for href in found), found
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.close()


def test_screenshots_of_the_index_and_a_page_with_maths_and_a_figure(site, base_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    # A fresh window: no search terms highlighted from the search test.
    fresh = browser.browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        visit = Visit(fresh, base_url + "index.html")
        visit.page.screenshot(path=str(ARTIFACTS / "site-index.png"))
        visit.close()
        # The first notebook page with typeset maths and a whole figure in one screen.
        for page in site.pages:
            visit = Visit(fresh, base_url + page.name)
            top = visit.page.evaluate(FIND_MATHS_AND_FIGURE)
            if top is not None:
                visit.page.evaluate(f"() => window.scrollTo(0, {top})")
                visit.page.screenshot(path=str(ARTIFACTS / "site-notebook.png"))
                assert visit.page.evaluate(MATHS_AND_FIGURE_IN_VIEW), page.name
                assert visit.errors == [] and visit.blocked == []
                return
            visit.close()
        pytest.fail("no notebook page has maths and a figure within one screen")
    finally:
        fresh.close()
