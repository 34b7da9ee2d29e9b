"""Seconds per epoch with the other core idle or busy, at 2 BLAS threads and at fit's choice.

    python benchmarks/bench_threads.py [--repeats 3] [--samples 10000]

A small network (784-100-10, ReLU/softmax) trains one epoch on MNIST images at batch sizes
10, 128 and full batch, four ways: the other core idle or kept busy by a spinning process,
and BLAS on 2 threads (``threads.SMALL_BATCH`` switched off) or as ``fit`` chooses
(``threads.py``: one thread for batches of up to 256). Prints the median of ``--repeats``
runs per cell and the ratio busy/idle for fit's choice (the target: within 1.2x for batches
up to 128). The full-batch row trains several epochs so it lasts long enough to time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

import mlp_core as mc
from mlp_core import threads


def spin(stop) -> None:  # keeps one core busy until told to stop
    while not stop.is_set():
        pass


def one_run(X, y, batch_size: int, epochs: int, choose: bool) -> float:
    saved = threads.SMALL_BATCH
    threads.SMALL_BATCH = saved if choose else -1  # -1: never limit, BLAS keeps 2 threads
    try:
        net = mc.Network([784, 100, 10], seed=0)
        start = time.perf_counter()
        mc.fit(net, X, y, optimizer=mc.SGD(0.05), epochs=epochs, batch_size=batch_size, seed=0)
        return (time.perf_counter() - start) / epochs
    finally:
        threads.SMALL_BATCH = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--data-dir", default=os.environ.get("MLP_CORE_DATA"))
    args = parser.parse_args()
    data = mc.load_mnist(args.data_dir)
    X, y = data.X_train[: args.samples], data.y_train[: args.samples]
    cases = [("batch 10", 10, 1), ("batch 128", 128, 1), ("full batch", 0, 20)]
    print(f"load average {os.getloadavg()[0]:.1f}; {args.samples} samples; 784-100-10")
    print(f"{'':12}{'idle, 2 thr':>13}{'busy, 2 thr':>13}{'idle, fit':>11}{'busy, fit':>11}"
          f"{'busy/idle fit':>15}")  # fmt: skip
    with threadpool_limits(2, user_api="blas"):
        for label, bs, epochs in cases:
            cells = {}
            for busy in (False, True):
                stop = multiprocessing.Event()
                spinner = multiprocessing.Process(target=spin, args=(stop,)) if busy else None
                if spinner:
                    spinner.start()
                    time.sleep(0.3)
                try:
                    for choose in (False, True):
                        times = [one_run(X, y, bs, epochs, choose) for _ in range(args.repeats)]
                        cells[busy, choose] = statistics.median(times)
                finally:
                    if spinner:
                        stop.set()
                        spinner.join()
            ratio = cells[True, True] / cells[False, True]
            print(
                f"{label:12}{cells[False, False]:13.3f}{cells[True, False]:13.3f}"
                f"{cells[False, True]:11.3f}{cells[True, True]:11.3f}{ratio:15.2f}"
            )
    print("seconds per epoch, median of", args.repeats, "runs")
    _ = np  # numpy is imported for BLAS to be loaded before threadpoolctl looks


if __name__ == "__main__":
    main()
