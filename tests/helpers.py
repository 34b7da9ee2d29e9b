"""Helpers several test files share: small notebooks, a headless Chromium, server processes."""

import contextlib
import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]  # the repository
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))  # the instructor edition
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # screenshots of the browser tests
TIMEOUT_MS = 60_000  # for a page or widget to react, in the browser tests


def make_notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook with the python3 kernelspec and the given ``(kind, source)`` cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    return nb


def chromium_path() -> str | None:
    """Debian's Chromium on PATH (test tools cannot download browsers on these machines)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch_chromium(playwright):
    """A headless Chromium started by Playwright, ready for ``new_page``."""
    return playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )


def open_page(
    browser, url: str, width: int = 1024, height: int = 768, timeout_ms: int = TIMEOUT_MS
):
    """A new ``width``×``height`` px page of ``browser`` at ``url``, default timeout ``timeout_ms``.

    1024×768 is the course's laptop-on-a-projector screen.
    """
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    return page


def open_lab_notebook(browser, base: str, token: str, name: str):
    """A 1024×768 page with notebook ``name`` open in JupyterLab and its kernel connected."""
    page = open_page(browser, f"{base}/lab/tree/{name}?reset&token={token}")
    # The toolbar says "idle" before the kernel is connected; the status bar does not.
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").wait_for()
    return page


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # no request log in test output
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-file (a browser closing a page, a download given up) is
        normal in these tests; anything else is printed as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """Serve the files in ``root`` over HTTP on 127.0.0.1 from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(server: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True`` and all it started (kernels).

    SIGTERM first, so it can shut its kernels down; SIGKILL whatever is left after 20 s.
    """
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait()


def need(reason: str | None) -> None:
    """Skip the test if ``reason`` says a tool is missing, or fail under CI's
    ``MLP_CORE_REQUIRE_BROWSER=1``, where the browser tests must run."""
    if reason is None:
        return
    if os.environ.get("MLP_CORE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MLP_CORE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def jupyter_env(tmp_path: Path, mnist_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a Jupyter server under test: its config, data, runtime and IPython
    folders inside ``tmp_path`` (never the home folder), MNIST from ``mnist_dir``."""
    return dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        IPYTHONDIR=str(tmp_path / "ipython"),
        MLP_CORE_DATA=str(mnist_dir),
        **extra,
    )
