"""Load MNIST (or Fashion-MNIST) as numpy arrays.

The IDX file format
-------------------
Each of the four files is a gzipped IDX file: a tiny binary header followed by raw bytes.

* 4 bytes, the *magic number*: ``0x00000801`` for a 1-D array of unsigned bytes (the labels)
  or ``0x00000803`` for a 3-D array of unsigned bytes (the images). The third byte (``0x08``)
  means "unsigned byte", the fourth is the number of dimensions.
* One big-endian 32-bit integer per dimension: ``60000`` for a label file,
  ``60000, 28, 28`` for an image file.
* The values themselves, one byte each, in row-major (C) order.

So ``read_idx`` only has to decompress, read the header and hand the rest to ``np.frombuffer``.

Where the files come from
-------------------------
``locate`` looks for the four files in this order and uses the first that applies:

1. the ``data_dir`` argument, if you pass one;
2. the folder named by the environment variable ``MLP_CORE_DATA``. It is meant for MNIST; for
   Fashion-MNIST only its subfolder ``$MLP_CORE_DATA/fashion-mnist`` is used, if it exists;
3. the download cache (``default_cache_dir``), if all four files are already there;
4. a fresh download into that cache from the public ``MIRRORS``.

In cases 1 and 2 missing files are an error: a folder you named is never silently replaced by a
download. In every case each file's SHA-256 checksum is verified, so bad data is never used.
"""

import gzip
import hashlib
import logging
import math
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The four files, in the order train images, train labels, test images, test labels.
TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"

# SHA-256 of the canonical .gz files (whose MD5s are the ones torchvision checks), as recorded
# in the course's shared data notes (shared/data/mnist/SOURCE.md).
MNIST_SHA256: dict[str, str] = {
    TRAIN_IMAGES: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    TRAIN_LABELS: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    TEST_IMAGES: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    TEST_LABELS: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
# SHA-256 of the canonical .gz files, from tensorflow/datasets,
# tensorflow_datasets/url_checksums/fashion_mnist.txt (which also lists the sizes:
# 26421880, 29515, 4422102 and 5148 bytes).
FASHION_MNIST_SHA256: dict[str, str] = {
    TRAIN_IMAGES: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    TRAIN_LABELS: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    TEST_IMAGES: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    TEST_LABELS: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
_SHA256 = {"mnist": MNIST_SHA256, "fashion-mnist": FASHION_MNIST_SHA256}

# Base URLs, tried in order. The original yann.lecun.com site no longer serves MNIST reliably.
MIRRORS: dict[str, list[str]] = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",  # used by torchvision
        "https://storage.googleapis.com/cvdf-datasets/mnist/",  # used by TensorFlow / JAX
    ],
    "fashion-mnist": [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # the authors' bucket
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ],
}

CLASSES: dict[str, list[str]] = {
    "mnist": [str(digit) for digit in range(10)],
    "fashion-mnist": [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ],
}

_N_TRAIN = 60_000  # both datasets have 60,000 training and 10,000 test images
_MAGIC_TO_NDIM = {0x00000801: 1, 0x00000803: 3}
_HOW_TO_FIX = (
    "download the four .gz files yourself, put them in one folder and set "
    "MLP_CORE_DATA=<folder> (or pass data_dir=<folder>)"
)


class DataError(RuntimeError):
    """A data file is missing, corrupt, or could not be downloaded.

    The message names the file or folder and says what to do about it.
    """


