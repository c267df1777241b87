#!/usr/bin/python3
"""Writes a model file of Q and K only (format 2, no weights: a long run whose weights would not fit),
as a researcher would save a long-context model's queries and keys with numpy.savez:

    make_long_model.py OUT.npz TOKENS HEADS LAYERS DIM [--causal]

q and k are [LAYERS, HEADS, TOKENS, DIM] float32 standard normals (seed 5); --causal labels every
layer causal (mask 'causal', mask_kind 'causal': the format's rule for a file without 'blocked')."""
import sys

import numpy as np


def main(out, n, heads, layers, d, causal):
    rng = np.random.default_rng(5)
    shape = (layers, heads, n, d)
    kind = "causal" if causal else "none"
    np.savez(out, export_format=np.array(["2"]), precision=np.array(["float32"]),
             dropout_applied=np.array(["false"]), mask=np.array([kind]), mask_kind=np.array([kind] * layers),
             q=rng.standard_normal(shape, dtype=np.float32), k=rng.standard_normal(shape, dtype=np.float32),
             layer_names=np.array([f"layers.{l}.attn" for l in range(layers)]))


if __name__ == "__main__":
    args = sys.argv[1:]
    causal = "--causal" in args
    args = [a for a in args if a != "--causal"]
    main(args[0], *(int(a) for a in args[1:5]), causal)
