#!/usr/bin/python3
"""Tiny decoder-only language models whose attention is w = F(s) / sum F(s): the tokenizer, the
corpus and its split, and one forward pass shared by training (tools/train_tiny_lm.py) and by
anyone who runs a trained model (the torch peer of the C++ engine's forward pass).

    import sys; sys.path.insert(0, "tools")
    import tiny_lm
    ids = tiny_lm.encode("In the beginning God created", vocab)      # or tiny_lm.tokenize(text)
    out = tiny_lm.forward("assets/models/exp.npz", ids, method="relu", shift=5.0)
    out["logits"]        # [n, V] next-token logits after each position
    out["q"], out["k"], out["v"]   # [L, H, n, d_head] (q not divided by sqrt(d_head))
    out["weights"]       # [L, H, n, n] attention weights; NaN rows where undefined
    out["undefined"]     # [L, H, n] bool: sum over keys of F(s) was 0

Tokenizer "kjv-words-v1" (what the C++ reimplementation must do, byte for byte)
-------------------------------------------------------------------------------
Input is a Unicode string (UTF-8 in C++). Work character by character (a character is one Unicode
code point; in UTF-8, a lead byte and its continuation bytes 10xxxxxx):
  1. Lower-case ASCII only: 'A'..'Z' become 'a'..'z'. No other character is changed.
  2. Scan left to right. At each position:
     - a whitespace character (ASCII space, \\t, \\n, \\v, \\f, \\r) is skipped;
     - a letter 'a'..'z' starts a WORD: take the maximal run of 'a'..'z'; then, while the next
       character is an apostrophe "'" (U+0027) AND the character after it is 'a'..'z', take the
       apostrophe and the maximal run of 'a'..'z' after it. ("king's" is one token; in "sons'"
       the trailing apostrophe is its own token; "o'er's" is one token.)
     - a digit '0'..'9' starts a NUMBER: the maximal run of '0'..'9';
     - any other character (punctuation, and every non-ASCII character) is a token by itself.
  3. A token's id is its index in the model's vocabulary; a token not in it has id 0 ("<unk>").
The Python regex below is equivalent and is what the training used:
    [a-z]+(?:'[a-z]+)*|[0-9]+|[^ \\t\\n\\v\\f\\r]   (on the lower-cased text; re.ASCII semantics
    are not needed since no class is a shorthand)
No other normalisation: curly quotes, accented letters and non-breaking spaces are "other"
characters (tokens of their own, <unk> in the vocabulary). The KJV text is pure ASCII.

Corpus and split ("kjv-every-25th-chapter")
-------------------------------------------
`bible -f "gen1:1-rev22:21"` (Debian packages bible-kjv and bible-kjv-text, the King James
Version, public domain) prints 31102 verses, one per line, "Ge1:1 In the beginning ...". The first
whitespace-separated field is the reference and is dropped. Chapters are numbered 1..1189 in the
order printed (a new chapter starts when the reference without ":verse" changes). A chapter whose
number is a multiple of 25 (25, 50, ..., 1175: 47 chapters) is held out; the other 1142 are for
training. Each split is one token stream: the tokens of its verses in order, with nothing between
verses.

Vocabulary: the V - 1 most frequent tokens of the training stream, sorted by count (descending)
then by the token's code points (ascending), after "<unk>" at id 0.

Model (all float32; convention y = x @ W + b with W stored [in, out])
----------------------------------------------------------------------
x0[t] = (tok_emb[id_t] + pos_emb[t]) + noise[t]          (noise: none, g [D] or [n, D])
for each block l:
    a = LN(x; ln1)   q = a @ wq + bq   k = a @ wk + bk   v = a @ wv + bv     (each [n, D])
    head h uses columns h*d_head .. (h+1)*d_head - 1 of q, k, v
    s_ij = q_i . k_j / sqrt(d_head) + shift     for j <= i (causal); keys j > i do not exist
    w_ij = F(s_ij) / sum_{l <= i} F(s_il)       (see attention_weights)
    o_i  = sum_j w_ij v_j  ([n, d_head]; o_i = 0 when row i is undefined)
    x = x + concat_h(o) @ wo + bo
    x = x + gelu(LN(x; ln2) @ w1 + b1) @ w2 + b2       (gelu: exact, 0.5 z (1 + erf(z / sqrt 2)))
logits = LN(x; ln_f) @ tok_emb^T + lm_head.bias         (the unembedding is tied to tok_emb)
LN(x; p) = (x - mean(x)) / sqrt(var(x) + eps) * p.weight + p.bias, mean and biased variance over
the D features of one position, eps from the config (1e-5).

F, as the engine computes it (method names as attention-cli spells them):
  "exp"       softmax: exp(s - max s) / sum
  "relu"      F = max(s, 0); divided by the row's max F, then by the sum
  "power:2"   F = max(s, 0)^2 computed as (max(s, 0) / max_j s)^2, then divided by the sum
  "softplus"  log F = log(log(1 + e^s)) (= s below -17 in float32, -37 in float64), then softmax of log F
  "sigmoid"   log F = -log(1 + e^-s), then softmax of log F
Undefined rows (policy "zero-output"): when every F(s_ij) of row i is 0 (only relu and power can do
this, e.g. the first token whose only score is negative), the row is undefined: its weights are
reported as NaN, the head's output o_i is 0 (its d_head columns of concat_h(o) are zeros before
the output projection wo), and the row is counted. Training used the same rule, so there is no
gradient through an undefined row. exp, softplus and sigmoid rows are never undefined (F > 0).
"""
import json
import math
import re
import subprocess

