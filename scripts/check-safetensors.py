#!/usr/bin/env python3
"""What the workbench writes as safetensors reads back in Python, with the reference package (issue #15).

Run by scripts/run-notebooks.sh in .venv-notebooks (safetensors and numpy pinned in
notebooks/requirements.txt). It writes a train/validation/test split of data/digits.csv that
numpy can reproduce (the workbench's own 60/20/20 split draws from GSL's mt19937, which numpy
does not have), runs

    workbench prune --method magnitude --sparsity 0.9 --epochs 2 --seeds 1 --save W --save-masks M --json
    workbench greedy prune-mlp --model W --keep 8 --save P --json

on it (--train/--validation/--test), and checks the files against the JSON records: masks 0/1 summing to keptWeights, weights
zero exactly where the masks are, PyTorch shapes and nn.Sequential keys, the metadata, and a numpy
forward pass of W and of P giving the test accuracy each record reports. One line per file;
exit 1 on any mismatch.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import safetensors
from safetensors import safe_open
from safetensors.numpy import load_file

failures = []


def check(ok, what):
    """Records a failed check; the run goes on so that one run reports every mismatch."""
    if not ok:
        failures.append(what)
    return ok


def status(since):
    """'ok', or how many checks failed since failure count `since`."""
    return "ok" if len(failures) == since else f"FAILED {len(failures) - since} check(s)"


def write_split(digits, folder):
    """Every class's rows in file order: positions 0-2 of each 5 train, 3 validation, 4 test (no RNG to reproduce)."""
    rows = np.loadtxt(digits, delimiter=",")
    parts = {"train": [], "validation": [], "test": []}
    for label in np.unique(rows[:, -1]):
        for j, i in enumerate(np.flatnonzero(rows[:, -1] == label)):
            parts[["train", "train", "train", "validation", "test"][j % 5]].append(i)
    paths = {}
    for name, index in parts.items():
        paths[name] = os.path.join(folder, f"digits-{name}.csv")
        np.savetxt(paths[name], rows[sorted(index)], delimiter=",", fmt="%d")
    return paths, {name: rows[sorted(index)] for name, index in parts.items()}


def standardise(train, x):
    """The workbench's policy: mean and population sd of the training file; scale 1 for a (numerically) constant feature."""
    mean = train.mean(axis=0)
    sd = np.sqrt(((train - mean) ** 2).mean(axis=0))
    scale = np.where(sd > 1e-12 * np.maximum(1, np.abs(mean)), sd, 1.0)
    return (x - mean) / scale


def layer_keys(tensors):
    """The nn.Sequential indices of the weights, in order."""
    return sorted(int(k.split(".")[0]) for k in tensors if k.endswith(".weight"))


def accuracy(tensors, x, labels):
    """A ReLU MLP's forward pass in float64: h ← relu(h Wᵀ + b) between layers, argmax of the last."""
    h = x
    keys = layer_keys(tensors)
    for n, k in enumerate(keys):
        h = h @ tensors[f"{k}.weight"].astype(np.float64).T + tensors[f"{k}.bias"].astype(np.float64)
        if n < len(keys) - 1:
            h = np.maximum(h, 0)
    return float(np.mean(np.argmax(h, axis=1) == labels))


