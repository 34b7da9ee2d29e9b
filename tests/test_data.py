"""Tests for mlp_core.data.

Downloads are only ever tried against a local HTTP server or a closed port: the autouse fixture
``offline`` points every mirror at a closed port, so no test can reach the real internet.
"""

import copy
import gzip
import hashlib
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pooch
import pytest
from helpers import serve_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlp_core import data
from mlp_core.data import (
    FASHION_MNIST_SHA256,
    MIRRORS,
    MNIST_SHA256,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    DataError,
    download,
    load_mnist,
    locate,
    one_hot,
    read_idx,
    train_val_split,
)

NAMES = [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS]
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
# The real values, saved before the autouse fixture `offline` patches them for each test.
REAL_DEFAULT_CACHE_DIR = data.default_cache_dir
REAL_MIRRORS = copy.deepcopy(MIRRORS)
# hypothesis refuses function-scoped fixtures by default; ours (offline) need no per-example reset
HYPOTHESIS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


# --- tiny IDX files, written by the tests themselves ------------------------------------------


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """Uncompressed IDX encoding of a uint8 array (magic 0x0800 | ndim unless given)."""
    magic = 0x0800 | array.ndim if magic is None else magic
    dims = b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return magic.to_bytes(4, "big") + dims + array.astype(np.uint8).tobytes()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


_rng = np.random.default_rng(0)
TINY = {  # 5 training and 3 test examples
    TRAIN_IMAGES: _rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
    TRAIN_LABELS: np.array([0, 1, 2, 3, 4], dtype=np.uint8),
    TEST_IMAGES: _rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
    TEST_LABELS: np.array([9, 8, 7], dtype=np.uint8),
}
TINY_GZ = {name: gzip.compress(idx_bytes(array), mtime=0) for name, array in TINY.items()}
TINY_SHA = {name: sha256(content) for name, content in TINY_GZ.items()}

