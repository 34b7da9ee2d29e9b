"""The course as a static website, built from the committed instructor notebooks.

    python -m course_tools site OUTDIR [--source notebooks] [--readme README.md]

writes ``OUTDIR/index.html`` (the course map: each notebook's one-line summary and run time,
read from the README's course table, the one place they are kept) and one page per
notebook with its prose, typeset maths, code, saved outputs and figures. Nothing is
executed: the pages show the outputs committed in the notebooks.

What the pages do differently from the notebooks:

- an exercise's code is shown as the student edition has it (``# YOUR CODE HERE``), and the
  instructor's full cell sits right below it, collapsed behind a "Show solution" toggle;
- the "Open in Colab" badge becomes two links, "Open in Colab" and "Launch Binder", both to
  the student edition (``student/`` in the repository, same file names), so the launch
  links never open the solutions;
- the Colab setup cell (``# Course setup``) is left out: it does nothing outside Colab;
- a widget's output shows its saved plain-text fallback (widgets need a running kernel).

The site is offline, building and viewing: Sphinx with myst-nb (no execution) and the Furo
theme (system fonts, no web fonts), with MathJax 3 copied into ``OUTDIR/_static/mathjax``
from the ``sphinx-mathjax-offline`` package (or ``--mathjax DIR``, a MathJax 3 folder such
as npm's ``mathjax@3/es5``). Search, previous/next links and the sidebar come from Sphinx
and Furo and run in the browser. Open ``OUTDIR/index.html`` directly, or serve it with
``python -m http.server -d OUTDIR``.
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import course
from .editions import BEGIN, END, cell_source, has_solution, stub_solutions

STUDENT_FOLDER = "student"  # where the student edition is published in the repository
SETUP_TAG = "remove-cell"  # myst-nb drops cells with this tag from the page

# The README's course table: "| # | notebook | in one line | runs in |" and its rows.
_TABLE_HEADER = re.compile(r"^\|\s*#\s*\|\s*notebook\s*\|", re.IGNORECASE)
# MathJax 3 as the pages use it: the combined TeX/CHTML component, its fonts, and all it may
# load on demand (TeX extensions, the menu, the accessibility explorer with its MathML input
# and speech rules). Left out: the other combined components and the SVG output.
_MATHJAX_ENTRY = "tex-chtml.js"
_MATHJAX_SKIP = ("tex-*.js", "mml-*.js", "node-main.js", "latest.js", "svg.js", "svg")


@dataclass(frozen=True)
class CourseRow:
    """One row of the README's course table."""

    number: str  # "00"
    title: str  # "Meet MNIST"
    summary: str  # "digits as numbers, ..."
    runtime: str  # "9 s"


@dataclass(frozen=True)
class Page:
    """One notebook page of the site."""

    path: Path  # the instructor notebook
    title: str  # its first heading
    row: CourseRow | None  # its row of the README's course table, if it has one


@dataclass(frozen=True)
class SiteReport:
    """What :func:`build_site` made."""

    index: Path  # OUTDIR/index.html
    pages: list[Path]  # one HTML page per notebook, in course order
    seconds: float  # wall-clock time of the build
    warnings: list[str]  # Sphinx's warnings, one per line


def course_table(readme: Path) -> tuple[str, str, list[CourseRow]]:
    """The course's title, introduction and course-map rows, read from the README.

    The title is the first ``# `` heading, the introduction the paragraphs between it (and
    its badges) and the first ``## `` heading, and the rows those of the table whose header
    starts with ``| # | notebook |`` (columns: number, title, one-line summary, run time).
    Raises ValueError if the README has no such table.
    """
    lines = readme.read_text(encoding="utf-8").splitlines()
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "The course")
    intro: list[str] = []
    started = False
    for line in lines:
        if line.startswith("# "):
            started = True
        elif line.startswith("## "):
            break
        elif started and not line.startswith("[!["):
            intro.append(line)
    start = next((i for i, ln in enumerate(lines) if _TABLE_HEADER.match(ln)), None)
    if start is None:
        raise ValueError(
            f"{readme}: no course table (a table whose header starts with '| # | notebook |'); "
            "the site takes each notebook's summary and run time from it"
        )
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            raise ValueError(f"{readme}: course table row {line!r} has fewer than 4 columns")
        rows.append(CourseRow(cells[0], cells[1], cells[2], cells[3]))
    return title, "\n".join(intro).strip(), rows


