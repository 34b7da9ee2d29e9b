"""The callbacks fit composes: early stopping, progress in a notebook, the divergence guard."""

import nbformat
import numpy as np
import pytest
from helpers import make_notebook
from nbclient import NotebookClient

import mlp_core as mc


@pytest.fixture
def overfit():
    """Few noisy training points and a wide net: the validation loss turns up quickly."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10)).astype(np.float32)
    y = (X[:, 0] + 0.8 * rng.normal(size=60) > 0).astype(int)
    Xv = rng.normal(size=(200, 10)).astype(np.float32)
    yv = (Xv[:, 0] > 0).astype(int)
    return X, y, Xv, yv


def run(data, callbacks, epochs=200):
    X, y, Xv, yv = data
    net = mc.Network([10, 64, 2], seed=0)
    h = mc.fit(net, X, y, optimizer=mc.SGD(0.5), epochs=epochs, batch_size=10, seed=0,
               X_val=Xv, y_val=yv, callbacks=callbacks)  # fmt: skip
    return net, h


def test_early_stopping_stops_after_patience_and_restores_the_best_weights(overfit):
    stop = mc.EarlyStopping(patience=5)
    net, h = run(overfit, [stop])
    best = int(np.argmin(h.val_loss)) + 1
    assert h.stopped_early and h.epochs_done == best + 5 and stop.best_epoch == best
    assert stop.best_val_loss == pytest.approx(min(h.val_loss))
    assert f"best {stop.best_val_loss:.4f}, epoch {best}" in h.message
    assert "are restored" in h.message
    # the network now has the best epoch's weights: same validation loss as recorded then
    assert mc.evaluate(net, overfit[2], overfit[3])[0] == pytest.approx(h.val_loss[best - 1])


def test_without_restore_the_last_weights_stay(overfit):
    net, h = run(overfit, [mc.EarlyStopping(patience=5, restore_best=False)])
    assert mc.evaluate(net, overfit[2], overfit[3])[0] == pytest.approx(h.val_loss[-1])


def test_early_stopping_needs_validation_data_and_a_sane_patience(overfit):
    X, y, _, _ = overfit
    with pytest.raises(ValueError, match="give fit X_val and y_val"):
        mc.fit(
            mc.Network([10, 4, 2]), X, y, epochs=2, batch_size=10, callbacks=[mc.EarlyStopping()]
        )
    with pytest.raises(ValueError, match="patience=0"):
        mc.EarlyStopping(patience=0)


def test_a_run_that_blows_up_is_stopped_by_the_one_rule(overfit):
    net, h = run(overfit, [], epochs=20)
    assert not h.diverged
    X, y, Xv, yv = overfit
    h = mc.fit(
        mc.Network([10, 64, 2], seed=0), X, y, optimizer=mc.SGD(500.0), epochs=20, batch_size=10
    )
    assert h.diverged and not h.stopped_early and "more than 3 times" in h.message


PROGRESS = """
import numpy as np, mlp_core as mc
X = np.random.default_rng(0).normal(size=(400, 5)).astype(np.float32)
y = (X[:, 0] > 0).astype(int)
h = mc.fit(mc.Network([5, 8, 2]), X, y, epochs=3, batch_size=4, progress=True)
"""


def test_progress_in_a_notebook_is_an_output_not_stderr(tmp_path):
    nb = make_notebook([("code", PROGRESS)])
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if o.get("name") == "stderr"], outputs
    shown = [o for o in outputs if o.output_type == "display_data"]
    assert len(shown) == 1  # one output, updated in place
    assert "epoch 3/3" in shown[0].data["text/plain"]
    assert nbformat.validate(nb) is None