import numpy as np
import torch
import torch.nn.functional as TF

TOKENIZER = "kjv-words-v1"
SPLIT = "kjv-every-25th-chapter"
HELDOUT_EVERY = 25
UNK = "<unk>"
UNDEFINED_POLICY = "zero-output"
METHODS = ("exp", "relu", "softplus", "sigmoid", "power:2")
BIBLE_COMMAND = ["bible", "-f", "gen1:1-rev22:21"]

_TOKEN_RE = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+|[^ \t\n\v\f\r]")
_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# ---- Tokens

def tokenize(text):
    """kjv-words-v1: the list of token strings of `text` (see the module docstring)."""
    return _TOKEN_RE.findall(text.translate(_UPPER))


def encode(text_or_tokens, vocab):
    """Token ids (a list of int) of a string or a list of tokens; unknown tokens are 0."""
    tokens = tokenize(text_or_tokens) if isinstance(text_or_tokens, str) else text_or_tokens
    index = vocab if isinstance(vocab, dict) else {t: i for i, t in enumerate(vocab)}
    return [index.get(t, 0) for t in tokens]


# ---- Corpus

def read_verses():
    """[(chapter_number starting at 1, verse text)] from the bible-kjv package, in order."""
    try:
        out = subprocess.run(BIBLE_COMMAND, check=True, capture_output=True).stdout
    except FileNotFoundError as e:
        raise SystemExit("error: the corpus needs the Debian packages bible-kjv and bible-kjv-text "
                         "(apt-get install -y bible-kjv bible-kjv-text)") from e
    verses, last, chapter = [], None, 0
    for line in out.decode("utf-8").split("\n"):
        if not line.strip():
            continue
        ref, _, text = line.strip().partition(" ")
        key = ref.rsplit(":", 1)[0]
        if key != last:
            chapter, last = chapter + 1, key
        verses.append((chapter, text))
    return verses


def split_tokens(verses):
    """(train tokens, held-out tokens): held out are the chapters numbered k * HELDOUT_EVERY."""
    train, held = [], []
    for chapter, text in verses:
        (held if chapter % HELDOUT_EVERY == 0 else train).extend(tokenize(text))
    return train, held