def _slug(text: str) -> str:
    """``"Softmax and cross-entropy"`` -> ``"softmax_and_cross_entropy"``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _stem(path: Path) -> tuple[str, str]:
    """``00_meet_mnist.ipynb`` -> ``("00", "meet_mnist")``."""
    number, _, rest = path.stem.partition("_")
    return (number, rest) if number.isdigit() else ("", path.stem)


def match_rows(paths: list[Path], rows: list[CourseRow]) -> dict[Path, CourseRow]:
    """Each notebook's row of the course table.

    A row belongs to the notebook whose file name, without its number, is the row's title
    in lower case with underscores (``Meet MNIST`` -> ``NN_meet_mnist.ipynb``), so
    renumbering the files keeps the match; a row whose title matches no file is matched by
    number to a file that has no row yet. Notebooks without a row are left out.
    """
    matched: dict[Path, CourseRow] = {}
    by_name = {_stem(p)[1]: p for p in paths}
    left = []
    for row in rows:
        path = by_name.get(_slug(row.title))
        if path is not None and path not in matched:
            matched[path] = row
        else:
            left.append(row)
    for row in left:
        path = next((p for p in paths if _stem(p)[0] == row.number and p not in matched), None)
        if path is not None:
            matched[path] = row
    return matched


def notebook_title(nb: dict, path: Path) -> str:
    """The first markdown heading of notebook ``nb`` (the file name if it has none)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            m = re.search(r"^#{1,6}\s+(.+?)\s*#*\s*$", cell_source(cell), re.MULTILINE)
            if m:
                return m.group(1)
    return path.stem


def launch_links(notebook: str) -> str:
    """HTML for the "Open in Colab" and "Launch Binder" links of one page.

    notebook: the notebook's path in the repository (``student/00_meet_mnist.ipynb``).
    """
    colab = course.colab_url(notebook)
    binder = course.binder_url(notebook)
    return (
        '<p class="launch-links">'
        f'<a class="launch-link launch-colab" href="{colab}">Open in Colab</a> '
        f'<a class="launch-link launch-binder" href="{binder}">Launch Binder</a>'
        "</p>"
    )


