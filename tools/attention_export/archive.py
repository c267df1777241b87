"""From recorded modules to the arrays of the file: precision, undefined rows, groups, stacking, tokens,
and the checks the reader will make, before anything is written."""
import re

import numpy as np
import torch

from . import masks as mask_tools
from .common import PRECISIONS, notice, numpy64, precision_name

FORMAT = "2"
TOLERANCE = {"float64": 1e-3, "float32": 1e-3, "bfloat16": 0.1, "float16": 0.02}


# ---- One record

def _to_numpy(records, target):
    """Tensors to NumPy in the target dtype (float16 and bfloat16 convert exactly), in place; returns
    the least precise source dtype."""
    least = "float64"
    for rec in records:
        for key in ("q", "k", "v", "weights"):
            if rec.get(key) is not None:
                name = precision_name(rec[key].dtype)
                least = min(least, name, key=PRECISIONS.index)
                rec[key] = numpy64(rec[key]) if target == "float64" else \
                    rec[key].detach().to("cpu", torch.float32).numpy().copy()
    if least in ("float16", "bfloat16"):
        notice(f"the model computed in {least}: its q, k, v and weights are written as {target} (the file's "
               f"`precision` says '{least}'); weights recomputed from them differ from the model's by {least} "
               f"rounding")
    return least


def _recompute_gap(rec, heads, block=1024):
    """max |softmax(q.k/sqrt(d) + bias, masks) - weights| over rows defined in both, in float64, head by
    head and block of rows by block of rows (a long sequence never needs a float64 n x m at once)."""
    q, k, w = rec["q"], rec["k"], rec["weights"]
    worst = 0.0
    for h in range(heads):
        kh = k[h].astype(np.float64)
        for start in range(0, q.shape[1], block):
            rows = slice(start, start + block)
            s = q[h, rows].astype(np.float64) @ kh.T / np.sqrt(q.shape[-1])
            if rec["bias"] is not None:
                s = s + rec["bias"][min(h, rec["bias"].shape[0] - 1), rows]
            if rec["blocked"] is not None:
                s[rec["blocked"][min(h, rec["blocked"].shape[0] - 1), rows]] = -np.inf
            if rec["key_padding"] is not None:
                s[:, rec["key_padding"]] = -np.inf
            top = s.max(axis=-1, keepdims=True)
            defined = np.isfinite(top[:, 0]) & ~np.isnan(w[h, rows]).any(axis=-1)
            if not defined.any():
                continue
            e = np.exp(s[defined] - top[defined])
            worst = max(worst, float(np.abs(e / e.sum(axis=-1, keepdims=True) - w[h, rows][defined]).max()))
    return worst


def _settle(records, precision, check_gap):
    """Undefined rows, replaced rows, mask kinds and the self-check, with one notice per kind of event."""
    events = {}
    for rec in records:
        heads = rec["q"].shape[0]
        where = rec["name"] or rec["module"]
        for event, detail in mask_tools.settle_rows(rec, heads).items():
            events.setdefault(event, []).append((where, detail))
        rec["kind"] = mask_tools.kind(rec, heads)
        if check_gap and rec.get("weights") is not None:
            gap = _recompute_gap(rec, heads)
            if gap > TOLERANCE[precision]:
                events.setdefault("gap", []).append((where, f"{gap:.3g}"))
    if "replaced" in events:
        notice("q, k or v rows were NaN or inf in the model (often the output of an earlier layer's undefined "
               "rows); they are written as 0 and marked in q_replaced / k_replaced: "
               + "; ".join(f"{where}: {detail}" for where, detail in events["replaced"]))
    if "finite_undefined" in events:
        notice(f"{_total(events['finite_undefined'])} have every key blocked (left padding with a causal mask, for "
               f"example); the model's numbers there (a finite fill spreads them evenly) are written as NaN: "
               f"undefined rows")
    if "nan_allowed" in events:
        notice(f"the model's weights are NaN in {_total(events['nan_allowed'])} that have keys allowed (NaN reached "
               f"their scores); they are written as undefined rows")
    if "gap" in events:
        notice("softmax(q.k/sqrt(d)) with the recorded masks differs from the module's own weights by up to "
               + ", ".join(f"{gap} ({where})" for where, gap in events["gap"])
               + ": the module computes its weights some other way (a scale, a bias or a mask the exporter did "
                 "not see); check its adapter")


