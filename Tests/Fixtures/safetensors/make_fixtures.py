#!/usr/bin/env python3
# Writes the safetensors fixtures read by Tests/DatasetsTests/SafetensorsTests.swift, with the
# reference implementation. Written with: Python 3.11.7, safetensors 0.8.0, numpy 2.4.6,
# ml_dtypes 0.6.0 (for the bfloat16 numpy dtype; no torch needed).
# Run: python3 -m venv /tmp/st-venv && /tmp/st-venv/bin/pip install safetensors numpy ml_dtypes
#      /tmp/st-venv/bin/python Tests/Fixtures/safetensors/make_fixtures.py
# The values are k/8 steps, exact in every dtype used, so the Swift test compares with ==.
import os

import ml_dtypes
import numpy as np
import safetensors
from safetensors.numpy import save_file

here = os.path.dirname(os.path.abspath(__file__))


def steps(shape, start):
    n = int(np.prod(shape))
    return ((np.arange(n) + start) / 8.0).reshape(shape)


# A torch.nn.Sequential(Linear(4, 3), ReLU(), Linear(3, 2)) state dict: F32, with one BF16 tensor.
mlp = {
    "0.weight": steps((3, 4), -6).astype(np.float32),
    "0.bias": steps((3,), 1).astype(np.float32),
    "2.weight": steps((2, 3), -3).astype(np.float32),
    "2.bias": np.array([1.0, -2.0], dtype=np.float32).astype(ml_dtypes.bfloat16),
}
save_file(mlp, os.path.join(here, "torch_mlp_f32_bf16.safetensors"),
          metadata={"format": "pt", "writer": "safetensors " + safetensors.__version__})

# A Conv2d(1, 2, 2) weight [out, in, kh, kw] and its bias, in F64.
conv = {
    "0.weight": steps((2, 1, 2, 2), -4).astype(np.float64),
    "0.bias": np.array([0.25, -0.75], dtype=np.float64),
}
save_file(conv, os.path.join(here, "conv_f64.safetensors"))
print("safetensors", safetensors.__version__, "numpy", np.__version__, "ml_dtypes", ml_dtypes.__version__)