def _sha256(path: Path) -> str:
    """Hex SHA-256 of a file (the files are small enough to read at once)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_dataset(dataset: str) -> dict[str, str]:
    """Return the checksums for ``dataset``, or raise ValueError for an unknown name."""
    if dataset not in _SHA256:
        raise ValueError(f"dataset must be one of {sorted(_SHA256)}, got {dataset!r}")
    return _SHA256[dataset]


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read a gzipped IDX file of unsigned bytes.

    Returns a read-only uint8 array shaped as the header says: ``(n,)`` for a label file,
    ``(n, 28, 28)`` for an image file. Raises ``DataError`` naming the file if it is not
    valid gzip, has an unknown magic number, or holds more or fewer bytes than its header says.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as err:
        raise DataError(
            f"{path}: cannot decompress it ({err}). The file is truncated or not "
            "gzip; delete it and run again to re-download, or "
            f"{_HOW_TO_FIX}."
        ) from err

    magic = int.from_bytes(raw[:4], "big")
    if len(raw) < 4 or magic not in _MAGIC_TO_NDIM:
        raise DataError(
            f"{path}: not an IDX file of unsigned bytes (magic number "
            f"0x{magic:08X}, expected 0x00000801 for labels or 0x00000803 for "
            f"images). Replace it with a canonical copy: {_HOW_TO_FIX}."
        )
    ndim = _MAGIC_TO_NDIM[magic]
    start = 4 + 4 * ndim  # the data begins after the magic number and one uint32 per dimension
    if len(raw) < start:
        raise DataError(
            f"{path}: the IDX header is cut short ({len(raw)} bytes). "
            f"Replace it with a canonical copy: {_HOW_TO_FIX}."
        )
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    n_expected = math.prod(shape)
    if len(raw) - start != n_expected:
        raise DataError(
            f"{path}: the header announces shape {shape}, i.e. {n_expected} bytes "
            f"of data, but the file holds {len(raw) - start}. "
            f"Replace it with a canonical copy: {_HOW_TO_FIX}."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=start).reshape(shape)


def one_hot(y: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """One-hot encode integer labels.

    ``y`` is a 1-D integer array of shape ``(m,)`` with values in ``[0, n_classes)``.
    Returns a float32 array of shape ``(m, n_classes)`` with a single 1 per row.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer labels, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"y must hold labels in [0, {n_classes}), got values from {y.min()} to {y.max()}"
        )
    encoded = np.zeros((y.shape[0], n_classes), dtype=np.float32)
    encoded[np.arange(y.shape[0]), y] = 1.0
    return encoded


def default_cache_dir(dataset: str = "mnist") -> Path:
    """Folder where downloads of ``dataset`` are cached.

    ``<repo>/data/<dataset>`` when mlp_core runs from a checkout of its repository (the folder
    above the package holds ``pyproject.toml`` and ``data/``), else the per-user cache
    ``pooch.os_cache("mlp_core") / <dataset>`` (e.g. ``~/.cache/mlp_core/mnist`` on Linux).
    """
    _check_dataset(dataset)
    repo = Path(__file__).resolve().parent.parent
    if (repo / "pyproject.toml").is_file() and (repo / "data").is_dir():
        return repo / "data" / dataset
    import pooch  # the download library is imported only where it is needed: import stays quick

    return Path(pooch.os_cache("mlp_core")) / dataset


def _short_reason(err: Exception) -> str:
    """A few words on why one download attempt failed."""
    import requests

    if isinstance(err, requests.HTTPError) and err.response is not None:
        return f"HTTP {err.response.status_code}"
    if isinstance(err, requests.Timeout):
        return "timed out"
    if isinstance(err, requests.ConnectionError):
        return "could not connect"
    if isinstance(err, ValueError):  # pooch's hash check
        return "SHA-256 mismatch (the server sent a different file)"
    return f"{type(err).__name__}: {err}"