# Broken files: (uncompressed-or-not content, a phrase the DataError must contain).
_images = TINY[TRAIN_IMAGES]
BROKEN = {
    "truncated gzip": (TINY_GZ[TRAIN_IMAGES][: len(TINY_GZ[TRAIN_IMAGES]) // 2], "decompress"),
    "not gzip": (idx_bytes(_images), "decompress"),
    "wrong magic": (gzip.compress(idx_bytes(_images, magic=0x0903)), "0x00000903, expected"),
    "count mismatch": (gzip.compress(idx_bytes(_images)[:-784]), "3920 bytes of data"),
    "header cut short": (gzip.compress(idx_bytes(_images)[:10]), "header is cut short"),
}


# --- fixtures ----------------------------------------------------------------------------------


@dataclass
class Server:
    url: str  # base URL, ends with "/"
    root: Path  # the folder it serves

    def serve(self, files: dict[str, bytes]) -> None:
        for name, content in files.items():
            (self.root / name).write_bytes(content)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A local HTTP server on 127.0.0.1 serving ``server.root``."""
    root = tmp_path / "www"
    root.mkdir()
    with serve_folder(root) as url:
        yield Server(url, root)


@pytest.fixture
def closed_url() -> str:
    """A URL on a local port nobody listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, closed_url: str) -> None:
    """No test touches the internet, the user's cache or the user's MLP_CORE_DATA."""
    for dataset in MIRRORS:
        monkeypatch.setitem(MIRRORS, dataset, [closed_url])
    monkeypatch.setattr(data, "default_cache_dir", lambda dataset: tmp_path / "cache" / dataset)
    monkeypatch.delenv("MLP_CORE_DATA", raising=False)
    for var in ("NO_PROXY", "no_proxy"):  # talk to 127.0.0.1 directly even behind a proxy
        monkeypatch.setenv(var, "127.0.0.1,localhost")


def link_files(source: Path, folder: Path, names: list[str] = NAMES) -> Path:
    """Make ``folder`` hold symlinks to ``names`` in ``source`` (no 11 MB copies)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).symlink_to(source / name)
    return folder


def contents(folder: Path) -> list[str]:
    """Sorted file names in ``folder`` (so leftover temporary files show up)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- read_idx ------------------------------------------------------------------------------------


def test_read_idx_round_trips(tmp_path: Path) -> None:
    for name, content in TINY_GZ.items():
        (tmp_path / name).write_bytes(content)
        array = read_idx(tmp_path / name)
        assert array.dtype == np.uint8
        np.testing.assert_array_equal(array, TINY[name])


@pytest.mark.parametrize("case", BROKEN)
def test_read_idx_rejects_broken_local_file(tmp_path: Path, case: str) -> None:
    content, phrase = BROKEN[case]
    path = tmp_path / TRAIN_IMAGES
    path.write_bytes(content)
    with pytest.raises(DataError, match=phrase) as info:
        read_idx(path)
    assert str(path) in str(info.value)


# --- download (local server only) ----------------------------------------------------------------


def test_download_fetches_and_verifies(server: Server, tmp_path: Path, closed_url: str) -> None:
    server.serve(TINY_GZ)
    cache = tmp_path / "dl"
    assert download(TINY_SHA, [server.url], cache) == cache
    assert contents(cache) == sorted(NAMES)
    for name in NAMES:
        assert sha256((cache / name).read_bytes()) == TINY_SHA[name]
        np.testing.assert_array_equal(read_idx(cache / name), TINY[name])
    # Everything is cached now: a second call needs no working mirror.
    assert download(TINY_SHA, [closed_url], cache) == cache


def test_download_falls_back_to_second_mirror(
    server: Server, tmp_path: Path, closed_url: str
) -> None:
    server.serve(TINY_GZ)
    cache = download(TINY_SHA, [closed_url, server.url], tmp_path / "dl")
    assert contents(cache) == sorted(NAMES)


def test_download_checksum_mismatch_keeps_nothing(server: Server, tmp_path: Path) -> None:
    server.serve(TINY_GZ)
    cache = tmp_path / "dl"
    wrong = dict(TINY_SHA, **{TRAIN_IMAGES: "0" * 64})
    with pytest.raises(DataError, match="SHA-256 mismatch") as info:
        download(wrong, [server.url], cache)
    assert TRAIN_IMAGES in str(info.value)
    assert contents(cache) == []


def test_download_http_404(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "dl"
    with pytest.raises(DataError, match="HTTP 404"):
        download(TINY_SHA, [server.url + "nowhere/"], cache)
    assert contents(cache) == []


def test_download_all_mirrors_down_lists_them(tmp_path: Path, closed_url: str) -> None:
    mirrors = [closed_url + "first/", closed_url + "second/"]
    cache = tmp_path / "dl"
    with pytest.raises(DataError) as info:
        download(TINY_SHA, mirrors, cache)
    message = str(info.value)
    for mirror in mirrors:
        assert f"{mirror}{TRAIN_IMAGES}: could not connect" in message
    assert "MLP_CORE_DATA" in message and "internet connection" in message
    assert contents(cache) == []


def test_download_into_unusable_folder(server: Server, tmp_path: Path) -> None:
    server.serve(TINY_GZ)
    blocker = tmp_path / "file.txt"  # a regular file: nothing can be created beneath it
    blocker.write_text("not a folder")
    with pytest.raises(DataError, match="cannot create") as info:
        download(TINY_SHA, [server.url], blocker / "cache")
    assert str(blocker / "cache") in str(info.value)
    assert blocker.read_text() == "not a folder"


def test_bad_cached_file_is_replaced(server: Server, tmp_path: Path) -> None:
    server.serve(TINY_GZ)
    cache = tmp_path / "dl"
    cache.mkdir()
    (cache / TRAIN_LABELS).write_bytes(b"garbage")
    download(TINY_SHA, [server.url], cache)
    assert sha256((cache / TRAIN_LABELS).read_bytes()) == TINY_SHA[TRAIN_LABELS]
    assert contents(cache) == sorted(NAMES)


def test_bad_cached_file_is_removed_even_if_download_fails(tmp_path: Path, closed_url: str) -> None:
    cache = tmp_path / "dl"
    cache.mkdir()
    (cache / TRAIN_IMAGES).write_bytes(b"garbage")
    with pytest.raises(DataError, match=TRAIN_IMAGES):
        download(TINY_SHA, [closed_url], cache)
    assert contents(cache) == []


@pytest.mark.parametrize("case", BROKEN)
def test_broken_file_with_matching_hash_downloads_but_fails_to_read(
    server: Server, tmp_path: Path, case: str
) -> None:
    content, phrase = BROKEN[case]
    server.serve({TRAIN_IMAGES: content})
    cache = download({TRAIN_IMAGES: sha256(content)}, [server.url], tmp_path / "dl")
    assert contents(cache) == [TRAIN_IMAGES]
    with pytest.raises(DataError, match=phrase) as info:
        read_idx(cache / TRAIN_IMAGES)
    assert str(cache / TRAIN_IMAGES) in str(info.value)


# --- locate: which folder wins -------------------------------------------------------------------


def test_locate_order_explicit_then_env_then_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mnist_dir: Path
) -> None:
    explicit, env, cache = (link_files(mnist_dir, tmp_path / d) for d in ("a", "b", "c"))
    monkeypatch.setattr(data, "default_cache_dir", lambda dataset: cache)
    monkeypatch.setenv("MLP_CORE_DATA", str(env))
    assert locate("mnist", explicit) == explicit
    assert locate("mnist") == env
    monkeypatch.delenv("MLP_CORE_DATA")
    assert locate("mnist") == cache  # mirrors are a closed port: this works only from the cache


def test_locate_downloads_into_empty_cache(
    monkeypatch: pytest.MonkeyPatch,
    server: Server,
    tmp_path: Path,
    mnist_dir: Path,
    closed_url: str,
) -> None:
    link_files(mnist_dir, server.root)
    monkeypatch.setitem(MIRRORS, "mnist", [closed_url, server.url])
    folder = locate("mnist")
    assert folder == tmp_path / "cache" / "mnist"
    assert contents(folder) == sorted(NAMES)
    assert all(sha256((folder / n).read_bytes()) == MNIST_SHA256[n] for n in NAMES)


@pytest.mark.parametrize("via", ["data_dir", "env"])
def test_named_folder_with_missing_files_is_an_error(
    monkeypatch: pytest.MonkeyPatch, server: Server, tmp_path: Path, mnist_dir: Path, via: str
) -> None:
    link_files(mnist_dir, server.root)  # a download would succeed, but must not be tried
    monkeypatch.setitem(MIRRORS, "mnist", [server.url])
    folder = link_files(mnist_dir, tmp_path / "partial", [TRAIN_IMAGES, TEST_LABELS])
    if via == "env":
        monkeypatch.setenv("MLP_CORE_DATA", str(folder))
    with pytest.raises(DataError, match="missing") as info:
        locate("mnist", folder if via == "data_dir" else None)
    message = str(info.value)
    assert str(folder) in message and TRAIN_LABELS in message and TEST_IMAGES in message
    assert TRAIN_IMAGES not in message
    assert contents(tmp_path / "cache") == []


def test_named_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nope: this folder does not exist"):
        locate("mnist", tmp_path / "nope")
    (tmp_path / "file").write_text("")
    with pytest.raises(DataError, match="is a file, not a folder"):
        locate("mnist", tmp_path / "file")


def test_import_does_not_load_the_download_libraries() -> None:
    code = "import sys, mlp_core; print(sorted({'pooch', 'requests'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_local_file_with_wrong_checksum_is_refused(tmp_path: Path, mnist_dir: Path) -> None:
    folder = link_files(mnist_dir, tmp_path / "f", [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES])
    (folder / TEST_LABELS).write_bytes(TINY_GZ[TEST_LABELS])  # a valid IDX file, but not MNIST
    with pytest.raises(DataError, match="SHA-256 mismatch") as info:
        load_mnist(folder)
    assert str(folder / TEST_LABELS) in str(info.value)


def test_mnist_folder_used_as_fashion_mnist(mnist_dir: Path) -> None:
    with pytest.raises(DataError, match="look like the mnist files; did you mean dataset='mnist'"):
        load_mnist(mnist_dir, dataset="fashion-mnist")


def test_env_var_applies_to_fashion_mnist_only_through_subfolder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mnist_dir: Path, closed_url: str
) -> None:
    env = link_files(mnist_dir, tmp_path / "env")
    monkeypatch.setenv("MLP_CORE_DATA", str(env))
    # No env/fashion-mnist: the variable does not apply, so locate goes on to download.
    with pytest.raises(DataError, match="could not download") as info:
        locate("fashion-mnist")
    assert closed_url in str(info.value)
    # With env/fashion-mnist it is used (and here it wrongly holds the MNIST files).
    link_files(mnist_dir, env / "fashion-mnist")
    with pytest.raises(DataError, match="look like the mnist files"):
        locate("fashion-mnist")


