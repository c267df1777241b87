"""Shared by the exporter's tests: a TestCase with a scratch directory, the exporter imported from
tools/, an export that records the exporter's notices, and attention-cli where today's CLI can check a
file (masks 'none' and 'causal')."""
import argparse
import os
import subprocess
import sys
import tempfile
import unittest
import warnings

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_attention  # noqa: E402
import model_file_reference as ref  # noqa: E402

CLI = None  # set by main()
TOLERANCE = 1e-6

torch.set_num_threads(1)  # the machine is shared with compilers


class ExportTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ax-export-test-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def export(self, model, inputs, name="run.npz", **kwargs):
        """Exports, and returns (groups as model_file_reference.load gives them, the notices)."""
        path = self.path(name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            export_attention.export(model, inputs, path, **kwargs)
        notice = getattr(export_attention, "ExportNotice", UserWarning)  # format-1 exporters had none
        notices = [str(w.message) for w in caught if issubclass(w.category, notice)]
        groups = ref.load(path)
        for group, members in groups.items():
            ref.check_members(self, members, where=f"{group}/" if group else "")
        return groups, notices

    def assert_reproduces(self, members, tolerance=TOLERANCE, where=""):
        """The file's q, k and masks give the file's weights; returns the worst gap."""
        gap, undefined_file, undefined_rec = ref.worst_gap(members)
        np.testing.assert_array_equal(undefined_file, undefined_rec, f"{where}: undefined rows agree")
        self.assertLess(gap, tolerance, f"{where}: worst |W_recomputed - W_model|")
        return gap

    def assert_notice(self, notices, *words):
        for notice in notices:
            if all(w.lower() in notice.lower() for w in words):
                return notice
        self.fail(f"no notice mentions {words}; notices: {notices}")

    def cli(self, *args, expect=0):
        self.assertIsNotNone(CLI, "run with --cli build/bin/attention-cli")
        proc = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, expect, proc.stderr)
        return proc

    def assert_cli_reproduces(self, path, members, prefix="", mask=None):
        """Today's CLI on the file's q and k (it applies 'none' or 'causal' by flag, not the file's masks)."""
        mask = mask or ref.text(members, "mask")[0]
        out = self.path("cli_w.npy")
        self.cli("weights", "-i", f"{path}:{prefix}q", "-k", f"{path}:{prefix}k", "--mask", mask, "--double", "-o", out)
        got, want = np.load(out), members["weights"].astype(np.float64)
        self.assertEqual(got.shape, want.shape)
        both = ~np.isnan(got) & ~np.isnan(want)
        self.assertLess(np.abs(got - want)[both].max(), TOLERANCE, f"attention-cli on {path}:{prefix}q")
        return float(np.abs(got - want)[both].max())


def main():
    global CLI
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", help="build/bin/attention-cli (tests that use it fail without it)")
    args, rest = parser.parse_known_args()
    CLI = os.path.abspath(args.cli) if args.cli else None
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
