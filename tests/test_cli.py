"""The command line: JSON results, one-line errors, saving, notebook stamping."""

import json
import subprocess
import sys

import numpy as np
import pytest

import mlp_core as mc
from mlp_core.cli import main


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "mlp_core", *args], capture_output=True, text=True, timeout=300
    )


def test_train_json_carries_the_results(mnist_dir):
    r = run_cli(
        "train", "--hidden", "32,16", "--optimizer", "nesterov", "--lr", "0.05",
        "--batch-size", "256", "--epochs", "1", "--data-dir", str(mnist_dir), "--json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout.strip().splitlines()[-1])
    for key in ("test_accuracy", "train_loss", "epochs", "seconds", "seconds_per_epoch"):
        assert result[key] is not None, key
    assert result["epochs"] == 1 and result["network"] == "784-32-16-10"
    assert 0.85 < result["test_accuracy"] <= 1
    assert result["settings"]["optimizer"] == "nesterov" and result["settings"]["batch_size"] == 256
    assert "epoch 1/1" in r.stderr  # progress goes to stderr, not into the JSON


@pytest.mark.parametrize(
    "args, words",
    [
        (["train", "--hidden", "abc"], "--hidden: 'abc' is not a comma-separated list"),
        (["train", "--hidden", "0"], "--hidden"),
        (["train", "--hidden", "256,"], "--hidden: '256,' is not a comma-separated list"),
        (["train", "--hidden", "256,,64"], "no empty or zero entries"),
        (["train", "--optimizer", "adam"], "invalid choice: 'adam'"),
        (["train", "--loss", "hinge"], "invalid choice: 'hinge'"),
        (["train", "--lr", "0"], "--lr=0.0 must be a finite number > 0"),
        (["train", "--lr", "fast"], "invalid float value: 'fast'"),
        (["train", "--momentum", "1.5", "--optimizer", "nesterov"], "--momentum=1.5"),
        (["train", "--epochs", "0"], "--epochs=0 must be a whole number >= 1"),
        (["train", "--batch-size", "-2"], "--batch-size=-2 must be a whole number >= 0"),
        (["train", "--l2", "-1"], "--l2=-1.0 must be a finite number >= 0"),
        (["train", "--data-dir", "/nonexistent/mnist"], "--data-dir /nonexistent/mnist: no such"),
        (["fly"], "invalid choice: 'fly'"),
    ],
)
def test_bad_flags_give_one_line_errors(args, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        sys.exit(main(args))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert words in err and "Traceback" not in err


def test_too_large_batch_is_a_one_line_error(mnist_dir, capsys):
    code = main(["train", "--batch-size", "70000", "--data-dir", str(mnist_dir), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "--batch-size 70000 is more than the 60000 training images" in err


def test_save_writes_a_loadable_network(mnist_dir, tmp_path, capsys):
    path = tmp_path / "net.npz"
    args = ["train", "--hidden", "16", "--epochs", "1", "--batch-size", "512", "--quiet"]
    assert main([*args, "--data-dir", str(mnist_dir), "--save", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    net = mc.load_network(path)
    data = mc.load_mnist(mnist_dir)
    assert mc.accuracy(data.y_test, net.predict(data.X_test)) == pytest.approx(
        result["test_accuracy"]
    )
    assert net.sizes == [784, 16, 10] and net.W[0].dtype == np.float32
