"""pytest settings for executing the notebooks under nbval.

The saved outputs are float32 training runs, and a float32 sum depends on the order its terms
are added in. Two things decide that order in a matrix product, so both are fixed here,
before nbval starts the notebook kernels (they inherit the environment):

- **The number of BLAS threads**: one. A product split between a different number of threads
  adds in a different order, and after thousands of training steps that shows in the printed
  accuracies. One thread also keeps small products fast when the machine is busy.
- **OpenBLAS's kernels**: the Haswell (AVX2) ones. OpenBLAS picks its kernels by CPU: the
  AVX-512 kernels it picks on newer Intel and AMD processors add in another order than the
  AVX2 kernels, so the same notebook printed 88.8 % on one machine and 88.7 % on another.
  Every x86-64 processor since about 2013 has AVX2 and runs the Haswell kernels.

With both, the checked outputs are the same on a laptop with 8 cores as on the 2-core
machines that made them. On a processor without AVX2 or on ARM (Apple silicon), the kernels
differ, and cells that print results of long training runs may differ in their last digits.

To refresh a notebook's outputs the same way:
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_CORETYPE=Haswell \\
        jupyter nbconvert --to notebook --execute --inplace \\
        --ExecutePreprocessor.record_timing=False notebooks/NN_name.ipynb
"""

import os
from pathlib import Path

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"


def has_avx2() -> bool:
    """Whether this is a Linux machine whose processor has AVX2 (OpenBLAS's Haswell kernels)."""
    cpuinfo = Path("/proc/cpuinfo")
    return cpuinfo.exists() and " avx2" in cpuinfo.read_text()


if has_avx2():
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")
