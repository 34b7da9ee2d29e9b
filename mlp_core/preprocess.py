"""Turn a drawn digit into an MNIST-like input: crop, fit into 20×20, centre by mass.

MNIST's digits were not photographed as they are. Each scanned digit was cropped to its
ink, scaled (keeping its aspect ratio, with anti-aliased grey levels) so that its longer
side is 20 pixels, and placed in a 28×28 field so that its **centre of mass** sits at the
centre of the field. A network trained on MNIST has only ever seen digits made that way:
the ink is 20 pixels tall (or wide) and centred by mass, near pixel (14, 14). A digit
drawn in a browser is not: it is drawn anywhere on the canvas, at any size. ``to_mnist``
repeats MNIST's steps on such a drawing:

1. :func:`ink_box`: the rows and columns that hold ink;
2. :func:`resize`: the cropped ink, scaled so its longer side is 20 pixels;
3. :func:`centre_of_mass` and :func:`place_centred`: pasted into a 28×28 field, shifted by
   whole pixels so its centre of mass lands on (14, 14).

Coordinates are array indices: ``(row, column)``, row 0 at the top, pixel ``(r, c)`` at
position ``(r, c)``. In these coordinates the mean centre of mass of the MNIST digits is
(14.0, 14.0). Only numpy is used.
"""

from __future__ import annotations

import functools

import numpy as np

FIELD = 28  # MNIST images are FIELD × FIELD pixels
BOX = 20  # the longer side of the ink after scaling
CENTRE = (14.0, 14.0)  # (row, column) of the centre of mass in MNIST


def as_ink(image: np.ndarray, invert: bool = False) -> np.ndarray:
    """A drawing as a float64 ink image: 0 where there is no ink, larger where there is more.

    image: (H, W) greyscale with the ink bright on a dark background (uint8 0..255 or
    floats >= 0), (H, W, 4) RGBA whose alpha channel is the ink (as a browser canvas
    gives it), or (784,) a flattened 28×28 MNIST image.
    invert: the ink is dark on a bright background (e.g. a scan of pen on paper).
    Returns (H, W) float64, scaled so that the darkest ink is 1 (an empty image stays 0).
    """
    a = np.asarray(image)
    if a.ndim == 1 and a.size == FIELD * FIELD:
        a = a.reshape(FIELD, FIELD)
    elif a.ndim == 3 and a.shape[2] == 4:
        a = a[:, :, 3]  # the alpha channel: where the pen has been
    elif a.ndim != 2:
        raise ValueError(
            f"image of shape {a.shape}: expected (H, W) greyscale, (H, W, 4) RGBA with the "
            "ink as alpha, or (784,) a flattened MNIST digit"
        )
    if a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"image of shape {a.shape} has no pixels")
    if a.dtype == np.uint8:
        a = a / 255.0
    elif np.issubdtype(a.dtype, np.number) or a.dtype == bool:
        a = a.astype(np.float64)
    else:
        raise ValueError(f"image has dtype {a.dtype}: expected numbers (uint8 or floats)")
    if not np.all(np.isfinite(a)):
        raise ValueError("image holds NaN or infinite values: give finite grey levels")
    if a.min() < 0:
        raise ValueError(
            f"image has negative values (min {a.min():.3g}): give grey levels >= 0, "
            "e.g. in [0, 1] or 0..255"
        )
    if invert:
        a = a.max() - a
    top = a.max()
    return a / top if top > 0 else a


def ink_box(ink: np.ndarray, threshold: float = 0.0) -> tuple[int, int, int, int]:
    """The smallest box that holds all the ink: ``(top, bottom, left, right)``, with
    ``bottom`` and ``right`` one past the last inked row and column (slice ends).

    ink: (H, W), >= 0; a pixel is ink if it is above ``threshold`` times the maximum.
    Raises ValueError if there is no ink at all.
    """
    ink = np.asarray(ink)
    top = float(ink.max()) if ink.size else 0.0
    if top <= 0:
        raise ValueError(
            "the image has no ink (every pixel is 0): draw a digit first, or pass "
            "invert=True if the ink is dark on a light background"
        )
    mask = ink > threshold * top
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


