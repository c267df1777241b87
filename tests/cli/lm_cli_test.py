#!/usr/bin/python3
"""End-to-end tests of `attention-cli lm` and `attention-cli lm-robustness` on the tiny language
models of assets/models/: the run file works with every other command, the printed next tokens,
the robustness table and JSON, and every documented error (exit codes 2 and 3, one 'error:' line).

    /usr/bin/python3 tests/cli/lm_cli_test.py --cli build/bin/attention-cli [unittest arguments]
"""
import argparse
import json
import os
import re
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import cli_test  # noqa: E402
from cli_test import IO, USAGE, CliTestCase, softmax_rows  # noqa: E402

MODELS = os.path.join(ROOT, "assets", "models")
TEXT = "And God said, Let there be light: and there was light. And God saw the light, that it was"


def model(name):
    return os.path.join(MODELS, name + ".npz")


def top_tokens(stdout, title):
    """The (token, probability) lines printed under the line starting with `title`."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    out = []
    for line in lines[start + 1:]:
        m = re.match(r"^  (\S+)\s+([0-9.]+)$", line)
        if not m:
            break
        out.append((m.group(1), float(m.group(2))))
    return out


class LmTests(CliTestCase):
    def test_run_file_opens_in_the_weights_command(self):
        run = self.path("run.npz")
        self.ok("lm", "--model", model("exp"), "--text", TEXT, "--out", run)
        with np.load(run) as z:
            q, k, w, tokens = z["q"], z["k"], z["weights"], list(z["tokens"])
            self.assertEqual(list(z["layer_names"]), ["blocks.0.attn", "blocks.1.attn", "blocks.2.attn"])
        self.assertEqual(q.shape[:2], (3, 4))
        self.assertEqual(len(tokens), q.shape[2])
        self.assertEqual(tokens[:4], ["and", "god", "said", ","])
        # Layer 1, head 2 recomputed by `weights` from the file's q and k is the model's own W.
        out = self.path("w.npy")
        self.ok("weights", "-i", run + ":q", "-k", run + ":k", "--layer", "1", "--head", "2", "--mask", "causal",
                "--method", "exp", "-o", out)
        self.assertLess(float(np.abs(np.load(out) - w[1, 2]).max()), 1e-5)
        # ... and the NumPy softmax of q.k / 4 is it too.
        s = q[1, 2].astype(np.float64) @ k[1, 2].astype(np.float64).T / 4.0
        s[np.triu_indices(len(tokens), 1)] = -np.inf
        self.assertLess(float(np.abs(softmax_rows(s) - w[1, 2]).max()), 1e-5)

    def test_prints_the_top_five_and_clean_beside_perturbed(self):
        proc = self.ok("lm", "--model", model("exp"), "--text", "In the beginning God created the heaven and the")
        top = top_tokens(proc.stdout, "next token:")
        self.assertEqual(len(top), 5)
        self.assertIn("earth", [t for t, _ in top])
        self.assertTrue(all(a[1] >= b[1] for a, b in zip(top, top[1:])), top)
        shifted = self.ok("lm", "--model", model("exp"), "--text", TEXT, "--shift", "5")
        clean = top_tokens(shifted.stdout, "next token, clean:")
        moved = top_tokens(shifted.stdout, "next token, M = 5")
        self.assertEqual(clean, moved)  # softmax: identical up to float rounding, printed to 4 places
        relu = self.ok("lm", "--model", model("relu"), "--text", TEXT, "--shift", "5")
        self.assertNotEqual(top_tokens(relu.stdout, "next token, clean:"), top_tokens(relu.stdout, "next token, M = 5"))

    def test_unknown_words_are_named(self):
        proc = self.ok("lm", "--model", model("exp"), "--text", "the zyzzyva of Babylon")
        self.assertIn("zyzzyva", proc.stdout)
        self.assertIn("<unk>", proc.stdout)

    def test_errors(self):
        self.fails(IO, "lm", "--model", self.path("none.npz"), "--text", "the", names=["none.npz"])
        self.fails(IO, "lm", "--model", model("heldout"), "--text", "the", names=["heldout.npz"])
        self.fails(IO, "lm", "--model", model("exp"), "--text", "  ", contains=["no tokens"])
        self.fails(IO, "lm", "--model", model("exp"), "--text", "a " * 65, contains=["65 tokens", "context is 64"])
        self.fails(USAGE, "lm", "--model", model("exp"), "--text", "the", "--method", "softermax", contains=["--method"])
        self.fails(USAGE, "lm", "--model", model("exp"), "--text", "the", "--global-rms", "-1", contains=["--global-rms"])
        self.fails(USAGE, "lm", "--model", model("exp"), "--text", "the", "--shift", "nan", contains=["--shift"])
        self.fails(USAGE, "lm", "--model", model("exp"), "--text", "the", "--top", "0", contains=["--top"])
        self.fails(IO, "lm", "--model", model("exp"), "--text", "the", "--out", "/no/such/dir/run.npz",
                   names=["run.npz"])
        self.assertEqual(self.listing(), [])

    def test_feature_map_methods_are_refused_saying_why_and_what_can(self):
        """linear-attn and performer have no F of a score to put in the heads: the one error line
        (exit 2) says so, whole, and the methods it names as able to run, do; lm and lm-robustness."""
        why = ["--method", "linear and random-feature attention (linear-attn, performer)",
               "computed from feature maps of Q and K, not as F of a score",
               "cannot replace F inside the language model's heads", "all other methods can, e.g. "]
        runs = [["lm", "--model", model("exp"), "--text", "the"],
                ["lm-robustness", "--models", model("exp"), "--windows", "1"]]
        for run in runs:
            for method in ["linear-attn", "performer:64", "performer:16:3"]:
                proc = self.fails(USAGE, *run, "--method", method, contains=why)
                self.assertNotRegex(proc.stderr, r"\.\.\. \(\d+ more\)", "the message is cut")
        named = proc.stderr.strip().split("all other methods can, e.g. ", 1)[1].split(", ")
        self.assertGreaterEqual(len(named), 5, named)
        for method in named:
            self.assertIn(method.split(":")[0], cli_test.ALL_METHODS)
            self.ok("lm", "--model", model("exp"), "--text", "the", "--method", method)

    def test_every_method_but_the_feature_maps_runs_inside_the_heads(self):
        """'all other methods can': the catalogue's methods the refusal does not name run too."""
        for method in ["power:2", "linear", "softplus", "sigmoid", "exp-plus:1", "custom:exp(z)", "sparsemax",
                       "entmax15", "sinkhorn:2", "doubly-normalized"]:
            self.ok("lm", "--model", model("exp"), "--text", "the", "--method", method)


