"""NumPy references for the methods after softmax, written from the papers' formulas (float64).

    sigmoid-attn[:B]  w_ij = sigmoid(s_ij + b), b = -log n (n = #keys) unless given; no normalisation
                      (Ramapuram et al. 2024)
    softmax1          w_j = e^{s_j} / (1 + sum_l e^{s_l})
    softpick          w_j = relu(e^{s_j} - 1) / sum_l |e^{s_l} - 1| (Zuhri et al. 2025)
    stick-breaking    beta_ij = sigmoid(s_ij), w_ij = beta_ij prod_{j<k<=i} (1 - beta_ik) (Tan et al.
                      2024, with the query's own position); causal mask only
    ssmax:C           softmax(C log(n_i) s), n_i the keys row i attends (Nakanishi 2025)
    linear-attn       phi(a_i).phi(b_j) / sum_l phi(a_i).phi(b_l), phi = elu + 1 (Katharopoulos et
                      al. 2020), a and b the score's two factors
    performer:M[:S]   positive random features (Choromanski et al. 2020): phi(x) =
                      exp(w_r.x - |x|^2/2) / sqrt(M) with the engine's w_r (its generator is
                      re-implemented below), a shift M as one more shared coordinate

Each reference is computed as the formula reads, with logarithms only where the formula itself
would overflow (stick-breaking's product, the random features' sums).
"""

import math

import numpy as np

MASK64 = (1 << 64) - 1


class Refused(Exception):
    """The CLI must refuse this case (exit 2) with a message containing `expected`."""

    def __init__(self, expected):
        super().__init__(expected)
        self.expected = expected


# ----------------------------------------------------------------------------------------------
# The engine's random numbers (core/src/base/random.cpp): splitmix64-seeded xoshiro256**, a
# 53-bit uniform and the Marsaglia polar method. math.log stands for the engine's portable_log
# (they differ in the last bit at most, far below the tolerances).
# ----------------------------------------------------------------------------------------------


def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


class EngineRng:
    def __init__(self, seed, stream=0, substream=0):
        mix, a = _splitmix64(seed & MASK64)
        mix ^= (stream * 0xD1B54A32D192ED03) & MASK64
        mix, b = _splitmix64(mix)
        mix ^= (substream * 0x8CB92BA72F3D8DD7) & MASK64
        mix, c = _splitmix64(mix)
        x = a ^ _rotl(b, 21) ^ _rotl(c, 42)
        self.s = []
        for _ in range(4):
            x, v = _splitmix64(x)
            self.s.append(v)
        self.spare = None

    def next_u64(self):
        s = self.s
        result = (_rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next_u64() >> 11) * 2.0 ** -53

    def normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        while True:
            u = 2.0 * self.uniform() - 1.0
            v = 2.0 * self.uniform() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        factor = math.sqrt(-2.0 * math.log(s) / s)
        self.spare = v * factor
        return u * factor


FEATURE_STREAM = 5


def feature_directions(count, dimension, seed):
    """w_r, r = 0..count-1, each from its own stream (seed, 5, r)."""
    out = np.empty((count, dimension))
    for r in range(count):
        rng = EngineRng(seed, FEATURE_STREAM, r)
        out[r] = [rng.normal() for _ in range(dimension)]
    return out


# ----------------------------------------------------------------------------------------------
# Rows of scores
# ----------------------------------------------------------------------------------------------


def _log_sigmoid(z):
    return -np.logaddexp(0.0, -z)


def sigmoid_attention(z, bias):
    return np.exp(_log_sigmoid(z + bias))


def softmax1(z):
    # e^{s_j} / (1 + sum e^{s_l}), divided through by e^{t}, t = max(0, max s): no overflow.
    t = max(0.0, float(np.max(z)))
    e = np.exp(z - t)
    return e / (math.exp(-t) + np.sum(e))


def softpick(z):
    """relu(e^s - 1) / sum |e^s - 1| as written (np.expm1 is e^s - 1 without cancellation);
    None for 0 / 0."""
    if np.max(z) > 700.0:
        raise ValueError("softpick reference: scores beyond 700 would overflow")
    g = np.expm1(z)
    denominator = np.sum(np.abs(g))
    if denominator == 0.0:
        return None
    return np.maximum(g, 0.0) / denominator


def stick_breaking(z):
    """w_j = beta_j prod_{k > j} (1 - beta_k) over the row's valid keys (the last is the query's
    own position), in logarithms: log beta = log sigmoid(s), log(1 - beta) = log sigmoid(-s)."""
    log_rest = _log_sigmoid(-z)
    after = np.concatenate([np.cumsum(log_rest[::-1])[::-1][1:], [0.0]])  # sum over k > j
    return np.exp(_log_sigmoid(z) + after)


def ssmax(z, c):
    s = c * math.log(len(z)) * z
    e = np.exp(s - np.max(s))
    return e / np.sum(e)


