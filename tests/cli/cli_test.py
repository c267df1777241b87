#!/usr/bin/python3
"""End-to-end tests of attention-cli: every subcommand, every documented error, and no crashes.

Run with Debian's /usr/bin/python3 (it has NumPy):

    /usr/bin/python3 tests/cli/cli_test.py --cli build/bin/attention-cli [unittest arguments]

e.g. `... SubcommandTests` or `... BadInputTests.test_truncated_npy_data` to run a subset.

The contract tested here (scripts rely on it):
  * exit 0 on success, 2 on a usage error (unknown flag, method, score, mask, bad formula, bad
    parameter), 3 on an input/output error (unreadable, malformed, NaN, size mismatch, unwritable);
  * every error is exactly one line on stderr starting with "error:", naming the file for file
    problems;
  * undefined weight rows are written as NaN with a warning on stderr naming how many and which;
  * saves are atomic: a failed write leaves no temporary file and keeps an existing output;
  * nothing ever exits with a signal or with a code other than 0, 2 or 3.
"""

import argparse
import json
import os
import re
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

CLI = None  # path of attention-cli, set from --cli
TIMEOUT = 300  # seconds per invocation; a hang is a failure too

ALLOWED_CODES = (0, 2, 3)
USAGE = 2
IO = 3

# Every method of the catalogue (core/include/attn/methods.hpp), as `functions` lists them.
ALL_METHODS = ["exp", "relu", "power", "linear", "softplus", "sigmoid", "exp-plus", "custom",
               "sparsemax", "entmax15", "sinkhorn", "doubly-normalized", "sigmoid-attn", "softmax1",
               "softpick", "stick-breaking", "ssmax", "linear-attn", "performer"]


# ---------------------------------------------------------------------------------------------
# Helpers

def describe(args, proc):
    return ("command: attention-cli %s\nexit code: %s\nstdout:\n%s\nstderr:\n%s"
            % (" ".join(str(a) for a in args), proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))


def softmax_rows(s):
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def npy_bytes(header_dict_text, data=b"", version=(1, 0), header_len=None):
    """Raw NPY bytes with a hand-written header dict (padded like NumPy's)."""
    header = header_dict_text.encode("latin1")
    len_size = 2 if version[0] == 1 else 4
    unpadded = 6 + 2 + len_size + len(header) + 1
    header += b" " * ((64 - unpadded % 64) % 64) + b"\n"
    if header_len is None:
        header_len = len(header)
    fmt = "<H" if len_size == 2 else "<I"
    return b"\x93NUMPY" + bytes(version) + struct.pack(fmt, header_len) + header + data