def _total(entries):
    """'12 rows (head x query) of h.0.attn, h.1.attn'."""
    rows = sum(count for _, count in entries)
    names = [where for where, _ in entries]
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return f"{rows} rows (head x query) of {shown}"


# ---- Groups

def _stack_of(name):
    """The module path before the first layer index: 'decoder.layers' for 'decoder.layers.3.self_attn'."""
    parts = name.split(".") if name else []
    for i, part in enumerate(parts):
        if part.isdigit():
            return ".".join(parts[:i])
    return ".".join(parts[:-1])


def _group_names(records):
    """[group name per record], or None for a file without groups (no mix of self- and cross-attention)."""
    if {r["role"] for r in records} != {"self", "cross"}:
        return None
    cross_stacks = {_stack_of(r["name"]) for r in records if r["role"] == "cross"}
    bases = []
    for r in records:
        stack = _stack_of(r["name"])
        base = "cross" if r["role"] == "cross" else ("decoder" if stack in cross_stacks else "encoder")
        bases.append((base, stack))
    names = []
    for base, stack in bases:
        stacks = {s for b, s in bases if b == base}
        names.append(base if len(stacks) == 1 else f"{base}_{re.sub(r'[^A-Za-z0-9_]+', '_', stack) or 'model'}")
    return names


def _group_tokens(group, role, n, m, tokens, src, tgt, path):
    """(queries' tokens, keys' tokens or None) of one group."""
    where = f"{path}: {group + ': ' if group else ''}"
    if role == "cross":
        rows, cols = (tgt if tgt is not None else tokens), src
    elif group.startswith("encoder"):
        rows, cols = src, None
    elif group.startswith("decoder"):
        rows, cols = tgt, None
    elif tokens is not None:
        rows, cols = tokens, None
    else:
        given = [t for t in (tgt, src) if t is not None]
        fits = [t for t in given if len(t) == n]
        if len(given) == 2 and len(fits) != 1:
            raise ValueError(f"{where}src_tokens and tgt_tokens both fit {n} queries of self-attention: "
                             f"give tokens= for this file")
        rows, cols = (fits[0] if len(given) == 2 else (given[0] if given else None)), None
    if rows is not None and len(rows) != n:
        raise ValueError(f"{where}{len(rows)} tokens for {n} queries")
    if cols is not None and len(cols) != m:
        raise ValueError(f"{where}{len(cols)} key tokens for {m} keys")
    return rows, cols


def _same_shapes(records, key, where):
    shapes = {tuple(r[key].shape) for r in records}
    if len(shapes) != 1:
        detail = ", ".join(f"{r['name']}: {list(r[key].shape)}" for r in records)
        raise ValueError(f"{where}'{key}' has different shapes across layers ({detail}); export fewer modules "
                         f"with modules=[...]")


def _per_layer_mask(records, key, heads, n, m):
    """[L, n, m] when every layer's mask is the same for every head, else [L, H, n, m]; None when absent."""
    if all(r[key] is None for r in records):
        return None
    full = []
    for r in records:
        a = r[key]
        if a is None:
            a = np.zeros((1, n, m), dtype=np.float64)
        full.append(np.broadcast_to(a.astype(np.float64), (heads, n, m)) if a.shape[0] != 1 else a.astype(np.float64))
    if all(a.shape[0] == 1 or (a == a[:1]).all() for a in full):
        return np.stack([a[0] for a in full])
    return np.stack([np.broadcast_to(a, (heads, n, m)) for a in full])