def download(files: dict[str, str], mirrors: list[str], cache_dir: str | os.PathLike[str]) -> Path:
    """Make sure every file of ``files`` (name -> SHA-256) is in ``cache_dir``; return the folder.

    A file already there with the right checksum is kept. A file with a wrong checksum is
    deleted and downloaded again. Missing files are fetched from each mirror in turn (the URL is
    mirror + name). pooch downloads into a temporary file and renames it only once its checksum
    matches, so a failed download never leaves a partial or bad file behind. If every mirror
    fails, ``DataError`` lists each one with the reason.
    """
    # Imported here, not at the top: only a download needs them (``import mlp_core`` stays quick).
    import pooch
    import requests

    pooch.get_logger().setLevel(logging.WARNING)  # no "Downloading data from ..." chatter
    cache_dir = Path(cache_dir).expanduser()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataError(
            f"{cache_dir}: cannot create the download folder ({err}). "
            f"Make it writable, or {_HOW_TO_FIX}."
        ) from err

    for name, sha256 in files.items():
        path = cache_dir / name
        if path.is_file():
            if _sha256(path) == sha256:
                continue
            path.unlink()  # a corrupt or foreign file: never use it, fetch a fresh copy
        failures = []
        for mirror in mirrors:
            try:
                pooch.retrieve(
                    url=mirror + name,
                    known_hash="sha256:" + sha256,
                    fname=name,
                    path=cache_dir,
                    progressbar=False,
                )
                break
            except (requests.RequestException, ValueError) as err:
                failures.append(f"  - {mirror + name}: {_short_reason(err)}")
            except OSError as err:  # the cache folder itself is the problem: no use going on
                raise DataError(
                    f"{path}: cannot write it ({err}). Make {cache_dir} writable, or {_HOW_TO_FIX}."
                ) from err
        else:
            tried = "\n".join(failures) or "  (no mirrors given)"
            raise DataError(
                f"{path}: could not download it. Tried:\n{tried}\n"
                f"Check your internet connection and run again, or {_HOW_TO_FIX}."
            )
    return cache_dir


def _check_folder(folder: Path, dataset: str) -> None:
    """Raise DataError unless ``folder`` holds the four files of ``dataset`` with good checksums."""
    expected = _check_dataset(dataset)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DataError(
            f"{folder}: this folder {what}. Give the folder that holds the four {dataset} .gz "
            "files (data_dir / --data-dir / MLP_CORE_DATA), or leave it out to use the cache."
        )
    missing = [name for name in expected if not (folder / name).is_file()]
    if missing:
        raise DataError(
            f"{folder}: missing {', '.join(missing)}. Put the four {dataset} .gz "
            "files in this folder, or point data_dir / MLP_CORE_DATA elsewhere."
        )
    for name, sha256 in expected.items():
        found = _sha256(folder / name)
        if found == sha256:
            continue
        hint = "The file is corrupt or not the canonical one; replace it with a good copy."
        for other, other_sha256 in _SHA256.items():
            if other != dataset and found == other_sha256[name]:
                hint = f"These look like the {other} files; did you mean dataset={other!r}?"
        raise DataError(
            f"{folder / name}: SHA-256 mismatch for {dataset} (expected "
            f"{sha256[:12]}…, got {found[:12]}…). {hint}"
        )