# --- checksums, mirrors, cache folder ------------------------------------------------------------


def test_checksum_tables(mnist_dir: Path) -> None:
    assert list(MNIST_SHA256) == list(FASHION_MNIST_SHA256) == NAMES
    for name in NAMES:
        assert sha256((mnist_dir / name).read_bytes()) == MNIST_SHA256[name]
        assert len(FASHION_MNIST_SHA256[name]) == 64
        assert FASHION_MNIST_SHA256[name] != MNIST_SHA256[name]
    assert set(MIRRORS) == {"mnist", "fashion-mnist"}


def test_mirrors_are_base_urls() -> None:
    for urls in REAL_MIRRORS.values():
        assert len(urls) >= 2 and all(u.startswith("http") and u.endswith("/") for u in urls)


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    repo = Path(data.__file__).resolve().parent.parent
    assert REAL_DEFAULT_CACHE_DIR("mnist") == repo / "data" / "mnist"
    # Outside a checkout (e.g. pip-installed on Colab): the per-user cache.
    monkeypatch.setattr(data, "__file__", str(tmp_path / "site-packages" / "mlp_core" / "data.py"))
    expected = Path(pooch.os_cache("mlp_core")) / "fashion-mnist"
    assert REAL_DEFAULT_CACHE_DIR("fashion-mnist") == expected
    with pytest.raises(ValueError, match="dataset"):
        REAL_DEFAULT_CACHE_DIR("kmnist")


