#!/usr/bin/env python3
"""Regenerate MNIST-1D from its reference generator into compact files (developers and `make test` only).

Runs in the notebooks' venv (scripts/notebooks-venv.sh), where notebooks/requirements.txt pins
mnist1d==0.0.2.post1 and what it imports. It calls the package's own `make_dataset` with
`get_dataset_args()` defaults (seed 42), once as is and once with `shuffle_seq=True` -- what
`get_dataset(args, regenerate=True)` computes, without the pickle that function leaves in the
working directory -- and writes, for NAME in mnist1d, mnist1d-shuffle:

    NAME.x.f64   5000 x 40 float64, little-endian, row-major: the package's x (4000 rows), then x_test (1000)
    NAME.y.u8    5000 labels 0..9, one byte each: y, then y_test

and mnist1d.sha256, their digests in `sha256sum` format (`cd data && sha256sum -c mnist1d.sha256`).
The workbench never runs this: it embeds the committed files (scripts/embed_data.py). Usage, from
the repository root:

    .venv-notebooks/bin/python scripts/generate-mnist1d.py [OUTDIR]      # OUTDIR defaults to data/

scripts/check-mnist1d.sh (run by `make test`) regenerates into a temporary folder and compares
the bytes with the committed files.
"""
import hashlib
import os
import sys

# The package imports matplotlib.pyplot at import time; no display is needed to generate data.
os.environ.setdefault("MPLBACKEND", "Agg")
# numpy picks SIMD kernels for the CPU at import, and its AVX-512 ones round differently in the last bit: on an
# AVX-512 machine the regenerated x differed from the committed bytes (generated without AVX-512), labels equal.
# Only the baseline kernels (x86-64-v2) give the same bytes on every x86 machine; names a build lacks are ignored.
os.environ["NPY_DISABLE_CPU_FEATURES"] = "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"

import numpy as np  # noqa: E402
from mnist1d.data import get_dataset_args, make_dataset  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What spec/mnist1d.md records for the default arguments; a different package or numpy would show here first.
FIRST_TEN_LABELS = [2, 6, 4, 5, 6, 6, 6, 0, 3, 1]
MANIFEST = "mnist1d.sha256"


def generate(shuffle):
    args = get_dataset_args()
    args.shuffle_seq = shuffle
    d = make_dataset(args)
    checks = [
        (d["x"].shape == (4000, 40) and d["x_test"].shape == (1000, 40), f"shapes {d['x'].shape} {d['x_test'].shape}"),
        (d["x"].dtype == np.float64 and d["x_test"].dtype == np.float64, f"dtype {d['x'].dtype}"),
        (list(d["y"][:10]) == FIRST_TEN_LABELS, f"first ten labels {list(d['y'][:10])}"),
        (d["y"].min() >= 0 and d["y"].max() <= 9 and d["y_test"].min() >= 0 and d["y_test"].max() <= 9, "labels outside 0..9"),
        (np.isfinite(d["x"]).all() and np.isfinite(d["x_test"]).all(), "non-finite values"),
    ]
    for ok, what in checks:
        if not ok:
            sys.exit(f"generate-mnist1d.py: unexpected output of mnist1d.make_dataset (shuffle_seq={shuffle}): {what}")
    x = np.concatenate([d["x"], d["x_test"]]).astype("<f8", copy=False)
    y = np.concatenate([d["y"], d["y_test"]]).astype(np.uint8)
    return np.ascontiguousarray(x).tobytes(), y.tobytes()


def write(path, data):
    # Atomic: a reader never sees half a file.
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data")
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, shuffle in (("mnist1d", False), ("mnist1d-shuffle", True)):
        x, y = generate(shuffle)
        for suffix, data in ((".x.f64", x), (".y.u8", y)):
            write(os.path.join(out, name + suffix), data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}{suffix}\n")
    write(os.path.join(out, MANIFEST), "".join(lines).encode("ascii"))
    print(f"generate-mnist1d.py: wrote {len(lines)} files and {MANIFEST} to {out}")


if __name__ == "__main__":
    main()