SCORE_ROW_METHODS = ("sigmoid-attn", "softmax1", "softpick", "stick-breaking", "ssmax")
FEATURE_METHODS = ("linear-attn", "performer")
METHODS = SCORE_ROW_METHODS + FEATURE_METHODS


def score_row_weights(s, method, mask, valid_count):
    name, _, param = method.partition(":")
    n, m = s.shape
    if name == "stick-breaking" and mask != "causal":
        raise Refused("needs the causal mask")
    W = np.zeros((n, m))
    defined = np.ones(n, dtype=bool)
    for i in range(n):
        v = valid_count(mask, i, m)
        z = s[i, :v]
        if not np.all(np.isfinite(z)):
            w = None
        elif name == "sigmoid-attn":
            w = sigmoid_attention(z, float(param) if param else -math.log(m))
        elif name == "softmax1":
            w = softmax1(z)
        elif name == "softpick":
            w = softpick(z)
        elif name == "stick-breaking":
            w = stick_breaking(z)
        else:
            w = ssmax(z, float(param))
        if w is None:
            W[i, :] = np.nan
            defined[i] = False
        else:
            W[i, :v] = w
    return W, defined


# ----------------------------------------------------------------------------------------------
# Feature maps
# ----------------------------------------------------------------------------------------------


def _factors(Q, K, score, alpha):
    """a, b with a.b the score (before shifts): sqrt of the product scale on each side."""
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if score == "cosine":
        nq = np.linalg.norm(Q, axis=1, keepdims=True)
        nk = np.linalg.norm(K, axis=1, keepdims=True)
        Q = np.where(nq > 0, Q / np.where(nq > 0, nq, 1.0), 0.0)
        K = np.where(nk > 0, K / np.where(nk > 0, nk, 1.0), 0.0)
    c = alpha / math.sqrt(Q.shape[1]) if score == "scaled-dot" else alpha
    root = math.sqrt(abs(c))
    return (-root if c < 0 else root) * Q, root * K


def _elu_plus_one(x):
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def feature_weights(Q, K, score, alpha, shift, method, mask, valid_count):
    name, _, param = method.partition(":")
    if name == "linear-attn":
        if score == "neg-sqdist":
            raise Refused("no product of a query factor and a key factor")
        if shift != 0.0:
            raise Refused("a constant shift M of the scores cannot reach it")
    a, b = _factors(Q, K, score, alpha)
    n, m = a.shape[0], b.shape[0]
    if name == "linear-attn":
        kernel = _elu_plus_one(a) @ _elu_plus_one(b).T
        log_kernel = np.log(kernel)
    else:
        parts = param.split(":")
        count, seed = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
        key_terms = -0.5 * np.sum(b * b, axis=1) if score == "neg-sqdist" else np.zeros(m)
        if shift != 0.0:
            root = math.sqrt(abs(alpha * shift))
            a = np.hstack([a, np.full((n, 1), -root if alpha * shift < 0 else root)])
            b = np.hstack([b, np.full((m, 1), root)])
        w = feature_directions(count, a.shape[1], seed)
        # log(phi(a_i).phi(b_j)) = logsumexp_r(w_r.a_i + w_r.b_j) - |a_i|^2/2 - |b_j|^2/2 - log M
        qa = a @ w.T - 0.5 * np.sum(a * a, axis=1, keepdims=True)
        kb = b @ w.T - 0.5 * np.sum(b * b, axis=1, keepdims=True) + key_terms[:, None]
        joint = qa[:, None, :] + kb[None, :, :]
        top = np.max(joint, axis=2, keepdims=True)
        log_kernel = (top[:, :, 0] + np.log(np.sum(np.exp(joint - top), axis=2))) - math.log(count)
    W = np.zeros((n, m))
    for i in range(n):
        v = valid_count(mask, i, m)
        row = log_kernel[i, :v]
        e = np.exp(row - np.max(row))
        W[i, :v] = e / np.sum(e)
    return W, np.ones(n, dtype=bool)


def oracle_weights(Q, K, score, alpha, shift, method, mask, scores, valid_count):
    """(W, defined) for a method of this module, or Refused. `scores` are the raw scores."""
    name = method.partition(":")[0]
    if name in FEATURE_METHODS:
        return feature_weights(Q, K, score, alpha, shift, method, mask, valid_count)
    return score_row_weights(alpha * (scores + shift), method, mask, valid_count)


# The cases: parameters with and without their defaults.
CASE_METHODS = ["sigmoid-attn", "sigmoid-attn:0", "sigmoid-attn:-2.5", "softmax1", "softpick", "stick-breaking",
                "ssmax:0.5", "ssmax:2", "linear-attn", "performer:64", "performer:16:7"]
LARGE_SHIFT_METHODS = ["sigmoid-attn", "softmax1", "softpick", "stick-breaking", "ssmax:0.5", "performer:32"]