class CliTestCase(unittest.TestCase):
    """Runs the CLI in a fresh temporary directory per test and checks the exit-code contract on
    every single invocation."""

    maxDiff = None

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ax-cli-test-")
        self.dir = self._tmp.name
        self.rng = np.random.default_rng(1234)

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def save(self, name, array):
        p = self.path(name)
        if name.endswith(".csv"):
            np.savetxt(p, np.atleast_2d(array), delimiter=",", fmt="%.17g")
        else:
            np.save(p, array)
        return p

    def write_bytes(self, name, data):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def write_text(self, name, text):
        p = self.path(name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def run_cli(self, *args, preexec_fn=None):
        args = [str(a) for a in args]
        try:
            raw = subprocess.run([CLI] + args, capture_output=True, timeout=TIMEOUT, cwd=self.dir,
                                 preexec_fn=preexec_fn)
        except subprocess.TimeoutExpired:
            self.fail("attention-cli %s: did not finish within %d s" % (" ".join(args), TIMEOUT))
        # Decoded without newline translation: a stray '\r' stays a '\r'.
        proc = subprocess.CompletedProcess(raw.args, raw.returncode,
                                           raw.stdout.decode("utf-8", "replace"),
                                           raw.stderr.decode("utf-8", "replace"))
        # The crash check, on every invocation: never a signal, never a code outside 0/2/3.
        self.assertIn(proc.returncode, ALLOWED_CODES,
                      "crash or unexpected exit code (negative = killed by that signal)\n"
                      + describe(args, proc))
        if proc.returncode != 0:
            self.check_one_error_line(args, proc)
        return proc

    def check_one_error_line(self, args, proc):
        lines = proc.stderr.rstrip("\n").split("\n")
        self.assertEqual(len(lines), 1, "stderr must be exactly one line\n" + describe(args, proc))
        self.assertTrue(lines[0].startswith("error:"),
                        "the error line must start with 'error:'\n" + describe(args, proc))

    def ok(self, *args):
        proc = self.run_cli(*args)
        self.assertEqual(proc.returncode, 0, describe(args, proc))
        return proc

    def fails(self, code, *args, names=(), contains=(), regex=()):
        """Runs a command that must fail with `code` and one 'error:' line on stderr that contains
        the base name of every file in `names`, every string in `contains` and matches every
        pattern in `regex`."""
        proc = self.run_cli(*args)
        self.assertEqual(proc.returncode, code, "wrong exit code (expected %d)\n%s" % (code, describe(args, proc)))
        message = proc.stderr.strip()
        for name in names:
            self.assertIn(os.path.basename(name), message,
                          "the error must name the file %r\n%s" % (os.path.basename(name), describe(args, proc)))
        for text in contains:
            self.assertIn(text, message, "the error must contain %r\n%s" % (text, describe(args, proc)))
        for pattern in regex:
            self.assertRegex(message, pattern, describe(args, proc))
        return proc

    def sample_input(self, n=6, d=3, name="x.npy"):
        x = self.rng.standard_normal((n, d))
        return self.save(name, x), x

    def listing(self, directory=None):
        return sorted(os.listdir(directory or self.dir))


# ---------------------------------------------------------------------------------------------
# 1. Every subcommand working.

class FunctionsTests(CliTestCase):
    SHIFT = r"(invariant \([^)]*\)|changes \([^)]*\)|undefined|no scores)"
    SUM = r"(yes|no \([^)]*\)|undefined)"

    def parse_table(self, stdout):
        lines = stdout.splitlines()
        self.assertGreater(len(lines), 2, stdout)
        header = lines[0]
        self.assertRegex(header, r"^method\s", stdout)
        self.assertRegex(header, r"rows sum to 1\s+constant shift\s+per-row shift\s+per-column shift\s*$", stdout)
        self.assertRegex(lines[1], r"^-+$", stdout)
        rows = {}
        pattern = re.compile(r"^(\S+)\s.*?\s%s\s+%s\s+%s\s+%s\s*$" % (self.SUM, self.SHIFT, self.SHIFT, self.SHIFT))
        for line in lines[2:]:
            if not line.strip():
                break  # the notes after the table
            m = pattern.match(line)
            self.assertIsNotNone(m, "cannot parse table row %r\n%s" % (line, stdout))
            rows[m.group(1)] = {"sum": m.group(2), "constant": m.group(3), "per_row": m.group(4),
                                "per_column": m.group(5)}
        return rows

    def test_lists_every_method_and_measured_invariance(self):
        proc = self.ok("functions")
        rows = self.parse_table(proc.stdout)
        listed = {name.split(":")[0].split("[")[0] for name in rows}
        for method in ALL_METHODS:
            self.assertIn(method, listed, "functions does not list %r\n%s" % (method, proc.stdout))
        exp = rows["exp"]
        self.assertTrue(exp["constant"].startswith("invariant"), proc.stdout)
        self.assertTrue(rows["relu"]["constant"].startswith("changes"), proc.stdout)
        # The measured number in parentheses agrees with the verdict.
        value = float(re.search(r"\(([^)]*)\)", exp["constant"]).group(1))
        self.assertLessEqual(value, 1e-9)
        value = float(re.search(r"\(([^)]*)\)", rows["relu"]["constant"]).group(1))
        self.assertGreater(value, 1e-3)

    def test_methods_option(self):
        proc = self.ok("functions", "--methods", "exp,relu,power:3,custom:max(z,0)^2")
        rows = self.parse_table(proc.stdout)
        self.assertEqual(len(rows), 4, proc.stdout)
        self.assertIn("power:P", rows, proc.stdout)

    def test_unknown_method(self):
        self.fails(USAGE, "functions", "--methods", "exp,nosuchmethod", contains=["nosuchmethod"])


class WeightsTests(CliTestCase):
    def test_npy_rows_sum_to_one_and_match_softmax(self):
        xp, x = self.sample_input(7, 4)
        out = self.path("w.npy")
        proc = self.ok("weights", "--input", xp, "--out", out, "--double")
        self.assertEqual(proc.stderr, "", "no warning expected")
        w = np.load(out)
        self.assertEqual(w.shape, (7, 7))
        self.assertEqual(w.dtype, np.float64)
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_allclose(w, softmax_rows(x @ x.T / np.sqrt(4)), rtol=0, atol=1e-12)
        self.assertEqual(self.listing(), ["w.npy", "x.npy"], "only the output may be added")

    def test_float32_default(self):
        xp, x = self.sample_input(5, 3)
        out = self.path("w.npy")
        self.ok("weights", "-i", xp, "-o", out)
        w = np.load(out)
        self.assertEqual(w.dtype, np.float32)
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-5)
        np.testing.assert_allclose(w, softmax_rows(x @ x.T / np.sqrt(3)), atol=1e-5)

    def test_csv_output_rows_sum_to_one_and_equal_npy(self):
        xp, x = self.sample_input(6, 3)
        out_csv, out_npy = self.path("w.csv"), self.path("w.npy")
        self.ok("weights", "--input", xp, "--out", out_csv)
        self.ok("weights", "--input", xp, "--out", out_npy)
        w = np.loadtxt(out_csv, delimiter=",", ndmin=2)
        self.assertEqual(w.shape, (6, 6))
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-5)
        # float32 written with enough digits to round-trip exactly.
        np.testing.assert_array_equal(w.astype(np.float32), np.load(out_npy))

    def test_csv_input(self):
        x = self.rng.standard_normal((5, 2))
        cp = self.save("x.csv", x)
        np_path = self.save("x.npy", x)
        self.ok("weights", "-i", cp, "-o", self.path("a.npy"), "--double")
        self.ok("weights", "-i", np_path, "-o", self.path("b.npy"), "--double")
        np.testing.assert_array_equal(np.load(self.path("a.npy")), np.load(self.path("b.npy")))

    def test_causal_mask(self):
        xp, x = self.sample_input(6, 3)
        out = self.path("w.npy")
        self.ok("weights", "--input", xp, "--mask", "causal", "--out", out, "--double")
        w = np.load(out)
        self.assertTrue(np.all(w[np.triu_indices(6, k=1)] == 0.0), w)
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
        s = x @ x.T / np.sqrt(3)
        s[np.triu_indices(6, k=1)] = -np.inf
        np.testing.assert_allclose(w, softmax_rows(s), atol=1e-12)
        self.assertEqual(w[0, 0], 1.0)

    def test_keys_option(self):
        q = self.rng.standard_normal((4, 3))
        k = self.rng.standard_normal((6, 3))
        qp, kp = self.save("q.npy", q), self.save("k.npy", k)
        out = self.path("w.npy")
        self.ok("weights", "--input", qp, "--keys", kp, "--out", out, "--double",
                "--score", "dot", "--alpha", "0.5")
        w = np.load(out)
        self.assertEqual(w.shape, (4, 6))
        np.testing.assert_allclose(w, softmax_rows(0.5 * (q @ k.T)), atol=1e-12)

    def test_values_outputs(self):
        xp, x = self.sample_input(5, 3)
        v = self.rng.standard_normal((5, 2))
        vp = self.save("v.npy", v)
        out, yout = self.path("w.npy"), self.path("y.npy")
        self.ok("weights", "--input", xp, "--values", vp, "--outputs", yout, "--out", out, "--double")
        w, y = np.load(out), np.load(yout)
        self.assertEqual(y.shape, (5, 2))
        np.testing.assert_allclose(y, w @ v, atol=1e-12)

    def test_values_outputs_csv(self):
        xp, x = self.sample_input(4, 3)
        v = self.rng.standard_normal((4, 3))
        vp = self.save("v.csv", v)
        out, yout = self.path("w.npy"), self.path("y.csv")
        self.ok("weights", "--input", xp, "--values", vp, "--outputs", yout, "--out", out, "--double")
        y = np.loadtxt(yout, delimiter=",", ndmin=2)
        np.testing.assert_allclose(y, np.load(out) @ v, atol=1e-12)

    def test_3d_input_gives_3d_weight_stack(self):
        x = self.rng.standard_normal((3, 5, 4))
        xp = self.save("heads.npy", x)
        out = self.path("w.npy")
        self.ok("weights", "--input", xp, "--out", out, "--double")
        w = np.load(out)
        self.assertEqual(w.shape, (3, 5, 5))
        for h in range(3):
            np.testing.assert_allclose(w[h].sum(axis=1), 1.0, atol=1e-12)
            np.testing.assert_allclose(w[h], softmax_rows(x[h] @ x[h].T / 2.0), atol=1e-12)

    def test_3d_input_with_one_head_stays_3d(self):
        x = self.rng.standard_normal((1, 4, 3))
        out = self.path("w.npy")
        self.ok("weights", "--input", self.save("one_head.npy", x), "--out", out, "--double")
        w = np.load(out)
        self.assertEqual(w.shape, (1, 4, 4), "a [1, n, d] input must give a [1, n, n] weight stack")
        np.testing.assert_allclose(w.reshape(4, 4), softmax_rows(x[0] @ x[0].T / np.sqrt(3)), atol=1e-12)

    def test_3d_input_with_values(self):
        x = self.rng.standard_normal((2, 4, 3))
        v = self.rng.standard_normal((2, 4, 5))
        xp, vp = self.save("heads.npy", x), self.save("v.npy", v)
        out, yout = self.path("w.npy"), self.path("y.npy")
        self.ok("weights", "--input", xp, "--values", vp, "--outputs", yout, "--out", out, "--double")
        w, y = np.load(out), np.load(yout)
        self.assertEqual(y.shape, (2, 4, 5))
        for h in range(2):
            np.testing.assert_allclose(y[h], w[h] @ v[h], atol=1e-12)

    def test_4d_input_gives_4d_weight_stack(self):
        x = self.rng.standard_normal((2, 3, 5, 4))
        out = self.path("w.npy")
        self.ok("weights", "--input", self.save("layers.npy", x), "--out", out, "--double")
        w = np.load(out)
        self.assertEqual(w.shape, (2, 3, 5, 5))
        for layer in range(2):
            for h in range(3):
                np.testing.assert_allclose(w[layer, h], softmax_rows(x[layer, h] @ x[layer, h].T / 2.0), atol=1e-12)

    def test_npz_members_and_layer_head_selection(self):
        q = self.rng.standard_normal((2, 3, 5, 4))
        k = self.rng.standard_normal((2, 3, 6, 4))
        v = self.rng.standard_normal((2, 3, 6, 2))
        run = self.path("run.npz")
        np.savez_compressed(run, q=q, k=k, v=v, tokens=np.array(list("abcde")))
        out, yout = self.path("w.npy"), self.path("y.npy")
        self.ok("weights", "-i", run + ":q", "-k", run + ":k", "--values", run + ":v", "--outputs", yout,
                "--layer", 1, "--head", 2, "--mask", "causal", "-o", out, "--double")
        w = np.load(out)
        s = q[1, 2] @ k[1, 2].T / 2.0
        s[np.triu_indices(5, 1, 6)] = -np.inf
        np.testing.assert_allclose(w, softmax_rows(s), atol=1e-12)
        np.testing.assert_allclose(np.load(yout), w @ v[1, 2], atol=1e-12)
        # --layer alone keeps that layer's heads as a 3-D stack.
        self.ok("weights", "-i", run + ":q", "-k", run + ":k", "--layer", 0, "-o", out, "--double")
        self.assertEqual(np.load(out).shape, (3, 5, 6))
        np.testing.assert_allclose(np.load(out)[1], softmax_rows(q[0, 1] @ k[0, 1].T / 2.0), atol=1e-12)
        # Single-matrix commands take a selected head.
        self.ok("invariance", "-i", run + ":q", "-k", run + ":k", "--layer", 1, "--head", 0, "--methods", "exp",
                "--shifts", "1")

    def test_npz_selection_errors(self):
        run = self.path("run.npz")
        np.savez(run, q=self.rng.standard_normal((2, 3, 5, 4)), flat=self.rng.standard_normal((5, 4)))
        out = self.path("w.npy")
        self.fails(USAGE, "weights", "-i", run + ":q", "--head", 1, "-o", out, contains=["--layer too"])
        self.fails(IO, "weights", "-i", run + ":q", "--layer", 2, "-o", out, contains=["layer 2 does not exist"])
        self.fails(USAGE, "weights", "-i", run + ":flat", "--layer", 0, "-o", out, contains=["not [layers, heads"])
        self.fails(IO, "weights", "-i", run + ":nope", "-o", out, names=[run], contains=["no array named 'nope'"])
        self.fails(IO, "weights", "-i", run, "-o", out, names=[run], contains=[run + ":NAME", "flat"])
        self.fails(IO, "noise", "-i", run + ":q", "--methods", "exp", contains=["--layer and --head"])

    def test_shift_and_methods(self):
        xp, x = self.sample_input(5, 3)
        a, b = self.path("a.npy"), self.path("b.npy")
        self.ok("weights", "-i", xp, "-o", a, "--double")
        self.ok("weights", "-i", xp, "-o", b, "--double", "--shift", "3")
        np.testing.assert_allclose(np.load(a), np.load(b), atol=1e-12)  # exp: shift invariant
        for method in ["relu", "power:2", "linear", "softplus", "sigmoid", "exp-plus:1", "custom:exp(2*z)",
                       "sparsemax", "entmax15", "sinkhorn:3", "doubly-normalized"]:
            out = self.path("m.npy")
            proc = self.run_cli("weights", "-i", xp, "-o", out, "--double", "--method", method, "--shift", "5")
            self.assertEqual(proc.returncode, 0, describe([method], proc))
            w = np.load(out)
            self.assertEqual(w.shape, (5, 5), method)
            np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-9, err_msg=method)
            self.assertTrue(np.all(w >= 0), method)

    def test_undefined_rows_written_as_nan_with_warning(self):
        # relu: queries 0 and 3 have only negative scores against both keys (0/0); 1 and 2 are fine.
        q = np.array([[-1.0, 0.0], [1.0, 0.0], [0.5, 0.1], [-2.0, 0.5]])
        k = np.array([[1.0, 0.0], [2.0, 0.0]])
        qp, kp = self.save("q.npy", q), self.save("k.npy", k)
        for out in (self.path("w.npy"), self.path("w.csv")):
            args = ("weights", "-i", qp, "-k", kp, "--method", "relu", "--double", "-o", out)
            proc = self.run_cli(*args)
            self.assertEqual(proc.returncode, 0, describe(args, proc))
            w = np.load(out) if out.endswith(".npy") else np.loadtxt(out, delimiter=",", ndmin=2)
            self.assertEqual(w.shape, (4, 2))
            self.assertTrue(np.all(np.isnan(w[0])) and np.all(np.isnan(w[3])), w)
            np.testing.assert_allclose(w[1:3], [[1 / 3, 2 / 3]] * 2, atol=1e-12)
            warning = proc.stderr.strip()
            self.assertTrue(warning, "a warning naming the undefined rows is expected\n" + describe(args, proc))
            self.assertNotIn("error", warning.lower().split(":")[0], describe(args, proc))
            numbers = {int(t) for t in re.findall(r"\b\d+\b", warning)}
            self.assertIn(2, numbers, "the warning must say how many rows (2)\n" + describe(args, proc))
            self.assertIn(0, numbers, "the warning must name row 0\n" + describe(args, proc))
            self.assertIn(3, numbers, "the warning must name row 3\n" + describe(args, proc))
            self.assertNotIn(1, numbers, "row 1 is defined\n" + describe(args, proc))

    def test_undefined_rows_in_one_head(self):
        q = np.array([[[1.0, 0.0], [0.5, 0.5], [1.0, 1.0]],
                      [[1.0, 0.0], [0.5, 0.5], [-1.0, -1.0]]])
        k = np.array([[1.0, 0.0], [2.0, 1.0]])
        out = self.path("w.npy")
        args = ("weights", "-i", self.save("q.npy", q), "-k", self.save("k.npy", k), "--method", "relu",
                "--double", "-o", out)
        proc = self.run_cli(*args)
        self.assertEqual(proc.returncode, 0, describe(args, proc))
        w = np.load(out)
        self.assertEqual(w.shape, (2, 3, 2))
        self.assertTrue(np.all(np.isnan(w[1, 2])), w)
        self.assertFalse(np.any(np.isnan(w[0])), w)
        self.assertFalse(np.any(np.isnan(w[1, :2])), w)
        self.assertIn("warning", proc.stderr.lower(), describe(args, proc))
        self.assertRegex(proc.stderr, r"\b2\b", "the warning must name row 2\n" + describe(args, proc))

    def test_big_endian_and_fortran_order_inputs(self):
        x3 = self.rng.standard_normal((2, 5, 3))
        x2 = x3[0]
        cases = {
            "le_f8.npy": (x2.astype("<f8"), "ref2"),
            "be_f8.npy": (x2.astype(">f8"), "ref2"),
            "fortran_f8.npy": (np.asfortranarray(x2.astype("<f8")), "ref2"),
            "be_fortran_f8.npy": (np.asfortranarray(x2.astype(">f8")), "ref2"),
            "le_f4.npy": (x2.astype("<f4"), "ref2_f4"),
            "be_f4.npy": (x2.astype(">f4"), "ref2_f4"),
            "fortran_f4.npy": (np.asfortranarray(x2.astype("<f4")), "ref2_f4"),
            "le3_f8.npy": (x3.astype("<f8"), "ref3"),
            "fortran3_f8.npy": (np.asfortranarray(x3.astype("<f8")), "ref3"),
            "be_fortran3_f8.npy": (np.asfortranarray(x3.astype(">f8")), "ref3"),
        }
        results = {}
        for name, (array, group) in cases.items():
            p = self.path(name)
            np.save(p, array)
            if name.startswith(("fortran", "be_fortran")):
                with open(p, "rb") as f:
                    self.assertIn(b"'fortran_order': True", f.read(128), name)
            out = self.path("w_" + name)
            self.ok("weights", "--input", p, "--out", out, "--double")
            results.setdefault(group, []).append((name, np.load(out)))
        for group, items in results.items():
            ref_name, ref = items[0]
            for name, w in items[1:]:
                np.testing.assert_array_equal(w, ref, err_msg="%s differs from %s" % (name, ref_name))

    def test_npy_version_2_and_rank_1(self):
        x = self.rng.standard_normal((5, 3))
        p = self.path("v2.npy")
        with open(p, "wb") as f:
            np.lib.format.write_array(f, x, version=(2, 0))
        self.ok("weights", "-i", p, "-o", self.path("a.npy"), "--double")
        self.ok("weights", "-i", self.save("v1.npy", x), "-o", self.path("b.npy"), "--double")
        np.testing.assert_array_equal(np.load(self.path("a.npy")), np.load(self.path("b.npy")))
        # A rank-1 file is n vectors of dimension 1.
        self.ok("weights", "-i", self.save("r1.npy", np.arange(4.0)), "-o", self.path("r1w.npy"))
        self.assertEqual(np.load(self.path("r1w.npy")).shape, (4, 4))