@functools.lru_cache(maxsize=256)  # the same few sizes come back again and again
def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights that resample a line of n_in pixels to n_out pixels.

    Shrinking: area averaging (each output pixel is the mean of the input it covers,
    partly covered pixels counted by the fraction covered). Enlarging: linear
    interpolation between the two nearest input pixel centres. Read-only (it is cached).
    """
    R = _resample_weights(n_in, n_out)
    R.flags.writeable = False
    return R


def _resample_weights(n_in: int, n_out: int) -> np.ndarray:
    scale = n_in / n_out  # input pixels per output pixel
    if n_out <= n_in:
        edges = np.arange(n_out + 1) * scale  # output pixel i covers [edges[i], edges[i+1])
        start, end = edges[:-1, None], edges[1:, None]
        j = np.arange(n_in)[None, :]  # input pixel j covers [j, j + 1)
        overlap = np.clip(np.minimum(end, j + 1) - np.maximum(start, j), 0, None)
        return overlap / scale
    centres = (np.arange(n_out) + 0.5) * scale - 0.5  # output centres in input coordinates
    centres = np.clip(centres, 0, n_in - 1)
    lo = np.floor(centres).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = centres - lo
    R = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(R, (rows, lo), 1 - frac)
    np.add.at(R, (rows, hi), frac)
    return R


def resize(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``image`` (H, W) resampled to ``shape`` (h, w), anti-aliased.

    Each axis is resampled on its own (area averaging when shrinking, linear
    interpolation when enlarging), so grey levels stay in the range of the input.
    Returns (h, w) float64.
    """
    image = np.asarray(image, dtype=np.float64)
    h, w = (int(n) for n in shape)
    if image.ndim != 2 or h < 1 or w < 1:
        raise ValueError(
            f"resize needs a 2-D image and a shape >= (1, 1), got {image.shape}, {shape}"
        )
    return _resample_matrix(image.shape[0], h) @ image @ _resample_matrix(image.shape[1], w).T


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """``(row, column)`` of the centre of mass of ``image`` (H, W): the ink-weighted mean
    of the row and of the column indices. Raises ValueError if there is no ink."""
    image = np.asarray(image, dtype=np.float64)
    total = image.sum()
    if total <= 0:
        raise ValueError("the image has no ink, so it has no centre of mass: draw a digit first")
    rows = np.arange(image.shape[0]) @ image.sum(axis=1) / total
    cols = np.arange(image.shape[1]) @ image.sum(axis=0) / total
    return float(rows), float(cols)


def place_centred(patch: np.ndarray, size: int = FIELD, centre=CENTRE) -> np.ndarray:
    """Paste ``patch`` (h, w) into an empty (size, size) field, shifted by whole pixels so
    that its centre of mass lands as near ``centre`` ``(row, column)`` as it can.

    The shift is rounded to whole pixels (no extra blurring) and limited so that the whole
    patch stays inside the field; h and w must be at most ``size``.
    """
    patch = np.asarray(patch, dtype=np.float64)
    h, w = patch.shape
    if h > size or w > size:
        raise ValueError(f"a patch of {h}×{w} does not fit into a {size}×{size} field")
    r, c = centre_of_mass(patch)
    top = int(np.clip(round(centre[0] - r), 0, size - h))
    left = int(np.clip(round(centre[1] - c), 0, size - w))
    field = np.zeros((size, size))
    field[top : top + h, left : left + w] = patch
    return field


def to_mnist(image: np.ndarray, invert: bool = False, threshold: float = 0.0) -> np.ndarray:
    """Preprocess a drawn digit the way MNIST's digits were made.

    image: (H, W) greyscale, ink bright on dark (or dark on bright with ``invert=True``),
    (H, W, 4) RGBA with the ink as alpha, or (784,); any size.
    threshold: pixels below this fraction of the brightest ink do not count when cropping.
    Returns (28, 28) float32 in [0, 1]: the ink cropped to its bounding box, scaled so its
    longer side is 20 pixels (aspect ratio kept, anti-aliased), centred by its centre of
    mass at (14, 14), the brightest pixel 1. Use ``.reshape(1, 784)`` for a network.
    Raises ValueError if the image has no ink.
    """
    ink = as_ink(image, invert=invert)
    top, bottom, left, right = ink_box(ink, threshold)
    crop = ink[top:bottom, left:right]
    h, w = crop.shape
    scale = BOX / max(h, w)
    patch = resize(crop, (max(1, round(h * scale)), max(1, round(w * scale))))
    field = place_centred(patch)
    return (field / field.max()).astype(np.float32)


def to_raw(image: np.ndarray, invert: bool = False) -> np.ndarray:
    """What a network sees without preprocessing: the whole drawing shrunk to 28×28.

    image: as for :func:`to_mnist`. Returns (28, 28) float32 in [0, 1] (brightest pixel 1,
    or all 0 for an empty drawing).
    """
    ink = resize(as_ink(image, invert=invert), (FIELD, FIELD))
    top = ink.max()
    return (ink / top if top > 0 else ink).astype(np.float32)


def to_mnist_batch(images, invert: bool = False) -> np.ndarray:
    """:func:`to_mnist` for several drawings: an (n, H, W) array or a list of images.
    Returns (n, 784) float32, one flattened 28×28 image per row, ready for a network."""
    return np.stack([to_mnist(im, invert=invert).reshape(-1) for im in images])
