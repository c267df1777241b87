#!/usr/bin/python3
"""Times the engine against PyTorch on the same sizes, in the same run, and prints the ratios.

Two pairs, each side computing float32 softmax attention weights W = softmax(a q k^T), a = 1/sqrt(d),
the full n x n matrix, on the same number of threads (2 by default):
  - allocating: torch.softmax(q @ k.T * a, -1), a new result every call, against
    `attention-cli bench --fresh`, which also allocates its result every run;
  - preallocated: torch.mm(q * a, k.T, out=W) then torch.softmax(W, -1, out=W) into one reused
    W (the fastest of torch's out= spellings we measured), against `attention-cli bench`, which
    writes into one reused result as the app does on every edit.
Torch runs on Debian's python3-torch, its matrix product by OpenBLAS (libopenblas0-pthread).
Targets: allocating, at least 2x, 2x and 3x at n = 1024, 2048, 4096 (d = 64); preallocated, at
least 2.2x at n = 1024, d = 64, 1.6x at n = 4096, d = 64 and 2.5x at n = 4096, d = 16.

A third pair has the engine as its own peer: `attention-cli bench --mask causal` (which never
scores the keys above the diagonal) against the unmasked `attention-cli bench`, into a reused
result; target: the causal run takes at most 0.6x the unmasked time at n = 4096, d = 64.

Beside each engine time: the GFLOP/s of its products (2 d flops per scored query-key pair) and
the share of the machine's FMA peak that is, measured in the same run by build/bin/machine_peak
(next to attention-cli) when it is there.

Torch and the engine are timed alternately, in several rounds (torch first in odd rounds, the
engine first in even ones), so drift in the machine's load hits both; each reported time is the
median over rounds of per-round medians.

Run with Debian's interpreter (the first python3 on PATH may be a pyenv one without torch):
    /usr/bin/python3 bench/compare_torch.py [--cli build-bench/bin/attention-cli]
On a machine shared with other work, run it under `nice -n -19` (as root), or the load decides.

Before timing, both compute the weights of one small input and must agree (max |diff| < 1e-5).

Exit status: 0 when the comparison ran (targets met or not, unless --strict), 1 when --strict and
a target was missed, 2 when torch, OpenBLAS or attention-cli is missing, attention-cli fails, or
the two results disagree.
"""
import argparse
import math
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ALLOCATING_TARGETS = {(1024, 64): 2.0, (2048, 64): 2.0, (4096, 64): 3.0}
PREALLOCATED_TARGETS = {(1024, 64): 2.2, (4096, 64): 1.6, (4096, 16): 2.5}
CAUSAL_TARGETS = {(4096, 64): 0.6}  # causal time / unmasked time, at most
INSTALL_HINT = "install with: apt-get install python3-torch libopenblas0-pthread (and run /usr/bin/python3)"
ROOT = pathlib.Path(__file__).resolve().parent.parent


def fail(message):
    print(f"compare_torch: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cli", help="attention-cli to time (default: build-bench/bin or build/bin under the repository)")
    p.add_argument("--cases", default="1024x64,2048x64,4096x64,4096x16",
                   help="comma-separated n x d (default: %(default)s)")
    p.add_argument("--threads", type=int, default=2, help="threads for both torch and the engine (default: %(default)s)")
    p.add_argument("--repeat", type=int, default=0, help="timed runs per round (default: 20, 15, 9 by size)")
    p.add_argument("--rounds", type=int, default=5, help="rounds, each timing torch and the engine (default: %(default)s)")
    p.add_argument("--causal-cases", default="2048x64,4096x64",
                   help="n x d for the causal-against-unmasked pair (default: %(default)s; empty: none)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return p.parse_args()


def find_cli(given):
    if given:
        path = pathlib.Path(given)
        if not path.is_file():
            fail(f"no attention-cli at {path}")
        return path
    for build in ("build-bench", "build"):
        path = ROOT / build / "bin" / "attention-cli"
        if path.is_file():
            return path
    fail("no attention-cli found under build-bench/bin or build/bin; build it or pass --cli")


def import_torch(threads):
    # Before the import: OpenBLAS and OpenMP read these when they load.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    try:
        import torch  # noqa: PLC0415
    except ImportError as e:
        fail(f"PyTorch is not importable by {sys.executable} ({e}); {INSTALL_HINT}")
    torch.set_num_threads(threads)
    return torch


def sgemm_library():
    """The file providing sgemm_ to torch: Debian's libtorch_cpu calls libblas.so.3, which the
    alternatives system (or LD_LIBRARY_PATH) points at OpenBLAS or at the slow reference BLAS."""
    import ctypes  # noqa: PLC0415

    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]

    try:
        blas = ctypes.CDLL("libblas.so.3", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)  # torch's, already loaded
        address = ctypes.cast(blas.sgemm_, ctypes.c_void_p)
        info = DlInfo()
        if ctypes.CDLL(None).dladdr(address, ctypes.byref(info)) and info.dli_fname:
            return os.path.realpath(info.dli_fname.decode())
    except (OSError, AttributeError):
        pass
    return None


