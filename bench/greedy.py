"""numpy anchor: greedy line search and greedy-uniform on N = 10^4 tanh atoms of M = 10^3 random
3-d inputs, 200 steps each, the naive way (one gemv Phi^T e per step). Prints steps/s."""
import time

import common  # noqa: F401  (one BLAS thread)
import numpy as np

M, N, D, STEPS = 1000, 10_000, 3, 200


def instance(seed=7):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((M, D))
    w = rng.standard_normal((N, D))
    b = rng.standard_normal(N)
    # Atoms as rows (N x M, C order): Phi @ e reads each atom contiguously, as the workbench's
    # column-major M x N matrix with a transposed gemv does.
    phi = np.tanh(w @ x.T + b[:, None])
    mix = rng.dirichlet(np.ones(20))
    target = mix @ phi[rng.choice(N, 20, replace=False)]
    return phi, target


def line_search(phi, t, steps):
    q = np.einsum("ij,ij->i", phi, phi)  # ||phi_i||^2
    a = phi @ t                          # <phi_i, t>
    f = phi[0].copy()
    for _ in range(1, steps):
        e = f - t
        s = phi @ e                      # the one pass over Phi per step
        ef, ff = e @ f, f @ f
        ed = s - ef                      # <e, phi_i - f>
        dd = q - 2 * (s + a) + ff        # ||phi_i - f||^2
        ok = (ed < 0) & (dd > 0)
        g = np.where(ok, np.minimum(1.0, -ed / np.where(dd > 0, dd, 1.0)), 0.0)
        change = g * (2 * ed + g * dd)
        i = int(np.argmin(change))
        if change[i] < 0:
            f *= 1 - g[i]
            f += g[i] * phi[i]
    return f


def uniform(phi, t, steps):
    q = np.einsum("ij,ij->i", phi, phi)
    a = phi @ t
    f = np.zeros(M)
    for k in range(steps):
        s = phi @ (f - t)
        i = int(np.argmin(2 * k * s + q - 2 * a))
        g = 1.0 / (k + 1)
        f *= 1 - g
        f += g * phi[i]
    return f


def main():
    phi, t = instance()
    for name, run in (("greedy-linesearch", line_search), ("greedy-uniform", uniform)):
        # One timed run of 200 steps, as Sources/Benchmarks/GreedyBench.swift times each selector.
        run(phi, t, 5)  # warm-up
        start = time.perf_counter()
        run(phi, t, STEPS)
        common.emit(name, "steps_per_s", STEPS / (time.perf_counter() - start))


if __name__ == "__main__":
    main()
