#!/usr/bin/python3
"""Exports every attention head of a PyTorch model run to one NPZ file for Attention Explorer.

As a module, with a model you already have:

    from export_attention import export
    export(model, (input_ids,), "run.npz", tokens=["the", "cat", ...])
    export(model, (src, tgt), "run.npz", src_tokens=[...], tgt_tokens=[...], tgt_mask=mask)  # encoder-decoder
    export(model, inputs, "run.npz", modules=["decoder"])       # a subset: names, prefixes, globs, classes

From the command line, on a small built-in demo (a 2-layer nn.TransformerEncoder with random
weights and a fixed seed; nothing is downloaded):

    /usr/bin/python3 tools/export_attention.py --demo out.npz [--causal]

What is recorded. Every nn.MultiheadAttention (the fused fast paths, which return no weights, are
left for the run: frozen models and torch.inference_mode() export too), Hugging Face-style
BertSelfAttention / RobertaSelfAttention and GPT2Attention (transformers 4.26-4.47 layouts), any module
with TransformerLens hook points hook_q, hook_k and hook_pattern, and modules an adapter names (see
attention_export/adapters.py). Only the first sequence of a batch is exported. A model in training
mode runs in eval mode and is put back (keep_training=True keeps training mode and dropout). A
TorchScript model is refused: export the eager nn.Module. Notices are ExportNotice warnings.

FILE FORMAT (export_format '2'). An NPZ archive (numpy.savez_compressed). Numbers are float32 '<f4'
(float64 '<f8' with dtype=np.float64), text is '<U'; nothing else (no bool, no integers). L is the
number of recorded modules (layers) in a group, H heads, n queries, m keys, d = dq = dk, dv.

File-wide members:
  export_format  '<U' [1]  '2'. Files without it are format 1 (the members q, k, v, weights, tokens,
                           layer_names and a one-word mask, as below, and nothing else).
  precision      '<U' [1]  'float64' | 'float32' | 'bfloat16' | 'float16': the least precise dtype the
                           recorded modules computed in. Numbers are stored as float32 whatever it is,
                           so recomputed weights can differ from `weights` by this precision's rounding.
  dropout_applied '<U' [1] 'true' when the run kept training mode (keep_training=True on a model in
                           training mode): dropout may have been applied to `weights`, whose rows then
                           need not sum to 1 ("after dropout"). Otherwise 'false'.
  src_tokens     '<U' [S]  the source sequence's tokens, when given (encoder-decoder, cross-attention).
  tgt_tokens     '<U' [T]  the target sequence's tokens, when given.
  groups         '<U' [G]  only in a grouped file (below): the group names, in the order they ran.

A model: the members below, written at the top level of a file without groups, or under the prefix
"<group>/" for each group of a grouped file ("cross/q", "cross/weights", ...). Per layer l, head h:
  q           [L, H, n, d]  per-head queries, scaled so that the module's scores are q.k / sqrt(d) (a
                            module that scales otherwise has the difference folded into q)
  k           [L, H, m, d]  per-head keys
  v           [L, H, m, dv] per-head values (when recorded)
  weights     [L, H, n, m]  the module's own attention weights. A row that is all NaN is undefined
                            (every key blocked, or NaN in the model); no other NaN, no inf.
  tokens      '<U' [n]      the queries' tokens (row labels), when known
  key_tokens  '<U' [m]      the keys' tokens (column labels) when the keys are another sequence
                            (cross-attention); without it the keys' tokens are `tokens`
  layer_names '<U' [L]      module names ('encoder.layers.0.self_attn')
  role        '<U' [1]      'self' (queries and keys from one sequence) or 'cross'
  mask        '<U' [1]      'none' | 'causal' | 'other': every layer's mask_kind is none, every layer's
                            is causal, or anything else (format 1's one word, kept for old readers)
  mask_kind   '<U' [L]      per layer: 'none', 'causal' (blocked exactly where key j > query i,
                            whatever the fill: -inf, finfo.min, -1e9, -1e4 or a boolean mask),
                            'padding' (only whole key columns blocked), 'causal+padding' (both),
                            'other' (another pattern, a per-head pattern that differs from these, or
                            any attn_bias). A label only: the arrays below decide the computation.
  blocked     [L, n, m] or [L, H, n, m]  1 = the module's attention mask blocked key j for query i
                            (a boolean True, or an additive value <= -1e4), 0 = allowed. [L, n, m] when
                            it is the same for every head. Present when some layer's attention mask
                            blocks an entry; layers without one hold 0.
  key_padding [L, m]        1 = key j is padding, blocked for every query and head (key_padding_mask,
                            or an attention mask that is the same for every query, such as Hugging
                            Face's [B, 1, 1, m]); 0 = a real key. Present when some key is padded.
  attn_bias   [L, n, m] or [L, H, n, m]  a finite additive bias the module added to the scores (ALiBi,
                            a float mask's finite part, a float key_padding_mask's finite part); 0 at
                            blocked entries. Present when nonzero somewhere.
  q_replaced  [L, n]        1 = query row i was NaN or inf in the model (often from an earlier layer's
                            undefined rows) and q holds 0 there instead. Present when some row was.
  k_replaced  [L, m]        1 = key row j (k and v) was NaN or inf and holds 0. Present when some was.

Recomputing the weights of layer l, head h (what the app and the CLI do to match the model):
  s_ij = q_i . k_j / sqrt(d) + attn_bias_ij          (attn_bias 0 when absent)
  key j is blocked for query i if blocked_ij = 1 or key_padding_j = 1   (either absent: 0)
  w_ij = exp(s_ij - max_l s_il) / sum_l exp(s_il - max_l s_il) over the keys l not blocked;
         0 for blocked keys; a row with every key blocked is undefined (NaN in `weights`).
  A file with neither blocked nor key_padding falls back on its label: mask 'causal' blocks j > i
  (format 1 files; an exporter of format 2 always writes `blocked` for a causal mask).
  With dropout_applied 'false', the exporter checks that this recomputation gives `weights` within
  1e-3 (0.1 for bfloat16, 0.02 for float16) and says so in a notice when it does not.

Groups. When the recorded modules include both self-attention and cross-attention (nn.Transformer,
nn.TransformerDecoder, a Hugging Face decoder with cross-attention), each kind is a group of its
own, with its own n, m, tokens and masks: 'encoder' (self-attention over the source; tokens =
src_tokens), 'decoder' (self-attention over the target; tokens = tgt_tokens) and 'cross' (queries
from the target, keys from the source; tokens = tgt_tokens, key_tokens = src_tokens). A module's
group follows its role and its stack (the module path before the first layer index): self-attention
in a stack that also holds cross-attention is 'decoder', other self-attention 'encoder'. Two stacks
of one kind are told apart as 'encoder_<stack>' with the stack's path in [A-Za-z0-9_]. Group names
are words of [A-Za-z0-9_.-]; a grouped file has no ungrouped q, k, v or weights. A file with only
self-attention, or only cross-attention, has no groups.

Adapters (for other attention modules): attention_export/adapters.py. A function
adapter(module, inputs, output[, call]) returns a dict for the first sequence: 'q' [H, n, d], 'k'
[H, m, d], optionally 'v', 'weights' [H, n, m], 'attn_mask' (boolean or additive, broadcastable to
[H, n, m]), 'key_padding_mask' [m] and 'role'; a batch axis of 1 in front is dropped:

    export(model, inputs, "run.npz", adapters={"MyAttention": my_adapter})
"""
import argparse
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attention_export import ADAPTERS, Call, ExportNotice, export  # noqa: E402,F401


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
    kinds = ", ".join(sorted(set(arrays["mask_kind"])))
    print(f"{args.demo}: {shape[0]} layers x {shape[1]} heads, {shape[2]} tokens, mask {arrays['mask'][0]} ({kinds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