class InvarianceTests(CliTestCase):
    def test_json_structure_and_values(self):
        xp, _ = self.sample_input(8, 4)
        jp = self.path("inv.json")
        proc = self.ok("invariance", "--input", xp, "--methods", "exp,relu,custom:max(z,0)^2",
                       "--shifts", "0.1,1,10", "--double", "--json", jp)
        self.assertTrue(proc.stdout.strip())
        with open(jp) as f:
            doc = json.load(f)
        self.assertIsInstance(doc, dict)
        self.assertIn("results", doc)
        results = doc["results"]
        self.assertIsInstance(results, list)
        self.assertEqual(len(results), 9, results)
        for r in results:
            for key in ("method", "shift", "max_abs_diff", "mean_tv", "undefined_rows"):
                self.assertIn(key, r, r)
            self.assertIsInstance(r["method"], str)
            self.assertIsInstance(r["shift"], (int, float))
            self.assertIsInstance(r["undefined_rows"], int)
        self.assertEqual([r["method"] for r in results],
                         ["exp"] * 3 + ["relu"] * 3 + ["custom:max(z,0)^2"] * 3)
        self.assertEqual([r["shift"] for r in results], [0.1, 1.0, 10.0] * 3)
        by = {(r["method"], r["shift"]): r for r in results}
        for shift in (0.1, 1.0, 10.0):
            self.assertLess(by[("exp", shift)]["max_abs_diff"], 1e-12, by[("exp", shift)])
            self.assertEqual(by[("exp", shift)]["undefined_rows"], 0)
        self.assertGreater(by[("relu", 1.0)]["max_abs_diff"], 1e-3, by[("relu", 1.0)])
        self.assertGreater(by[("relu", 1.0)]["mean_tv"], 0.0)

    def test_undefined_method_has_null_statistics(self):
        # log(z) is undefined in every row with a negative score: its statistics are null, never
        # the 0 that ranked it as invariant as exp (issue 15).
        q = np.abs(self.rng.standard_normal((6, 3))) + 1.0
        k = -np.abs(self.rng.standard_normal((5, 3))) - 1.0  # every score q . k <= -3, also after M = 1
        jp = self.path("inv.json")
        proc = self.ok("invariance", "--input", self.save("q.npy", q), "--keys", self.save("k.npy", k),
                       "--methods", "exp,custom:log(z)", "--shifts", "0.1,1", "--double", "--json", jp)
        with open(jp) as f:
            results = json.load(f)["results"]
        logz = [r for r in results if r["method"] == "custom:log(z)"]
        self.assertEqual(len(logz), 2)
        for r in logz:
            self.assertEqual(r["undefined_rows"], 6, r)
            for key in ("max_abs_diff", "mean_tv", "mean_kl", "frobenius"):
                self.assertIsNone(r[key], r)
        self.assertIn("undefined", proc.stdout)
        for r in results:
            if r["method"] == "exp":
                self.assertLess(r["max_abs_diff"], 1e-12, r)
        jn = self.path("noise.json")
        self.ok("noise", "--input", self.save("q.npy", q), "--keys", self.save("k.npy", k), "--methods",
                "exp,custom:log(z)", "--global-rms", "0.1", "--draws", "4", "--double", "--json", jn)
        with open(jn) as f:
            noise = {r["method"]: r for r in json.load(f)["results"]}
        self.assertIsNone(noise["custom:log(z)"]["max_abs_diff"]["mean"], noise)
        self.assertIsNotNone(noise["exp"]["max_abs_diff"]["mean"], noise)

    def test_default_methods_float32(self):
        xp, _ = self.sample_input(6, 3)
        jp = self.path("inv.json")
        self.ok("invariance", "-i", xp, "--json", jp)
        with open(jp) as f:
            doc = json.load(f)
        self.assertGreater(len(doc["results"]), 0)
        exp = [r for r in doc["results"] if r["method"] == "exp"]
        self.assertTrue(exp)
        for r in exp:
            self.assertLess(r["max_abs_diff"], 1e-4, r)

    def test_keys_option(self):
        q = self.rng.standard_normal((4, 3))
        k = self.rng.standard_normal((5, 3))
        jp = self.path("inv.json")
        self.ok("invariance", "-i", self.save("q.npy", q), "-k", self.save("k.npy", k),
                "--methods", "exp", "--shifts", "1", "--double", "--json", jp)
        with open(jp) as f:
            self.assertLess(json.load(f)["results"][0]["max_abs_diff"], 1e-12)


