#!/usr/bin/python3
"""End-to-end tests of `attention-cli overview`: shapes, the sink a sampled image would lose,
stacks, windows, timing on generated data, and every error with its exit code (the contract of
cli_test.py: 0, 2 for usage, 3 for input/output; one "error:" line naming the problem).

    /usr/bin/python3 tests/cli/overview_cli_test.py --cli build/bin/attention-cli [unittest arguments]
"""

import argparse
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_test  # noqa: E402
from cli_test import IO, USAGE, CliTestCase, describe  # noqa: E402


class OverviewTests(CliTestCase):
    def sink_weights(self, n=1000):
        """Uniform rows except key 617, which holds half of every row, and one peak."""
        W = np.full((n, n), 0.5 / (n - 1))
        W[:, 617] = 0.5
        W[700, 42] = 0.9
        W[300] = np.nan  # an undefined row
        return self.save("sink.npy", W), W

    def test_sink_and_peak_survive_max_pooling(self):
        path, W = self.sink_weights()
        out = self.path("o.npy")
        proc = self.ok("overview", "--weights", path, "--pixels", 128, "--out", out)
        image = np.load(out)
        self.assertEqual(image.shape, (128, 128))
        self.assertEqual(image.dtype, np.float32)
        sink_col = next(c for c in range(128) if c * 1000 // 128 <= 617 < (c + 1) * 1000 // 128)
        self.assertTrue(np.all(image[:, sink_col] >= np.float32(0.5)), describe([], proc))
        self.assertAlmostEqual(float(np.nanmax(image)), 0.9, places=6)
        self.assertIn("warning", proc.stderr)  # row 300 is undefined
        self.assertIn("300", proc.stderr)
        self.assertIn("128 x 128 pixels", proc.stdout)
        # The mean dilutes the sink but never reaches the top colour; rows other than the sink's
        # column stay at the uniform value.
        self.ok("overview", "--weights", path, "--pixels", 128, "--reduce", "mean", "--out", out)
        mean = np.load(out)
        self.assertTrue(np.all(mean[:, sink_col] < 0.5))
        self.assertAlmostEqual(float(mean[0, 0]), 0.5 / 999, places=7)

    def test_fewer_pixels_when_the_matrix_is_smaller(self):
        x = self.save("x.npy", self.rng.standard_normal((10, 4)))
        out = self.path("o.npy")
        self.ok("overview", "--input", x, "--pixels", 64, "--out", out)
        self.assertEqual(np.load(out).shape, (10, 10))
        # One cell per pixel: the image is W itself.
        self.ok("weights", "--input", x, "--out", self.path("w.npy"))
        np.testing.assert_allclose(np.load(out), np.load(self.path("w.npy")), rtol=0, atol=1e-7)

    def test_streamed_equals_pooled_file(self):
        q = self.save("q.npy", self.rng.standard_normal((300, 8)))
        k = self.save("k.npy", self.rng.standard_normal((211, 8)))
        self.ok("weights", "-i", q, "-k", k, "--method", "entmax15", "--mask", "causal", "--double",
                "--out", self.path("w.npy"))
        for reduce in ("max", "mean"):
            self.ok("overview", "-i", q, "-k", k, "--method", "entmax15", "--mask", "causal", "--double",
                    "--pixels", 37, "--reduce", reduce, "--rows", "13:290", "--cols", ":200",
                    "--out", self.path("s.npy"))
            self.ok("overview", "--weights", self.path("w.npy"), "--pixels", 37, "--reduce", reduce,
                    "--rows", "13:290", "--cols", ":200", "--out", self.path("d.npy"))
            np.testing.assert_allclose(np.load(self.path("s.npy")), np.load(self.path("d.npy")), rtol=1e-6, atol=1e-9)

    def test_stack_in_gives_stack_out(self):
        x = self.save("x.npy", self.rng.standard_normal((3, 20, 4)))
        out = self.path("o.npy")
        self.ok("overview", "--input", x, "--pixels", 6, "--out", out)
        self.assertEqual(np.load(out).shape, (3, 6, 6))

    def test_difference_view_of_a_shift(self):
        x = self.save("x.npy", self.rng.standard_normal((40, 5)))
        out = self.path("o.npy")
        # exp is shift invariant: the difference is zero up to rounding; relu's is not.
        self.ok("overview", "--input", x, "--double", "--shift", 3, "--view", "abs-difference", "--pixels", 8,
                "--out", out)
        self.assertLess(float(np.nanmax(np.load(out))), 1e-12)
        self.ok("overview", "--input", x, "--method", "softplus", "--shift", 3, "--view", "abs-difference",
                "--pixels", 8, "--out", out)
        self.assertGreater(float(np.nanmax(np.load(out))), 1e-3)

    def test_timing_on_generated_data(self):
        proc = self.ok("overview", "--n", 3000, "--d", 16, "--seed", 4, "--pixels", 256, "--repeat", 2)
        lines = proc.stdout.strip().split("\n")
        self.assertRegex(lines[-1], r"^median_ms: [0-9.]+$")
        self.assertIn("peak_rss_mib:", proc.stdout)
        self.assertIn("pixels=256x256", lines[0])
        self.assertRegex(proc.stdout, r"\ngflops: [0-9.]+\n")  # the products' rate beside the time
        causal = self.ok("overview", "--n", 500, "--d", 8, "--pixels", 32, "--repeat", 1, "--mask", "causal")
        self.assertIn("mask=causal", causal.stdout.splitlines()[0])
        # Same seed, same image; another seed, another image.
        self.ok("overview", "--n", 500, "--d", 8, "--seed", 4, "--pixels", 32, "--repeat", 1, "--out", self.path("a.npy"))
        self.ok("overview", "--n", 500, "--d", 8, "--seed", 4, "--pixels", 32, "--repeat", 1, "--out", self.path("b.npy"))
        self.ok("overview", "--n", 500, "--d", 8, "--seed", 5, "--pixels", 32, "--repeat", 1, "--out", self.path("c.npy"))
        a, b, c = (np.load(self.path(f)) for f in ("a.npy", "b.npy", "c.npy"))
        np.testing.assert_array_equal(a, b)
        self.assertFalse(np.array_equal(a, c))

    def test_usage_errors(self):
        x = self.save("x.npy", self.rng.standard_normal((10, 4)))
        w = self.save("w.npy", np.full((4, 4), 0.25))
        out = self.path("o.npy")
        self.fails(USAGE, "overview", "--input", x, "--out", out, contains=["--pixels"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 0, "--out", out, contains=["--pixels"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 4, "--reduce", "median", "--out", out,
                   contains=["--reduce", "median"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 4, "--rows", "3-5", "--out", out,
                   contains=["--rows", "3-5"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 4, "--cols", "a:5", "--out", out, contains=["--cols"])
        self.fails(USAGE, "overview", "--input", x, "--weights", w, "--pixels", 4, "--out", out,
                   contains=["--input", "--weights"])
        self.fails(USAGE, "overview", "--pixels", 4, "--out", out, contains=["--input"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 4, contains=["--out"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 4, "--method", "nope", "--out", out,
                   contains=["--method"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 4, "--mask", "upper", "--out", out, contains=["--mask"])
        self.fails(USAGE, "overview", "--input", x, "--pixels", 4, "--view", "ratio", "--out", out, contains=["--view"])
        self.fails(USAGE, "overview", "--weights", w, "--pixels", 4, "--view", "abs-difference", "--out", out,
                   contains=["--view"])
        self.fails(USAGE, "overview", "--n", 100, "--input", x, "--pixels", 4, contains=["--n"])
        self.fails(USAGE, "overview", "--n", -3, "--pixels", 4, contains=["--n"])
        self.assertFalse(os.path.exists(out))

    def test_input_errors(self):
        x = self.save("x.npy", self.rng.standard_normal((10, 4)))
        out = self.path("o.npy")
        self.fails(IO, "overview", "--input", x, "--pixels", 4, "--rows", "5:11", "--out", out,
                   contains=["5:11", "10 x 10"])
        self.fails(IO, "overview", "--input", x, "--pixels", 4, "--cols", "7:7", "--out", out, contains=["7:7"])
        self.fails(IO, "overview", "--input", self.path("missing.npy"), "--pixels", 4, "--out", out,
                   names=["missing.npy"])
        k = self.save("k.npy", self.rng.standard_normal((10, 3)))
        self.fails(IO, "overview", "--input", x, "--keys", k, "--pixels", 4, "--out", out, names=["k.npy"])
        bad = self.save("bad.npy", np.array([[0.5, np.inf], [0.5, 0.5]]))
        self.fails(IO, "overview", "--weights", bad, "--pixels", 4, "--out", out, names=["bad.npy"])
        self.fails(IO, "overview", "--input", x, "--pixels", 4, "--out", os.path.join(self.dir, "no", "dir", "o.npy"))
        self.fails(IO, "overview", "--n", 100000000, "--d", 64, "--pixels", 4, contains=["limit"])
        # Sinkhorn needs whole columns: beyond the dense limit it is refused with the reason.
        self.fails(IO, "overview", "--n", 20000, "--d", 1, "--method", "sinkhorn:2", "--pixels", 4, "--repeat", 1,
                   contains=["columns", "20000 x 20000"])
        self.assertFalse(os.path.exists(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="path of the attention-cli executable")
    args, rest = parser.parse_known_args()
    cli_test.CLI = os.path.abspath(args.cli)
    if not (os.path.isfile(cli_test.CLI) and os.access(cli_test.CLI, os.X_OK)):
        sys.exit("overview_cli_test.py: %s is not an executable" % cli_test.CLI)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
