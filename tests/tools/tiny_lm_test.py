#!/usr/bin/python3
"""The tiny language models of assets/models/ against tools/train_tiny_lm.py and tools/tiny_lm.py:
the first 20 training steps of exp.npz and relu_noise.npz rerun from their seed match the losses
logged in the files within 1e-4 (and another seed does not); the files hold what the C++ reader
can read; heldout.npz is the held-out split; the tokenizer gives tests/tools/tokenizer_cases.json;
tiny_lm.forward agrees with the training forward pass. Needs python3-torch and the corpus packages
bible-kjv and bible-kjv-text. Full training is never run here.

    /usr/bin/python3 tests/tools/tiny_lm_test.py
"""
import json
import math
import os
import sys
import unittest

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(ROOT, "assets", "models")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import tiny_lm  # noqa: E402
import train_tiny_lm  # noqa: E402

REPRODUCE_STEPS = 20
TOLERANCE = 1e-4
NAMES = ["exp", "relu", "softplus", "sigmoid", "power2", "exp_noise", "relu_noise"]
_DATA = {}


def model(name):
    return np.load(os.path.join(MODELS, name + ".npz"))


def config(z):
    return json.loads(str(z["config"][0]))


def data_for(cfg):
    if cfg["vocab_size"] not in _DATA:
        _DATA[cfg["vocab_size"]] = train_tiny_lm.load_data(cfg)
    return _DATA[cfg["vocab_size"]]


class Tokenizer(unittest.TestCase):
    def test_cases(self):
        with open(os.path.join(HERE, "tokenizer_cases.json"), encoding="utf-8") as f:
            doc = json.load(f)
        self.assertEqual(doc["tokenizer"], tiny_lm.TOKENIZER)
        for case in doc["cases"]:
            self.assertEqual(tiny_lm.tokenize(case["text"]), case["tokens"], case["text"])

    def test_encode(self):
        vocab = ["<unk>", "the", "king's", "."]
        self.assertEqual(tiny_lm.encode("The king's horse.", vocab), [1, 2, 0, 3])


class Files(unittest.TestCase):
    def test_every_model_is_readable_and_described(self):
        total = 0
        for entry in os.listdir(MODELS):
            total += os.path.getsize(os.path.join(MODELS, entry))
        self.assertLessEqual(total, 12 * 1024 * 1024, "assets/models holds more than 12 MB")
        for name in NAMES:
            z = model(name)
            cfg = config(z)
            for key in ("layers", "heads", "d_model", "d_head", "context", "mlp_width", "method", "tokenizer",
                        "layer_norm_eps", "undefined_row_policy", "noise_global_rms", "seed", "script_version",
                        "steps", "wall_minutes", "threads", "trained", "undefined_row_fraction"):
                self.assertIn(key, cfg, f"{name}: config has no '{key}'")
            self.assertIn(cfg["method"], tiny_lm.METHODS)
            for member in z.files:  # the C++ reader: float32/float64 and 1-D text only, ranks 1 to 4
                a = z[member]
                self.assertTrue(a.dtype in (np.float32, np.float64) or (a.dtype.kind == "U" and a.ndim == 1),
                                f"{name}: {member} is {a.dtype} of rank {a.ndim}")
                self.assertTrue(1 <= a.ndim <= 4 and a.size > 0, f"{name}: {member} has shape {a.shape}")
            for pname, shape in tiny_lm.param_shapes(cfg):
                self.assertEqual(z[pname].shape, shape, f"{name}: {pname}")
                self.assertTrue(np.all(np.isfinite(z[pname])), f"{name}: {pname} is not finite")
            self.assertEqual(len(z["train_loss"]), cfg["steps_run"])

    def test_heldout_is_the_split(self):
        z = np.load(os.path.join(MODELS, "heldout.npz"))
        cfg = config(model("exp"))
        data = data_for(cfg)
        np.testing.assert_array_equal(z["ids"].astype(np.int64), data["heldout_ids"])
        self.assertEqual(list(z["vocab"]), data["vocab"])
        for name in NAMES:
            self.assertEqual(list(model(name)["vocab"]), data["vocab"], name)