# --- the real MNIST ------------------------------------------------------------------------------


def test_mnist_shapes_and_values(mnist: data.Dataset) -> None:
    assert mnist.X_train.shape == (60000, 784) and mnist.X_test.shape == (10000, 784)
    assert mnist.y_train.shape == (60000,) and mnist.y_test.shape == (10000,)
    assert mnist.X_val.shape == (0, 784) and mnist.y_val.shape == (0,)
    for X in (mnist.X_train, mnist.X_test):
        assert X.dtype == np.float32 and X.min() == 0.0 and X.max() == 1.0
    assert mnist.y_train.dtype == np.int64 and mnist.y_test.dtype == np.int64
    assert np.bincount(mnist.y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(mnist.y_test).sum() == 10000
    assert mnist.classes == [str(d) for d in range(10)]


def test_mnist_validation_split(mnist_dir: Path, mnist: data.Dataset) -> None:
    d = load_mnist(mnist_dir, n_validation=10000)
    assert d.X_train.shape == (50000, 784) and d.X_val.shape == (10000, 784)
    assert d.y_train.shape == (50000,) and d.y_val.shape == (10000,)
    counts = np.bincount(d.y_train, minlength=10) + np.bincount(d.y_val, minlength=10)
    assert counts.tolist() == MNIST_TRAIN_COUNTS
    val = np.sort(np.random.default_rng(0).permutation(60000)[:10000])  # documented: seeded
    np.testing.assert_array_equal(d.X_val, mnist.X_train[val])
    np.testing.assert_array_equal(d.y_val, mnist.y_train[val])
    np.testing.assert_array_equal(d.X_test, mnist.X_test)  # the test set is never touched


def test_mnist_unflattened_raw_other_seed(mnist_dir: Path, mnist: data.Dataset) -> None:
    d = load_mnist(mnist_dir, n_validation=10000, flatten=False, normalize=False, seed=1)
    assert d.X_train.shape == (50000, 28, 28) and d.X_test.shape == (10000, 28, 28)
    assert d.X_train.dtype == np.uint8 and d.X_train.flags.writeable
    np.testing.assert_allclose(d.X_test.reshape(10000, 784) / 255, mnist.X_test, atol=1e-7)
    val = np.sort(np.random.default_rng(1).permutation(60000)[:10000])
    np.testing.assert_array_equal(d.y_val, mnist.y_train[val])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"dataset": "kmnist"}, "dataset"),
        ({"n_validation": -1}, "n_validation"),
        ({"n_validation": 60000}, "n_validation"),
        ({"n_validation": 2.5}, "n_validation"),
    ],
)
def test_load_mnist_bad_arguments(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        load_mnist(**kwargs)  # fails before looking for any file


# --- one_hot and train_val_split -----------------------------------------------------------------


def test_one_hot_example() -> None:
    encoded = one_hot(np.array([2, 0, 1]), n_classes=3)
    assert encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert one_hot(np.array([], dtype=np.int64)).shape == (0, 10)


@pytest.mark.parametrize("y", [[0, 10], [-1, 3], [0.0, 1.0], [[1, 2]], [True, False]])
def test_one_hot_rejects_bad_labels(y: list) -> None:
    with pytest.raises(ValueError, match="^y must"):
        one_hot(np.array(y))


@HYPOTHESIS
@given(
    st.integers(1, 12).flatmap(
        lambda k: st.tuples(st.just(k), st.lists(st.integers(0, k - 1), max_size=50))
    )
)
def test_one_hot_properties(k_and_labels: tuple[int, list[int]]) -> None:
    k, labels = k_and_labels
    y = np.array(labels, dtype=np.int64)
    encoded = one_hot(y, n_classes=k)
    assert encoded.shape == (len(y), k) and encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded.argmax(axis=1), y)