def run(cmd):
    """Runs a workbench command and returns its --json record."""
    print("safetensors check: $ " + " ".join(cmd), flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"safetensors check: {cmd[1]} exited with {done.returncode}")
    return json.loads(done.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=".build/release/workbench")
    ap.add_argument("--folder", default="notebooks/out/safetensors", help="where the split, files and records go")
    ap.add_argument("--digits", default="data/digits.csv")
    args = ap.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    split, rows = write_split(args.digits, args.folder)
    x_test = standardise(rows["train"][:, :-1], rows["test"][:, :-1])
    y_test = rows["test"][:, -1].astype(int)  # the workbench numbers classes by sorted label, so digit = class index
    own = ["--train", split["train"], "--validation", split["validation"], "--test", split["test"]]
    W, M, P = (os.path.join(args.folder, f) for f in ("weights.safetensors", "masks.safetensors", "pruned.safetensors"))
    for stale in (W, M, P):  # a write that silently failed must not pass on the last run's file
        if os.path.exists(stale):
            os.remove(stale)

    prune = run([args.bin, "prune", "--method", "magnitude", "--sparsity", "0.9", "--epochs", "2", "--seeds", "1", "--seed", "1",
                 *own, "--save", W, "--save-masks", M, "--json", "--quiet", "--out", args.folder])
    r = prune["runs"][0]
    before = len(failures)
    check(prune["evaluatedOn"] == "test", f"prune record evaluatedOn is {prune['evaluatedOn']}, not test")

    # M: one 0/1 F32 tensor per weight, summing to the record's kept weights.
    masks = load_file(M)
    with safe_open(M, framework="numpy") as f:
        meta_m = f.metadata() or {}
    kept = int(sum(m.sum() for m in masks.values()))
    check(all(m.dtype == np.float32 for m in masks.values()), f"{M}: masks are not all F32")
    check(all(np.isin(m, (0, 1)).all() for m in masks.values()), f"{M}: a mask has a value other than 0 and 1")
    check(kept == r["keptWeights"], f"{M}: masks sum to {kept}, the record has keptWeights {r['keptWeights']}")
    check(sum(m.size for m in masks.values()) == r["prunableWeights"],
          f"{M}: {sum(m.size for m in masks.values())} mask entries, the record has prunableWeights {r['prunableWeights']}")
    densities = [int(masks[f"{k}.weight"].sum()) / masks[f"{k}.weight"].size for k in layer_keys(masks)]
    check(np.allclose(densities, r["layerDensities"], rtol=0, atol=1e-12), f"{M}: layer densities {densities} ≠ record {r['layerDensities']}")

    # W: PyTorch nn.Sequential keys and [out, in] shapes, zero exactly where the masks are.
    weights = load_file(W)
    with safe_open(W, framework="numpy") as f:
        meta_w = f.metadata() or {}
    keys = layer_keys(weights)
    check(keys == list(range(0, 2 * len(keys), 2)), f"{W}: weight indices {keys}, not an MLP nn.Sequential's 0, 2, 4, …")
    check(sorted(weights) == sorted(k for i in keys for k in (f"{i}.weight", f"{i}.bias")), f"{W}: keys {sorted(weights)}")
    check(set(masks) == {f"{i}.weight" for i in keys}, f"{M}: keys {sorted(masks)} are not W's weights")
    widths = [64] + [weights[f"{i}.weight"].shape[0] for i in keys]
    for n, i in enumerate(keys):
        w, b = weights[f"{i}.weight"], weights[f"{i}.bias"]
        check(w.shape == (widths[n + 1], widths[n]) and b.shape == (widths[n + 1],), f"{W}: {i}.weight {w.shape}, {i}.bias {b.shape}")
        check(w.dtype == np.float64 and b.dtype == np.float64, f"{W}: {i} is {w.dtype}/{b.dtype}, not F64")
        m = masks.get(f"{i}.weight")
        if check(m is not None and m.shape == w.shape, f"{M}: {i}.weight missing or shaped unlike W's"):
            check(np.array_equal(w != 0, m == 1), f"{W}: {i}.weight has {int(((w != 0) != (m == 1)).sum())} entries nonzero where the mask is 0 or zero where it is 1")
    check(widths[-1] == 10, f"{W}: {widths[-1]} outputs, the digits have 10 classes")
    module = "nn.Sequential(" + ", nn.ReLU(), ".join(f"nn.Linear({a}, {b})" for a, b in zip(widths, widths[1:])) + ")"
    arch = "mlp " + "-".join(map(str, widths))
    for path, meta in ((W, meta_w), (M, meta_m)):
        check(meta.get("workbench") == prune["versions"]["workbench"],
              f"{path}: metadata workbench version {meta.get('workbench')!r}, the record's {prune['versions']['workbench']!r}")
        check(meta.get("command", "").startswith("workbench prune ") and f"--save-masks {M}" in meta.get("command", ""),
              f"{path}: metadata command {meta.get('command')!r}")
        check(meta.get("seed") == "1" and meta.get("run-seed") == str(r["seed"]), f"{path}: metadata seed {meta.get('seed')!r}, run-seed {meta.get('run-seed')!r}, record run seed {r['seed']}")
        check(meta.get("method") == "magnitude" and float(meta.get("sparsity", "nan")) == r["sparsity"], f"{path}: metadata method/sparsity {meta}")
        check(meta.get("module") == module, f"{path}: metadata module {meta.get('module')!r}, the shapes say {module}")
    acc_w = accuracy(weights, x_test, y_test)
    check(acc_w == r["testAccuracy"], f"{W}: numpy test accuracy {acc_w}, the record has {r['testAccuracy']}")
    print(f"safetensors check: {status(before)}: {W}: {arch}, {len(weights)} F64 tensors, zero exactly where the masks are; "
          f"numpy test accuracy {acc_w:.6f} = record {r['testAccuracy']:.6f} ({len(y_test)} rows)")
    print(f"safetensors check: {status(before)}: {M}: {len(masks)} F32 0/1 masks, {kept} of {r['prunableWeights']} kept = record keptWeights {r['keptWeights']}; "
          f"metadata workbench {meta_m.get('workbench')}, seed {meta_m.get('seed')}, run-seed {meta_m.get('run-seed')}")

    # P: the greedily pruned network, reduced sizes, same keys.
    greedy = run([args.bin, "greedy", "prune-mlp", "--model", W, *own, "--keep", "8", "--save", P, "--json", "--quiet", "--out", args.folder])
    row = greedy["pruning"][-1]
    before = len(failures)
    pruned = load_file(P)
    with safe_open(P, framework="numpy") as f:
        meta_p = f.metadata() or {}
    check(sorted(pruned) == sorted(weights), f"{P}: keys {sorted(pruned)}, W has {sorted(weights)}")
    chosen = [[int(i) for i in layer.split(",")] for layer in meta_p.get("kept", "").split(";")]
    check([len(c) for c in chosen] == row["keptPerLayer"], f"{P}: metadata kept {[len(c) for c in chosen]} ≠ record keptPerLayer {row['keptPerLayer']}")
    check(all(1 <= n <= 8 for n in row["keptPerLayer"]), f"greedy record keeps {row['keptPerLayer']} with --keep 8")
    small = [64] + row["keptPerLayer"] + [10]
    for n, i in enumerate(keys):
        check(pruned[f"{i}.weight"].shape == (small[n + 1], small[n]), f"{P}: {i}.weight {pruned[f'{i}.weight'].shape}, expected {(small[n + 1], small[n])}")
    # Incoming weights and biases of the kept neurons are W's rows; outgoing columns are W's times one scale per neuron.
    previous = list(range(64))
    for n, i in enumerate(keys):
        rows_kept = chosen[n] if n < len(chosen) else list(range(10))
        source = weights[f"{i}.weight"][np.ix_(rows_kept, previous)]
        got = pruned[f"{i}.weight"]
        if n == 0:
            check(np.array_equal(got, source), f"{P}: {i}.weight is not W's rows {rows_kept}")
        elif check(got.shape == source.shape, f"{P}: {i}.weight {got.shape} vs {source.shape}"):
            nz = source != 0
            s = np.divide(got, source, out=np.zeros_like(got), where=nz)
            per_column = np.array([np.median(s[nz[:, c], c]) if nz[:, c].any() else 0 for c in range(s.shape[1])])
            check(np.allclose(got, source * per_column, rtol=1e-12, atol=0) and (per_column[nz.any(axis=0)] > 0).all(),
                  f"{P}: {i}.weight is not W's columns times one positive scale per kept neuron")
        check(np.array_equal(pruned[f"{i}.bias"], weights[f"{i}.bias"][rows_kept]), f"{P}: {i}.bias is not W's at the kept neurons")
        previous = rows_kept
    with open(W, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    check(meta_p.get("source-sha256") == digest and meta_p.get("source") == W, f"{P}: metadata source {meta_p.get('source')!r} {meta_p.get('source-sha256')!r}")
    check(meta_p.get("seed") == "1" and meta_p.get("command", "").startswith("workbench greedy prune-mlp ") and meta_p.get("workbench") == meta_w.get("workbench"),
          f"{P}: metadata {meta_p}")
    check(float(greedy["facts"]["denseAccuracy"]) == acc_w, f"greedy record dense accuracy {greedy['facts']['denseAccuracy']} ≠ W's numpy {acc_w}")
    acc_p = accuracy(pruned, x_test, y_test)
    check(acc_p == row["local"], f"{P}: numpy test accuracy {acc_p}, the greedy record has {row['local']}")
    print(f"safetensors check: {status(before)}: {P}: mlp {'-'.join(map(str, small))}, W's kept rows and biases, one positive scale per kept neuron; "
          f"numpy test accuracy {acc_p:.6f} = record {row['local']:.6f}; source-sha256 = W's")

    if failures:
        for f in failures:
            print("safetensors check: MISMATCH: " + f, file=sys.stderr)
        sys.exit(1)
    print(f"safetensors check: 3 files read back with safetensors {safetensors.__version__}, numpy {np.__version__}: all checks hold")


if __name__ == "__main__":
    main()
