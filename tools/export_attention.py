#!/usr/bin/python3
"""Exports every attention head of a PyTorch model run to one NPZ file for Attention Explorer.

As a module, with a model you already have:

    from export_attention import export
    export(model, (input_tensor,), "run.npz", tokens=["the", "cat", ...])

From the command line, on a small built-in demo (a 2-layer nn.TransformerEncoder with random
weights and a fixed seed; nothing is downloaded):

    /usr/bin/python3 tools/export_attention.py --demo out.npz [--causal]

The archive holds, for L recorded attention modules of H heads each, n queries and m keys:
  q [L, H, n, d], k [L, H, m, d], v [L, H, m, dv]  per-head projections (q not yet divided by sqrt(d))
  weights [L, H, n, m]                              the model's own attention weights
  tokens [n] ('<U'), layer_names [L] ('<U')         when known
  mask ['none' | 'causal' | 'other']                the attention mask the model used
Only the first sequence of a batch is exported.

Every nn.MultiheadAttention is recorded. PyTorch 1.13's forward hooks do not see keyword
arguments (attn_mask, need_weights), so for these modules the recorder wraps the instance's
forward for the duration of the run (and restores it): the wrapper asks for per-head weights and
keeps the mask. Any other attention module is recorded through a forward hook and an adapter, a
function given by class name:

    def my_adapter(module, inputs, output):
        # return per-head tensors for the first sequence: q [H, n, d], k [H, m, d],
        # optionally v [H, m, dv], weights [H, n, m] and mask ('none' / 'causal' / 'other')
        return {"q": ..., "k": ..., "weights": ...}
    export(model, inputs, "run.npz", adapters={"MyAttention": my_adapter})
"""
import argparse
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


# ---- Recording nn.MultiheadAttention

def _first_sequence(t, batch_first):
    """[n, e] of the first sequence from a batched (or unbatched) MHA input."""
    if t.dim() == 2:
        return t
    return t[0] if batch_first else t[:, 0]


def _mask_kind(attn_mask, n, m):
    if attn_mask is None:
        return "none"
    blocked = attn_mask if attn_mask.dtype == torch.bool else torch.isinf(attn_mask) & (attn_mask < 0)
    if blocked.dim() == 3:
        blocked = blocked[0]
    causal = torch.ones(n, m, dtype=torch.bool).triu(1)
    if torch.equal(blocked.cpu(), causal):
        if attn_mask.dtype != torch.bool and torch.any(attn_mask[..., ~causal] != 0):
            return "other"  # an additive bias besides the blocked entries
        return "causal"
    return "other"


def _projections(module, query, key, value):
    """Per-head Q, K, V ([H, n, d]) of an nn.MultiheadAttention, as its forward computes them."""
    e = module.embed_dim
    if module._qkv_same_embed_dim:
        w_q, w_k, w_v = module.in_proj_weight.split(e)
    else:
        w_q, w_k, w_v = module.q_proj_weight, module.k_proj_weight, module.v_proj_weight
    b_q = b_k = b_v = None
    if module.in_proj_bias is not None:
        b_q, b_k, b_v = module.in_proj_bias.split(e)
    q = F.linear(query, w_q, b_q)
    k = F.linear(key, w_k, b_k)
    v = F.linear(value, w_v, b_v)
    if module.bias_k is not None or module.add_zero_attn:
        raise ValueError("nn.MultiheadAttention with add_bias_kv or add_zero_attn is not supported: "
                         "its keys are not projections of the input alone")
    heads = module.num_heads

    def split(t):
        return t.reshape(t.shape[0], heads, -1).transpose(0, 1)

    return split(q), split(k), split(v)


def _record_mha(module, records, name):
    original = module.forward

    def forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, **kwargs):
        output, weights = original(query, key, value, key_padding_mask=key_padding_mask, need_weights=True,
                                   attn_mask=attn_mask, average_attn_weights=False, **kwargs)
        q_in = _first_sequence(query, module.batch_first)
        k_in = _first_sequence(key, module.batch_first)
        v_in = _first_sequence(value, module.batch_first)
        q, k, v = _projections(module, q_in, k_in, v_in)
        w = weights if weights.dim() == 3 else weights[0]  # [H, n, m]
        kind = _mask_kind(attn_mask, q.shape[1], k.shape[1])
        if key_padding_mask is not None and bool(key_padding_mask.reshape(-1, key_padding_mask.shape[-1])[0].any()):
            kind = "other"
        records.append({"name": name, "q": q, "k": k, "v": v, "weights": w, "mask": kind})
        if not need_weights:
            return output, None
        return output, (weights.mean(dim=-3) if average_attn_weights else weights)

    module.forward = forward
    return lambda: delattr(module, "forward")  # the class's forward again


