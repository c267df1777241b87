"""Adapters for attention modules other than nn.MultiheadAttention.

An adapter is a function called after the module's forward, with the module, the positional inputs,
the output and (when it takes a fourth parameter) a Call: `call.kwargs`, `call.arguments` (every
argument by parameter name) and `call.captured` (outputs of the children named in the adapter's
`capture` attribute during the call). It returns a dict for the first sequence of the batch:

  q [H, n, d], k [H, m, d]          required; scaled so that the module's scores are q.k/sqrt(d)
  v [H, m, dv], weights [H, n, m]   optional; weights are the module's own
  attn_mask                         optional; boolean (True = blocked) or additive, broadcastable to [H, n, m]
  key_padding_mask [m]              optional; boolean (True = padded) or additive
  role                              optional; 'self' or 'cross' (default: 'cross' when m != n)
  weights_without_dropout           optional; True when the weights were recomputed without the dropout
                                    the module applied in training mode

A batch axis of 1 in front is dropped ([1, H, n, d]); a larger one is refused. Shipped here, and chosen
by class name (or, for TransformerLens, by the hook points a module has): Hugging Face's
BertSelfAttention (and RoBERTa's, and their SDPA variants) and GPT2Attention (and its SDPA variant),
following transformers 4.26-4.47, and TransformerLens' Attention (hook_q, hook_k, hook_pattern).
"""
import math

import torch

from . import masks as mask_tools
from .common import notice


def _first(t):
    return t[:1]


def _heads(t, heads):
    """[1, n, H * d] -> [H, n, d]."""
    return t[0].reshape(t.shape[1], heads, -1).transpose(0, 1)


def _returned_weights(output, heads, n, m):
    """The module's own weights [H, n, m] from its output tuple, when it returned them."""
    if not isinstance(output, (tuple, list)):
        return None
    found = [o for o in output[1:] if isinstance(o, torch.Tensor) and o.dim() == 4 and tuple(o.shape[1:]) == (heads, n, m)]
    return found[-1][0] if found else None


def _no_cache(arguments, where):
    for key in ("past_key_value", "past_key_values", "layer_past"):
        if arguments.get(key) is not None:
            raise ValueError(f"{where}: {key} (a key/value cache) is not supported: export one forward pass over the "
                             f"whole sequence, without a cache (use_cache=False, no past_key_values)")


def _dropout_note(module, where):
    p = max([d.p for d in module.modules() if isinstance(d, torch.nn.Dropout)] + [0.0])
    if module.training and p > 0:
        notice(f"{where}: the module did not return its weights (call it with output_attentions=True); they are "
               f"recomputed without its dropout")
        return True
    return False


def bert_self_attention(module, inputs, output, call):
    """transformers' BertSelfAttention: query/key/value nn.Linear [H * d, e], scores q.k/sqrt(d) + the
    extended additive mask ([B, 1, 1, m] or [B, 1, n, m], (1 - mask) * finfo.min)."""
    where = f"{type(module).__name__}"
    a = call.arguments
    if getattr(module, "position_embedding_type", "absolute") not in ("absolute", None):
        raise ValueError(f"{where}: position_embedding_type '{module.position_embedding_type}' adds position "
                         f"scores the shipped adapter does not record; use 'absolute' or write an adapter")
    _no_cache(a, where)
    hidden = _first(a.get("hidden_states", inputs[0] if inputs else None))
    encoder = a.get("encoder_hidden_states")
    mask = a.get("encoder_attention_mask") if encoder is not None else a.get("attention_mask")
    keys_in = hidden if encoder is None else _first(encoder)
    heads, d = module.num_attention_heads, module.attention_head_size
    q, k, v = _heads(module.query(hidden), heads), _heads(module.key(keys_in), heads), _heads(module.value(keys_in), heads)
    n, m = q.shape[1], k.shape[1]
    mask = None if mask is None else _first(mask)
    weights = _returned_weights(output, heads, n, m)
    recomputed = weights is None
    if recomputed:
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
        if mask is not None:
            scores = scores + mask[0]
        weights = torch.softmax(scores, dim=-1)
    return {"q": q, "k": k, "v": v, "weights": weights, "attn_mask": mask,
            "role": "cross" if encoder is not None else "self",
            "weights_without_dropout": recomputed and _dropout_note(module, where)}


bert_self_attention.requires = ("query", "key", "value", "num_attention_heads", "attention_head_size")