def _group_arrays(records, role, tokens, key_tokens, dtype, where):
    for key in ("q", "k", "v", "weights"):
        present = [r for r in records if r.get(key) is not None]
        if present and len(present) != len(records):
            raise ValueError(f"{where}'{key}' was recorded for {len(present)} of {len(records)} attention modules")
        if present:
            _same_shapes(records, key, where)
    heads, n = records[0]["q"].shape[:2]
    m = records[0]["k"].shape[1]
    out = {key: np.stack([r[key] for r in records]).astype(dtype) for key in ("q", "k", "v", "weights")
           if records[0].get(key) is not None}
    blocked = _per_layer_mask(records, "blocked", heads, n, m)
    if blocked is not None:
        out["blocked"] = blocked.astype(np.float32)
    if any(r["key_padding"] is not None for r in records):
        out["key_padding"] = np.stack([np.zeros(m) if r["key_padding"] is None else r["key_padding"]
                                       for r in records]).astype(np.float32)
    bias = _per_layer_mask(records, "bias", heads, n, m)
    if bias is not None:
        out["attn_bias"] = bias.astype(dtype)
    for key, length in (("q_replaced", n), ("k_replaced", m)):
        if any(r[key].any() for r in records):
            out[key] = np.stack([r[key] for r in records]).astype(np.float32)
    kinds = [r["kind"] for r in records]
    out["mask_kind"] = np.array(kinds)
    out["mask"] = np.array(["none" if set(kinds) == {"none"} else "causal" if set(kinds) == {"causal"} else "other"])
    out["role"] = np.array([role])
    out["layer_names"] = np.array([r["name"] or r["module"] for r in records])
    if tokens is not None:
        out["tokens"] = np.array([str(t) for t in tokens])
    if key_tokens is not None:
        out["key_tokens"] = np.array([str(t) for t in key_tokens])
    return out


def build(records, path, tokens=None, src_tokens=None, tgt_tokens=None, dtype=np.float32, dropout_applied=False):
    """The arrays of the file (checked), from the recorded modules."""
    target = np.dtype(dtype).name
    precision = _to_numpy(records, target)
    _settle(records, precision, check_gap=not dropout_applied)
    names = _group_names(records)
    if names is not None and tokens is not None and (src_tokens is None or tgt_tokens is None):
        raise ValueError(f"{path}: the model has self- and cross-attention: give its tokens as src_tokens= and "
                         f"tgt_tokens= (tokens= names one sequence)")
    arrays = {"export_format": np.array([FORMAT]), "precision": np.array([precision]),
              "dropout_applied": np.array(["true" if dropout_applied else "false"])}
    for key, value in (("src_tokens", src_tokens), ("tgt_tokens", tgt_tokens)):
        if value is not None:
            arrays[key] = np.array([str(t) for t in value])
    order = [] if names is None else list(dict.fromkeys(names))
    for group in order or [""]:
        members = records if names is None else [r for r, g in zip(records, names) if g == group]
        roles = {r["role"] for r in members}
        role = roles.pop() if len(roles) == 1 else "self"
        n, m = members[0]["q"].shape[1], members[0]["k"].shape[1]
        rows, cols = _group_tokens(group, role, n, m, tokens, src_tokens, tgt_tokens, path)
        where = f"{path}: {group + ': ' if group else ''}"
        prefix = group + "/" if group else ""
        for key, value in _group_arrays(members, role, rows, cols, dtype, where).items():
            arrays[prefix + key] = value
    if order:
        arrays["groups"] = np.array(order)
    check(arrays, path)
    return arrays


# ---- The reader's checks, made before writing

def _fail(path, message):
    raise ValueError(f"{path}: the exporter would write a file the tools refuse: {message}")