def _fence(code: str) -> str:
    """A backtick fence longer than any run of backticks in ``code``."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def solution_markdown(source: str) -> str:
    """A markdown cell that shows ``source`` (an exercise cell's full code) collapsed
    behind a "Show solution" toggle (an HTML ``<details>`` element)."""
    fence = _fence(source)
    return (
        '<details class="solution">\n<summary>Show solution</summary>\n\n'
        f"{fence}python\n{source.rstrip()}\n{fence}\n\n</details>\n"
    )


def _markdown_cell(cell_id: str, source: str) -> dict:
    """A markdown cell (nbformat 4.5: with an id) holding ``source``."""
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": [source]}


# A markdown link's target: ``[text](target)`` or ``[text](target "title")``.
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
_LINK_RE = re.compile(r"\]\(([^)\s]+)((?:\s+\"[^\"]*\")?)\)")


def _repository_links(markdown: str, folder: str, notebooks: set[str]) -> str:
    """``markdown`` with relative links to files other than the site's notebooks (say
    ``README.md``) pointed at those files on GitHub; ``folder`` is the notebooks' folder in
    the repository. Links to notebooks, anchors and addresses are left as they are."""

    def fix(m: re.Match) -> str:
        target, title = m.group(1), m.group(2)
        path = target.split("#", 1)[0]
        if not path or ":" in target or target.startswith("/") or path in notebooks:
            return m.group(0)
        if Path(path).suffix.lower() in _IMAGE_SUFFIXES:  # Sphinx copies images into the site
            return m.group(0)
        where = f"{folder}/{target}" if folder else target
        url = f"https://github.com/{course.REPOSITORY}/blob/{course.BRANCH}/{where}"
        return f"]({url}{title})"

    return _LINK_RE.sub(fix, markdown)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _widget_fallback(output: dict) -> None:
    """Show a widget output as its saved text/plain fallback, in a note that wraps (the
    widget itself needs a running kernel; a static page cannot show it)."""
    data = output.get("data", {})
    if WIDGET_VIEW not in data or "text/plain" not in data:
        return
    plain = data["text/plain"]
    plain = plain if isinstance(plain, str) else "".join(plain)
    note = f'<p class="widget-fallback">{html.escape(plain)}</p>'
    output["data"] = {"text/html": note, "text/plain": plain}


def site_notebook(
    nb: dict,
    notebook: str,
    repository_folder: str | None = None,
    notebooks: set[str] = frozenset(),
) -> dict:
    """The copy of notebook ``nb`` the site shows (``nb`` itself is not changed).

    notebook: the student edition's path in the repository, for the launch links. The
    Colab badge of the first cell becomes the launch links (or they are put first, if
    there is no badge), the setup cell is tagged to be left out, widget outputs become
    their plain-text fallback, and each exercise cell
    shows its stubbed code and is followed by a markdown cell with the solution collapsed.
    With ``repository_folder`` (the notebooks' folder in the repository), relative links to
    files that are not among ``notebooks`` (the site's notebook file names) go to GitHub.
    Raises ValueError if a cell's solution markers do not pair up.
    """
    page = copy.deepcopy(nb)
    links = launch_links(notebook)
    cells = page["cells"]
    first = cell_source(cells[0]) if cells and cells[0]["cell_type"] == "markdown" else ""
    with_links = course.replace_badge(first, links)
    if first and with_links != first:
        cells[0]["source"] = with_links.splitlines(keepends=True)
    else:
        cells.insert(0, _markdown_cell("site-launch-links", links))
    out = []
    for index, cell in enumerate(cells):
        out.append(cell)
        if cell["cell_type"] == "markdown" and repository_folder is not None:
            cell["source"] = _repository_links(
                cell_source(cell), repository_folder, notebooks
            ).splitlines(keepends=True)
        if cell["cell_type"] != "code":
            continue
        source = cell_source(cell)
        for output in cell.get("outputs", []):
            _widget_fallback(output)
        if source.startswith(course.SETUP_MARKER):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if SETUP_TAG not in tags:
                tags.append(SETUP_TAG)
        elif has_solution(source):
            try:
                cell["source"] = stub_solutions(source).splitlines(keepends=True)
            except ValueError as e:
                raise ValueError(f"cell {index}: {e}") from None
            shown = "".join(
                line
                for line in source.splitlines(keepends=True)
                if line.strip() not in (BEGIN, END)
            )
            out.append(_markdown_cell(f"site-solution-{index}", solution_markdown(shown)))
    page["cells"] = out
    return page


def index_markdown(title: str, intro: str, pages: list[Page]) -> str:
    """The MyST source of the index page: the introduction, the course map and the
    (hidden) table of contents that gives the sidebar and previous/next links."""
    lines = [
        f"# {title}",
        "",
        intro,
        "",
        "## The course",
        "",
        "```{table}",
        ":class: course-map",
        "",
    ]
    lines += ["| # | notebook | in one line | runs in |", "|---|---|---|---|"]
    for page in pages:
        number = _stem(page.path)[0]
        name = page.row.title if page.row else re.sub(r"^\d+\s*·\s*", "", page.title)
        summary = page.row.summary if page.row else "—"
        runtime = page.row.runtime if page.row else "—"
        lines.append(f"| {number} | [{name}]({page.path.name}) | {summary} | {runtime} |")
    lines += [
        "```",
        "",
        '"Runs in" is the time to execute every cell of the notebook on the 2-core course '
        "machine. These pages show the outputs saved in the notebooks; to run the code, open a "
        'notebook in Colab or Binder with the links at its top, or in JupyterLab (see "Start" '
        "in the repository's README).",
        "",
        "```{toctree}",
        ":hidden:",
        ":maxdepth: 1",
        "",
    ]
    lines += [page.path.stem for page in pages]
    lines += ["```", ""]
    return "\n".join(lines)


def _conf(title: str) -> str:
    """The Sphinx ``conf.py`` of the site."""
    settings = {
        "project": title,
        "html_title": title,
        "extensions": ["myst_nb", "sphinx.ext.mathjax", "sphinx.ext.githubpages"],
        "html_theme": "furo",
        "html_static_path": ["_static"],
        "html_css_files": ["course-site.css"],
        "html_favicon": "_static/favicon.svg",  # else browsers ask for /favicon.ico
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_permalinks_icon": "#",
        "exclude_patterns": ["_build"],
        # Show the saved outputs; never run a notebook while building.
        "nb_execution_mode": "off",
        # No widget manager from a CDN: a widget shows its saved text/plain fallback.
        "nb_ipywidgets_js": {},
        "nb_mime_priority_overrides": [
            ("html", "application/vnd.jupyter.widget-view+json", None),
            ("html", "application/vnd.jupyter.widget-state+json", None),
        ],
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_heading_anchors": 3,
        # MathJax 3 from _static/mathjax (copied in by build_site), not from a CDN.
        "mathjax_path": f"mathjax/{_MATHJAX_ENTRY}",
        "suppress_warnings": ["myst.header"],
        # Keep the notebooks' own quotes and dashes, so the text reads as in Jupyter.
        "smartquotes": False,
    }
    body = "\n".join(f"{key} = {value!r}" for key, value in settings.items())
    return f'"""Generated by python -m course_tools site; do not edit."""\n\n{body}\n'


_CSS = """\
/* python -m course_tools site: the course's additions to the Furo theme. */
.launch-links { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.5rem 0 1rem; }
a.launch-link {
  border: 1px solid var(--color-brand-primary); border-radius: 0.3rem;
  padding: 0.2rem 0.7rem; text-decoration: none; font-weight: 600;
}
a.launch-link:hover { background: var(--color-background-hover); }
details.solution {
  border: 1px solid var(--color-background-border); border-radius: 0.3rem;
  margin: -0.5rem 0 1rem; padding: 0 0.75rem;
}
details.solution > summary { cursor: pointer; font-weight: 600; padding: 0.4rem 0; }
details.solution[open] > summary { border-bottom: 1px solid var(--color-background-border); }
/* The course map: number and run time on one line. */
table.course-map td:first-child, table.course-map td:last-child,
table.course-map th:last-child { white-space: nowrap; }
/* Nothing clipped at 1024 px: long code and output lines wrap, figures fit the column. */
div.cell pre, details.solution pre { white-space: pre-wrap; overflow-wrap: anywhere; }
div.cell_output img { max-width: 100%; height: auto; }
p.widget-fallback {
  border-left: 4px solid var(--color-brand-primary); background: var(--color-background-secondary);
  margin: 0.5rem 0; padding: 0.5rem 0.75rem; font-style: italic;
}
"""


# The site's icon: three layers of a small network.
_FAVICON = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#0a4bff"/>
<g stroke="#fff" stroke-width="1.5" opacity="0.8">
<path d="M7 9 16 16M7 23 16 16M7 9 16 8M7 23 16 24M16 8 25 16M16 16 25 16M16 24 25 16"/>
</g>
<g fill="#fff"><circle cx="7" cy="9" r="3"/><circle cx="7" cy="23" r="3"/>
<circle cx="16" cy="8" r="3"/><circle cx="16" cy="16" r="3"/><circle cx="16" cy="24" r="3"/>
<circle cx="25" cy="16" r="3.5"/></g>
</svg>
"""


def _copy_mathjax(source: Path | None, target: Path) -> None:
    """Copy the MathJax 3 files the pages need from ``source`` (a MathJax 3 folder holding
    ``tex-chtml.js``) into ``target``; by default from the ``sphinx-mathjax-offline``
    package. Raises ValueError if neither is there."""
    if source is None:
        from importlib import metadata

        try:
            dist = metadata.distribution("sphinx-mathjax-offline")
        except metadata.PackageNotFoundError:
            raise ValueError(
                "MathJax for the site comes from the sphinx-mathjax-offline package, which is "
                "not installed: pip install -r requirements.txt (or give --mathjax DIR)"
            ) from None
        source = Path(str(dist.locate_file("sphinx-mathjax-offline/static/mathjax")))
    if not (source / _MATHJAX_ENTRY).is_file():
        raise ValueError(
            f"--mathjax {source}: no {_MATHJAX_ENTRY} in it; give a MathJax 3 folder "
            "(npm's mathjax@3 has it in es5/)"
        )
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*_MATHJAX_SKIP))
    shutil.copy2(source / _MATHJAX_ENTRY, target / _MATHJAX_ENTRY)


