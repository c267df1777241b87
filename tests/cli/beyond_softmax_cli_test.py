#!/usr/bin/python3
"""End-to-end tests of the methods after softmax in attention-cli: the functions table, the
refusals, outputs without W, and the random-features, sinks and length studies.

    /usr/bin/python3 tests/cli/beyond_softmax_cli_test.py --cli build/bin/attention-cli

The exit-code and one-error-line contract of cli_test.py holds on every invocation here too.
"""

import argparse
import json
import os
import sys
import unittest

import numpy as np

import cli_test
from cli_test import USAGE, CliTestCase


class BeyondSoftmaxFunctionsTests(CliTestCase):
    SHIFT = cli_test.FunctionsTests.SHIFT
    SUM = cli_test.FunctionsTests.SUM
    parse_table = cli_test.FunctionsTests.parse_table

    def test_rows_sum_to_one_and_invariance_of_the_new_methods(self):
        rows = self.parse_table(self.ok("functions").stdout)
        for name in ("exp", "ssmax:C", "linear-attn", "performer:m[:SEED]"):
            self.assertEqual(rows[name]["sum"], "yes", name)
        for name in ("sigmoid-attn[:B]", "softmax1", "softpick", "stick-breaking"):
            self.assertTrue(rows[name]["sum"].startswith("no ("), (name, rows[name]))
            self.assertTrue(rows[name]["constant"].startswith("changes"), (name, rows[name]))
        self.assertTrue(rows["ssmax:C"]["constant"].startswith("invariant"))
        self.assertTrue(rows["ssmax:C"]["per_row"].startswith("invariant"))
        self.assertEqual(rows["linear-attn"]["constant"], "no scores")
        self.assertTrue(rows["performer:m[:SEED]"]["constant"].startswith("changes"))


class BeyondSoftmaxWeightsTests(CliTestCase):
    def test_stick_breaking_needs_the_causal_mask(self):
        xp, _ = self.sample_input()
        self.fails(USAGE, "weights", "-i", xp, "-m", "stick-breaking", "-o", self.path("w.npy"),
                   contains=["causal mask"])
        self.ok("weights", "-i", xp, "-m", "stick-breaking", "--mask", "causal", "-o", self.path("w.npy"))
        w = np.load(self.path("w.npy"))
        self.assertTrue(np.all(w.sum(axis=1) <= 1 + 1e-6))

    def test_linear_attention_refuses_a_score_shift(self):
        xp, _ = self.sample_input()
        self.fails(USAGE, "weights", "-i", xp, "-m", "linear-attn", "--shift", "1", "-o", self.path("w.npy"),
                   contains=["no score", "constant shift"])

    def test_an_empty_row_is_a_result_not_a_warning(self):
        xp, _ = self.sample_input()
        proc = self.ok("weights", "-i", xp, "-m", "softpick", "--shift", "-50", "-o", self.path("w.npy"))
        self.assertNotIn("warning", proc.stderr)
        self.assertEqual(float(np.abs(np.load(self.path("w.npy"))).sum()), 0.0)

    def test_outputs_without_w_equal_the_outputs_of_w(self):
        xp, x = self.sample_input(n=40, d=5)
        vp = self.save("v.npy", self.rng.standard_normal((40, 3)))
        for method in ("linear-attn", "performer:32:1"):
            for mask in ("none", "causal"):
                self.ok("weights", "-i", xp, "-m", method, "--mask", mask, "--values", vp, "--outputs",
                        self.path("y_only.npy"), "--double")
                self.ok("weights", "-i", xp, "-m", method, "--mask", mask, "--values", vp, "--outputs",
                        self.path("y.npy"), "-o", self.path("w.npy"), "--double")
                diff = np.max(np.abs(np.load(self.path("y_only.npy")) - np.load(self.path("y.npy"))))
                self.assertLess(diff, 1e-10, (method, mask))
        self.fails(USAGE, "weights", "-i", xp, contains=["--out"])


class StudyTests(CliTestCase):
    def study(self, *args):
        out = self.path("study.json")
        self.ok(*args, "--json", out)
        with open(out) as f:
            return json.load(f)

    def test_random_features(self):
        doc = self.study("random-features", "--features", "16,256,4096", "--seeds", "4", "--draws", "256")
        tv = [p["mean_tv"]["mean"] for p in doc["error"]]
        self.assertGreater(tv[0], 2.5 * tv[1])
        self.assertGreater(tv[1], 2.5 * tv[2])
        shift = doc["shift"]
        self.assertLess(shift["softmax"], 1e-12)
        self.assertLess(shift["averaged"][-1]["max_abs_diff"], 0.5 * shift["one_draw"]["mean"])
        self.fails(USAGE, "random-features", "--features", "0")

    def test_sinks(self):
        doc = self.study("sinks", "--n", "128", "--d", "16")
        by = {r["method"]: r for r in doc["results"]}
        self.assertAlmostEqual(by["exp"]["idle"]["row_mass"], 1.0, places=9)
        self.assertGreater(by["exp"]["idle"]["key0_mass"], 10.0 / 128)
        self.assertGreater(by["softpick"]["idle"]["declined"], 0.99)
        self.assertGreater(by["sigmoid-attn"]["idle"]["declined"], 0.8)
        # Vectors from files work too (one group: every row).
        qp = self.save("q.npy", self.rng.standard_normal((12, 4)))
        doc = self.study("sinks", "-i", qp, "--methods", "exp,softmax1", "--mask", "none")
        self.assertEqual(doc["results"][0]["all"]["rows"], 12)
        self.fails(USAGE, "sinks", "--methods", "exp,nosuch", contains=["nosuch"])

    def test_length(self):
        doc = self.study("length", "--lengths", "16,256,4096", "--d", "16", "--queries", "4")
        by = {r["method"]: r["points"] for r in doc["results"]}
        self.assertLess(by["exp"][2]["max_weight"], by["exp"][0]["max_weight"])
        self.assertGreater(by["sigmoid-attn:0"][2]["mass"], 1000)
        self.fails(USAGE, "length", "--lengths", "16,x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="path of the attention-cli executable")
    args, rest = parser.parse_known_args()
    cli_test.CLI = os.path.abspath(args.cli)
    if not (os.path.isfile(cli_test.CLI) and os.access(cli_test.CLI, os.X_OK)):
        sys.exit("beyond_softmax_cli_test.py: %s is not an executable" % cli_test.CLI)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