def blas_report(torch):
    """Torch's BLAS config entries, the BLAS libraries mapped, and the one sgemm_ comes from."""
    config = torch.__config__.show()
    line = next((l.strip() for l in config.splitlines() if "BLAS_INFO" in l), "BLAS_INFO: (not reported)")
    # Shorten the long build-settings line to the BLAS/LAPACK entries.
    entries = [e.strip(" -") for e in line.replace("Build settings:", "").split(",")]
    blas_config = ", ".join(e for e in entries if e.startswith(("BLAS_INFO", "LAPACK_INFO"))) or line
    a = torch.ones(256, 256)
    (a @ a).sum().item()  # make sure the BLAS library is loaded
    libraries = set()
    try:
        with open("/proc/self/maps") as maps:
            for entry in maps:
                path = entry.split()[-1] if entry.split() else ""
                name = os.path.basename(path).lower()
                if "blas" in name or "mkl" in name:
                    libraries.add(os.path.realpath(path))
    except OSError:
        pass
    return blas_config, sorted(libraries), sgemm_library()


def time_torch(torch, n, d, repeat, preallocated):
    gen = torch.Generator().manual_seed(n)
    q = torch.randn(n, d, generator=gen, dtype=torch.float32)
    k = torch.randn(n, d, generator=gen, dtype=torch.float32)
    a = 1.0 / math.sqrt(d)
    reused = torch.empty(n, n, dtype=torch.float32)

    def allocating():
        return torch.softmax(q @ k.T * a, -1)

    def into_reused():
        torch.mm(q * a, k.T, out=reused)
        return torch.softmax(reused, -1, out=reused)

    compute = into_reused if preallocated else allocating
    with torch.inference_mode():
        for _ in range(3):  # warm-up
            w = compute()
            del w
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            w = compute()
            stop = time.perf_counter()
            del w  # freed outside the timed part, as the engine's result is
            times.append((stop - start) * 1e3)
    return statistics.median(times)


def run_values(cmd):
    """Runs cmd and returns its "name: number" lines as a dict."""
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"{' '.join(cmd)} failed ({run.returncode}): {run.stderr.strip()}")
    values = {}
    for line in run.stdout.splitlines():
        key, _, value = line.partition(":")
        try:
            values[key.strip()] = float(value)
        except ValueError:
            pass
    return values


def engine_run(cli, n, d, repeat, threads, preallocated, mask="none"):
    """The engine's "name: number" lines (median_ms, gflops, ...) for one `attention-cli bench`."""
    cmd = [str(cli), "bench", "--n", str(n), "--d", str(d), "--repeat", str(repeat),
           "--score", "scaled-dot", "--method", "exp", "--threads", str(threads), "--mask", mask]
    if not preallocated:
        cmd.append("--fresh")
    values = run_values(cmd)
    if "median_ms" not in values:
        fail(f"no 'median_ms:' in the output of {' '.join(cmd)}")
    return values


def time_engine(cli, n, d, repeat, threads, preallocated, mask="none"):
    return engine_run(cli, n, d, repeat, threads, preallocated, mask)["median_ms"]


def machine_peak(cli, threads):
    """The machine's peaks from machine_peak next to attention-cli (None when it is not built)."""
    program = pathlib.Path(cli).parent / "machine_peak"
    if not program.is_file():
        return None
    return run_values([str(program), "--threads", str(threads), "--rounds", "3"])