def _check_model(arrays, prefix, path):
    get = arrays.get
    q, k, v, w = (get(prefix + key) for key in ("q", "k", "v", "weights"))
    if q is None:
        _fail(path, f"no '{prefix}q'")
    if q.ndim != 4:
        _fail(path, f"'{prefix}q' has shape {list(q.shape)} (need [layers, heads, n, d])")
    layers, heads, n, d = q.shape
    m = k.shape[2] if k is not None else n
    if k is not None and (k.shape[:2] != q.shape[:2] or k.shape[3] != d):
        _fail(path, f"'{prefix}k' of shape {list(k.shape)} does not match q {list(q.shape)}")
    if v is not None and v.shape[:3] != (layers, heads, m):
        _fail(path, f"'{prefix}v' of shape {list(v.shape)} does not match k")
    for name, a in (("q", q), ("k", k), ("v", v)):
        if a is not None and not np.isfinite(a).all():
            _fail(path, f"'{prefix}{name}' holds NaN or inf")
    if w is not None:
        if w.shape != (layers, heads, n, m):
            _fail(path, f"'{prefix}weights' has shape {list(w.shape)} for [{layers}, {heads}, {n}, {m}]")
        nan = np.isnan(w)
        if np.isinf(w).any() or (nan.any(axis=-1) & ~nan.all(axis=-1)).any():
            _fail(path, f"'{prefix}weights' holds inf or rows only partly NaN")
    for name, shapes in (("blocked", [(layers, n, m), (layers, heads, n, m)]), ("key_padding", [(layers, m)]),
                         ("q_replaced", [(layers, n)]), ("k_replaced", [(layers, m)]),
                         ("attn_bias", [(layers, n, m), (layers, heads, n, m)])):
        a = get(prefix + name)
        if a is None:
            continue
        if a.shape not in shapes:
            _fail(path, f"'{prefix}{name}' has shape {list(a.shape)} (need one of {[list(s) for s in shapes]})")
        if name == "attn_bias" and not np.isfinite(a).all():
            _fail(path, f"'{prefix}attn_bias' holds NaN or inf")
        if name != "attn_bias" and not np.isin(a, (0.0, 1.0)).all():
            _fail(path, f"'{prefix}{name}' holds values other than 0 and 1")
    kinds = get(prefix + "mask_kind")
    if kinds is None or len(kinds) != layers or not set(kinds) <= set(mask_tools.KINDS):
        _fail(path, f"'{prefix}mask_kind' must hold {layers} of {mask_tools.KINDS}")
    if get(prefix + "mask") is None or len(get(prefix + "mask")) != 1 or \
            str(get(prefix + "mask")[0]) not in ("none", "causal", "other"):
        _fail(path, f"'{prefix}mask' must be one of 'none', 'causal', 'other'")
    for name, length in (("tokens", n), ("key_tokens", m), ("layer_names", layers)):
        a = get(prefix + name)
        if a is not None and len(a) != length:
            _fail(path, f"'{prefix}{name}' has {len(a)} entries for {length}")


def check(arrays, path):
    for name, a in arrays.items():
        if not isinstance(a, np.ndarray) or not (a.dtype.kind == "U" or a.dtype.str in ("<f4", "<f8")):
            _fail(path, f"'{name}' has dtype {getattr(a, 'dtype', type(a).__name__)} (the reader takes '<f4', "
                        f"'<f8' and '<U' only)")
        if a.ndim > 4:
            _fail(path, f"'{name}' has shape {list(a.shape)} (rank {a.ndim}; at most 4)")
    if "groups" in arrays:
        groups = [str(g) for g in arrays["groups"]]
        if len(set(groups)) != len(groups) or any(not re.fullmatch(r"[A-Za-z0-9_.-]+", g) for g in groups):
            _fail(path, f"group names {groups} must be distinct words")
        for g in groups:
            _check_model(arrays, g + "/", path)
    else:
        _check_model(arrays, "", path)
