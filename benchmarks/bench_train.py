"""Training speed of mlp_core against PyTorch (CPU) on the course's reference networks.

    python benchmarks/bench_train.py [--data-dir DIR] [--epochs N] [--repeats R]
                                     [--only NAME[,NAME]] [--threads 2] [--json out.json]

Every network is trained on the full MNIST (60,000 training images, test accuracy on the
10,000 test images after every epoch) by mlp_core and, when it is installed, by PyTorch with
the same architecture, initialisation scheme, batch size, optimizer, learning rate and thread
count. Each training run happens in a fresh Python process, so that its peak memory can be
measured on its own and one framework's threads or caches never help or hinder the other.
Runs alternate between the frameworks (mlp_core first, then PyTorch first, ...), so a machine
that gets slower or faster during the benchmark affects both alike.

Printed for every network and framework: the median seconds per training epoch (the first
epoch of every run is excluded: it pays for warming up caches and memory) with its min-max,
the ratio mlp_core / PyTorch, the test accuracy after every epoch, the training seconds
until the test accuracy first reached 98 % and the peak resident memory of the process.
Run with ``--help`` for the options; benchmarks/README.md explains the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass

HERE = os.path.abspath(__file__)


@dataclass(frozen=True)
class Config:
    """One reference network and how it is trained."""

    name: str
    title: str
    sizes: tuple[int, ...]
    activation: str
    loss: str
    init: str
    optimizer: str  # "sgd", "momentum" or "nesterov"
    lr: float
    beta: float
    batch_size: int
    epochs: int  # default length of a run (the first epoch is not timed)
    cosine: bool = False  # cosine learning-rate decay over the run's epochs

    def gemm_gflop_per_epoch(self, m: int = 60_000) -> float:
        """Matrix-product work of one epoch: forward, dW and dA (no dA for the input)."""
        pairs = [a * b for a, b in zip(self.sizes[:-1], self.sizes[1:])]
        return 2 * m * (3 * sum(pairs) - pairs[0]) / 1e9


CONFIGS = [
    Config("relu256-sgd", "784-256-10 ReLU/softmax, SGD 0.1, batch 128",
           (784, 256, 10), "relu", "cross-entropy", "he", "sgd", 0.1, 0.0, 128, 4),
    Config("relu104-64-nesterov", "784-104-64-10 ReLU/softmax, Nesterov 0.05/0.9, batch 128",
           (784, 104, 64, 10), "relu", "cross-entropy", "he", "nesterov", 0.05, 0.9, 128, 4),
    Config("sigmoid30-per-sample", "784-30-10 sigmoid/MSE, SGD 0.3, per sample (batch 1)",
           (784, 30, 10), "sigmoid", "mse", "xavier", "sgd", 0.3, 0.0, 1, 2),
    Config("best-recipe", "784-256-10 ReLU/softmax, Nesterov 0.15/0.9, cosine, batch 128",
           (784, 256, 10), "relu", "cross-entropy", "he", "nesterov", 0.15, 0.9, 128, 5,
           cosine=True),
]  # fmt: skip
BY_NAME = {c.name: c for c in CONFIGS}


# ------------------------------------------------------------------------------ workers
# Each worker runs in its own process (see main) and prints one line of JSON.


# numpy calls in one per-sample step of the 784-30-10 sigmoid/MSE network with plain SGD,
# counted in mlp_core/per_sample.py: forward 6 + 2, output and loss 9, argmax 1, lr 1,
# backward 4 + 3 + 3 (slices and views not counted).
NUMPY_CALLS_PER_SAMPLE_STEP = 29


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


def worker_mlp_core(cfg: Config, epochs: int, data_dir: str | None) -> dict:
    import mlp_core as mc

    data = mc.load_mnist(data_dir)
    rss_data = peak_rss_mb()
    net = mc.Network(list(cfg.sizes), activation=cfg.activation, loss=cfg.loss, init=cfg.init)
    opt = mc.make_optimizer(cfg.optimizer, cfg.lr, cfg.beta)
    history = mc.fit(
        net,
        data.X_train,
        data.y_train,
        optimizer=opt,
        epochs=epochs,
        batch_size=cfg.batch_size,
        lr_schedule=mc.cosine(cfg.lr, epochs) if cfg.cosine else None,
        X_test=data.X_test,
        y_test=data.y_test,
    )
    return {
        "seconds": history.seconds,
        "test_accuracy": history.test_accuracy,
        "peak_mb": peak_rss_mb(),
        "peak_mb_after_loading": rss_data,
        "diverged": history.diverged,
    }


def worker_torch(cfg: Config, epochs: int, data_dir: str | None, threads: int) -> dict:
    import torch
    import torch.nn.functional as F

    import mlp_core as mc

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    data = mc.load_mnist(data_dir)
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)  # shares the memory
    X_test, y_test = torch.from_numpy(data.X_test), torch.from_numpy(data.y_test)
    Y = F.one_hot(y, 10).float()  # float32 targets for MSE
    rss_data = peak_rss_mb()

    hidden = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh}
    layers: list[torch.nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(cfg.sizes[:-1], cfg.sizes[1:])):
        linear = torch.nn.Linear(n_in, n_out)
        if cfg.init == "he":  # N(0, 2 / n_in), like mlp_core's "he"
            torch.nn.init.kaiming_normal_(linear.weight, mode="fan_in", nonlinearity="relu")
        else:  # N(0, 2 / (n_in + n_out)), like mlp_core's "xavier"
            torch.nn.init.xavier_normal_(linear.weight)
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(cfg.sizes) - 2:
            layers.append(hidden[cfg.activation]())
    model = torch.nn.Sequential(*layers)
    # torch's momentum keeps buf = beta*buf + g and steps p -= lr*buf (Nesterov: p -= lr*(g +
    # beta*buf)); with v = -lr*buf that is mlp_core's Momentum / Nesterov for a constant lr.
    opt = torch.optim.SGD(
        model.parameters(),
        lr=cfg.lr,
        momentum=cfg.beta if cfg.optimizer != "sgd" else 0.0,
        nesterov=cfg.optimizer == "nesterov",
    )

    def batch_loss(out: torch.Tensor, idx) -> torch.Tensor:
        if cfg.loss == "cross-entropy":  # softmax + cross-entropy, fused
            return F.cross_entropy(out, y[idx])
        A = torch.sigmoid(out)  # sigmoid outputs, 1/m * sum 1/2 ||A - Y||^2
        return 0.5 * ((A - Y[idx]) ** 2).sum() / A.shape[0]

    m, bs = len(X), cfg.batch_size
    gen = torch.Generator().manual_seed(0)
    seconds, test_accuracy, diverged = [], [], False
    for epoch in range(epochs):
        if cfg.cosine:
            for group in opt.param_groups:
                group["lr"] = mc.cosine(cfg.lr, epochs)(epoch)
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(m, generator=gen)
        order = perm.tolist() if bs == 1 else None
        loss_sum, correct = 0.0, 0
        for i in range(0, m, bs):
            # the same per-step bookkeeping as mlp_core's fit: the loss and the number right
            idx = slice(order[i], order[i] + 1) if order is not None else perm[i : i + bs]
            out = model(X[idx])
            loss = batch_loss(out, idx)
            value = loss.item()
            if not math.isfinite(value):
                diverged = True
                break
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += value * out.shape[0]
            correct += int((out.argmax(dim=1) == y[idx]).sum())
        seconds.append(time.perf_counter() - start)
        if diverged:
            break
        model.eval()
        with torch.no_grad():
            test_accuracy.append(float((model(X_test).argmax(dim=1) == y_test).float().mean()))
    return {
        "seconds": seconds,
        "test_accuracy": test_accuracy,
        "peak_mb": peak_rss_mb(),
        "peak_mb_after_loading": rss_data,
        "diverged": diverged,
        "torch": torch.__version__,
    }


def worker_gemm(repeats: int = 300) -> dict:
    """This machine's float32 matrix-product rate for the shapes of a 784-256-10 batch step."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((128, 784), dtype=np.float32)
    W = rng.random((784, 256), dtype=np.float32)
    dZ = rng.random((128, 256), dtype=np.float32)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            X @ W  # forward
            X.T @ dZ  # dW
        rates.append(repeats * 2 * 2 * 128 * 784 * 256 / (time.perf_counter() - start) / 1e9)
    # Per-sample training is bound by the fixed cost of a numpy call, not by arithmetic:
    # measure that cost on a vector the size of the 784-30-10 network's hidden layer.
    z, b = np.ones(30, np.float32), np.ones(30, np.float32)
    calls = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(100_000):
            z += b
        calls.append((time.perf_counter() - start) / 100_000 * 1e6)
    return {
        "gflops": max(rates),
        "gflops_median": statistics.median(rates),
        "numpy_call_us": min(calls),
    }