def peak_line(peak):
    if not peak:
        return "machine peak: not measured (build the machine_peak target next to attention-cli)"
    return (f"machine peak ({peak['threads']:.0f} threads, per CPU second / per wall second): "
            f"FMA {peak['fma_gflops']:.1f} / {peak['fma_gflops_wall']:.1f} GFLOP/s, "
            f"streaming write {peak['stream_write_gb_per_s']:.2f} / {peak['stream_write_gb_per_s_wall']:.2f} GB/s, "
            f"first touch {peak['first_touch_gb_per_s']:.2f} / {peak['first_touch_gb_per_s_wall']:.2f} GB/s")


def share_of_peak(gflops, peak):
    return f"{100.0 * gflops / peak['fma_gflops']:.0f}%" if peak else "-"


def check_same_result(torch, cli, n=300, m=257, d=64):
    """Both sides must compute the same weights for the timings to be comparable."""
    try:
        import numpy as np  # noqa: PLC0415
    except ImportError:
        print("same result: not checked (NumPy missing)")
        return
    gen = torch.Generator().manual_seed(0)
    q = torch.randn(n, d, generator=gen, dtype=torch.float32)
    k = torch.randn(m, d, generator=gen, dtype=torch.float32)
    expected = torch.softmax(q @ k.T * (1.0 / math.sqrt(d)), -1).numpy()
    reused = torch.empty(n, m, dtype=torch.float32)
    torch.mm(q * (1.0 / math.sqrt(d)), k.T, out=reused)
    torch.softmax(reused, -1, out=reused)
    if not float(np.abs(reused.numpy().astype(np.float64) - expected).max()) < 1e-6:
        fail("torch's preallocated variant does not compute the same weights as its allocating one")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        np.save(tmp / "q.npy", q.numpy())
        np.save(tmp / "k.npy", k.numpy())
        cmd = [str(cli), "weights", "-i", str(tmp / "q.npy"), "-k", str(tmp / "k.npy"),
               "--score", "scaled-dot", "--method", "exp", "-o", str(tmp / "w.npy")]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            fail(f"{' '.join(cmd)} failed ({run.returncode}): {run.stderr.strip()}")
        got = np.load(tmp / "w.npy")
    diff = float(np.abs(got.astype(np.float64) - expected).max())
    print(f"same result: max |engine - torch| = {diff:.1e} on {n} x {m} weights")
    if not diff < 1e-5:
        fail("the engine and torch disagree: the timings would not compare the same computation")


def parse_cases(text):
    cases = []
    for item in text.split(","):
        if not item.strip():
            continue
        try:
            n, d = (int(x) for x in item.lower().split("x"))
        except ValueError:
            fail(f"--cases: '{item}' is not of the form NxD")
        cases.append((n, d))
    return cases


def alternate(rounds, first, second):
    """Runs first() and second() `rounds` times, alternating which goes first: whatever the first
    leaves behind (spinning worker threads, memory just returned to the system) then slows each
    side equally often."""
    for r in range(rounds):
        for side in (first, second) if r % 2 == 0 else (second, first):
            side()
            time.sleep(0.5)


def measure(torch, cli, n, d, args, preallocated):
    """Median over alternating rounds of torch's and the engine's medians, and the engine's GFLOP/s
    (median over rounds)."""
    repeat = args.repeat or (20 if n <= 1024 else 15 if n <= 2048 else 9)
    torch_rounds, engine_rounds = [], []
    alternate(args.rounds, lambda: torch_rounds.append(time_torch(torch, n, d, repeat, preallocated)),
              lambda: engine_rounds.append(engine_run(cli, n, d, repeat, args.threads, preallocated)))
    engine_ms = [v["median_ms"] for v in engine_rounds]
    gflops = statistics.median(v.get("gflops", float("nan")) for v in engine_rounds)
    return statistics.median(torch_rounds), statistics.median(engine_ms), torch_rounds, engine_ms, gflops


def measure_causal(cli, n, d, args):
    """The engine against itself: causal and unmasked runs into a reused result, alternating."""
    repeat = args.repeat or (20 if n <= 1024 else 15 if n <= 2048 else 9)
    causal, unmasked = [], []
    alternate(args.rounds, lambda: unmasked.append(engine_run(cli, n, d, repeat, args.threads, True)),
              lambda: causal.append(engine_run(cli, n, d, repeat, args.threads, True, "causal")))
    return ([v["median_ms"] for v in unmasked], [v["median_ms"] for v in causal],
            statistics.median(v.get("gflops", float("nan")) for v in causal))


