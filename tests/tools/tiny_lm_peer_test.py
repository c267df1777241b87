#!/usr/bin/python3
"""The engine's forward pass of the tiny language models (attention-cli lm, core/src/lm/) against
their torch peer, tools/tiny_lm.py's forward(), on the same weights, tokens, method, shift and noise.

In float64 on both sides the logits agree within 1e-5 (measured: about 1e-14), every head's q, k, v
and weights within 1e-9, and the undefined rows are the same. In float32 (as trained) the two
differ by rounding in a different order of operations: torch's own float32 and float64 logits
already differ by about 1e-5, so float32 is compared within 1e-4 (measured: 1e-5) and with the same
top next token at every position.
The run file the CLI writes is also read with the NumPy reference reader of the model-file format
(tests/tools/model_file_reference.py), and the C++ tokenizer gives torch's token ids.

    /usr/bin/python3 tests/tools/tiny_lm_peer_test.py --cli build/bin/attention-cli
"""
import argparse
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(ROOT, "assets", "models")
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)
import model_file_reference  # noqa: E402
import tiny_lm  # noqa: E402

CLI = None
NAMES = ["exp", "relu", "softplus", "sigmoid", "power2", "exp_noise", "relu_noise"]
TEXT = ("And God said, Let there be light: and there was light. And God saw the light, that it was "
        "good: and God divided the light from the darkness. And God called the light Day, and the")
ODD_TEXT = "Jerusalem's kings' 3000 ZYZZYVA \u00e9t\u00e9 o'er the \u201cwaters\u201d"
DOUBLE_LOGITS = 1e-5
DOUBLE_HEADS = 1e-9
FLOAT_LOGITS = 1e-4


def path(name):
    return os.path.join(MODELS, name + ".npz")


class PeerTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ax-tiny-lm-peer-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def run_cli(self, name, text, *extra, double=True):
        out = {k: os.path.join(self.dir, k + (".npz" if k == "run" else ".npy")) for k in ("run", "logits", "noise")}
        args = [CLI, "lm", "--model", path(name), "--text", text, "--out", out["run"], "--logits", out["logits"],
                "--noise-out", out["noise"], *extra] + (["--double"] if double else [])
        proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, f"{' '.join(args)}\n{proc.stdout}\n{proc.stderr}")
        with np.load(out["run"]) as z:
            run = {k: z[k] for k in z.files}
        return run, np.load(out["logits"]), np.load(out["noise"]), proc.stdout

    def compare(self, name, text, method=None, shift=0.0, extra=()):
        args = list(extra)
        if method:
            args += ["--method", method]
        if shift:
            args += ["--shift", repr(shift)]
        run, logits, noise, _ = self.run_cli(name, text, *args)
        vocab = [str(t) for t in np.load(path(name))["vocab"]]
        ids = tiny_lm.encode(text, vocab)
        shared = noise if np.any(noise) else None
        ref = tiny_lm.forward(path(name), ids, method=method, shift=shift, noise=shared, dtype=torch.float64)
        where = f"{name} method={method} shift={shift} {' '.join(extra)}"
        self.assertEqual([str(t) for t in run["tokens"]], ref["tokens"], where)
        self.assertEqual(logits.dtype, np.float64)
        gap = float(np.abs(logits - ref["logits"]).max())
        self.assertLess(gap, DOUBLE_LOGITS, f"{where}: logits differ by {gap}")
        for key in ("q", "k", "v"):
            self.assertLess(float(np.abs(run[key] - ref[key]).max()), DOUBLE_HEADS, f"{where}: {key}")
        np.testing.assert_array_equal(np.isnan(run["weights"]).all(axis=-1), ref["undefined"], where)
        defined = ~ref["undefined"]
        self.assertLess(float(np.abs(run["weights"] - ref["weights"])[defined].max()), DOUBLE_HEADS, where)
        return gap