class Reproduction(unittest.TestCase):
    """The first 20 updates from the seed give the logged losses; a different seed does not."""

    def rerun(self, name, **overrides):
        z = model(name)
        cfg = config(z)
        cfg.update(overrides)
        data = data_for(cfg)
        self.assertEqual(list(z["vocab"]), data["vocab"])
        result = train_tiny_lm.train(cfg, data, stop_after=REPRODUCE_STEPS)
        return np.array(result["train_loss"]), z["train_loss"][:REPRODUCE_STEPS].astype(np.float64)

    def check(self, name):
        got, logged = self.rerun(name)
        self.assertEqual(len(got), REPRODUCE_STEPS)
        diff = np.abs(got - logged).max()
        print(f"{name}: first {REPRODUCE_STEPS} losses, max |rerun - logged| = {diff:.2e}", file=sys.stderr)
        self.assertLessEqual(diff, TOLERANCE, f"{name}: rerun {got} vs logged {logged}")
        other, _ = self.rerun(name, seed=config(model(name))["seed"] + 1)
        other_diff = np.abs(other - logged).max()
        print(f"{name}: with another seed, max |rerun - logged| = {other_diff:.2e}", file=sys.stderr)
        self.assertGreater(other_diff, 100 * TOLERANCE, f"{name}: another seed gave the same losses")

    def test_exp(self):
        self.check("exp")

    def test_relu_with_noise(self):
        self.check("relu_noise")


class Forward(unittest.TestCase):
    """tiny_lm.forward (the torch peer of the C++ forward pass) against the training forward."""

    def test_agrees_with_training_forward_and_heldout_loss(self):
        z = model("exp")
        cfg = config(z)
        params, _, vocab = tiny_lm.load(os.path.join(MODELS, "exp.npz"))
        x, y = data_for(cfg)["heldout_windows"]
        out = tiny_lm.forward(os.path.join(MODELS, "exp.npz"), x[0].numpy())
        with torch.no_grad():
            batch, _, _ = tiny_lm.run(params, cfg, x[:16], matmul=train_tiny_lm.conv_matmul)
        np.testing.assert_allclose(out["logits"], batch[0].numpy(), atol=1e-4)
        self.assertEqual(out["weights"].shape, (cfg["layers"], cfg["heads"], 64, 64))
        self.assertEqual(out["q"].shape, (cfg["layers"], cfg["heads"], 64, cfg["d_head"]))
        np.testing.assert_allclose(np.nansum(out["weights"], axis=-1), 1.0, atol=1e-5)
        self.assertTrue(np.all(np.triu(out["weights"], 1) == 0))
        self.assertEqual(out["tokens"], [vocab[i] for i in x[0].tolist()])
        # the file's final held-out loss is the mean over every held-out window
        loss, _ = train_tiny_lm.evaluate(params, cfg, (x, y))
        self.assertAlmostEqual(loss, cfg["heldout_loss"], delta=1e-4)

    def test_shift_and_method(self):
        path = os.path.join(MODELS, "exp.npz")
        ids = tiny_lm.encode("In the beginning God created the heaven and the earth.", model("exp")["vocab"])
        clean = tiny_lm.forward(path, ids, dtype=torch.float64)
        shifted = tiny_lm.forward(path, ids, shift=5.0, dtype=torch.float64)
        np.testing.assert_allclose(shifted["logits"], clean["logits"], atol=1e-9)  # an identity for exp
        relu = tiny_lm.forward(path, ids, method="relu", dtype=torch.float64)
        relu_shifted = tiny_lm.forward(path, ids, method="relu", shift=5.0, dtype=torch.float64)
        self.assertGreater(np.abs(relu_shifted["logits"] - relu["logits"]).max(), 1e-3)
        g = np.random.default_rng(0).normal(0.0, 0.1, 64)
        noisy = tiny_lm.forward(path, ids, noise=g, dtype=torch.float64)
        self.assertGreater(np.abs(noisy["logits"] - clean["logits"]).max(), 1e-3)
        # a g along (1, ..., 1) is removed by every LayerNorm (its mean subtraction): exact invariance
        flat = tiny_lm.forward(path, ids, noise=np.full(64, 0.3), dtype=torch.float64)
        np.testing.assert_allclose(flat["logits"], clean["logits"], atol=1e-9)

    def test_undefined_rows(self):
        # relu with a large negative shift: every score of every row is negative, so every row
        # is undefined, its weights NaN and its output 0: the logits then come from the MLPs only.
        path = os.path.join(MODELS, "relu.npz")
        ids = [5, 6, 7]
        out = tiny_lm.forward(path, ids, shift=-1e6)
        self.assertTrue(out["undefined"].all())
        self.assertTrue(np.isnan(out["weights"]).all(axis=-1).all())
        self.assertTrue(np.all(np.isfinite(out["logits"])))


if __name__ == "__main__":
    unittest.main(verbosity=2)