def print_causal_pair(cli, args, peak):
    """Prints the causal-against-unmasked rows; returns how many targets were missed."""
    cases = parse_cases(args.causal_cases)
    if not cases:
        return 0
    print()
    print(f"{'pair':<13} {'n':>6} {'d':>4} {'unmasked_ms':>11} {'causal_ms':>10} {'ratio':>7} {'target':>7}  "
          f"result  {'GFLOP/s':>7} {'peak':>5}  rounds unmasked | causal")
    missed = 0
    for n, d in cases:
        ur, cr, gflops = measure_causal(cli, n, d, args)
        u, c = statistics.median(ur), statistics.median(cr)
        target = CAUSAL_TARGETS.get((n, d))
        verdict = "-" if target is None else ("PASS" if c / u <= target else "FAIL")
        missed += verdict == "FAIL"
        detail = " ".join(f"{x:.1f}" for x in ur) + " | " + " ".join(f"{x:.1f}" for x in cr)
        target_text = f"<={target:.1f}x" if target else "-"
        print(f"{'causal':<13} {n:>6} {d:>4} {u:>11.2f} {c:>10.2f} {c / u:>6.2f}x {target_text:>7}  {verdict:<6}  "
              f"{gflops:>7.1f} {share_of_peak(gflops, peak):>5}  {detail}", flush=True)
    print("causal ratio = causal median / unmasked median (lower is better; the causal run scores about half "
          "the pairs); GFLOP/s of the causal run, counting only the pairs it scores")
    return missed


def main():
    args = parse_args()
    cases = parse_cases(args.cases)
    cli = find_cli(args.cli)
    torch = import_torch(args.threads)
    blas_config, libraries, sgemm = blas_report(torch)

    print(f"python: {sys.executable}; torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"torch build: {blas_config}")
    print(f"BLAS mapped: {', '.join(libraries) if libraries else '(none found)'}")
    print(f"torch's sgemm_ from: {sgemm or '(not found)'}")
    uses_openblas = "openblas" in sgemm.lower() if sgemm else any("openblas" in l.lower() for l in libraries)
    if not uses_openblas:
        fail(f"torch's matrix product does not come from OpenBLAS ({sgemm or libraries or 'nothing mapped'}); "
             f"{INSTALL_HINT}")
    print(f"engine: {cli} --threads {args.threads}")
    peak = machine_peak(cli, args.threads)
    print(peak_line(peak))
    check_same_result(torch, cli)
    print(f"float32, a=1/sqrt(d), {args.rounds} rounds alternating which side goes first; medians in ms")
    print()

    print(f"{'pair':<13} {'n':>6} {'d':>4} {'torch_ms':>10} {'engine_ms':>10} {'ratio':>7} {'target':>7}  result  "
          f"{'GFLOP/s':>7} {'peak':>5}  rounds torch | engine")
    missed = 0
    for preallocated, targets in ((False, ALLOCATING_TARGETS), (True, PREALLOCATED_TARGETS)):
        for n, d in cases:
            t, e, tr, er, gflops = measure(torch, cli, n, d, args, preallocated)
            ratio = t / e
            target = targets.get((n, d))
            if target is None:
                verdict, target_text = "-", "-"
            else:
                ok = ratio >= target
                missed += not ok
                verdict, target_text = ("PASS" if ok else "FAIL"), f"{target:.1f}x"
            detail = " ".join(f"{x:.1f}" for x in tr) + " | " + " ".join(f"{x:.1f}" for x in er)
            pair = "preallocated" if preallocated else "allocating"
            print(f"{pair:<13} {n:>6} {d:>4} {t:>10.2f} {e:>10.2f} {ratio:>6.2f}x {target_text:>7}  {verdict:<6}  "
                  f"{gflops:>7.1f} {share_of_peak(gflops, peak):>5}  {detail}", flush=True)
    print("ratio = torch median / engine median (higher is better for the engine); GFLOP/s: the engine's "
          "products, peak: their share of the machine's FMA peak per CPU second")
    print("allocating: a new result every call on both sides; preallocated: torch's out= into one W, "
          "the engine into one reused result")
    missed += print_causal_pair(cli, args, peak)
    print()
    if missed:
        print(f"{missed} target(s) missed")
        if args.strict:
            sys.exit(1)
    else:
        print("all targets met")


if __name__ == "__main__":
    main()
