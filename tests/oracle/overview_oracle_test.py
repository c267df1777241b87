#!/usr/bin/python3
"""Numerical oracle for `attention-cli overview`: the pooled image equals block max / block mean
computed in NumPy, on both paths (streamed from vectors with --input/--keys, and pooled from a
weight file with --weights), at sizes the pixels do not divide, with the causal mask, with
undefined rows and with windows (--rows, --cols), plus the difference views of a shift.

The reference W comes from the oracle of oracle_test.py (independent NumPy definitions of every
method). Pixel (r, c) covers rows floor(r n / P) .. floor((r + 1) n / P) - 1 of the window and the
same for keys; a block's max and mean are numpy.nanmax / numpy.nanmean over its cells, with the
rows of undefined weights NaN, and NaN when every cell is undefined.

Prints one line per case and exits 1 listing every failing case.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_test import oracle_weights  # noqa: E402

# The image is float32; the engine's W is float32 or float64.
TOL = {"double": 2e-7, "float": 3e-6}


def blocks(begin, end, pixels):
    n = end - begin
    p = min(pixels, n)
    return [(begin + k * n // p, begin + (k + 1) * n // p) for k in range(p)]


def pooled(values, window, pixels, reduce, signed=False):
    """The reference image of `values` (NaN rows undefined) on a window ((r0, r1), (c0, c1)), and
    the other acceptable value of each pixel: for the signed view, when +x and -x tie in magnitude
    (a causal row with two keys changes by +x and -x exactly), rounding may pick either."""
    (r0, r1), (c0, c1) = window
    rows, cols = blocks(r0, r1, pixels), blocks(c0, c1, pixels)
    out = np.full((len(rows), len(cols)), np.nan)
    other = out.copy()
    for a, (i0, i1) in enumerate(rows):
        for b, (j0, j1) in enumerate(cols):
            block = values[i0:i1, j0:j1]
            if np.all(np.isnan(block)):
                continue
            if reduce == "mean":
                out[a, b] = np.nanmean(block)
            elif signed:
                flat = block.ravel()
                out[a, b] = flat[np.nanargmax(np.abs(flat))]
                if np.any(np.abs(flat + out[a, b]) <= 1e-12):
                    other[a, b] = -out[a, b]
            else:
                out[a, b] = np.nanmax(block)
    return out, other


def run_cli(cli, args):
    proc = subprocess.run([cli] + [str(a) for a in args], capture_output=True, text=True)
    return proc.returncode, proc.stderr


class Case:
    def __init__(self, source, inputs, method, mask, pixels, reduce, precision="double", window=None,
                 shift=0.0, view="weights"):
        self.source, self.inputs, self.method, self.mask = source, inputs, method, mask
        self.pixels, self.reduce, self.precision, self.window = pixels, reduce, precision, window
        self.shift, self.view = shift, view

    def name(self):
        w = f" rows={self.window[0]} cols={self.window[1]}" if self.window else ""
        v = f" view={self.view} shift={self.shift}" if self.view != "weights" else ""
        return (f"{self.source:7s} {self.precision:6s} {self.inputs:6s} {self.method:12s} mask={self.mask:6s} "
                f"P={self.pixels:<3d} {self.reduce}{w}{v}")


def check(cli, case, files, arrays, workdir, index):
    Q, K = arrays[case.inputs]
    if case.precision == "float":
        Q, K = Q.astype(np.float32).astype(np.float64), K.astype(np.float32).astype(np.float64)
    W, _ = oracle_weights(Q, K, "dot", 0.8, case.shift, case.method, case.mask)
    n, m = W.shape
    values = W
    if case.view != "weights":
        W0, _ = oracle_weights(Q, K, "dot", 0.8, 0.0, case.method, case.mask)
        values = W - W0
        if case.view == "abs-difference":
            values = np.abs(values)
    window = case.window or ((0, n), (0, m))
    expected, other = pooled(values, window, case.pixels, case.reduce, signed=case.view == "signed-difference")

    out = os.path.join(workdir, f"o{index}.npy")
    args = ["overview", "--pixels", case.pixels, "--reduce", case.reduce, "--out", out]
    if case.source == "stream":
        q_path, k_path = files[case.inputs]
        args += ["--input", q_path, "--score", "dot", "--alpha", 0.8, "--method", case.method,
                 "--shift", case.shift, "--view", case.view]
        if k_path:
            args += ["--keys", k_path]
        if case.mask != "none":
            args += ["--mask", case.mask]
        if case.precision == "double":
            args.append("--double")
    else:
        w_path = os.path.join(workdir, f"w{index}.npy")
        np.save(w_path, W)
        args += ["--weights", w_path]
    if case.window:
        args += ["--rows", f"{window[0][0]}:{window[0][1]}", "--cols", f"{window[1][0]}:{window[1][1]}"]
    rc, err = run_cli(cli, args)
    command = "attention-cli " + " ".join(str(a) for a in args)
    if rc != 0:
        return f"FAIL {case.name()}: exit {rc}: {err.strip()}\n     {command}", False
    got = np.load(out).astype(np.float64)
    if got.shape != expected.shape:
        return f"FAIL {case.name()}: shape {got.shape}, expected {expected.shape}\n     {command}", False
    nan_got, nan_expected = np.isnan(got), np.isnan(expected)
    if not np.array_equal(nan_got, nan_expected):
        where = np.argwhere(nan_got != nan_expected)[0]
        return (f"FAIL {case.name()}: NaN pattern differs first at pixel {tuple(where)} "
                f"(cli {got[tuple(where)]}, numpy {expected[tuple(where)]})\n     {command}"), False
    error = np.abs(got - expected)
    tie = ~np.isnan(other)
    error[tie] = np.minimum(error[tie], np.abs(got - other)[tie])
    diff = float(np.max(error[~nan_got], initial=0.0))
    undefined = int(np.isnan(values[:, 0]).sum())
    if diff > TOL[case.precision]:
        return f"FAIL {case.name()}: max diff {diff:.3e} > {TOL[case.precision]:g}\n     {command}", False
    if undefined and "warning" not in err:
        return f"FAIL {case.name()}: {undefined} undefined rows but no warning\n     {command}", False
    return f"ok   {case.name()}  maxdiff={diff:.2e} undefined_rows={undefined} nan_pixels={int(nan_got.sum())}", True


def build_cases():
    cases = []
    for source in ("stream", "weights"):
        for method in ("exp", "relu", "sparsemax", "entmax15", "sinkhorn:3", "custom:exp(2*z)"):
            for mask in ("none", "causal"):
                for pixels, reduce in ((7, "max"), (7, "mean"), (5, "max"), (100, "mean")):
                    cases.append(Case(source, "qk", method, mask, pixels, reduce))
        cases.append(Case(source, "signs", "relu", "none", 6, "max"))
        cases.append(Case(source, "signs", "relu", "none", 6, "mean"))
        cases.append(Case(source, "signs", "relu", "none", 40, "max"))  # one row per pixel: NaN pixels
        cases.append(Case(source, "signs", "relu", "causal", 16, "mean"))
        cases.append(Case(source, "self", "exp", "causal", 9, "max", window=((3, 40), (2, 31))))
        cases.append(Case(source, "signs", "relu", "causal", 4, "mean", window=((1, 30), (5, 29))))
    for precision in ("double", "float"):
        cases.append(Case("stream", "qk", "exp", "none", 8, "max", precision=precision))
        cases.append(Case("stream", "qk", "exp", "none", 8, "mean", precision=precision))
    for view in ("abs-difference", "signed-difference"):
        for method in ("relu", "softplus"):
            for reduce in ("max", "mean"):
                cases.append(Case("stream", "signs", method, "causal", 6, reduce, shift=0.7, view=view))
    # Several panels of keys (32 or 64 a panel): under the causal mask the streamed rows skip the
    # panels above the diagonal and the pixels past a row's last key are pooled without reading.
    for precision in ("double", "float"):
        for method in ("exp", "softplus", "sparsemax"):
            for reduce in ("max", "mean"):
                cases.append(Case("stream", "long", method, "causal", 37, reduce, precision=precision))
                cases.append(Case("stream", "long", method, "causal", 23, reduce, precision=precision,
                                  window=((40, 290), (70, 260))))
        for view in ("abs-difference", "signed-difference"):
            cases.append(Case("stream", "long", "exp", "causal", 29, "max", precision=precision, shift=0.7,
                              view=view))
    return cases


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", default=os.path.join(here, "..", "..", "build", "bin", "attention-cli"))
    opts = parser.parse_args()
    if not os.access(opts.cli, os.X_OK):
        print(f"attention-cli not found or not executable: {opts.cli}", file=sys.stderr)
        return 2

    rng = np.random.default_rng(808)
    Q = rng.normal(0.0, 0.6, (37, 6))    # 37 x 29: no pixel count used here divides either
    K = rng.normal(0.0, 0.6, (29, 6))
    X = rng.normal(0.0, 0.6, (43, 6))
    # Keys with positive entries and some queries with negative entries: relu's rows 4, 11 and
    # 30 see only negative scores and are undefined (0/0).
    Ks = np.abs(rng.normal(0.0, 0.6, (31, 6)))
    Qs = rng.normal(0.0, 0.6, (33, 6))
    for i in (4, 11, 30):
        Qs[i] = -np.abs(Qs[i])
    QL = rng.normal(0.0, 0.6, (300, 6))  # 300 queries x 280 keys: several panels either way
    KL = rng.normal(0.0, 0.6, (280, 6))
    arrays = {"qk": (Q, K), "self": (X, X), "signs": (Qs, Ks), "long": (QL, KL)}

    failures = []
    with tempfile.TemporaryDirectory(prefix="attn_overview_oracle_") as tmp:
        files = {}
        for name, (a, b) in arrays.items():
            qa = os.path.join(tmp, f"{name}_q.npy")
            np.save(qa, a)
            kb = None
            if name != "self":
                kb = os.path.join(tmp, f"{name}_k.npy")
                np.save(kb, b)
            files[name] = (qa, kb)
        undefined_seen = nan_pixels_seen = 0
        for index, case in enumerate(build_cases()):
            line, ok = check(opts.cli, case, files, arrays, tmp, index)
            print(line)
            if not ok:
                failures.append(case.name())
            else:
                undefined_seen += "undefined_rows=0" not in line
                nan_pixels_seen += "nan_pixels=0" not in line
    if undefined_seen < 4 or nan_pixels_seen < 2:
        failures.append(f"only {undefined_seen} cases had undefined rows and {nan_pixels_seen} had NaN pixels: "
                        "the test lost its point")
    if failures:
        print(f"\n{len(failures)} failing case(s):")
        for f in failures:
            print("  " + f)
        return 1
    print("\nall overview cases agree with numpy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
