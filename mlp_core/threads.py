"""How many BLAS threads a training run uses, chosen for the size of its matrix products.

numpy hands matrix products to a BLAS library (OpenBLAS, MKL) that splits each product
between worker threads. For the small products of per-sample and mini-batch training the
split costs more than it saves, and when another core is busy (a browser, a video call, a
projector driver) the workers wait for each other: measured on the course machine, one
epoch of 10,000 samples with batches of 10 took 0.34 s idle on 2 threads, 1.06 s on 2
threads with the other core busy, and 0.32 s on 1 thread (``benchmarks/bench_threads.py``).
Large batches have products big enough to share.

So ``fit`` trains with one BLAS thread when batches are small and leaves the thread count
as it is for large ones; it never uses more threads than are set already (e.g. by
``OPENBLAS_NUM_THREADS``). Uses threadpoolctl, the library scikit-learn uses for this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

SMALL_BATCH = 256  # batches of up to this many samples train on one BLAS thread


@contextmanager
def blas_threads_for(batch_size: int) -> Iterator[None]:
    """Within the block, BLAS uses one thread if ``batch_size <= SMALL_BATCH``."""
    if batch_size > SMALL_BATCH:
        yield
        return
    from threadpoolctl import threadpool_limits  # imported here: not needed to import mlp_core

    with threadpool_limits(limits=1, user_api="blas"):
        yield