def _prepare_outdir(outdir: Path, source: Path) -> None:
    """Empty ``outdir`` if it holds an earlier site; refuse any other non-empty folder."""
    if outdir.resolve() == source.resolve() or source.resolve().is_relative_to(outdir.resolve()):
        raise ValueError(f"OUTDIR {outdir}: must not be or contain the notebooks folder")
    if outdir.is_dir() and any(outdir.iterdir()):
        if not (outdir / ".buildinfo").is_file():
            raise ValueError(
                f"OUTDIR {outdir}: not empty and not a site built by this command; "
                "give an empty or new folder"
            )
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True, exist_ok=True)


def build_site(
    outdir: str | Path,
    source: str | Path = "notebooks",
    readme: str | Path = "README.md",
    mathjax: str | Path | None = None,
    student_folder: str = STUDENT_FOLDER,
    repository_folder: str | None = None,
) -> SiteReport:
    """Build the course website from the notebooks in ``source`` into ``outdir``.

    readme: the README holding the course table (see :func:`course_table`); mathjax: a
    MathJax 3 folder to copy (default: the sphinx-mathjax-offline package's);
    student_folder: where the student edition is in the repository (for the launch links);
    repository_folder: where ``source`` is in the repository, for links to its other files
    (default: ``source`` relative to the current folder, if it is inside it).
    ``outdir`` must be new, empty, or an earlier site (which is replaced). Returns what was
    built. Raises ValueError for a missing source, README or MathJax, or a failed build.
    """
    from sphinx.application import Sphinx

    start = time.perf_counter()
    src, out, readme = Path(source), Path(outdir), Path(readme)
    paths = sorted(src.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"--source {src}: no .ipynb notebooks in it; run from the repository root")
    if not readme.is_file():
        raise ValueError(f"--readme {readme}: no such file (it holds the course table)")
    title, intro, rows = course_table(readme)
    matched = match_rows(paths, rows)
    pages = []
    notebooks = {}
    names = {p.name for p in paths}
    in_repo = repository_folder
    if in_repo is None and src.resolve().is_relative_to(Path.cwd()):
        in_repo = src.resolve().relative_to(Path.cwd()).as_posix()
    in_repo = "" if in_repo == "." else in_repo
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        pages.append(Page(path, notebook_title(nb, path), matched.get(path)))
        folder = student_folder.strip("/")
        where = f"{folder}/{path.name}" if folder else path.name
        try:
            notebooks[path.name] = site_notebook(nb, where, in_repo, names)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
    _prepare_outdir(out, src)
    with tempfile.TemporaryDirectory(prefix="course-site-") as tmp:
        work = Path(tmp) / "src"
        (work / "_static").mkdir(parents=True)
        (work / "conf.py").write_text(_conf(title), encoding="utf-8")
        (work / "index.md").write_text(index_markdown(title, intro, pages), encoding="utf-8")
        (work / "_static" / "course-site.css").write_text(_CSS, encoding="utf-8")
        (work / "_static" / "favicon.svg").write_text(_FAVICON, encoding="utf-8")
        for name, nb in notebooks.items():
            text = json.dumps(nb, indent=1, ensure_ascii=False)
            (work / name).write_text(text, encoding="utf-8")
        _copy_mathjax(None if mathjax is None else Path(mathjax), work / "_static" / "mathjax")
        status, warning = io.StringIO(), io.StringIO()
        app = Sphinx(
            str(work),
            str(work),
            str(out),
            str(Path(tmp) / "doctrees"),
            "html",
            status=status,
            warning=warning,
            freshenv=True,
        )
        app.build()
        if app.statuscode != 0:
            raise ValueError(f"the Sphinx build failed:\n{warning.getvalue()}")
    sources = out / "_sources"  # empty: the pages do not offer their sources
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()
    html = [out / f"{p.stem}.html" for p in paths]
    missing = [p for p in html + [out / "index.html"] if not p.is_file()]
    if missing:
        raise ValueError(f"the build did not write {', '.join(map(str, missing))}")
    warnings = [w for w in warning.getvalue().splitlines() if w.strip()]
    return SiteReport(out / "index.html", html, time.perf_counter() - start, warnings)