# --------------------------------------------------------------------------------- main


def run_worker(kind: str, cfg: Config | None, args: argparse.Namespace) -> dict:
    """Start one worker process with the thread count fixed for every BLAS / OpenMP library."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)
    cmd = [sys.executable, HERE, "--worker", kind, "--threads", str(args.threads)]
    if cfg is not None:
        cmd += ["--only", cfg.name, "--epochs", str(args.epochs or cfg.epochs)]
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_train: the {kind} worker failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def seconds_to_98(seconds: list[float], accuracy: list[float]) -> float | None:
    """Training seconds until the end of the first epoch with test accuracy >= 98 %."""
    for epoch, acc in enumerate(accuracy):
        if acc >= 0.98:
            return sum(seconds[: epoch + 1])
    return None


def summarise(runs: list[dict]) -> dict:
    timed = [s for run in runs for s in run["seconds"][1:]]  # first epoch of each run excluded
    to98 = [seconds_to_98(r["seconds"], r["test_accuracy"]) for r in runs]
    reached = [t for t in to98 if t is not None]
    return {
        "median": statistics.median(timed) if timed else None,
        "min": min(timed) if timed else None,
        "max": max(timed) if timed else None,
        "n_epochs_timed": len(timed),
        "test_accuracy": runs[0]["test_accuracy"],
        "seconds_to_98": statistics.median(reached) if len(reached) == len(runs) else None,
        "epochs_to_98": [
            next((e + 1 for e, a in enumerate(r["test_accuracy"]) if a >= 0.98), None) for r in runs
        ],
        "peak_mb": max(r["peak_mb"] for r in runs),
        "peak_mb_after_loading": max(r["peak_mb_after_loading"] for r in runs),
        "diverged": any(r["diverged"] for r in runs),
    }


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def print_report(results: dict, have_torch: bool, gemm: dict, args: argparse.Namespace) -> None:
    info = results["machine"]
    print()
    print(
        f"mlp_core {info['mlp_core']} (numpy {info['numpy']}, {info['blas']})"
        + (f" vs PyTorch {info['torch']} CPU" if have_torch else "")
        + f"; {args.threads} thread(s), {info['cpus']} CPUs, Python {info['python']}"
    )
    print(
        f"MNIST 60,000 train / 10,000 test; {args.repeats} run(s) per framework and network; "
        "s/epoch = training time only, first epoch of every run excluded"
    )
    if not have_torch:
        print(
            "PyTorch skipped (--no-torch): mlp_core figures only."
            if args.no_torch
            else "PyTorch was not found (pip install torch to compare): mlp_core figures only."
        )
    header = (
        f"  {'framework':<9} {'s/epoch':>8} {'min-max':>12} {'ratio':>6} {'s to 98%':>9} "
        f"{'peak MB':>8}   test accuracy % after each epoch"
    )
    for name, entry in results["networks"].items():
        print()
        print(f"{BY_NAME[name].title}  [{name}]")
        print(header)
        for fw in ("mlp_core", "torch"):
            s = entry.get(fw)
            if s is None:
                continue
            ratio = entry.get("ratio") if fw == "mlp_core" else None
            acc = " ".join(f"{100 * a:.1f}" for a in s["test_accuracy"])
            print(
                f"  {fw:<9} {fmt(s['median']):>8} {fmt(s['min']) + '-' + fmt(s['max']):>12} "
                f"{fmt(ratio):>6} {fmt(s['seconds_to_98'], 1):>9} {s['peak_mb']:>8.0f}   {acc}"
            )
    print()
    print(f"float32 GEMM rate now ({args.threads} thread(s)): {gemm['gflops']:.0f} GFLOP/s (best)")
    for name, entry in results["networks"].items():
        cfg = BY_NAME[name]
        if cfg.batch_size > 1 and entry["mlp_core"]["median"]:
            floor = cfg.gemm_gflop_per_epoch() / gemm["gflops"]
            print(
                f"  {name}: {cfg.gemm_gflop_per_epoch():.0f} GFLOP per epoch -> matrix products "
                f"alone take {floor:.2f} s; mlp_core's median is "
                f"{entry['mlp_core']['median'] / floor:.1f}x that"
            )
    if "sigmoid30-per-sample" in results["networks"]:
        entry = results["networks"]["sigmoid30-per-sample"]["mlp_core"]
        floor = NUMPY_CALLS_PER_SAMPLE_STEP * gemm["numpy_call_us"] * 60_000 / 1e6
        print(
            f"  sigmoid30-per-sample: a numpy call on a 30-vector takes {gemm['numpy_call_us']:.2f}"
            f" us now; the {NUMPY_CALLS_PER_SAMPLE_STEP} calls of a step -> {floor:.2f} s per "
            f"epoch before any arithmetic or Python; mlp_core's median is "
            f"{entry['median'] / floor:.1f}x that"
        )
    print()
    print("Targets (issue 'Performance'):")
    for line in results["targets"]:
        print("  " + line)
    load = os.getloadavg()[0]
    if load > 0.5:
        print(
            f"\nNote: load average {load:.1f} at the end; other processes shared the CPU, so "
            "these timings are noisy. Rerun on a quiet machine for figures to quote."
        )


def check_targets(results: dict, have_torch: bool) -> list[str]:
    nets, lines = results["networks"], []

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "MISSED")

    for name, limit in (("relu256-sgd", 0.8), ("relu104-64-nesterov", 0.7)):
        if name in nets:
            r = nets[name].get("ratio")
            ok = None if r is None else r <= limit
            lines.append(f"{name}: mlp_core / PyTorch = {fmt(r)} (<= {limit}) {verdict(ok)}")
    if "sigmoid30-per-sample" in nets:
        s = nets["sigmoid30-per-sample"]["mlp_core"]["median"]
        ok = None if s is None else s <= 2.5
        lines.append(f"sigmoid30-per-sample: {fmt(s)} s/epoch (<= 2.5) {verdict(ok)}")
    if "best-recipe" in nets:
        mine = nets["best-recipe"]["mlp_core"]["seconds_to_98"]
        theirs = nets["best-recipe"].get("torch", {}).get("seconds_to_98") if have_torch else None
        ok = None if mine is None or theirs is None else mine < theirs
        if mine is not None and theirs is None and have_torch:
            ok = True  # PyTorch did not reach 98 % in the run at all
        lines.append(
            f"best-recipe: 98 % after {fmt(mine, 1)} s (PyTorch {fmt(theirs, 1)} s) {verdict(ok)}"
        )
    peak = max(e["mlp_core"]["peak_mb"] for e in nets.values())
    lines.append(f"peak memory of mlp_core runs: {peak:.0f} MB (<= 600) {verdict(peak <= 600)}")
    return lines


def machine_info(have_torch: bool) -> dict:
    import numpy as np

    import mlp_core

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except Exception:  # older numpy: no dict mode
        blas = "BLAS"
    info = {
        "mlp_core": mlp_core.__version__,
        "numpy": np.__version__,
        "blas": blas,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "torch": None,
    }
    if have_torch:
        info["torch"] = importlib.import_module("torch").__version__
    return info


def import_seconds(repeats: int = 7) -> dict:
    """Median wall time of ``python -c "import X"`` for numpy and mlp_core, alternating, and
    whether the download libraries (pooch, requests) are loaded by ``import mlp_core``."""
    times: dict[str, list[float]] = {"numpy": [], "mlp_core": []}
    for _ in range(repeats):
        for module in times:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
            times[module].append(time.perf_counter() - start)
    probe = "import sys, mlp_core; print(sorted({'pooch', 'requests'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    numpy_s, core_s = (statistics.median(times[m]) for m in ("numpy", "mlp_core"))
    return {"numpy": numpy_s, "mlp_core": core_s, "beyond_numpy": core_s - numpy_s,
            "download_libraries_loaded": loaded.strip()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("MLP_CORE_DATA"),
        help="folder with the MNIST .gz files (default: $MLP_CORE_DATA or "
        "mlp_core's cache/download)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="epochs per run for every network (default: 4 for the batch "
        "networks, 2 per-sample, 5 for the best recipe); must be >= 2",
    )
    parser.add_argument(
        "--repeats", type=int, default=2, help="runs per framework and network (default 2)"
    )
    parser.add_argument(
        "--only", default=None, help=f"comma-separated network names: {', '.join(BY_NAME)}"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="threads for BLAS and PyTorch, the same for both (default 2)",
    )
    parser.add_argument("--json", default=None, help="also write every figure to this file")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if installed")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    names = args.only.split(",") if args.only else list(BY_NAME)
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"--only: unknown network {unknown}; choose from {list(BY_NAME)}")
    if args.epochs is not None and args.epochs < 2:
        parser.error("--epochs must be at least 2: the first epoch of every run is not timed")
    if args.repeats < 1 or args.threads < 1:
        parser.error("--repeats and --threads must be at least 1")

    if args.worker:  # inside a worker process
        if args.worker == "gemm":
            result = worker_gemm()
        elif args.worker == "mlp_core":
            result = worker_mlp_core(BY_NAME[names[0]], args.epochs, args.data_dir)
        else:
            result = worker_torch(BY_NAME[names[0]], args.epochs, args.data_dir, args.threads)
        print(json.dumps(result))
        return

    have_torch = not args.no_torch and importlib.util.find_spec("torch") is not None
    frameworks = ["mlp_core", "torch"] if have_torch else ["mlp_core"]
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} before starting", file=sys.stderr)
    imports = import_seconds()
    print(
        f"import time (median of 7, new process each): numpy {imports['numpy']:.3f} s, "
        f"mlp_core {imports['mlp_core']:.3f} s ({imports['beyond_numpy']:.3f} s beyond numpy); "
        f"download libraries loaded by import mlp_core: {imports['download_libraries_loaded']}"
    )
    runs: dict[str, dict[str, list[dict]]] = {n: {fw: [] for fw in frameworks} for n in names}
    total, done = args.repeats * len(names) * len(frameworks), 0
    for repeat in range(args.repeats):
        for k, name in enumerate(names):
            order = frameworks if (repeat + k) % 2 == 0 else frameworks[::-1]  # alternate
            for fw in order:
                run = run_worker(fw, BY_NAME[name], args)
                runs[name][fw].append(run)
                done += 1
                timed = run["seconds"][1:]
                print(
                    f"[{done}/{total}] {name} {fw}: median "
                    f"{statistics.median(timed):.3f} s/epoch, test "
                    f"{100 * run['test_accuracy'][-1]:.2f} %, peak {run['peak_mb']:.0f} MB",
                    file=sys.stderr,
                )
    gemm = run_worker("gemm", None, args)

    results: dict = {"machine": machine_info(have_torch), "threads": args.threads, "networks": {}}
    for name in names:
        entry = {fw: summarise(runs[name][fw]) for fw in frameworks}
        if have_torch and entry["mlp_core"]["median"] and entry["torch"]["median"]:
            entry["ratio"] = entry["mlp_core"]["median"] / entry["torch"]["median"]
        entry["config"] = asdict(BY_NAME[name])
        entry["runs"] = runs[name]
        results["networks"][name] = entry
    results["gemm"] = gemm
    results["targets"] = check_targets(results, have_torch)
    results["load_average_end"] = os.getloadavg()[0]
    results["import"] = imports
    print_report(results, have_torch, gemm, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
        print(f"\nAll figures written to {args.json}")


if __name__ == "__main__":
    main()
