"""Shared helpers of the numpy anchors: one BLAS thread, and timing loops."""
import os
import time

# The workbench runs one BLAS thread per job; the anchors must too. Set before numpy loads
# (scripts/bench.sh sets them as well, so a direct `python bench/x.py` run matches).
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")


def emit(name, unit, value):
    """Prints one machine-readable figure: `name unit value`."""
    print(f"{name} {unit} {value:.6g}", flush=True)


def best_rate(work, body, min_seconds=1.0, repeats=3):
    """Fastest of `repeats` timings of `body` (each repeated for at least `min_seconds`), in work units per second."""
    body()  # warm-up: first-touch page faults, BLAS start-up
    best = 0.0
    for _ in range(repeats):
        reps, start = 0, time.perf_counter()
        while True:
            body()
            reps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = max(best, work * reps / elapsed)
    return best