def locate(dataset: str = "mnist", data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return a folder holding the four verified ``.gz`` files of ``dataset``.

    ``dataset`` is ``"mnist"`` or ``"fashion-mnist"``. The folder is ``data_dir`` if given,
    else ``$MLP_CORE_DATA`` (for Fashion-MNIST: ``$MLP_CORE_DATA/fashion-mnist``, if it exists),
    else the download cache, filled from ``MIRRORS`` if needed. See the module docstring.
    """
    _check_dataset(dataset)
    folder = None
    if data_dir is not None:
        folder = Path(data_dir).expanduser()
    elif os.environ.get("MLP_CORE_DATA"):
        folder = Path(os.environ["MLP_CORE_DATA"]).expanduser()
        if dataset != "mnist":  # MLP_CORE_DATA is the MNIST folder; other data in subfolders
            folder = folder / dataset if (folder / dataset).is_dir() else None
    if folder is not None:
        _check_folder(folder, dataset)
        return folder
    return download(_SHA256[dataset], MIRRORS[dataset], default_cache_dir(dataset))


def train_val_split(
    X: np.ndarray, y: np.ndarray, n_val: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split off ``n_val`` random examples for validation.

    ``X`` has shape ``(m, ...)`` and ``y`` shape ``(m,)``. Returns ``X_tr, y_tr, X_val, y_val``
    (copies; each part keeps the original order). The same ``seed`` always gives the same split.
    """
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if not 0 <= n_val < len(X):
        raise ValueError(f"n_val must be in [0, {len(X)}), got {n_val}")
    order = np.random.default_rng(seed).permutation(len(X))
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return X[train], y[train], X[val], y[val]


@dataclass(repr=False)
class Dataset:
    """Images and labels of one dataset, split into train / validation / test.

    ``X_*`` are float32 in [0, 1] (uint8 0..255 if loaded with ``normalize=False``), shaped
    ``(m, 784)`` (or ``(m, 28, 28)`` with ``flatten=False``). ``y_*`` are int64 labels of shape
    ``(m,)``. ``X_val`` / ``y_val`` have ``m = 0`` when there is no validation split.
    ``classes[k]`` is the name of label ``k``.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: list[str]

    def __repr__(self) -> str:
        parts = [f"X_{s}={getattr(self, 'X_' + s).shape}" for s in ("train", "val", "test")]
        return f"Dataset({', '.join(parts)}, dtype={self.X_train.dtype}, classes={self.classes})"


def _read_pair(folder: Path, images_name: str, labels_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Read an images file and its labels file, checking that they belong together."""
    images, labels = read_idx(folder / images_name), read_idx(folder / labels_name)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(
            f"{folder}: {images_name} holds images of shape {images.shape} but "
            f"{labels_name} labels of shape {labels.shape}; they do not match."
        )
    if labels.max(initial=0) > 9:
        raise DataError(f"{folder / labels_name}: labels must be 0..9, found {labels.max()}.")
    return images, labels.astype(np.int64)


def _to_features(images: np.ndarray, flatten: bool, normalize: bool) -> np.ndarray:
    """uint8 images (m, 28, 28) -> (m, 784) if flatten, float32 in [0, 1] if normalize."""
    if flatten:
        images = images.reshape(len(images), math.prod(images.shape[1:]))  # 28 * 28 = 784
    if normalize:  # straight to float32: no float64 copy of the whole set
        return np.divide(images, np.float32(255), dtype=np.float32)
    return images.copy()  # read_idx gives a read-only view; hand out a normal array


def load_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    dataset: str = "mnist",
    n_validation: int = 0,
    flatten: bool = True,
    normalize: bool = True,
    seed: int = 0,
) -> Dataset:
    """Load MNIST (or ``dataset="fashion-mnist"``) as a ``Dataset``.

    The files are found with ``locate(dataset, data_dir)``. With ``n_validation > 0`` that many
    training examples (chosen with ``seed``) move to ``X_val`` / ``y_val``. Images come out
    float32 in [0, 1] (``normalize=True``) or uint8, shaped ``(m, 784)`` (``flatten=True``) or
    ``(m, 28, 28)``; labels are int64 of shape ``(m,)``. MNIST: m = 60,000 train, 10,000 test.
    """
    _check_dataset(dataset)
    if not isinstance(n_validation, (int, np.integer)) or not 0 <= n_validation < _N_TRAIN:
        raise ValueError(
            f"n_validation must be an integer in [0, {_N_TRAIN}), got {n_validation!r}"
        )
    folder = locate(dataset, data_dir)
    X_train, y_train = _read_pair(folder, TRAIN_IMAGES, TRAIN_LABELS)
    X_test, y_test = _read_pair(folder, TEST_IMAGES, TEST_LABELS)

    # Split the compact uint8 images first, then convert: less memory than the other way round.
    X_train, y_train, X_val, y_val = (
        train_val_split(X_train, y_train, n_validation, seed)
        if n_validation
        else (X_train, y_train, X_train[:0], y_train[:0])
    )
    return Dataset(
        X_train=_to_features(X_train, flatten, normalize),
        y_train=y_train,
        X_val=_to_features(X_val, flatten, normalize),
        y_val=y_val,
        X_test=_to_features(X_test, flatten, normalize),
        y_test=y_test,
        classes=list(CLASSES[dataset]),
    )
