#!/usr/bin/python3
"""Writes a small model file as tools/export_attention.py would, with NumPy only: 2 layers x 3
heads of causal softmax attention over 6 tokens (q, k, v, weights, tokens, layer_names, mask).

    make_model_file.py OUT.npz [--weights-only]"""
import sys

import numpy as np

LAYERS, HEADS, N, D = 2, 3, 6, 4
TOKENS = ["the", "cat", "sat", "on", "a", "mat"]


def causal_softmax(q, k):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    s = np.where(np.triu(np.ones((N, N), dtype=bool), 1), -np.inf, s)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def model_arrays(seed=7):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((LAYERS, HEADS, N, D)) * 1.5
    k = rng.standard_normal((LAYERS, HEADS, N, D)) * 1.5
    v = rng.standard_normal((LAYERS, HEADS, N, D))
    return {"q": q, "k": k, "v": v, "weights": causal_softmax(q, k), "tokens": np.array(TOKENS),
            "layer_names": np.array([f"encoder.layers.{layer}.self_attn" for layer in range(LAYERS)]),
            "mask": np.array(["causal"])}


def write(path, weights_only=False):
    arrays = model_arrays()
    if weights_only:
        arrays = {key: arrays[key] for key in ("weights", "tokens", "layer_names", "mask")}
    np.savez_compressed(path, **arrays)
    return arrays


if __name__ == "__main__":
    write(sys.argv[1], weights_only="--weights-only" in sys.argv[2:])