def gpt2_attention(module, inputs, output, call):
    """transformers' GPT2Attention: fused c_attn Conv1D (weight [e, 3e]; q_attn and c_attn [e, 2e] for
    cross-attention), scores q.k / sqrt(d) (scale_attn_weights) / (layer_idx + 1)
    (scale_attn_by_inverse_layer_idx), the causal `bias` buffer filled with finfo.min, plus the
    additive attention_mask."""
    where = f"{type(module).__name__}"
    a = call.arguments
    _no_cache(a, where)
    hidden = _first(a.get("hidden_states", inputs[0] if inputs else None))
    encoder = a.get("encoder_hidden_states")
    heads, d = module.num_heads, module.head_dim
    if encoder is not None:
        query = module.q_attn(hidden)
        key, value = module.c_attn(_first(encoder)).split(module.split_size, dim=2)
        mask = a.get("encoder_attention_mask")
    else:
        query, key, value = module.c_attn(hidden).split(module.split_size, dim=2)
        mask = a.get("attention_mask")
    q, k, v = _heads(query, heads), _heads(key, heads), _heads(value, heads)
    n, m = q.shape[1], k.shape[1]
    scale = 1.0
    if getattr(module, "scale_attn_weights", True):
        scale /= math.sqrt(d)
    if getattr(module, "scale_attn_by_inverse_layer_idx", False):
        scale /= float(module.layer_idx + 1)
    causal = None
    if encoder is None and not getattr(module, "is_cross_attention", False) and hasattr(module, "bias"):
        causal = ~module.bias[0, 0, m - n:m, :m].bool()  # True = blocked
    mask = None if mask is None else _first(mask)
    attn_mask, padding = causal, None
    if mask is not None and mask.shape[-2] == 1:
        padding = mask.reshape(-1)  # [1, 1, 1, m]: the same for every query
    elif mask is not None:
        attn_mask = mask[0] if causal is None else mask[0].masked_fill(causal, float("-inf"))
    weights = _returned_weights(output, heads, n, m)
    recomputed = weights is None
    if recomputed:
        scores = torch.matmul(q, k.transpose(-1, -2))
        if getattr(module, "scale_attn_weights", True):
            scores = scores / math.sqrt(d)
        if getattr(module, "scale_attn_by_inverse_layer_idx", False):
            scores = scores / float(module.layer_idx + 1)
        if causal is not None:
            scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        if mask is not None:
            scores = scores + mask[0]
        weights = torch.softmax(scores, dim=-1)
    return {"q": q * (scale * math.sqrt(d)), "k": k, "v": v, "weights": weights, "attn_mask": attn_mask,
            "key_padding_mask": padding, "role": "cross" if encoder is not None else "self",
            "weights_without_dropout": recomputed and _dropout_note(module, where)}


gpt2_attention.requires = ("c_attn", "num_heads", "head_dim", "split_size")


def hooked_attention(module, inputs, output, call):
    """TransformerLens' Attention, through its hook points: hook_q / hook_k / hook_v [batch, pos, head,
    d_head] (hook_rot_q / hook_rot_k after rotary embeddings, when present), hook_attn_scores and
    hook_pattern [batch, head, query, key]. Scores are q.k / attn_scale; what hook_attn_scores adds to
    them (-inf for the causal and padding masks, ALiBi or an additive mask) is recorded as the mask."""
    where = f"{type(module).__name__}"
    got = call.captured
    q = got.get("hook_rot_q", got.get("hook_q"))
    k = got.get("hook_rot_k", got.get("hook_k"))
    if q is None or k is None:
        raise ValueError(f"{where}: hook_q and hook_k did not run during its forward")
    q, k = q[0].transpose(0, 1), k[0].transpose(0, 1)  # [H, pos, d_head]
    v = got.get("hook_v")
    v = None if v is None else v[0].transpose(0, 1)
    heads = q.shape[0]
    if k.shape[0] != heads:  # grouped-query attention: each key head serves heads / kv_heads query heads
        k = k.repeat_interleave(heads // k.shape[0], dim=0)
        v = None if v is None else v.repeat_interleave(heads // v.shape[0], dim=0)
    d = q.shape[-1]
    scale = float(getattr(module, "attn_scale", math.sqrt(d)))
    n, m = q.shape[1], k.shape[1]
    attn_mask = None
    scores = got.get("hook_attn_scores")
    if scores is not None:
        s = scores[0].detach().double()
        blocked = ~torch.isfinite(s) | (s <= mask_tools.BLOCK_AT)
        plain = torch.matmul(q.double(), k.double().transpose(-1, -2)) / scale
        bias = torch.where(blocked, torch.zeros_like(s), s - plain)
        top = float(torch.where(blocked, torch.zeros_like(s), s).abs().max())
        if float(bias.abs().max()) <= 1e-5 * max(1.0, top):
            bias = torch.zeros_like(s)  # only rounding: no bias
        attn_mask = bias.masked_fill(blocked, float("-inf"))
    elif getattr(getattr(module, "cfg", None), "attention_dir", None) == "causal":
        attn_mask = torch.ones(n, m, dtype=torch.bool).triu(1 + m - n)
        notice(f"{where}: no hook_attn_scores ran: the file has its causal mask but no padding")
    pattern = got.get("hook_pattern")
    arguments = call.arguments
    if arguments.get("query_input") is not None and arguments.get("key_input") is not None:
        role = "self" if arguments["query_input"] is arguments["key_input"] else "cross"
    else:
        role = "self" if n == m else "cross"
    return {"q": q * (math.sqrt(d) / scale), "k": k, "v": v, "weights": None if pattern is None else pattern[0],
            "attn_mask": attn_mask, "role": role}


hooked_attention.capture = ("hook_q", "hook_k", "hook_v", "hook_rot_q", "hook_rot_k", "hook_attn_scores", "hook_pattern")

ADAPTERS = {
    "BertSelfAttention": bert_self_attention,
    "BertSdpaSelfAttention": bert_self_attention,
    "RobertaSelfAttention": bert_self_attention,
    "RobertaSdpaSelfAttention": bert_self_attention,
    "GPT2Attention": gpt2_attention,
    "GPT2SdpaAttention": gpt2_attention,
}


def _hooked(module):
    return all(isinstance(getattr(module, h, None), torch.nn.Module) for h in ("hook_q", "hook_k", "hook_pattern"))


def adapter_for(module, name, adapters):
    """The user's adapter for this module's class (by name or class), else a shipped one, else None."""
    cls = type(module).__name__
    for key in (type(module), cls):
        if adapters and key in adapters:
            return adapters[key]
    if cls in ADAPTERS:
        adapter = ADAPTERS[cls]
        missing = [attr for attr in adapter.requires if not hasattr(module, attr)]
        if missing:
            raise ValueError(f"{name}: a {cls} is recorded by the shipped Hugging Face-style adapter, which needs "
                             f"{', '.join(missing)}; this one has another layout: pass adapters={{'{cls}': your_adapter}}")
        return adapter
    if _hooked(module):
        return hooked_attention
    return None
