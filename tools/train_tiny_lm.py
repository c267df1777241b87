#!/usr/bin/python3
"""Trains the tiny language models of assets/models/: one decoder-only transformer per attention
function F (w = F(s) / sum F(s)), all the same way, on the King James Bible.

    /usr/bin/python3 tools/train_tiny_lm.py --list                 # the standard models
    nice -n 10 /usr/bin/python3 tools/train_tiny_lm.py exp          # one of them -> assets/models/exp.npz
    nice -n 10 /usr/bin/python3 tools/train_tiny_lm.py --all        # all seven, one after another
    /usr/bin/python3 tools/train_tiny_lm.py --heldout-only          # assets/models/heldout.npz alone

heldout.npz (the held-out token stream) is written with --all, --heldout-only, or when missing.

Needs Debian's python3-torch, python3-numpy and the corpus packages bible-kjv and bible-kjv-text
(nothing is downloaded). One thread (torch.set_num_threads(1)). The tokenizer, the split and the
model are defined in tools/tiny_lm.py (read its docstring for the exact rules).

Training, the same for every model: seed 1 for three independent streams (initial weights:
torch.Generator(seed); batch order: numpy default_rng(seed); embedding noise:
torch.Generator(seed + 1)). Each step draws 16 start offsets uniformly from the training token
stream (numpy Generator.integers(0, N - 64, 16)) and trains on windows ids[s : s + 64] -> ids[s + 1 :
s + 65] with the mean cross-entropy. AdamW (betas 0.9, 0.95, eps 1e-8, weight decay 0.01 on every
weight), peak learning rate 3e-3, linear warm-up over the first 50 steps then cosine decay to 10 %
of the peak at the last step, gradient norm clipped to 1. No dropout. With global noise s_g > 0, one
g ~ N(0, s_g^2 I_D) per sequence is added to every position's embedding (training only; held-out
losses are always clean). The held-out loss is measured on every held-out window (see
tiny_lm.heldout_windows) at step 0, every 100 steps and at the end.

A model "trained" when every training loss was finite and its final held-out loss beats the
unigram model of the training split (add-one smoothed). A non-finite loss or gradient stops the
run: the file then holds the weights of the last held-out evaluation, "trained": false and the
reason; nothing is retried with other settings.

Output file (np.savez_compressed; only float32 '<f4' and text '<U' arrays, for the C++ reader):
  the weights named and shaped as tiny_lm.param_shapes (tok_emb [V, D], pos_emb [T, D],
    blocks.{l}.ln1.weight/bias [D], blocks.{l}.attn.wq/wk/wv/wo [D, D] and bq/bk/bv/bo [D],
    blocks.{l}.ln2.weight/bias [D], blocks.{l}.mlp.w1 [D, M], b1 [M], w2 [M, D], b2 [D],
    ln_f.weight/bias [D], lm_head.bias [V]); y = x @ W + b, W stored [in, out]
  vocab [V] '<U'; config [1] '<U' (JSON)
  train_loss [S], train_loss_steps [S] (1..S: the loss of the batch of step k, before its update),
  train_undefined_fraction [S] (undefined rows / all rows of the batch, every layer and head),
  heldout_loss [K], heldout_loss_steps [K], heldout_undefined_fraction [K]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as TF

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_lm  # noqa: E402

SCRIPT_VERSION = "1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "assets", "models")

ARCHITECTURE = {
    "layers": 3, "heads": 4, "d_model": 64, "d_head": 16, "context": 64, "mlp_width": 256,
    "vocab_size": 3072, "activation": "gelu-erf", "layer_norm_eps": 1e-5, "norm": "pre-layernorm",
    "positions": "learned", "unembedding": "tied to tok_emb, plus lm_head.bias",
}
TRAINING = {
    "seed": 1, "steps": 2000, "batch_size": 16, "lr": 3e-3, "lr_min_fraction": 0.1, "warmup_steps": 50,
    "betas": [0.9, 0.95], "adam_eps": 1e-8, "weight_decay": 0.01, "grad_clip": 1.0,
    "eval_every": 100, "threads": 1,
}
# name -> (method, global noise rms s_g used in training). s_g = 0.1 per coordinate: the clean exp
# model's token embeddings have rms 0.22 per coordinate, of which 0.18 is one vector shared by every
# token and 0.12 is what tells tokens apart; s_g = 0.1 is noise as large as that token-specific part
# (|g| ~ 0.8 against |tok_emb| ~ 1.5).
MODELS = {
    "exp": ("exp", 0.0),
    "relu": ("relu", 0.0),
    "softplus": ("softplus", 0.0),
    "sigmoid": ("sigmoid", 0.0),
    "power2": ("power:2", 0.0),
    "exp_noise": ("exp", 0.1),
    "relu_noise": ("relu", 0.1),
}


def model_config(name, method=None, noise=None, **overrides):
    m, s_g = MODELS.get(name, (None, 0.0))
    cfg = {"format": "attention-explorer-tiny-lm", "format_version": 1, "name": name,
           "method": method or m}
    cfg.update(ARCHITECTURE)
    cfg.update(TRAINING)
    cfg.update({
        "noise_global_rms": s_g if noise is None else noise,
        "noise": "g ~ N(0, s_g^2 I_D), one per sequence, added to every position after the position "
                 "embedding; training only",
        "tokenizer": tiny_lm.TOKENIZER, "split": tiny_lm.SPLIT,
        "corpus": "King James Version (public domain), Debian package bible-kjv-text, read with "
                  "`bible -f gen1:1-rev22:21` (bible-kjv)",
        "undefined_row_policy": tiny_lm.UNDEFINED_POLICY,
        "weight_convention": "y = x @ W + b, W stored [in, out]; logits = LN_f(x) @ tok_emb^T + lm_head.bias",
        "score": "s = q.k / sqrt(d_head) (+ shift)",
        "script": "tools/train_tiny_lm.py", "script_version": SCRIPT_VERSION,
    })
    cfg.update(overrides)
    if cfg["method"] not in tiny_lm.METHODS:
        raise SystemExit(f"error: unknown method '{cfg['method']}' (one of {', '.join(tiny_lm.METHODS)})")
    return cfg


def conv_matmul(a, w):
    """a @ w for a [B, n, in] and w [in, out], as a 1x1 convolution: Debian's torch multiplies
    matrices with the reference BLAS, ~10x slower than oneDNN's convolution (which it uses for a
    batch of 16 or more). Same product, different rounding (~1e-6)."""
    y = TF.conv2d(a.transpose(1, 2).unsqueeze(-1), w.t().unsqueeze(-1).unsqueeze(-1))
    return y.squeeze(-1).transpose(1, 2)


def lr_at(cfg, step):
    """Learning rate of update `step` (1-based)."""
    if step <= cfg["warmup_steps"]:
        return cfg["lr"] * step / cfg["warmup_steps"]
    t = (step - cfg["warmup_steps"]) / max(1, cfg["steps"] - cfg["warmup_steps"])
    lo = cfg["lr_min_fraction"]
    return cfg["lr"] * (lo + (1 - lo) * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))


@torch.no_grad()
def evaluate(params, cfg, windows, chunk=64):
    """(mean held-out cross-entropy over every predicted token, undefined-row fraction)."""
    x, y = windows
    total, count, undefined, rows = 0.0, 0, 0, 0
    for i in range(0, len(x), chunk):
        logits, und, _ = tiny_lm.run(params, cfg, x[i:i + chunk], matmul=conv_matmul)
        total += TF.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[i:i + chunk].reshape(-1),
                                  reduction="sum").item()
        count += y[i:i + chunk].numel()
        undefined += int(und.sum())
        rows += und.numel()
    return total / count, undefined / rows


def unigram_loss(train_ids, heldout_windows_y, vocab_size):
    counts = np.bincount(train_ids, minlength=vocab_size).astype(np.float64) + 1.0
    logp = np.log(counts / counts.sum())
    return float(-logp[heldout_windows_y.numpy().reshape(-1)].mean())


def train(cfg, data, stop_after=None, eval_windows=None, log=None):
    """Trains one model from cfg's seed. Returns a dict: params, train_loss, train_undefined,
    heldout (list of (step, loss, undefined fraction)), status, trained, wall_seconds.
    stop_after: run only the first updates (the reproduction test); no held-out evaluation
    when eval_windows is None."""
    torch.set_num_threads(cfg["threads"])
    steps, B, T, D = cfg["steps"], cfg["batch_size"], cfg["context"], cfg["d_model"]
    run_steps = steps if stop_after is None else min(steps, stop_after)
    init_gen = torch.Generator().manual_seed(cfg["seed"])
    noise_gen = torch.Generator().manual_seed(cfg["seed"] + 1)
    data_rng = np.random.default_rng(cfg["seed"])
    params = tiny_lm.init_params(cfg, init_gen)
    for p in params.values():
        p.requires_grad_(True)
    opt = torch.optim.AdamW(list(params.values()), lr=cfg["lr"], betas=tuple(cfg["betas"]),
                            eps=cfg["adam_eps"], weight_decay=cfg["weight_decay"])
    ids = torch.from_numpy(data["train_ids"])
    offsets = torch.arange(T + 1)
    s_g = cfg["noise_global_rms"]

    losses, undefined, heldout = [], [], []
    status, checkpoint = "trained", None
    start = time.time()

    def held_out(step):
        nonlocal checkpoint
        if eval_windows is None:
            return
        loss, und = evaluate(params, cfg, eval_windows)
        heldout.append((step, loss, und))
        if math.isfinite(loss):
            checkpoint = {k: v.detach().clone() for k, v in params.items()}
        if log:
            log(f"{cfg['name']}: step {step}/{steps} held-out loss {loss:.4f} (ppl {math.exp(min(loss, 50)):.1f}) "
                f"undefined rows {und:.4f} [{(time.time() - start) / 60:.1f} min]")

    held_out(0)
    for step in range(1, run_steps + 1):
        starts = torch.from_numpy(data_rng.integers(0, len(ids) - T, size=B))
        batch = ids[starts[:, None] + offsets]
        noise = torch.randn(B, 1, D, generator=noise_gen) * s_g if s_g > 0 else None
        for group in opt.param_groups:
            group["lr"] = lr_at(cfg, step)
        logits, und, _ = tiny_lm.run(params, cfg, batch[:, :-1], noise=noise, matmul=conv_matmul)
        loss = TF.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        losses.append(loss.item())
        undefined.append(und.float().mean().item())
        if not math.isfinite(losses[-1]):
            status = f"diverged: non-finite training loss at step {step}"
            break
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(list(params.values()), cfg["grad_clip"])
        if not math.isfinite(norm.item()):
            status = f"diverged: non-finite gradient at step {step}"
            break
        opt.step()
        if eval_windows is not None and (step % cfg["eval_every"] == 0 or step == run_steps):
            held_out(step)
            if not math.isfinite(heldout[-1][1]):
                status = f"diverged: non-finite held-out loss at step {step}"
                break
        if log and step % 20 == 0:
            log(f"{cfg['name']}: step {step} loss {losses[-1]:.4f} undefined {undefined[-1]:.4f} "
                f"[{(time.time() - start) / 60:.1f} min]")

    if status != "trained" and checkpoint is not None:
        params = checkpoint  # the last weights whose held-out loss was finite
    return {"params": {k: v.detach() for k, v in params.items()}, "train_loss": losses,
            "train_undefined": undefined, "heldout": heldout, "status": status,
            "wall_seconds": time.time() - start}


def save_model(path, cfg, data, result, unigram):
    heldout = result["heldout"]
    final_loss = heldout[-1][1] if heldout else float("nan")
    trained = result["status"] == "trained" and math.isfinite(final_loss) and final_loss < unigram
    status = result["status"]
    if status == "trained" and not trained:
        status = "did not beat the unigram model on held-out text"
    emb = result["params"]["tok_emb"]
    cfg = dict(cfg)
    cfg.update({
        "trained": trained, "status": status, "steps_run": len(result["train_loss"]),
        "wall_minutes": round(result["wall_seconds"] / 60, 2), "torch_version": torch.__version__,
        "heldout_loss": final_loss, "heldout_perplexity": math.exp(final_loss) if math.isfinite(final_loss) else None,
        "heldout_predictions": int(data["heldout_windows"][1].numel()),
        "unigram_heldout_perplexity": math.exp(unigram),
        "undefined_row_fraction": heldout[-1][2] if heldout else None,
        "train_undefined_row_fraction": float(np.mean(result["train_undefined"])) if result["train_undefined"] else None,
        "tok_emb_rms": float(emb.pow(2).mean().sqrt()),
        "pos_emb_rms": float(result["params"]["pos_emb"].pow(2).mean().sqrt()),
    })
    f32 = np.float32
    arrays = {name: result["params"][name].numpy().astype(f32) for name, _ in tiny_lm.param_shapes(cfg)}
    n = len(result["train_loss"])
    arrays.update({
        "vocab": np.array(data["vocab"], dtype=str),
        "config": np.array([json.dumps(cfg, sort_keys=True)], dtype=str),
        "train_loss": np.array(result["train_loss"], dtype=f32),
        "train_loss_steps": np.arange(1, n + 1, dtype=f32),
        "train_undefined_fraction": np.array(result["train_undefined"], dtype=f32),
        "heldout_loss": np.array([h[1] for h in heldout], dtype=f32),
        "heldout_loss_steps": np.array([h[0] for h in heldout], dtype=f32),
        "heldout_undefined_fraction": np.array([h[2] for h in heldout], dtype=f32),
    })
    tmp = path + ".tmp.npz"
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)
    return cfg


def save_heldout(path, data):
    """The held-out token stream as float32 ids, with the vocabulary and how to use it."""
    ids = data["heldout_ids"]
    cfg = {
        "tokenizer": tiny_lm.TOKENIZER, "split": tiny_lm.SPLIT, "vocab_size": len(data["vocab"]),
        "heldout_chapters": [c for c in range(1, data["chapters"] + 1) if c % tiny_lm.HELDOUT_EVERY == 0],
        "chapters": data["chapters"], "tokens": int(len(ids)),
        "unk_fraction": float(np.mean(ids == 0)),
        "windows": "inputs ids[kT : kT+T], targets ids[kT+1 : kT+T+1], k = 0 .. (tokens - 1) // T - 1, "
                   "T = the model's context (64); perplexity = exp(mean cross-entropy over every target)",
        "script": "tools/train_tiny_lm.py", "script_version": SCRIPT_VERSION,
    }
    tmp = path + ".tmp.npz"
    np.savez_compressed(tmp, ids=ids.astype(np.float32), vocab=np.array(data["vocab"], dtype=str),
                        config=np.array([json.dumps(cfg, sort_keys=True)], dtype=str))
    os.replace(tmp, path)


def print_table(out_dir):
    print("| model | F | training noise s_g | steps | minutes | held-out perplexity | trained | undefined rows (held-out) | undefined rows (training mean) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in MODELS:
        path = os.path.join(out_dir, name + ".npz")
        if not os.path.exists(path):
            continue
        c = json.loads(str(np.load(path)["config"][0]))
        ppl = f"{c['heldout_perplexity']:.1f}" if c["heldout_perplexity"] is not None else "-"
        trained = "yes" if c["trained"] else f"no ({c['status']})"
        print(f"| {name} | {c['method']} | {c['noise_global_rms']:g} | {c['steps_run']} | {c['wall_minutes']:.1f} | "
              f"{ppl} | {trained} | {c['undefined_row_fraction']:.4f} | {c['train_undefined_row_fraction']:.4f} |")


def load_data(cfg):
    data = tiny_lm.corpus(cfg["vocab_size"])
    data["heldout_windows"] = tiny_lm.heldout_windows(data["heldout_ids"], cfg["context"])
    return data


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="models to train (see --list)")
    ap.add_argument("--all", action="store_true", help="train every standard model, one after another")
    ap.add_argument("--list", action="store_true", help="print the standard models and exit")
    ap.add_argument("--heldout-only", action="store_true", help="write heldout.npz and exit")
    ap.add_argument("--table", action="store_true", help="print the training table of the trained models (Markdown)")
    ap.add_argument("--out-dir", default=OUT_DIR)
    ap.add_argument("--steps", type=int, help=f"override the step budget ({TRAINING['steps']})")
    ap.add_argument("--seed", type=int, help=f"override the seed ({TRAINING['seed']})")
    args = ap.parse_args(argv)
    if args.list:
        for name, (method, s_g) in MODELS.items():
            print(f"{name}: method {method}, training noise s_g = {s_g}")
        return 0
    if args.table:
        print_table(args.out_dir)
        return 0
    names = list(MODELS) if args.all else args.names
    unknown = [n for n in names if n not in MODELS]
    if unknown or not (names or args.heldout_only):
        ap.error(f"unknown model {unknown}" if unknown else "name a model, or --all")
    overrides = {k: v for k, v in (("steps", args.steps), ("seed", args.seed)) if v is not None}

    def log(msg):
        print(msg, flush=True)

    os.makedirs(args.out_dir, exist_ok=True)
    data = load_data(model_config("exp"))
    heldout_path = os.path.join(args.out_dir, "heldout.npz")
    if args.all or args.heldout_only or not os.path.exists(heldout_path):
        save_heldout(heldout_path, data)
    log(f"corpus: {data['verses']} verses, {data['chapters']} chapters, {len(data['train_ids'])} training "
        f"tokens, {len(data['heldout_ids'])} held-out tokens, vocabulary {len(data['vocab'])}")
    unigram = unigram_loss(data["train_ids"], data["heldout_windows"][1], len(data["vocab"]))
    for name in names:
        cfg = model_config(name, **overrides)
        result = train(cfg, data, eval_windows=data["heldout_windows"], log=log)
        out = save_model(os.path.join(args.out_dir, name + ".npz"), cfg, data, result, unigram)
        log(f"{name}: {out['status']}; held-out perplexity {out['heldout_perplexity']}; "
            f"undefined rows {out['undefined_row_fraction']}; {out['wall_minutes']} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