def build_vocab(train_tokens, size):
    counts = {}
    for t in train_tokens:
        counts[t] = counts.get(t, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [UNK] + [t for t, _ in ranked[: size - 1]]


def corpus(vocab_size):
    """dict(vocab, train_ids, heldout_ids (int64 numpy arrays), chapters, verses)."""
    verses = read_verses()
    train, held = split_tokens(verses)
    vocab = build_vocab(train, vocab_size)
    index = {t: i for i, t in enumerate(vocab)}
    return {
        "vocab": vocab,
        "train_ids": np.array(encode(train, index), dtype=np.int64),
        "heldout_ids": np.array(encode(held, index), dtype=np.int64),
        "chapters": verses[-1][0],
        "verses": len(verses),
    }


def heldout_windows(ids, context):
    """Held-out evaluation windows: inputs ids[kT : kT+T], targets ids[kT+1 : kT+T+1] for
    k = 0 .. (len - 1) // T - 1 (stride T, no overlap; the tail that does not fill a window is
    dropped). Returns (inputs [K, T], targets [K, T]) as int64 tensors."""
    ids = torch.as_tensor(np.asarray(ids), dtype=torch.int64)
    k = (len(ids) - 1) // context
    x = ids[: k * context].reshape(k, context)
    y = ids[1 : k * context + 1].reshape(k, context)
    return x, y


# ---- Parameters

def param_shapes(cfg):
    """Every weight's name and shape, in the order they are created (and initialised)."""
    V, T, D, M = cfg["vocab_size"], cfg["context"], cfg["d_model"], cfg["mlp_width"]
    shapes = [("tok_emb", (V, D)), ("pos_emb", (T, D))]
    for l in range(cfg["layers"]):
        p = f"blocks.{l}."
        shapes += [
            (p + "ln1.weight", (D,)), (p + "ln1.bias", (D,)),
            (p + "attn.wq", (D, D)), (p + "attn.bq", (D,)),
            (p + "attn.wk", (D, D)), (p + "attn.bk", (D,)),
            (p + "attn.wv", (D, D)), (p + "attn.bv", (D,)),
            (p + "attn.wo", (D, D)), (p + "attn.bo", (D,)),
            (p + "ln2.weight", (D,)), (p + "ln2.bias", (D,)),
            (p + "mlp.w1", (D, M)), (p + "mlp.b1", (M,)),
            (p + "mlp.w2", (M, D)), (p + "mlp.b2", (D,)),
        ]
    shapes += [("ln_f.weight", (D,)), ("ln_f.bias", (D,)), ("lm_head.bias", (V,))]
    return shapes


def init_params(cfg, generator):
    """GPT-2 style: matrices and embeddings N(0, 0.02^2), the residual outputs (wo, w2) scaled by
    1/sqrt(2 layers), biases 0, LayerNorm weights 1. Drawn in param_shapes order from `generator`."""
    params = {}
    residual = 0.02 / math.sqrt(2 * cfg["layers"])
    for name, shape in param_shapes(cfg):
        if name.endswith("ln1.weight") or name.endswith("ln2.weight") or name == "ln_f.weight":
            t = torch.ones(shape)
        elif len(shape) == 1:
            t = torch.zeros(shape)
        else:
            std = residual if name.endswith("attn.wo") or name.endswith("mlp.w2") else 0.02
            t = torch.randn(shape, generator=generator) * std
        params[name] = t
    return params


# ---- Attention with F

def _softplus_tail(dtype):
    return -17.0 if dtype == torch.float32 else -37.0


def attention_weights(s, method, causal):
    """w = F(s) / sum F(s) over the keys where `causal` is True (the last axis), as the engine
    computes it. s: [..., n, n]. Returns (w, undefined [..., n] bool); w is 0 on undefined rows
    (the caller reports NaN). Differentiable."""
    if method == "exp":
        w = torch.softmax(s.masked_fill(~causal, float("-inf")), dim=-1)
        return w, torch.zeros(w.shape[:-1], dtype=torch.bool, device=w.device)
    if method in ("softplus", "sigmoid"):
        if method == "softplus":
            tail = _softplus_tail(s.dtype)
            log_f = torch.where(s < tail, s, torch.log(TF.softplus(s.clamp(min=tail))))
        else:
            log_f = TF.logsigmoid(s)
        w = torch.softmax(log_f.masked_fill(~causal, float("-inf")), dim=-1)
        return w, torch.zeros(w.shape[:-1], dtype=torch.bool, device=w.device)
    if method == "relu" or method.startswith("power:"):
        r = torch.relu(s).masked_fill(~causal, 0.0)
        top = r.amax(dim=-1, keepdim=True)
        undefined = top.squeeze(-1) == 0
        f = r / torch.where(top > 0, top, torch.ones_like(top))
        if method != "relu":
            f = f ** float(method.split(":", 1)[1])
        total = f.sum(dim=-1, keepdim=True)
        return f / torch.where(total > 0, total, torch.ones_like(total)), undefined
    raise ValueError(f"unknown method '{method}' (need one of {', '.join(METHODS)})")


def layer_norm(x, params, name, eps):
    return TF.layer_norm(x, x.shape[-1:], params[name + ".weight"], params[name + ".bias"], eps)


def run(params, cfg, ids, method=None, shift=0.0, noise=None, record=False, matmul=None):
    """The model on a batch ids [B, n] (n <= context). Returns (logits [B, n, V], undefined
    [L, B, H, n] bool, record) where record (when asked) holds per-layer q, k, v [B, H, n, d_head]
    and w [B, H, n, n]. noise: None or anything that broadcasts to [B, n, D] ([D] or [B, 1, D]: one
    vector shared by every position; [n, D] or [B, n, D]: per position); it is added after the
    position embedding. matmul(a [B, n, in], w [in, out]) computes a @ w (training passes a faster
    one; the default is torch's @)."""
    mm = matmul or torch.matmul
    method = method or cfg["method"]
    B, n = ids.shape
    H, D, eps = cfg["heads"], cfg["d_model"], cfg["layer_norm_eps"]
    dh = D // H
    if n > cfg["context"]:
        raise ValueError(f"{n} tokens is more than the context of {cfg['context']}")
    x = params["tok_emb"][ids] + params["pos_emb"][:n]
    if noise is not None:
        x = x + noise.to(x.dtype)
    causal = torch.ones(n, n, dtype=torch.bool, device=x.device).tril()
    scale = 1.0 / math.sqrt(dh)
    undefined, rec = [], []
    for l in range(cfg["layers"]):
        p = f"blocks.{l}."
        a = layer_norm(x, params, p + "ln1", eps)

        def heads(t):
            return t.reshape(B, n, H, dh).transpose(1, 2)  # [B, H, n, dh]

        q = heads(mm(a, params[p + "attn.wq"]) + params[p + "attn.bq"])
        k = heads(mm(a, params[p + "attn.wk"]) + params[p + "attn.bk"])
        v = heads(mm(a, params[p + "attn.wv"]) + params[p + "attn.bv"])
        s = (q @ k.transpose(-1, -2)) * scale
        if shift:
            s = s + shift
        w, und = attention_weights(s, method, causal)
        o = (w @ v).transpose(1, 2).reshape(B, n, D)
        x = x + mm(o, params[p + "attn.wo"]) + params[p + "attn.bo"]
        m = layer_norm(x, params, p + "ln2", eps)
        x = x + mm(TF.gelu(mm(m, params[p + "mlp.w1"]) + params[p + "mlp.b1"]), params[p + "mlp.w2"]) + params[p + "mlp.b2"]
        undefined.append(und)
        if record:
            rec.append({"q": q, "k": k, "v": v, "w": w})
    x = layer_norm(x, params, "ln_f", eps)
    logits = mm(x, params["tok_emb"].t()) + params["lm_head.bias"]
    return logits, torch.stack(undefined), rec


# ---- Model files

def load(path_or_npz):
    """(params as float32 tensors, config dict, vocab list) from a model .npz (or a loaded one)."""
    z = np.load(path_or_npz) if isinstance(path_or_npz, str) else path_or_npz
    cfg = json.loads(str(z["config"][0]))
    params = {name: torch.from_numpy(np.array(z[name], dtype=np.float32)) for name, _ in param_shapes(cfg)}
    return params, cfg, [str(t) for t in z["vocab"]]


@torch.no_grad()
def forward(weights_npz, token_ids, method=None, shift=0.0, noise=None, dtype=torch.float32):
    """One sequence through a trained model: the torch peer of the C++ forward pass.

    weights_npz: a model file (assets/models/*.npz) or (params, config, vocab) from load().
    token_ids: a list or 1-D array of ids (at most `context` of them), e.g. encode(text, vocab).
    method: the F to use instead of the model's own ("exp", "relu", "softplus", "sigmoid",
    "power:P"); shift: M added to every score of every head; noise: [D] (shared g) or [n, D]
    (g + l_i) added to the embeddings. dtype: float32 (as trained) or float64.
    Returns numpy arrays: logits [n, V], q, k, v [L, H, n, d_head], weights [L, H, n, n] (NaN rows
    where undefined), undefined [L, H, n] (bool), and tokens (the vocabulary strings of the ids)."""
    params, cfg, vocab = weights_npz if isinstance(weights_npz, tuple) else load(weights_npz)
    params = {k: v.to(dtype) for k, v in params.items()}
    ids = torch.as_tensor(np.asarray(token_ids, dtype=np.int64)).reshape(1, -1)
    if noise is not None:
        noise = torch.as_tensor(np.asarray(noise), dtype=dtype)
    logits, undefined, rec = run(params, cfg, ids, method=method, shift=shift, noise=noise, record=True)
    undefined = undefined[:, 0].numpy()  # [L, H, n]
    w = torch.stack([r["w"][0] for r in rec]).numpy().copy()
    w[undefined] = np.nan
    return {
        "logits": logits[0].numpy(),
        "q": torch.stack([r["q"][0] for r in rec]).numpy(),
        "k": torch.stack([r["k"][0] for r in rec]).numpy(),
        "v": torch.stack([r["v"][0] for r in rec]).numpy(),
        "weights": w,
        "undefined": undefined,
        "tokens": [vocab[i] for i in ids[0].tolist()],
    }