@HYPOTHESIS
@given(
    st.integers(1, 60).flatmap(lambda m: st.tuples(st.just(m), st.integers(0, m - 1))),
    st.integers(0, 2**32 - 1),
)
def test_train_val_split_is_a_seeded_partition(m_and_n_val: tuple[int, int], seed: int) -> None:
    m, n_val = m_and_n_val
    y = np.arange(m)
    X = np.stack([y, 10 * y], axis=1)  # row i is (i, 10 i), so rows stay with their labels
    X_tr, y_tr, X_val, y_val = train_val_split(X, y, n_val, seed=seed)
    assert X_tr.shape == (m - n_val, 2) and X_val.shape == (n_val, 2)
    assert sorted(np.concatenate([y_tr, y_val]).tolist()) == list(range(m))
    np.testing.assert_array_equal(X_tr[:, 0], y_tr)
    np.testing.assert_array_equal(X_val[:, 0], y_val)
    again = train_val_split(X, y, n_val, seed=seed)
    np.testing.assert_array_equal(again[3], y_val)


@pytest.mark.parametrize("n_val", [-1, 5, 6])
def test_train_val_split_rejects_bad_n_val(n_val: int) -> None:
    with pytest.raises(ValueError, match="n_val"):
        train_val_split(np.zeros((5, 2)), np.zeros(5), n_val)
