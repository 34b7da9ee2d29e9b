"""pytest settings for executing the notebooks under nbval.

The saved outputs were made with one BLAS thread. Float32 sums come out slightly different
when a matrix product is split between a different number of threads, and after thousands
of training steps that shows in the printed accuracies. Fixing the thread count here, before
nbval starts the notebook kernels (they inherit the environment), makes the checked outputs
the same on a laptop with 8 cores as on the 2-core machine that made them. It also keeps
small matrix products fast when the machine is busy.

To refresh a notebook's outputs the same way:
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        jupyter nbconvert --to notebook --execute --inplace \\
        --ExecutePreprocessor.record_timing=False notebooks/NN_name.ipynb
"""

import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