def _record_adapter(module, records, name, adapter):
    def hook(mod, inputs, output):
        got = adapter(mod, inputs, output)
        missing = {"q", "k"} - set(got)
        if missing:
            raise ValueError(f"adapter for {type(mod).__name__} ({name}) returned no {sorted(missing)}")
        records.append({"name": name, "mask": got.get("mask", "none"),
                        **{key: got[key] for key in ("q", "k", "v", "weights") if got.get(key) is not None}})

    handle = module.register_forward_hook(hook)
    return handle.remove


# ---- Export

def _stack(records, key, path):
    present = [r for r in records if key in r]
    if not present:
        return None
    if len(present) != len(records):
        raise ValueError(f"{path}: '{key}' was recorded for {len(present)} of {len(records)} attention modules")
    arrays = [r[key].detach().to("cpu", torch.float64).numpy() for r in records]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        detail = ", ".join(f"{r['name']}: {list(a.shape)}" for r, a in zip(records, arrays))
        raise ValueError(f"{path}: '{key}' has different shapes across layers ({detail}); export fewer modules")
    return np.stack(arrays)


def export(model, inputs, path, tokens=None, adapters=None, dtype=np.float32, **forward_kwargs):
    """Runs model(*inputs, **forward_kwargs) once and writes every attention head to `path` (.npz).

    adapters: {class name: function(module, inputs, output) -> dict}, for attention modules that
    are not nn.MultiheadAttention. Returns the dict of arrays written."""
    adapters = dict(adapters or {})
    records, undo = [], []
    for name, module in model.named_modules():
        adapter = adapters.get(type(module).__name__)
        if adapter is not None:
            undo.append(_record_adapter(module, records, name, adapter))
        elif isinstance(module, nn.MultiheadAttention):
            undo.append(_record_mha(module, records, name))
    if not undo:
        raise ValueError("the model has no nn.MultiheadAttention and no module an adapter names")
    try:
        # Grad on keeps nn.TransformerEncoderLayer off its fused fast path, which never calls its
        # attention module (so nothing could be recorded).
        with torch.enable_grad():
            model(*inputs, **forward_kwargs)
    finally:
        for restore in undo:
            restore()
    if not records:
        raise ValueError("no attention module ran during the forward pass")

    arrays = {}
    for key in ("q", "k", "v", "weights"):
        stacked = _stack(records, key, path)
        if stacked is not None:
            arrays[key] = stacked.astype(dtype)
    kinds = {r["mask"] for r in records}
    arrays["mask"] = np.array([kinds.pop() if len(kinds) == 1 else "other"])
    arrays["layer_names"] = np.array([r["name"] or type(model).__name__ for r in records])
    if tokens is not None:
        n = arrays["q"].shape[2]
        if len(tokens) != n:
            raise ValueError(f"{path}: {len(tokens)} tokens for {n} positions")
        arrays["tokens"] = np.array([str(t) for t in tokens])
    np.savez_compressed(path, **arrays)
    return arrays


# ---- The demo model

DEMO_TOKENS = "the cat sat on the mat because it was tired and warm".split()


class DemoModel(nn.Module):
    """Token embedding, learned positions and a 2-layer nn.TransformerEncoder (4 heads of 8)."""

    def __init__(self, vocabulary, width=32, heads=4, layers=2, length=64):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, width)
        self.position = nn.Parameter(torch.randn(length, width) * 0.5)
        layer = nn.TransformerEncoderLayer(width, heads, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, ids, mask=None):
        x = self.embed(ids) + self.position[: ids.shape[1]]
        return self.encoder(x, mask=mask)


def export_demo(path, causal=False, seed=0):
    torch.manual_seed(seed)
    vocabulary = sorted(set(DEMO_TOKENS))
    model = DemoModel(len(vocabulary)).eval()
    ids = torch.tensor([[vocabulary.index(t) for t in DEMO_TOKENS]])
    n = len(DEMO_TOKENS)
    mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1) if causal else None
    return export(model, (ids,), path, tokens=DEMO_TOKENS, mask=mask)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", metavar="OUT.npz", required=True,
                        help="export the built-in demo model (random weights, fixed seed) to OUT.npz")
    parser.add_argument("--causal", action="store_true", help="run the demo with a causal mask")
    parser.add_argument("--seed", type=int, default=0, help="seed of the demo's random weights")
    args = parser.parse_args(argv)
    try:
        arrays = export_demo(args.demo, causal=args.causal, seed=args.seed)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    shape = arrays["weights"].shape
    print(f"{args.demo}: {shape[0]} layers x {shape[1]} heads, {shape[2]} tokens, mask {arrays['mask'][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