class NoiseTests(CliTestCase):
    def noise(self, xp, jp, seed, *extra):
        return self.ok("noise", "--input", xp, "--methods", "exp,relu,sparsemax", "--global-rms", "0.5",
                       "--local-rms", "0.2", "--draws", "12", "--seed", seed, "--json", jp, *extra)

    def test_json_reproducible_and_seed_dependent(self):
        xp, _ = self.sample_input(8, 4)
        a, b, c = self.path("a.json"), self.path("b.json"), self.path("c.json")
        self.noise(xp, a, 7)
        self.noise(xp, b, 7)
        self.noise(xp, c, 8)
        with open(a) as f:
            doc = json.load(f)
        self.assertIn("results", doc)
        self.assertEqual([r["method"] for r in doc["results"]], ["exp", "relu", "sparsemax"])
        for r in doc["results"]:
            for key in ("max_abs_diff", "mean_tv", "undefined_rows"):
                self.assertIn(key, r, r)
        with open(a, "rb") as fa, open(b, "rb") as fb, open(c, "rb") as fc:
            da, db, dc = fa.read(), fb.read(), fc.read()
        self.assertEqual(da, db, "same seed must give identical JSON")
        self.assertNotEqual(json.loads(da)["results"], json.loads(dc)["results"],
                            "another seed must give other results")

    def test_expected_shift_follows_the_target(self):
        # Issue 15: only queries or only keys noisy -> no constant shift; both -> s_g^2 d off the
        # diagonal and s_l^2 d more on it (self-attention).
        xp, _ = self.sample_input(8, 4)
        for target, shift, extra in (("queries", 0.0, 0.0), ("keys", 0.0, 0.0), ("both", 0.25 * 4, 0.04 * 4)):
            jp = self.path("shift_" + target + ".json")
            proc = self.ok("noise", "--input", xp, "--score", "dot", "--methods", "exp", "--global-rms", "0.5",
                           "--local-rms", "0.2",
                           "--target", target, "--draws", "2", "--json", jp)
            with open(jp) as f:
                doc = json.load(f)
            self.assertAlmostEqual(doc["expected_shift"], shift, places=12, msg=target)
            self.assertAlmostEqual(doc["expected_diagonal_extra"], extra, places=12, msg=target)
            self.assertEqual("the diagonal" in proc.stdout, target == "both", proc.stdout)

    def test_thread_count_does_not_change_results(self):
        xp, _ = self.sample_input(10, 4)
        for extra in ((), ("--double",)):
            a, b, c = self.path("t1.json"), self.path("t2.json"), self.path("t3.json")
            self.noise(xp, a, 3, "--threads", "1", *extra)
            self.noise(xp, b, 3, "--threads", "2", *extra)
            self.noise(xp, c, 3, "--threads", "3", *extra)
            with open(a, "rb") as fa, open(b, "rb") as fb, open(c, "rb") as fc:
                da = fa.read()
                self.assertEqual(da, fb.read(), "--threads 1 vs 2 differ %s" % (extra,))
                self.assertEqual(da, fc.read(), "--threads 1 vs 3 differ %s" % (extra,))

    def test_targets(self):
        xp, _ = self.sample_input(6, 3)
        kp = self.save("k.npy", self.rng.standard_normal((7, 3)))
        for target in ("queries", "keys", "both"):
            jp = self.path(target + ".json")
            self.ok("noise", "-i", xp, "-k", kp, "--methods", "exp", "--global-rms", "0.1", "--local-rms",
                    "0.1", "--draws", "3", "--seed", "1", "--target", target, "--json", jp)
            with open(jp) as f:
                self.assertEqual(len(json.load(f)["results"]), 1)


class GenerateTests(CliTestCase):
    def test_each_kind(self):
        for kind in ("gaussian", "clusters", "sphere"):
            a, b, c = self.path(kind + "_a.npy"), self.path(kind + "_b.npy"), self.path(kind + "_c.npy")
            self.ok("generate", "--kind", kind, "--n", "20", "--d", "5", "--seed", "11", "--out", a)
            self.ok("generate", "--kind", kind, "--n", "20", "--d", "5", "--seed", "11", "--out", b)
            self.ok("generate", "--kind", kind, "--n", "20", "--d", "5", "--seed", "12", "--out", c)
            x = np.load(a)
            self.assertEqual(x.shape, (20, 5), kind)
            self.assertTrue(np.all(np.isfinite(x)), kind)
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read(), "%s: same seed must give the same file" % kind)
            self.assertFalse(np.array_equal(x, np.load(c)), "%s: another seed must give other data" % kind)
            if kind == "sphere":
                np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-12)
            # The generated file is a valid input.
            self.ok("weights", "-i", a, "-o", self.path("w.npy"))

    def test_csv_output_round_trips(self):
        a, b = self.path("g.npy"), self.path("g.csv")
        self.ok("generate", "--kind", "clusters", "--n", "9", "--d", "3", "--seed", "5", "--out", a)
        self.ok("generate", "--kind", "clusters", "--n", "9", "--d", "3", "--seed", "5", "--out", b)
        np.testing.assert_array_equal(np.loadtxt(b, delimiter=",", ndmin=2), np.load(a))

    def test_bad_parameters(self):
        out = self.path("g.npy")
        self.fails(USAGE, "generate", "--kind", "cube", "--n", "4", "--d", "2", "--out", out, contains=["cube"])
        self.fails(USAGE, "generate", "--n", "0", "--d", "2", "--out", out)
        self.fails(USAGE, "generate", "--n", "4", "--d", "0", "--out", out)
        self.fails(USAGE, "generate", "--kind", "clusters", "--clusters", "0", "--n", "4", "--d", "2", "--out", out)
        self.fails(USAGE, "generate", "--n", "4", "--d", "2")  # --out is required
        self.assertFalse(os.path.exists(out))


