#!/usr/bin/env python3
"""Writes the format-2 model files test_model_file.cpp reads (the README's "The model file"),
by hand with NumPy, and beside each good one the weights that tests/tools/model_file_reference.py
(an independent reading of the specification) recomputes from it: `<name>.<group>.expected.npy`.
Also files that break one rule each, for the reader's messages."""
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import model_file_reference as ref  # noqa: E402

rng = np.random.default_rng(17)


def text(*words):
    return np.array(words)


def model(layers, heads, n, m, d=4, blocked=None, padding=None, bias=None, role="self"):
    """A model's members with its weights recomputed by the reference (as a model would have computed them)."""
    members = {
        "q": rng.normal(size=(layers, heads, n, d)).astype("<f4"),
        "k": rng.normal(size=(layers, heads, m, d)).astype("<f4"),
        "v": rng.normal(size=(layers, heads, m, 3)).astype("<f4"),
        "tokens": text(*[f"q{i}" for i in range(n)]),
        "layer_names": text(*[f"layers.{l}.attn" for l in range(layers)]),
        "role": text(role),
        "mask": text("other"),
        "mask_kind": text(*["other"] * layers),
    }
    if role == "cross":
        members["key_tokens"] = text(*[f"k{j}" for j in range(m)])
    if blocked is not None:
        members["blocked"] = blocked.astype("<f4")
    if padding is not None:
        members["key_padding"] = padding.astype("<f4")
    if bias is not None:
        members["attn_bias"] = bias.astype("<f4")
    members["weights"] = ref.recompute(members).astype("<f4")
    return members


def flat_model():
    layers, heads, n = 2, 3, 6
    blocked = np.zeros((layers, n, n))
    blocked[0] = np.triu(np.ones((n, n)), 1)            # layer 0: causal, as a finite fill gives it
    blocked[1] = rng.random((n, n)) < 0.3               # layer 1: any pattern
    padding = np.zeros((layers, n))
    padding[1, [0, n - 1]] = 1                          # layer 1: two padded keys
    bias = np.zeros((layers, heads, n, n))
    bias[1] = rng.normal(size=(heads, n, n))            # layer 1: a per-head bias (ALiBi-like)
    bias[1][np.broadcast_to(blocked[1].astype(bool), (heads, n, n))] = 0
    members = model(layers, heads, n, n, blocked=blocked, padding=padding, bias=bias)
    members["mask_kind"] = text("causal", "other")
    members["q_replaced"] = np.zeros((layers, n), "<f4")
    members["q_replaced"][1, 2] = 1
    return members


def write(out, name, members, groups=None, **file_wide):
    arrays = {"export_format": text("2"), "precision": text("bfloat16"), "dropout_applied": text("false")}
    arrays.update({k: text(*v) if isinstance(v, list) else v for k, v in file_wide.items()})
    if groups:
        arrays["groups"] = text(*groups)
        for g, ms in zip(groups, members):
            arrays.update({f"{g}/{k}": v for k, v in ms.items()})
            np.save(out / f"{Path(name).stem}.{g}.expected.npy", ref.recompute(ms))
    else:
        arrays.update(members)
        np.save(out / f"{Path(name).stem}.expected.npy", ref.recompute(members))
    np.savez_compressed(out / name, **arrays)


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    flat = flat_model()
    write(out, "flat.npz", flat, dropout_applied=["true"])

    enc_pad = np.zeros((2, 9))
    enc_pad[:, -2:] = 1
    encoder = model(2, 2, 9, 9, padding=enc_pad)
    decoder = model(2, 2, 5, 5, blocked=np.broadcast_to(np.triu(np.ones((5, 5)), 1), (2, 5, 5)))
    decoder["mask"] = text("causal")
    cross = model(2, 2, 5, 9, padding=enc_pad, role="cross")
    write(out, "groups.npz", [encoder, decoder, cross], groups=["encoder", "decoder", "cross"],
          src_tokens=[f"s{i}" for i in range(9)], tgt_tokens=[f"t{i}" for i in range(5)])

    # Format 1: the word alone.
    f1 = model(1, 2, 5, 5)
    f1["mask"] = text("causal")
    del f1["mask_kind"], f1["role"]
    f1["weights"] = ref.recompute(f1).astype("<f4")
    np.savez(out / "format1.npz", **{k: f1[k] for k in ("q", "k", "weights", "tokens", "mask")})
    np.save(out / "format1.expected.npy", ref.recompute(f1))

    def broken(name, change, drop=()):
        members = dict(flat)
        members.update(change)
        for key in drop:
            del members[key]
        arrays = {"export_format": text("2")}
        arrays.update(members)
        np.savez(out / name, **arrays)

    half = flat["blocked"].copy()
    half[1, 2, 3] = 0.5
    broken("bad_blocked_value.npz", {"blocked": half})
    broken("bad_blocked_shape.npz", {"blocked": flat["blocked"][:, :, :5]})
    inf_bias = flat["attn_bias"].copy()
    inf_bias[1, 0, 1, 1] = np.inf
    broken("bad_bias.npz", {"attn_bias": inf_bias})
    broken("bad_padding_shape.npz", {"key_padding": flat["key_padding"][:1]})
    broken("bad_kind.npz", {"mask_kind": text("causal", "sliding")})
    partly_nan = flat["weights"].copy()
    partly_nan[0, 1, 3, :2] = np.nan
    broken("bad_nan_row.npz", {"weights": partly_nan})
    broken("bad_key_tokens.npz", {"key_tokens": text("a", "b")})
    np.savez(out / "bad_format.npz", export_format=text("3"), q=flat["q"])
    np.savez(out / "bad_precision.npz", export_format=text("2"), precision=text("int8"), q=flat["q"])


if __name__ == "__main__":
    main(sys.argv[1])
