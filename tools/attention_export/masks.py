"""Masks as the model applied them, in the file's terms: blocked entries, padded keys, a finite bias.

An attention mask is boolean (True = blocked, PyTorch's convention) or additive (added to the scores).
An additive value at or below BLOCK_AT (-1e4: -inf, finfo.min, -1e9 and -10000 alike) blocks the entry:
exp of it is 0 in float64 beside any score a model produces. Other values form a finite bias. A mask
whose query axis has length 1 applies to keys alone: it is key padding.
"""
import numpy as np

from .common import is_bool_like, numpy64, shape_text

BLOCK_AT = -1e4
KINDS = ("none", "causal", "padding", "causal+padding", "other")


def _split(mask, what):
    """(blocked bool array, finite bias float64 array or None) of a boolean or additive mask."""
    if is_bool_like(mask):
        return mask.detach().to("cpu").bool().numpy(), None
    a = numpy64(mask)
    if np.isnan(a).any() or (a == np.inf).any():
        raise ValueError(f"{what} holds NaN or +inf")
    blocked = a <= BLOCK_AT
    bias = np.where(blocked, 0.0, a)
    return blocked, (bias if np.any(bias != 0.0) else None)


def masks(attn_mask, key_padding_mask, heads, n, m, what):
    """The masks of one sequence: attn_mask broadcastable to [H, n, m] (a leading batch axis of 1 is
    dropped), key_padding_mask [m] (or [1, m]). Returns {"blocked": [Hb, n, m] bool or None,
    "bias": [Hb, n, m] float64 or None, "key_padding": [m] bool or None}, Hb in (1, H)."""
    blocked = bias = padding = padding_bias = None
    if attn_mask is not None:
        a = attn_mask
        while a.dim() > 3 and a.shape[0] == 1:
            a = a[0]
        if a.dim() > 3 or a.shape[-1] != m or a.shape[-2] not in (1, n) or (a.dim() == 3 and a.shape[0] not in (1, heads)):
            raise ValueError(f"{what}: attention mask of shape {shape_text(attn_mask)} does not broadcast to "
                             f"[{heads} heads, {n} queries, {m} keys] (export one sequence: a batch of 1)")
        a = a.reshape((1,) * (3 - a.dim()) + tuple(a.shape))
        b, f = _split(a, f"{what}: the attention mask")
        if a.shape[0] == 1 and a.shape[1] == 1 and n > 1:
            padding, padding_bias = b[0, 0], (None if f is None else f[0, 0])  # the same for every query: padding
        else:
            blocked = np.broadcast_to(b, (b.shape[0], n, m)).copy()
            bias = None if f is None else np.broadcast_to(f, (f.shape[0], n, m)).copy()
    if key_padding_mask is not None:
        p = key_padding_mask.reshape(-1)
        if p.shape[0] != m:
            raise ValueError(f"{what}: key padding mask of shape {shape_text(key_padding_mask)} for {m} keys")
        b, f = _split(p, f"{what}: the key padding mask")
        padding = b if padding is None else (padding | b)
        if f is not None:
            padding_bias = f if padding_bias is None else padding_bias + f
    if padding_bias is not None:  # a finite part of a padding mask is a bias on those keys
        bias = padding_bias[None, None, :] if bias is None else bias + padding_bias[None, None, :]
        bias = np.broadcast_to(bias, (bias.shape[0], n, m)).copy()
    if blocked is not None and not blocked.any():
        blocked = None
    if padding is not None and not padding.any():
        padding = None
    if bias is not None:
        every = np.zeros((1, n, m), dtype=bool) if blocked is None else blocked
        if padding is not None:
            every = every | padding[None, None, :]
        bias = np.where(every, 0.0, bias)
        if not np.any(bias != 0.0):
            bias = None
    return {"blocked": blocked, "bias": bias, "key_padding": padding}


def every_blocked(rec, heads):
    """[H, n, m] bool: the entries the record's masks block, key padding included."""
    n, m = rec["q"].shape[1], rec["k"].shape[1]
    out = np.zeros((heads, n, m), dtype=bool)
    if rec["blocked"] is not None:
        out |= rec["blocked"]
    if rec["key_padding"] is not None:
        out |= rec["key_padding"][None, None, :]
    return out


def kind(rec, heads):
    """'none', 'causal', 'padding', 'causal+padding' or 'other', from the entries blocked (whatever the
    fill) and whether there is a finite bias."""
    if rec["bias"] is not None:
        return "other"
    b = every_blocked(rec, heads)
    n, m = b.shape[1:]
    if not b.any():
        return "none"
    if n == m:
        causal = np.triu(np.ones((n, m), dtype=bool), 1)
        if (b == causal).all():
            return "causal"
        last = b[:, -1:, :]  # the last query sees every key under a causal mask: what it misses is padding
        if (b == (causal | last)).all() and (last == last[:1]).all():
            return "causal+padding"
    columns = b.all(axis=1, keepdims=True)
    if (b == columns).all() and (columns == columns[:1]).all():
        return "padding"
    return "other"


def settle_rows(rec, heads):
    """Makes the record's arrays what the reader accepts, in place: q, k and v rows that are NaN or inf
    become 0 (marked in q_replaced / k_replaced); weights rows where every key is blocked, or that the
    model left NaN, become NaN rows (undefined rows, which the app hatches). Returns what it did:
    {"replaced": text, "finite_undefined": rows, "nan_allowed": rows} (the entries that apply)."""
    done = {}
    b = every_blocked(rec, heads)
    undefined = b.all(axis=-1)  # [H, n]
    q, k, v = rec["q"], rec["k"], rec.get("v")
    bad_q = ~np.isfinite(q).all(axis=(0, 2))
    bad_k = ~np.isfinite(k).all(axis=(0, 2))
    if v is not None:
        bad_k = bad_k | ~np.isfinite(v).all(axis=(0, 2))
    rec["q_replaced"], rec["k_replaced"] = bad_q, bad_k
    if bad_q.any() or bad_k.any():
        q[:, bad_q] = 0.0
        k[:, bad_k] = 0.0
        if v is not None:
            v[:, bad_k] = 0.0
        parts = []
        if bad_q.any():
            rows = np.flatnonzero(bad_q)
            state = "every key blocked" if undefined[:, rows].all() else "some keys allowed"
            parts.append(f"q rows {_positions(rows)} ({state})")
        if bad_k.any():
            cols = np.flatnonzero(bad_k)
            state = "blocked for every query" if b[:, :, cols].all() else "allowed for some queries"
            parts.append(f"k/v rows {_positions(cols)} ({state})")
        done["replaced"] = " and ".join(parts)
    w = rec.get("weights")
    if w is None:
        return done
    bad = ~np.isfinite(w).all(axis=-1)  # [H, n]
    if (undefined & ~bad).any():
        done["finite_undefined"] = int((undefined & ~bad).sum())
    if (bad & ~undefined).any():
        done["nan_allowed"] = int((bad & ~undefined).sum())
    w[undefined | bad] = np.nan
    return done


def _positions(idx, most=8):
    text = ", ".join(str(i) for i in idx[:most])
    return f"[{text}{', ...' if len(idx) > most else ''}]"
