"""NumPy references written from the README's formulas, for the attention_explorer tests:
s_ij = alpha (lambda score(q_i, k_j) + M), w_ij = F(s_ij) / sum_l F(s_il), a row with sum 0 undefined
(NaN), masked keys (j > i under the causal mask) weight 0."""
import numpy as np

FUNCTIONS = {
    "exp": None,  # computed with the row maximum subtracted, as a stable softmax
    "relu": lambda s: np.maximum(s, 0.0),
    "softplus": lambda s: np.logaddexp(0.0, s),
}


def scores(q, k, alpha=1.0, shift=0.0, scale=1.0, causal=False):
    s = alpha * (scale * (q @ k.T) / np.sqrt(q.shape[1]) + shift)
    if causal:
        s = np.where(np.arange(k.shape[0])[None, :] > np.arange(q.shape[0])[:, None], -np.inf, s)
    return s


def weights(q, k, f="exp", **score_args):
    s = scores(q, k, **score_args)
    if f == "exp":
        top = s.max(axis=1, keepdims=True)
        e = np.exp(s - np.where(np.isfinite(top), top, 0.0))
    else:
        e = np.where(np.isfinite(s), FUNCTIONS[f](s), 0.0)
    total = e.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, e / total, np.nan)


def blocks(size, pixels):
    """The [first, last) ranges of `pixels` equal blocks over `size` cells (the overview's pooling)."""
    return [(p * size // pixels, (p + 1) * size // pixels) for p in range(pixels)]


def pooled(w, pixels, reduce=np.max):
    rows, cols = blocks(w.shape[0], pixels), blocks(w.shape[1], pixels)
    return np.array([[reduce(w[a:b, c:d]) for (c, d) in cols] for (a, b) in rows])


def max_deviation(clean, shifted):
    """max |W(M) - W(0)| over the rows defined in both (the engine's Deviation.max_abs_diff)."""
    both = ~np.isnan(clean).any(axis=1) & ~np.isnan(shifted).any(axis=1)
    return np.abs(shifted[both] - clean[both]).max() if both.any() else np.nan