class BenchTests(CliTestCase):
    def test_median_last(self):
        for extra in ((), ("--method", "sparsemax", "--double")):
            proc = self.ok("bench", "--n", "48", "--d", "8", "--repeat", "3", *extra)
            lines = proc.stdout.strip().splitlines()
            self.assertTrue(lines, proc.stdout)
            m = re.fullmatch(r"median_ms: (\S+)", lines[-1])
            self.assertIsNotNone(m, "last stdout line must be 'median_ms: X'\n" + proc.stdout)
            value = float(m.group(1))
            self.assertTrue(np.isfinite(value) and value >= 0.0, proc.stdout)

    def test_causal_mask_and_throughput(self):
        # The products and the result written, beside the times; the causal run scores the keys
        # each query sees: 256 * 257 / 2 cells against 256 * 256.
        for mask in ("none", "causal"):
            proc = self.ok("bench", "--n", "256", "--d", "8", "--repeat", "3", "--mask", mask)
            self.assertIn(f"mask={mask}", proc.stdout.splitlines()[0])
            values = dict(line.split(": ", 1) for line in proc.stdout.splitlines()[1:])
            for key in ("gflops", "result_gb_per_s", "median_ms"):
                self.assertIn(key, values, proc.stdout)
                self.assertTrue(np.isfinite(float(values[key])) and float(values[key]) > 0.0, proc.stdout)
            cells = 256 * 257 / 2 if mask == "causal" else 256 * 256
            median_s = float(values["median_ms"]) * 1e-3  # printed to 1 us: a few per cent at most
            self.assertAlmostEqual(float(values["gflops"]), 2 * 8 * cells / median_s * 1e-9,
                                   delta=0.1 + 0.05 * float(values["gflops"]))
            self.assertAlmostEqual(float(values["result_gb_per_s"]), 256 * 256 * 4 / median_s * 1e-9,
                                   delta=0.02 + 0.05 * float(values["result_gb_per_s"]))
        self.fails(USAGE, "bench", "--n", "8", "--d", "2", "--mask", "diagonal", contains=["diagonal"])

    def test_bad_parameters(self):
        self.fails(USAGE, "bench", "--n", "8", "--d", "2", "--method", "nosuchmethod", contains=["nosuchmethod"])
        self.fails(USAGE, "bench", "--n", "8", "--d", "2", "--repeat", "0")
        self.fails(USAGE, "bench", "--n", "0", "--d", "2")
        self.fails(USAGE, "bench", "--n", "8", "--d", "2", "--m", "-1")
        self.fails(USAGE, "bench", "--n", "8", "--d", "2", "--threads", "-1")  # as weights/invariance/noise


# ---------------------------------------------------------------------------------------------
# 2. Bad inputs: exit code, one error line, the file named.

