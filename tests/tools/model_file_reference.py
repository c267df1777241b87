"""A NumPy reading of the model-file format that tools/export_attention.py writes (export_format 2),
written from the specification in that script's docstring and independent of the exporter's code.

    members = load(path)               # {group name: {member name: array}}; a flat file is {"": {...}}
    w = recompute(members[""])         # [L, H, n, m] float64: softmax(q.k/sqrt(d) + attn_bias) with the
                                       # file's blocked entries and padded keys at 0; NaN rows are undefined
    gap = worst_gap(members[""])       # max |w - weights| over the rows defined in both
"""
import numpy as np

KINDS = ("none", "causal", "padding", "causal+padding", "other")


def load(path):
    """{group: {member: array}}. A file without `groups` is one group named ""."""
    with np.load(path) as z:
        arrays = {name: z[name] for name in z.files}
    if "groups" not in arrays:
        return {"": arrays}
    groups = {}
    for g in arrays["groups"]:
        g = str(g)
        prefix = g + "/"
        groups[g] = {name[len(prefix):]: a for name, a in arrays.items() if name.startswith(prefix)}
        # File-wide members are visible from every group.
        for name in ("export_format", "precision", "dropout_applied"):
            if name in arrays:
                groups[g].setdefault(name, arrays[name])
    return groups


def text(members, name, default=None):
    if name not in members:
        return default
    return [str(s) for s in members[name]]


def _per_layer(a, layers, heads):
    """[L, n, m] or [L, H, n, m] -> [L, H, n, m] (a view)."""
    if a.ndim == 3:
        a = a[:, None]
    assert a.shape[0] == layers and a.shape[1] in (1, heads), a.shape
    return a


def blocked_entries(members):
    """[L, H or 1, n, m] bool: the entries the file says are blocked (its masks and padded keys)."""
    q, k = members["q"], members.get("k", members["q"])
    layers, heads, n = q.shape[:3]
    m = k.shape[2]
    blocked = np.zeros((layers, 1, n, m), dtype=bool)
    if "blocked" in members:
        b = _per_layer(members["blocked"], layers, heads)
        assert set(np.unique(b)) <= {0.0, 1.0}, "blocked holds only 0 and 1"
        blocked = blocked | (b == 1)
    if "key_padding" in members:
        p = members["key_padding"]
        assert p.shape == (layers, m), p.shape
        assert set(np.unique(p)) <= {0.0, 1.0}, "key_padding holds only 0 and 1"
        blocked = blocked | (p == 1)[:, None, None, :]
    if "blocked" not in members and "key_padding" not in members and text(members, "mask", ["none"])[0] == "causal":
        blocked = blocked | np.triu(np.ones((n, m), dtype=bool), 1)  # a format-1 file: the label alone
    return blocked


def recompute(members):
    """The weights the file's q, k and masks give: [L, H, n, m] float64, NaN rows where every key is blocked."""
    q = members["q"].astype(np.float64)
    k = members.get("k", members["q"]).astype(np.float64)
    assert np.isfinite(q).all() and np.isfinite(k).all(), "q and k are finite"
    d = q.shape[-1]
    s = np.einsum("lhid,lhjd->lhij", q, k) / np.sqrt(d)
    if "attn_bias" in members:
        bias = _per_layer(members["attn_bias"].astype(np.float64), *q.shape[:2])
        assert np.isfinite(bias).all(), "attn_bias is finite"
        s = s + bias
    blocked = np.broadcast_to(blocked_entries(members), s.shape)
    s = np.where(blocked, -np.inf, s)
    top = s.max(axis=-1, keepdims=True)
    undefined = ~np.isfinite(top)
    e = np.exp(s - np.where(undefined, 0.0, top))
    with np.errstate(invalid="ignore"):
        w = e / e.sum(axis=-1, keepdims=True)
    w[np.broadcast_to(undefined, w.shape)] = np.nan
    return w


def undefined_rows(w):
    """[..., n] bool: rows that are all NaN. Asserts no row is partly NaN."""
    nan = np.isnan(w)
    rows = nan.all(axis=-1)
    assert not (nan.any(axis=-1) & ~rows).any(), "a row is NaN in part"
    return rows


def worst_gap(members):
    """max |recomputed - weights| over rows defined in both, and the two undefined-row masks."""
    w_file = members["weights"].astype(np.float64)
    w_rec = recompute(members)
    undefined_file, undefined_rec = undefined_rows(w_file), undefined_rows(w_rec)
    both = ~undefined_file & ~undefined_rec
    gap = float(np.abs(w_rec - w_file)[both].max()) if both.any() else 0.0
    return gap, undefined_file, undefined_rec


def check_members(testcase, members, where=""):
    """The format's invariants (a subset of what the C++ reader will check)."""
    t = testcase
    for name, a in members.items():
        t.assertIn(a.dtype.kind, "fU", f"{where}{name}: dtype {a.dtype}")
        if a.dtype.kind == "f":
            t.assertIn(a.dtype.str, ("<f4", "<f8"), f"{where}{name}")
            t.assertLessEqual(a.ndim, 4, f"{where}{name}: shape {a.shape}")
            if name != "weights":
                t.assertTrue(np.isfinite(a).all(), f"{where}{name} is finite")
    q = members["q"]
    t.assertEqual(q.ndim, 4)
    layers, heads, n, _ = q.shape
    m = members.get("k", q).shape[2]
    if "weights" in members:
        t.assertEqual(members["weights"].shape, (layers, heads, n, m))
        w = members["weights"]
        t.assertFalse(np.isinf(w).any(), f"{where}weights: no inf")
        undefined_rows(w)
    kinds = text(members, "mask_kind")
    t.assertIsNotNone(kinds, f"{where}mask_kind")
    t.assertEqual(len(kinds), layers)
    t.assertTrue(set(kinds) <= set(KINDS), kinds)
    t.assertIn(text(members, "mask")[0], ("none", "causal", "other"))
    t.assertEqual(len(members["mask"]), 1)
    t.assertIn(text(members, "role")[0], ("self", "cross"))
    if "blocked" in members:
        t.assertIn(members["blocked"].shape, ((layers, n, m), (layers, heads, n, m)))
    if "attn_bias" in members:
        t.assertIn(members["attn_bias"].shape, ((layers, n, m), (layers, heads, n, m)))
    if "key_padding" in members:
        t.assertEqual(members["key_padding"].shape, (layers, m))
    if "tokens" in members:
        t.assertEqual(len(members["tokens"]), n)
    if "key_tokens" in members:
        t.assertEqual(len(members["key_tokens"]), m)
    if "layer_names" in members:
        t.assertEqual(len(members["layer_names"]), layers)
    if "q_replaced" in members:
        t.assertEqual(members["q_replaced"].shape, (layers, n))
    if "k_replaced" in members:
        t.assertEqual(members["k_replaced"].shape, (layers, m))
    t.assertIn(text(members, "precision")[0], ("float64", "float32", "bfloat16", "float16"))
    t.assertIn(text(members, "dropout_applied")[0], ("true", "false"))