class LmRobustnessTests(CliTestCase):
    def test_table_and_json(self):
        out = self.path("r.json")
        proc = self.ok("lm-robustness", "--models", model("exp") + "," + model("relu"), "--shifts", "0,2",
                       "--global-rms", "0,0.3", "--seeds", "2", "--windows", "24", "--json", out)
        self.assertIn("24 windows of 64 tokens (1536 predictions)", proc.stdout)
        self.assertRegex(proc.stdout, r"relu\s+relu\s+M = 2\s")
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["windows"], 24)
        self.assertEqual(doc["seeds"], 2)
        exp, relu = doc["models"]
        self.assertEqual((exp["name"], relu["name"]), ("exp", "relu"))
        self.assertEqual([r["M"] for r in exp["shift"]], [0, 2])
        # The exp-trained model under M = 2: the same predictions (an identity; float rounding only).
        self.assertAlmostEqual(exp["shift"][1]["perplexity"] / exp["shift"][0]["perplexity"], 1.0, places=5)
        self.assertEqual(exp["shift"][1]["accuracy"], exp["shift"][0]["accuracy"])
        self.assertGreater(abs(relu["shift"][1]["perplexity"] / relu["shift"][0]["perplexity"] - 1.0), 1e-3)
        noisy = exp["global_rms"][1]
        self.assertEqual(noisy["s_g"], 0.3)
        self.assertEqual(len(noisy["perplexity"]["per_seed"]), 2)
        self.assertNotEqual(noisy["perplexity"]["per_seed"][0], noisy["perplexity"]["per_seed"][1])
        self.assertGreater(noisy["perplexity"]["mean"], exp["clean"]["perplexity"])
        self.assertEqual(exp["global_rms"][0]["perplexity"]["per_seed"], [exp["clean"]["perplexity"]])

    def test_errors(self):
        self.fails(IO, "lm-robustness", "--models", self.path("none.npz"), "--heldout", model("heldout"),
                   names=["none.npz"])
        self.fails(IO, "lm-robustness", "--models", model("exp"), "--heldout", model("relu"), names=["relu.npz"])
        self.fails(USAGE, "lm-robustness", "--models", model("exp"), "--seeds", "0", contains=["--seeds"])
        self.fails(USAGE, "lm-robustness", "--models", model("exp"), "--global-rms", "-0.1", contains=["--global-rms"])
        self.fails(USAGE, "lm-robustness", "--models", model("exp"), "--windows", "0", contains=["--windows"])
        self.fails(USAGE, "lm-robustness", "--models", model("exp"), "--method", "nope", contains=["--method"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="path of the attention-cli executable")
    args, rest = parser.parse_known_args()
    cli_test.CLI = os.path.abspath(args.cli)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
