"""MNIST-style preprocessing of drawn digits (mlp_core/preprocess.py)."""

import numpy as np
import pytest

from mlp_core import Nesterov, Network, accuracy, fit
from mlp_core.preprocess import (
    as_ink,
    centre_of_mass,
    ink_box,
    place_centred,
    resize,
    to_mnist,
    to_mnist_batch,
    to_raw,
)


@pytest.fixture(scope="module")
def net(mnist) -> Network:
    """A 784-64-10 network trained for 2 epochs on 10,000 MNIST digits (about 95 %)."""
    net = Network([784, 64, 10], seed=0)
    fit(net, mnist.X_train[:10_000], mnist.y_train[:10_000], optimizer=Nesterov(0.1), epochs=2)
    return net


def corner_stroke(size: int = 300) -> np.ndarray:
    """A hand-drawn-like "7" in the top-left corner of a large dark canvas."""
    img = np.zeros((size, size))
    img[12:22, 15:95] = 1.0  # the bar
    for r in range(22, 110):  # the slanted stem, 9 pixels wide
        c = 90 - (r - 22) // 2
        img[r, c - 4 : c + 5] = 1.0
    return img


def test_a_stroke_in_a_corner_ends_up_centred_in_a_20_pixel_box():
    out = to_mnist(corner_stroke())
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() == pytest.approx(1.0)
    r, c = centre_of_mass(out)
    assert abs(r - 14) <= 1 and abs(c - 14) <= 1, (r, c)
    top, bottom, left, right = ink_box(out)
    # the stroke is 98 pixels tall and 80 wide: scaled to 20 tall, 80/98*20 = 16.3 wide
    assert (bottom - top, right - left) == (20, 16)
    # anti-aliased: grey levels at the stroke's edges, not only black and white
    assert np.sum((out > 0.05) & (out < 0.95)) >= 20


def test_aspect_ratio_is_kept():
    img = np.zeros((200, 200))
    img[50:150, 90:110] = 1.0  # a bar 100 tall and 20 wide: a "1"
    top, bottom, left, right = ink_box(to_mnist(img))
    assert bottom - top == 20 and right - left == 4


def test_rgba_alpha_uint8_and_inverted_inputs_give_the_same_digit():
    ink = corner_stroke(150)
    expected = to_mnist(ink)
    rgba = np.zeros((150, 150, 4), dtype=np.uint8)
    rgba[..., :3] = 255  # white paint...
    rgba[..., 3] = np.round(ink * 255).astype(np.uint8)  # ...where the alpha says there is ink
    np.testing.assert_allclose(to_mnist(rgba), expected, atol=1e-6)
    np.testing.assert_allclose(to_mnist((ink * 255).astype(np.uint8)), expected, atol=1e-6)
    np.testing.assert_allclose(to_mnist(1.0 - ink, invert=True), expected, atol=1e-6)


def test_mnist_test_digits_pass_through_nearly_unchanged(mnist, net):
    X, y = mnist.X_test[:500], mnist.y_test[:500]
    P = to_mnist_batch(X)
    assert P.shape == (500, 784) and P.dtype == np.float32
    assert np.abs(P - X).mean() < 0.01
    assert np.mean(np.all(np.abs(P - X) < 0.01, axis=1)) > 0.8  # most are unchanged
    # and a network trained on MNIST reads them just as well
    before, after = accuracy(y, net.predict(X)), accuracy(y, net.predict(P))
    assert before > 0.9 and abs(before - after) <= 0.01, (before, after)


def test_off_centre_mnist_digits_are_rescued(mnist, net):
    """An MNIST digit made small and put in a corner is misread raw, read preprocessed."""
    X, y = mnist.X_test[:300], mnist.y_test[:300]
    drawn = np.zeros((300, 84, 84))
    for i, x in enumerate(X):
        drawn[i, 2:30, 2:30] = x.reshape(28, 28)  # top-left corner of a bigger canvas
    raw = np.stack([to_raw(d).reshape(-1) for d in drawn])
    prep = to_mnist_batch(drawn)
    acc_raw, acc_prep = accuracy(y, net.predict(raw)), accuracy(y, net.predict(prep))
    assert acc_raw < 0.5 < 0.9 < acc_prep, (acc_raw, acc_prep)


def test_resize_keeps_the_grey_levels_and_the_mean():
    rng = np.random.default_rng(0)
    img = rng.random((60, 45))
    small = resize(img, (20, 15))  # shrinking by 3: exact block means
    np.testing.assert_allclose(small, img.reshape(20, 3, 15, 3).mean(axis=(1, 3)))
    np.testing.assert_allclose(resize(img, (60, 45)), img)  # same size: unchanged
    big = resize(img, (137, 91))  # enlarging: interpolation stays within the input's range
    assert img.min() <= big.min() and big.max() <= img.max()
    odd = resize(img, (17, 13))  # area averaging keeps the mean
    assert odd.mean() == pytest.approx(img.mean(), rel=1e-9)


def test_centre_of_mass_is_row_then_column():
    img = np.zeros((28, 28))
    img[3, 20] = 1.0
    img[5, 20] = 1.0
    assert centre_of_mass(img) == (4.0, 20.0)
    placed = place_centred(np.ones((20, 8)))
    assert centre_of_mass(placed) == pytest.approx((14.0, 14.0), abs=0.5)
    assert placed.sum() == 160  # nothing lost at the edges


def test_place_centred_keeps_a_lopsided_patch_inside_the_field():
    patch = np.zeros((20, 20))
    patch[0, :] = 1.0
    patch[19, 0] = 0.01  # the box is 20 tall, but nearly all mass is on the top row
    field = place_centred(patch)
    assert field.sum() == pytest.approx(patch.sum())  # shifted as far as the field allows


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((100, 100)), "no ink"),
        (np.zeros((5, 5, 4), dtype=np.uint8), "no ink"),
        (np.ones((3, 4, 5)), "expected"),
        (np.full((10, 10), np.nan), "NaN"),
        (-np.ones((10, 10)), "negative"),
        (np.array([["a"]]), "dtype"),
    ],
)
def test_bad_input_gets_a_clear_error(image, message):
    with pytest.raises(ValueError, match=message):
        to_mnist(image)


def test_empty_raw_input_is_all_zero_not_an_error():
    assert not to_raw(np.zeros((50, 50))).any()
    assert as_ink(np.zeros(784)).shape == (28, 28)
