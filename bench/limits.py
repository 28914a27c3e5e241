"""numpy anchor: the machine's limits as numpy sees them: dgemm GFLOP/s (1000 x 1000, one thread)
and copy bandwidth GB/s (80 MB arrays, bytes read + bytes written)."""
import common
import numpy as np


def main():
    rng = np.random.default_rng(3)
    n = 1000
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    c = np.empty((n, n))
    common.emit("dgemm-1000", "gflops", common.best_rate(2 * n**3 / 1e9, lambda: np.matmul(a, b, out=c), 0.5))
    src = rng.standard_normal(10_000_000)  # 80 MB, as the greedy atom matrix
    dst = np.empty_like(src)
    common.emit("copy", "gb_per_s", common.best_rate(2 * src.nbytes / 1e9, lambda: np.copyto(dst, src), 0.5))


if __name__ == "__main__":
    main()