class BadInputTests(CliTestCase):
    def weights_fails(self, code, input_path, *extra, **checks):
        names = checks.pop("names", (input_path,))
        return self.fails(code, "weights", "--input", input_path, "--out", self.path("w.npy"), *extra,
                          names=names, **checks)

    def good_npy_bytes(self, shape=(5, 3), dtype="<f8"):
        p = self.path("_good.npy")
        np.save(p, self.rng.standard_normal(shape).astype(dtype))
        with open(p, "rb") as f:
            data = f.read()
        os.remove(p)
        return data

    # ---- NPY structure

    def test_truncated_npy_data(self):
        data = self.good_npy_bytes()
        p = self.write_bytes("truncated_data.npy", data[:-7])
        self.weights_fails(IO, p)
        p = self.write_bytes("truncated_one_byte.npy", data[:-1])
        self.weights_fails(IO, p)

    def test_truncated_npy_header(self):
        data = self.good_npy_bytes()
        for cut in (3, 6, 8, 9, 10, 40):
            p = self.write_bytes("truncated_header_%d.npy" % cut, data[:cut])
            self.weights_fails(IO, p)

    def test_wrong_magic(self):
        data = self.good_npy_bytes()
        p = self.write_bytes("wrong_magic.npy", b"\x93NUMPZ" + data[6:])
        self.weights_fails(IO, p)
        p = self.write_bytes("zip_magic.npy", b"PK\x03\x04" + data[4:])
        self.weights_fails(IO, p)
        p = self.write_text("text_as.npy", "1,2,3\n4,5,6\n")
        self.weights_fails(IO, p)

    def test_garbage_header(self):
        payload = np.zeros(15).tobytes()
        headers = [
            "hello, this is not a dict",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 3)",  # no closing brace
            "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (5, 3), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (5, -3), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': [5, 3], }",
            "{'descr': '<f8', 'fortran_order': False, }",  # no shape
            "{'fortran_order': False, 'shape': (5, 3), }",  # no descr
            "{'descr': 8, 'fortran_order': False, 'shape': (5, 3), }",
            "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (5, 3), }",  # structured
            "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 3), 'descr",
            "",
            "\x00\x01\x02\xff",
        ]
        for k, header in enumerate(headers):
            p = self.write_bytes("garbage_header_%d.npy" % k, npy_bytes(header, payload))
            self.weights_fails(IO, p)
        p = self.write_bytes("bad_version.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, "
                                                          "'shape': (5, 3), }", payload, version=(9, 0)))
        self.weights_fails(IO, p)

    def test_header_claims_more_data(self):
        data = self.rng.standard_normal((5, 3)).tobytes()
        p = self.write_bytes("claims_more.npy", npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (50, 3), }", data))
        self.weights_fails(IO, p)
        p = self.write_bytes("claims_huge.npy", npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000000000), }", data))
        self.weights_fails(IO, p)
        p = self.write_bytes("claims_large.npy", npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", data))
        self.weights_fails(IO, p)
        # The header length field itself claims more bytes than the file has.
        p = self.write_bytes("header_len_too_big.npy", npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 3), }", data, header_len=60000))
        self.weights_fails(IO, p)
        p = self.write_bytes("header_len_v2_too_big.npy", npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 3), }", data, version=(2, 0),
            header_len=0xFFFFFFF0))
        self.weights_fails(IO, p)

    def test_unsupported_dtypes(self):
        x = self.rng.standard_normal((4, 3))
        arrays = {
            "int32.npy": (x * 10).astype(np.int32),
            "int64.npy": (x * 10).astype(np.int64),
            "uint8.npy": np.abs(x * 10).astype(np.uint8),
            "complex64.npy": (x + 1j * x).astype(np.complex64),
            "complex128.npy": (x + 1j * x).astype(np.complex128),
            "bool.npy": x > 0,
            "float16.npy": x.astype(np.float16),
            "text.npy": np.array([["a", "b"], ["c", "d"]]),
        }
        for name, array in arrays.items():
            p = self.save(name, array)
            self.weights_fails(IO, p)
        p = self.path("object.npy")
        np.save(p, np.array([[1.0, None]], dtype=object), allow_pickle=True)
        self.weights_fails(IO, p)

    def test_rank_outside_1_to_4(self):
        p = self.save("five_d.npy", self.rng.standard_normal((2, 2, 2, 3, 2)))
        self.weights_fails(IO, p)
        p = self.save("scalar.npy", np.float64(3.0))
        self.weights_fails(IO, p)

    def test_empty_array(self):
        for name, shape in (("empty_rows.npy", (0, 3)), ("empty_cols.npy", (3, 0)), ("empty_1d.npy", (0,)),
                            ("empty_3d.npy", (2, 0, 3))):
            p = self.save(name, np.zeros(shape))
            self.weights_fails(IO, p)

    # ---- Non-finite values

    def test_npy_nan_inf_names_element(self):
        x = self.rng.standard_normal((4, 3))
        x[1, 2] = np.nan
        p = self.save("nan_value.npy", x)
        self.weights_fails(IO, p, regex=[r"[\[(]\s*1\s*,\s*2\s*[\])]", r"(?i)nan"])
        x = self.rng.standard_normal((4, 3)).astype(np.float32)
        x[3, 0] = np.inf
        p = self.save("inf_value.npy", x)
        self.weights_fails(IO, p, regex=[r"[\[(]\s*3\s*,\s*0\s*[\])]", r"(?i)inf"])
        x = self.rng.standard_normal((2, 3, 4))
        x[1, 0, 2] = -np.inf
        p = self.save("inf3d_value.npy", x)
        self.weights_fails(IO, p, regex=[r"[\[(]\s*1\s*,\s*0\s*,\s*2\s*[\])]"])
        # In the keys file: the keys file is named.
        k = self.rng.standard_normal((5, 3))
        k[4, 1] = np.nan
        kp = self.save("nan_keys.npy", k)
        xp = self.save("clean.npy", self.rng.standard_normal((4, 3)))
        self.weights_fails(IO, xp, "--keys", kp, names=[kp], regex=[r"[\[(]\s*4\s*,\s*1\s*[\])]"])
        # Same check through the other subcommands that read vectors.
        p = self.save("nan_value.npy", np.where(np.eye(3) > 0, np.nan, 1.0))
        self.fails(IO, "invariance", "-i", p, names=[p], regex=[r"[\[(]\s*0\s*,\s*0\s*[\])]"])
        self.fails(IO, "noise", "-i", p, "--draws", "2", names=[p], regex=[r"[\[(]\s*0\s*,\s*0\s*[\])]"])

    def test_values_file_with_nan(self):
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        v = self.rng.standard_normal((4, 2))
        v[2, 1] = np.nan
        vp = self.save("nan_values.npy", v)
        self.fails(IO, "weights", "-i", xp, "--values", vp, "--outputs", self.path("y.npy"),
                   "-o", self.path("w.npy"), names=[vp])

    def test_csv_nan_inf_names_line_and_column(self):
        p = self.write_text("nan_value.csv", "1,2,3\n4,nan,6\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 2\b", r"(?i)column 2\b"])
        p = self.write_text("NaN_upper.csv", "1,2,3\n4,5,6\n7,8,NaN\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 3\b", r"(?i)column 3\b"])
        p = self.write_text("inf_value.csv", "inf,2\n3,4\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 1\b", r"(?i)column 1\b"])
        p = self.write_text("overflow_value.csv", "1e999,2\n3,4\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 1\b", r"(?i)column 1\b"])

    def test_too_large_for_float32(self):
        x = self.rng.standard_normal((4, 3))
        x[2, 1] = 1e300
        p = self.save("huge_value.npy", x)
        self.weights_fails(IO, p)
        self.ok("weights", "-i", p, "-o", self.path("ok.npy"), "--double")

    # ---- CSV structure

    def test_ragged_csv(self):
        p = self.write_text("ragged.csv", "1,2,3\n4,5\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 2\b"])
        p = self.write_text("ragged_long.csv", "1,2\n3,4\n5,6,7\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 3\b"])

    def test_non_numeric_csv_names_line_and_column(self):
        p = self.write_text("non_numeric.csv", "# comment\n1,2,3\n4,5,abc\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 3\b", r"(?i)column 3\b"], contains=["abc"])
        p = self.write_text("header_row.csv", "x,y\n1,2\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 1\b", r"(?i)column 1\b"])
        p = self.write_text("empty_field.csv", "1,,3\n4,5,6\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 1\b", r"(?i)column 2\b"])
        p = self.write_text("semicolons.csv", "1;2\n3;4\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 1\b", r"(?i)column 1\b"])
        p = self.write_text("number_suffix.csv", "1,2\n3,4x\n")
        self.weights_fails(IO, p, regex=[r"(?i)line 2\b", r"(?i)column 2\b"])

    def test_csv_comments_blank_lines_and_crlf_are_accepted(self):
        p = self.write_text("comments.csv", "# header comment\n\n1, 2\r\n\n3 ,4\r\n# end\n")
        self.ok("weights", "-i", p, "-o", self.path("w.npy"), "--double")
        q = self.save("plain.npy", np.array([[1.0, 2.0], [3.0, 4.0]]))
        self.ok("weights", "-i", q, "-o", self.path("w2.npy"), "--double")
        np.testing.assert_array_equal(np.load(self.path("w.npy")), np.load(self.path("w2.npy")))

    # ---- Files that are not there or not files

    def test_empty_file(self):
        for name in ("empty_file.npy", "empty_file.csv"):
            p = self.write_bytes(name, b"")
            self.weights_fails(IO, p)
        p = self.write_text("only_comments.csv", "# nothing\n\n")
        self.weights_fails(IO, p)

    def test_missing_file(self):
        for name in ("missing_file.npy", "missing_file.csv"):
            self.weights_fails(IO, self.path(name))
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        kp = self.path("missing_keys.npy")
        self.weights_fails(IO, xp, "--keys", kp, names=[kp])
        vp = self.path("missing_values.npy")
        self.fails(IO, "weights", "-i", xp, "--values", vp, "--outputs", self.path("y.npy"),
                   "-o", self.path("w.npy"), names=[vp])
        odd = self.path("missing file \u00e4 b.npy")
        self.weights_fails(IO, odd)
        self.fails(IO, "invariance", "-i", self.path("missing_inv.npy"), names=["missing_inv.npy"])
        self.fails(IO, "noise", "-i", self.path("missing_noise.npy"), names=["missing_noise.npy"])

    def test_directory_as_input(self):
        for name in ("a_directory.npy", "a_directory.csv"):
            p = self.path(name)
            os.mkdir(p)
            self.weights_fails(IO, p)

    def test_unknown_extension(self):
        x = self.rng.standard_normal((4, 3))
        p = self.path("vectors.txt")
        np.savetxt(p, x, delimiter=",")
        self.weights_fails(IO, p)
        p = self.path("no_extension")
        np.savetxt(p, x, delimiter=",")
        self.weights_fails(IO, p)
        xp = self.save("x.npy", x)
        out = self.path("weights_out.txt")
        self.fails(IO, "weights", "-i", xp, "-o", out, names=[out])
        self.assertFalse(os.path.exists(out))
        self.fails(IO, "generate", "--n", "4", "--d", "2", "--out", self.path("gen.dat"), names=["gen.dat"])

    # ---- Sizes that do not fit

    def test_mismatched_key_dimension(self):
        xp = self.save("queries.npy", self.rng.standard_normal((5, 3)))
        kp = self.save("keys_dim2.npy", self.rng.standard_normal((4, 2)))
        self.weights_fails(IO, xp, "--keys", kp, names=[kp])
        self.fails(IO, "invariance", "-i", xp, "-k", kp, names=[kp])
        self.fails(IO, "noise", "-i", xp, "-k", kp, "--draws", "2", names=[kp])
        # Stacks with different head counts.
        hp = self.save("heads2.npy", self.rng.standard_normal((2, 4, 3)))
        k3 = self.save("keys_heads3.npy", self.rng.standard_normal((3, 4, 3)))
        self.weights_fails(IO, hp, "--keys", k3, names=[k3])

    def test_values_wrong_row_count(self):
        xp = self.save("x.npy", self.rng.standard_normal((5, 3)))
        vp = self.save("values_4rows.npy", self.rng.standard_normal((4, 2)))
        yp = self.path("y.npy")
        self.fails(IO, "weights", "-i", xp, "--values", vp, "--outputs", yp, "-o", self.path("w.npy"),
                   names=[vp])
        self.assertFalse(os.path.exists(yp))

    def test_values_stack_with_wrong_head_count(self):
        # (File names without the word "head", which the message is checked for.)
        x2 = self.save("x_two.npy", self.rng.standard_normal((2, 4, 3)))
        x3 = self.save("x_three.npy", self.rng.standard_normal((3, 4, 3)))
        x1 = self.save("x_plain.npy", self.rng.standard_normal((4, 3)))
        v2 = self.save("values_two.npy", self.rng.standard_normal((2, 4, 5)))
        v3 = self.save("values_three.npy", self.rng.standard_normal((3, 4, 5)))
        for xp, vp in ((x3, v2), (x2, v3), (x1, v3)):
            with self.subTest(input=os.path.basename(xp), values=os.path.basename(vp)):
                yp = self.path("y.npy")
                self.fails(IO, "weights", "-i", xp, "--values", vp, "--outputs", yp, "-o", self.path("w.npy"),
                           names=[vp], regex=[r"(?i)head"])
                self.assertFalse(os.path.exists(yp))

    def test_newline_in_npy_header_gives_one_error_line(self):
        # A dtype text with a newline inside, echoed into the message, must not make two lines.
        header = "{'descr': '<f\n8', 'fortran_order': False, 'shape': (2, 2), }"
        p = self.write_bytes("newline_descr.npy", npy_bytes(header, np.ones(4).tobytes()))
        self.fails(IO, "weights", "-i", p, "-o", self.path("w.npy"), names=[p])

    def test_cr_only_csv_error_has_no_control_characters(self):
        # Old Mac line endings (CR only): if refused, the echoed text must not carry a carriage
        # return (a terminal would overwrite the "error:" prefix with the rest of the line).
        p = self.write_bytes("cr_only.csv", b"1,2\r3,4\r")
        proc = self.run_cli("weights", "-i", p, "-o", self.path("w.npy"))
        if proc.returncode:
            self.assertEqual(proc.returncode, IO)
            message = proc.stderr.rstrip("\n")
            self.assertIn("cr_only.csv", message)
            self.assertFalse(any(ord(c) < 0x20 or c == "\x7f" for c in message),
                             "control character in the error line: %r" % proc.stderr)

    def test_stack_input_to_single_matrix_commands(self):
        hp = self.save("stack3d.npy", self.rng.standard_normal((2, 4, 3)))
        self.fails(IO, "invariance", "-i", hp, names=[hp])
        self.fails(IO, "noise", "-i", hp, "--draws", "2", names=[hp])
        out = self.path("stack_out.csv")
        self.fails(IO, "weights", "-i", hp, "-o", out, names=[out])  # a stack cannot be CSV

    # ---- Outputs that cannot be written

    def test_unwritable_output(self):
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        missing_dir = self.path("no_such_dir")
        for out in (os.path.join(missing_dir, "w.npy"), os.path.join(missing_dir, "w.csv")):
            self.fails(IO, "weights", "-i", xp, "-o", out, names=[out])
        out_dir = self.path("out_is_dir.npy")
        os.mkdir(out_dir)
        before = self.listing()
        self.fails(IO, "weights", "-i", xp, "-o", out_dir, names=[out_dir])
        self.assertTrue(os.path.isdir(out_dir))
        self.assertEqual(os.listdir(out_dir), [])
        self.assertEqual(self.listing(), before, "a temporary file was left behind")
        # --outputs, --json and generate --out in a missing directory or onto a directory.
        vp = self.save("v.npy", self.rng.standard_normal((4, 2)))
        yp = os.path.join(missing_dir, "y.npy")
        self.fails(IO, "weights", "-i", xp, "--values", vp, "--outputs", yp, "-o", self.path("w.npy"), names=[yp])
        jp = os.path.join(missing_dir, "inv.json")
        self.fails(IO, "invariance", "-i", xp, "--methods", "exp", "--json", jp, names=[jp])
        self.fails(IO, "invariance", "-i", xp, "--methods", "exp", "--json", out_dir, names=[out_dir])
        jp = os.path.join(missing_dir, "noise.json")
        self.fails(IO, "noise", "-i", xp, "--methods", "exp", "--draws", "2", "--json", jp, names=[jp])
        gp = os.path.join(missing_dir, "gen.npy")
        self.fails(IO, "generate", "--n", "4", "--d", "2", "--out", gp, names=[gp])
        self.fails(IO, "generate", "--n", "4", "--d", "2", "--out", out_dir, names=[out_dir])
        self.assertFalse(os.path.exists(missing_dir))
        # A regular file used as a directory.
        under_file = os.path.join(xp, "w.npy")
        self.fails(IO, "weights", "-i", xp, "-o", under_file, names=[under_file])

    def test_failed_write_is_atomic(self):
        """A write that fails part-way (file size limit, so the OS refuses the bytes) must leave the
        existing output intact and no temporary file behind."""
        small = self.save("small.npy", self.rng.standard_normal((3, 2)))
        big = self.save("big.npy", self.rng.standard_normal((400, 2)))  # W: 400 x 400
        limit = 64 * 1024  # smaller than W of `big`, larger than every input file

        def limit_file_size():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death by SIGXFSZ
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        for out_name in ("kept.npy", "kept.csv"):
            out = self.path(out_name)
            self.ok("weights", "-i", small, "-o", out)
            with open(out, "rb") as f:
                original = f.read()
            before = self.listing()
            args = ("weights", "-i", big, "-o", out)
            proc = self.run_cli(*args, preexec_fn=limit_file_size)
            self.assertEqual(proc.returncode, IO, describe(args, proc))
            self.assertIn(out_name, proc.stderr, describe(args, proc))
            with open(out, "rb") as f:
                self.assertEqual(f.read(), original, "a failed write destroyed the existing " + out_name)
            self.assertEqual(self.listing(), before, "a failed write left a temporary file behind")

        # The same for --outputs (W is written first and succeeds; Y fails).
        yp = self.path("y_kept.npy")
        np.save(yp, np.zeros((2, 2)))
        with open(yp, "rb") as f:
            original = f.read()
        wp = self.path("w_small_enough.csv")
        args = ("weights", "-i", big, "--keys", small, "--values", self.save("v3.npy", self.rng.standard_normal((3, 40))),
                "--outputs", yp, "-o", wp, "--double")
        # W is 400 x 3 (small), Y is 400 x 40 doubles = 128000 bytes > limit.
        before = self.listing()
        proc = self.run_cli(*args, preexec_fn=limit_file_size)
        self.assertEqual(proc.returncode, IO, describe(args, proc))
        self.assertIn("y_kept.npy", proc.stderr, describe(args, proc))
        with open(yp, "rb") as f:
            self.assertEqual(f.read(), original, "a failed write destroyed the existing outputs file")
        leftovers = [n for n in self.listing() if n not in before and n != "w_small_enough.csv"]
        self.assertEqual(leftovers, [], "a failed write left a temporary file behind")

    def test_failed_input_keeps_existing_output(self):
        out = self.path("w.npy")
        np.save(out, np.eye(2))
        with open(out, "rb") as f:
            original = f.read()
        p = self.write_text("ragged.csv", "1,2\n3\n")
        self.weights_fails(IO, p)
        self.fails(USAGE, "weights", "-i", self.save("x.npy", np.ones((2, 2))), "-o", out, "--method", "nope")
        with open(out, "rb") as f:
            self.assertEqual(f.read(), original)

    # ---- Usage errors

    def test_unknown_method_score_mask(self):
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        out = self.path("w.npy")
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--method", "nosuchmethod", contains=["nosuchmethod"])
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--score", "nosuchscore", contains=["nosuchscore"])
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--mask", "nosuchmask", contains=["nosuchmask"])
        self.fails(USAGE, "invariance", "-i", xp, "--methods", "exp,nosuchmethod", contains=["nosuchmethod"])
        self.fails(USAGE, "invariance", "-i", xp, "--score", "nosuchscore", contains=["nosuchscore"])
        self.fails(USAGE, "noise", "-i", xp, "--methods", "nosuchmethod", contains=["nosuchmethod"])
        self.fails(USAGE, "noise", "-i", xp, "--target", "nosuchtarget", contains=["nosuchtarget"])
        self.fails(USAGE, "noise", "-i", xp, "--mask", "nosuchmask", contains=["nosuchmask"])
        self.assertFalse(os.path.exists(out))

    def test_formula_syntax_error(self):
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        out = self.path("w.npy")
        cases = {
            "custom:z+*2": "Unexpected operator",      # muParser's own message
            "custom:exp(z": "parenthesis",
            "custom:foo(z)": "foo",
        }
        for method, parser_text in cases.items():
            self.fails(USAGE, "weights", "-i", xp, "-o", out, "--method", method,
                       contains=[parser_text], regex=[r"(?i)(position|character|column)\s*\d+"])
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--method", "custom:")
        self.fails(USAGE, "invariance", "-i", xp, "--methods", "exp,custom:z+*2",
                   contains=["Unexpected operator"], regex=[r"(?i)(position|character|column)\s*\d+"])

    def test_bad_method_parameters(self):
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        out = self.path("w.npy")
        for method in ("power:0", "sinkhorn:0", "exp-plus:-1", "power:-2", "power:abc", "power:nan",
                       "power:inf", "sinkhorn:1.5", "sinkhorn:-3", "exp-plus:nan", "exp-plus:"):
            self.fails(USAGE, "weights", "-i", xp, "-o", out, "--method", method)
        self.assertFalse(os.path.exists(out))

    def test_bad_numeric_options(self):
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        out = self.path("w.npy")
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--alpha", "nan")
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--alpha", "inf")
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--alpha", "abc")
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--shift", "nan")
        self.fails(USAGE, "weights", "-i", xp, "-o", out, "--threads", "-1")
        self.fails(USAGE, "invariance", "-i", xp, "--shifts", "1,nan")
        self.fails(USAGE, "invariance", "-i", xp, "--shifts", "1,x")
        self.fails(USAGE, "noise", "-i", xp, "--draws", "0")
        self.fails(USAGE, "noise", "-i", xp, "--global-rms", "-1")
        self.fails(USAGE, "noise", "-i", xp, "--local-rms", "nan")
        self.assertFalse(os.path.exists(out))

    def test_unknown_flag_and_missing_arguments(self):
        xp = self.save("x.npy", self.rng.standard_normal((4, 3)))
        self.fails(USAGE, "weights", "-i", xp, "-o", self.path("w.npy"), "--bogus-flag", contains=["--bogus-flag"])
        self.fails(USAGE, "functions", "--bogus-flag")
        self.fails(USAGE, "weights", "-o", self.path("w.npy"))          # --input missing
        self.fails(USAGE, "weights", "-i", xp)                          # --out missing
        self.fails(USAGE, "nosuchcommand")
        self.fails(USAGE)                                               # no subcommand
        self.fails(USAGE, "weights", "-i", xp, "-o", self.path("w.npy"), "--values", xp)  # no --outputs
        self.fails(USAGE, "weights", "-i", xp, "-o", self.path("w.npy"), "--outputs", self.path("y.npy"))


