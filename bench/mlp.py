"""numpy anchor: SGD training of an MLP 64-256-256-10 (ReLU, softmax cross-entropy) in float64 on
1078 samples (the digits training split's shape), batches of 64 and 256, reshuffled every epoch.
Prints samples/s and GFLOP/s (forward 2 MAC, weight gradient 2 MAC, input gradient 2 MAC except into layer 1)."""
import time

import common  # noqa: F401  (one BLAS thread)
import numpy as np

SIZES = [64, 256, 256, 10]
SAMPLES = 1078
LR = 0.01


def init(rng):
    ws = [rng.standard_normal((a, b)) * np.sqrt(2.0 / a) for a, b in zip(SIZES[:-1], SIZES[1:])]
    bs = [np.zeros(b) for b in SIZES[1:]]
    return ws, bs


def epoch(ws, bs, x, y, batch, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch):
        idx = order[start:start + batch]
        xb, yb = x[idx], y[idx]
        acts = [xb]
        h = xb
        for layer, (w, b) in enumerate(zip(ws, bs)):
            z = h @ w + b
            h = np.maximum(z, 0.0) if layer < len(ws) - 1 else z
            acts.append(h)
        p = np.exp(h - h.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(yb)), yb] -= 1.0
        delta = p / len(yb)
        for layer in range(len(ws) - 1, -1, -1):
            gw = acts[layer].T @ delta
            gb = delta.sum(axis=0)
            if layer > 0:
                delta = (delta @ ws[layer].T) * (acts[layer] > 0)
            ws[layer] -= LR * gw
            bs[layer] -= LR * gb


def main():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((SAMPLES, SIZES[0]))
    y = rng.integers(0, SIZES[-1], SAMPLES)
    macs = [a * b for a, b in zip(SIZES[:-1], SIZES[1:])]
    flops = 6 * sum(macs) - 2 * macs[0]
    for batch in (64, 256):
        ws, bs = init(np.random.default_rng(2))
        epoch(ws, bs, x, y, batch, rng)  # warm-up
        best = 0.0
        for _ in range(3):
            epochs, start = 0, time.perf_counter()
            while time.perf_counter() - start < 1.0:
                epoch(ws, bs, x, y, batch, rng)
                epochs += 1
            best = max(best, epochs * SAMPLES / (time.perf_counter() - start))
        common.emit(f"mlp-batch{batch}", "samples_per_s", best)
        common.emit(f"mlp-batch{batch}", "gflops", best * flops / 1e9)


if __name__ == "__main__":
    main()
