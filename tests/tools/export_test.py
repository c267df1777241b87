#!/usr/bin/python3
"""tools/export_attention.py end to end: export the demo model (and a custom module through an
adapter), then check that attention-cli recomputes every exported head's weights from its Q and K
to 1e-6, causal mask included.

    /usr/bin/python3 tests/tools/export_test.py --cli build/bin/attention-cli
"""
import argparse
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_attention  # noqa: E402

CLI = None
TOLERANCE = 1e-6


class TinyAttention(nn.Module):
    """A custom attention module (not nn.MultiheadAttention): 2 heads, cosine-free dot product."""

    def __init__(self, width=6, heads=2):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(width, width)

    def split(self, t):
        return t.reshape(t.shape[0], self.heads, -1).transpose(0, 1)

    def forward(self, x):
        q, k = self.split(self.q(x)), self.split(self.k(x))
        w = torch.softmax(q @ k.transpose(1, 2) / q.shape[-1] ** 0.5, dim=-1)
        return (w @ self.split(x)).transpose(0, 1).reshape(x.shape)


def tiny_adapter(module, inputs, output):
    x = inputs[0]
    q, k = module.split(module.q(x)), module.split(module.k(x))
    return {"q": q, "k": k, "weights": torch.softmax(q @ k.transpose(1, 2) / q.shape[-1] ** 0.5, dim=-1)}


class ExportTests(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ax-export-test-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def cli(self, *args):
        proc = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc

    def check_engine_reproduces(self, path, mask):
        z = np.load(path)
        self.assertEqual(str(z["mask"][0]), mask)
        w = z["weights"].astype(np.float64)
        layers, heads = w.shape[:2]
        # The whole stack in one run: a 4-D input gives a 4-D output.
        whole = os.path.join(self.dir, "whole.npy")
        self.cli("weights", "-i", path + ":q", "-k", path + ":k", "--mask", mask, "--double", "-o", whole)
        np.testing.assert_allclose(np.load(whole), w, rtol=0, atol=TOLERANCE)
        # Every head by itself, through --layer and --head.
        for layer in range(layers):
            for head in range(heads):
                one = os.path.join(self.dir, f"w_{layer}_{head}.npy")
                self.cli("weights", "-i", path + ":q", "-k", path + ":k", "--layer", layer, "--head", head,
                         "--mask", mask, "--double", "-o", one)
                got = np.load(one)
                self.assertEqual(got.shape, w.shape[2:])
                self.assertLess(np.abs(got - w[layer, head]).max(), TOLERANCE, f"layer {layer}, head {head}")
        if mask == "causal":
            self.assertEqual(np.triu(w[0, 0], 1).max(), 0.0, "the model's own weights are causal")
            self.assertEqual(np.triu(np.load(os.path.join(self.dir, "w_0_0.npy")), 1).max(), 0.0)

    def test_demo_from_the_command_line_causal(self):
        path = os.path.join(self.dir, "causal.npz")
        proc = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_attention.py"), "--demo", path,
                               "--causal"], capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        z = np.load(path)
        self.assertEqual(z["q"].shape, (2, 4, 12, 8))
        self.assertEqual(list(z["tokens"]), export_attention.DEMO_TOKENS)
        self.assertEqual(list(z["layer_names"]), ["encoder.layers.0.self_attn", "encoder.layers.1.self_attn"])
        self.check_engine_reproduces(path, "causal")

    def test_demo_as_a_module_without_mask(self):
        path = os.path.join(self.dir, "plain.npz")
        export_attention.export_demo(path, causal=False, seed=3)
        self.check_engine_reproduces(path, "none")
        # Without a mask the weights are dense: the two runs really differ.
        self.assertGreater(np.triu(np.load(path)["weights"][0, 0], 1).max(), 0.0)

    def test_hooks_are_removed_and_outputs_unchanged(self):
        torch.manual_seed(0)
        model = export_attention.DemoModel(5).eval()
        ids = torch.tensor([[0, 1, 2, 3, 4]])
        with torch.no_grad():
            before = model(ids)
        export_attention.export(model, (ids,), os.path.join(self.dir, "m.npz"))
        for module in model.modules():
            self.assertNotIn("forward", vars(module), "the recorder's wrapper must be gone")
        with torch.no_grad():
            torch.testing.assert_close(model(ids), before)

    def test_custom_module_through_an_adapter(self):
        torch.manual_seed(1)
        model = nn.Sequential(TinyAttention(), TinyAttention())
        path = os.path.join(self.dir, "tiny.npz")
        export_attention.export(model, (torch.randn(7, 6),), path, adapters={"TinyAttention": tiny_adapter},
                                tokens=list("abcdefg"))
        z = np.load(path)
        self.assertEqual(z["weights"].shape, (2, 2, 7, 7))
        self.assertEqual(list(z["layer_names"]), ["0", "1"])
        self.check_engine_reproduces(path, "none")

    def test_adapter_without_keys_is_an_error(self):
        model = nn.Sequential(TinyAttention())
        with self.assertRaisesRegex(ValueError, r"returned no \['k'\]"):
            export_attention.export(model, (torch.randn(3, 6),), os.path.join(self.dir, "x.npz"),
                                    adapters={"TinyAttention": lambda m, i, o: {"q": i[0]}})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    args, rest = parser.parse_known_args()
    CLI = os.path.abspath(args.cli)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