# ---------------------------------------------------------------------------------------------
# 3. Crashes: odd inputs and parameters must give 0, 2 or 3 (checked in run_cli), never a signal.

class CrashTests(CliTestCase):
    def test_npy_truncated_at_every_length(self):
        p0 = self.path("src.npy")
        np.save(p0, self.rng.standard_normal((3, 2)))
        with open(p0, "rb") as f:
            data = f.read()
        for cut in range(len(data)):
            p = self.write_bytes("cut.npy", data[:cut])
            self.fails(IO, "weights", "-i", p, "-o", self.path("w.npy"), names=[p])

    def test_npy_mutated_bytes(self):
        p0 = self.path("src.npy")
        np.save(p0, self.rng.standard_normal((3, 2)))
        with open(p0, "rb") as f:
            data = bytearray(f.read())
        rng = np.random.default_rng(99)
        for trial in range(150):
            mutated = bytearray(data)
            for _ in range(int(rng.integers(1, 4))):
                k = int(rng.integers(0, 128 if trial % 3 else len(data)))
                mutated[k] = int(rng.integers(0, 256))
            p = self.write_bytes("mutated.npy", bytes(mutated))
            proc = self.run_cli("weights", "-i", p, "-o", self.path("w.npy"))
            self.assertIn(proc.returncode, (0, IO), "trial %d: %r\n%s" % (trial, bytes(mutated[:128]), proc.stderr))
            if proc.returncode:
                self.assertIn("mutated.npy", proc.stderr)

    def test_npy_trailing_bytes(self):
        data = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", np.ones(5).tobytes())
        p = self.write_bytes("trailing.npy", data)
        self.run_cli("weights", "-i", p, "-o", self.path("w.npy"))

    def test_npy_odd_headers(self):
        headers = [
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999999, 2), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 0, 0), }",
            "{'descr': '<f8', 'fortran_order': True, 'shape': (), }",
            "{'descr': '', 'fortran_order': False, 'shape': (2, 2), }",
            "{'descr': '<f', 'fortran_order': False, 'shape': (2, 2), }",
            "{'descr': '<f999999999999999999999', 'fortran_order': False, 'shape': (2, 2), }",
            "{'descr': 'f8', 'fortran_order': False, 'shape': (2, 2), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'shape': (4, 4), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,, 2), }",
            "{'descr': '<f8' 'fortran_order': False, 'shape': (2, 2), }",
            "{" * 5000,
            "{'" + "a" * 100000,
        ]
        for k, header in enumerate(headers):
            p = self.write_bytes("odd_%d.npy" % k, npy_bytes(header, np.ones(4).tobytes(),
                                                             version=(2, 0) if len(header) > 60000 else (1, 0)))
            proc = self.run_cli("weights", "-i", p, "-o", self.path("w.npy"))
            if proc.returncode:
                self.assertEqual(proc.returncode, IO, describe([p], proc))
                self.assertIn("odd_%d.npy" % k, proc.stderr)

    def test_csv_junk(self):
        junk = [
            "\x00\x01\x02", ",,,\n", ",\n,\n", "1,2\n\x00,3\n", "1e-400,2\n3,4\n", "0x10,2\n3,4\n",
            "   \n\t\n", "1," * 10000 + "1\n", "1\n" * 500, "\xef\xbb\xbf1,2\n3,4\n", "1 2\n3 4\n",
            "-,+\n", "1e,2\n", "nan(123),1\n", "infinity,1\n", "1,2,\n3,4,\n",
        ]
        for k, text in enumerate(junk):
            p = self.write_bytes("junk_%d.csv" % k, text.encode("latin1", "replace"))
            proc = self.run_cli("weights", "-i", p, "-o", self.path("w.npy"))
            if proc.returncode:
                self.assertEqual(proc.returncode, IO, describe([p, repr(text[:40])], proc))
                self.assertIn("junk_%d.csv" % k, proc.stderr)

    def test_extreme_parameters(self):
        xp = self.save("x.npy", self.rng.standard_normal((6, 3)) * 10)
        zp = self.save("zeros.npy", np.zeros((4, 3)))
        out = self.path("w.npy")
        for input_path in (xp, zp):
            for extra in (("--alpha", "1e308"), ("--alpha", "-1e308"), ("--alpha", "0"), ("--shift", "1e308"),
                          ("--shift", "-1e308"), ("--alpha", "1e30", "--double"), ("--score", "cosine"),
                          ("--score", "neg-sqdist", "--alpha", "1e300"), ("--method", "custom:log(z)"),
                          ("--method", "custom:-exp(z)"), ("--method", "custom:0"), ("--method", "custom:1/z"),
                          ("--method", "power:1e300"), ("--method", "sinkhorn:10000"),
                          ("--method", "exp-plus:1e308"), ("--method", "relu", "--mask", "causal"),
                          ("--method", "sparsemax", "--alpha", "1e308"), ("--method", "entmax15", "--shift", "1e308"),
                          ("--method", "doubly-normalized", "--alpha", "1e308"), ("--threads", "64")):
                args = ("weights", "-i", input_path, "-o", out) + extra
                proc = self.run_cli(*args)
                self.assertEqual(proc.returncode, 0, describe(args, proc))
                w = np.load(out)
                self.assertEqual(w.shape, (6, 6) if input_path == xp else (4, 4), describe(args, proc))
                # Every row is a probability vector or all NaN (undefined, with a warning).
                for i, row in enumerate(w):
                    if np.all(np.isnan(row)):
                        self.assertIn("warning", proc.stderr.lower(), describe(args, proc))
                    else:
                        self.assertTrue(np.all(np.isfinite(row)) and np.all(row >= 0), describe(args, proc))
                        self.assertAlmostEqual(float(row.sum()), 1.0, places=4, msg=describe(args, proc))

    def test_too_large_requests(self):
        self.run_cli("weights", "-i", self.save("y.npy", np.ones((2, 2))), "-o", "")
        self.run_cli("weights", "-i", "", "-o", self.path("w.npy"))
        self.run_cli("generate", "--n", "100000000", "--d", "100000000", "--out", self.path("g.npy"))
        self.run_cli("generate", "--n", "-5", "--d", "2", "--out", self.path("g.npy"))
        self.run_cli("bench", "--n", "10000000", "--d", "1", "--repeat", "1")
        self.run_cli("bench", "--n", "-1", "--d", "1")
        self.run_cli("noise", "-i", self.save("x.npy", np.ones((3, 2))), "--draws", "-5")
        self.run_cli("invariance", "-i", self.path("x.npy"), "--shifts", "1e308", "--methods", "exp,relu")
        self.run_cli("invariance", "-i", self.path("x.npy"), "--shifts", "")


def main():
    global CLI
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="path of the attention-cli executable")
    args, rest = parser.parse_known_args()
    CLI = os.path.abspath(args.cli)
    if not (os.path.isfile(CLI) and os.access(CLI, os.X_OK)):
        sys.exit("cli_test.py: %s is not an executable" % CLI)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