class DoublePrecision(PeerTestCase):
    def test_every_model_with_its_own_method(self):
        gaps = [self.compare(name, TEXT) for name in NAMES]
        print(f"\nfloat64 logits, max |engine - torch| per model: {', '.join(f'{g:.1e}' for g in gaps)}")

    def test_another_method_in_place_of_the_models(self):
        self.compare("exp", TEXT, method="relu")
        self.compare("relu", TEXT, method="exp")
        self.compare("sigmoid", TEXT, method="power:2")

    def test_a_shift_in_every_head(self):
        for name in ("exp", "relu", "power2", "softplus"):
            self.compare(name, TEXT, shift=5.0)
        self.compare("relu", TEXT, shift=-3.0)

    def test_shared_and_local_noise_on_the_embeddings(self):
        self.compare("exp", TEXT, extra=("--global-rms", "0.3", "--seed", "4"))
        self.compare("relu_noise", TEXT, extra=("--global-rms", "0.1", "--local-rms", "0.05", "--draw", "2"))

    def test_unknown_words_and_non_ascii_text(self):
        self.compare("exp", ODD_TEXT)

    def test_a_full_context(self):
        words = (TEXT + " ") * 3
        ids = tiny_lm.encode(words, [str(t) for t in np.load(path("exp"))["vocab"]])[:64]
        self.assertEqual(len(ids), 64)
        text = " ".join(tiny_lm.tokenize(words)[:64])
        self.compare("relu", text)


class FloatPrecision(PeerTestCase):
    def test_float32_within_rounding_and_same_top_token(self):
        worst = 0.0
        for name in NAMES:
            _, logits, _, _ = self.run_cli(name, TEXT, double=False)
            self.assertEqual(logits.dtype, np.float32)
            vocab = [str(t) for t in np.load(path(name))["vocab"]]
            ref = tiny_lm.forward(path(name), tiny_lm.encode(TEXT, vocab), dtype=torch.float32)
            gap = float(np.abs(logits - ref["logits"]).max())
            worst = max(worst, gap)
            self.assertLess(gap, FLOAT_LOGITS, name)
            np.testing.assert_array_equal(logits.argmax(axis=1), ref["logits"].argmax(axis=1), name)
        print(f"\nfloat32 logits, worst max |engine - torch| over the models: {worst:.1e}")


class RunFile(PeerTestCase):
    def test_the_run_file_follows_the_model_file_format(self):
        for name, shift in (("exp", 0.0), ("exp", 2.0), ("relu", 0.0)):
            run, _, _, _ = self.run_cli(name, TEXT, "--shift", repr(shift))
            members = model_file_reference.load(os.path.join(self.dir, "run.npz"))[""]
            model_file_reference.check_members(self, members)
            self.assertEqual(members["q"].shape[:2], (3, 4))
            self.assertEqual(model_file_reference.text(members, "precision"), ["float64"])
            gap, undefined_file, undefined_rec = model_file_reference.worst_gap(members)
            if name == "exp":  # the reference recomputes softmax, with the shift as attn_bias
                self.assertLess(gap, 1e-9, f"{name} shift {shift}")
                self.assertEqual(model_file_reference.text(members, "mask"), ["other" if shift else "causal"])
            else:
                self.assertGreater(gap, 1e-3, "relu's weights are not softmax's")

    def test_the_cli_prints_the_top_five_with_probabilities(self):
        _, logits, _, out = self.run_cli("exp", "In the beginning God created the heaven and the")
        p = np.exp(logits[-1] - logits[-1].max())
        p /= p.sum()
        vocab = [str(t) for t in np.load(path("exp"))["vocab"]]
        best = int(p.argmax())
        self.assertIn(f"{vocab[best]}", out)
        self.assertIn(f"{p[best]:.4f}", out)


def main():
    global CLI
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    args, rest = parser.parse_known_args()
    CLI = os.path.abspath(args.cli)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
