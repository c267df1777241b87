#!/usr/bin/python3
"""Times the streamed overview (`attention-cli overview`) against PyTorch in the same run, with
peak memory, and prints the ratios.

Task: the P x P max-pooled image of W = softmax(Q K^T / sqrt(d)), Q and K n x d float32, each pixel
the max of its (n/P) x (n/P) block.
Peer (the obvious way in PyTorch): W in chunks of rows, torch.softmax((q_chunk / sqrt(d)) @ k.T)
then torch.nn.functional.adaptive_max_pool2d of the chunk to its share of the pixel rows; chunks of
about 256 MiB of weights. Engine: `attention-cli overview --n N --d D --pixels P`, which streams
rows through a per-thread buffer and never holds W either.
Both run as separate processes (so each one's peak resident memory, VmHWM, is its own), with the
same number of threads, alternately over several rounds (the first side alternates) so drift in
the machine's load hits both; each time is the median over rounds. Sizes where the peer would
need more than --torch-limit seconds per run are timed for the engine alone.

Before timing, both compute the overview of the same small input and must agree (|diff| < 1e-6).

Torch's matrix product must come from OpenBLAS (as in compare_torch.py): Debian's reference BLAS
is ten times slower and would make any ratio meaningless. Each engine row also shows the CPU
seconds the engine process used (its threads together, vector generation included): on a machine
shared with other work the wall time waits for cores, and CPU seconds / threads is what the run
would take on two free cores at the same per-core speed.

Beside each engine time, the GFLOP/s of its products and their share of the machine's FMA peak
(build/bin/machine_peak next to attention-cli, measured in the same run). The engine's causal
overview (`--mask causal`, which never scores the keys above the diagonal) is timed in the same
rounds as the unmasked one, its peer; targets: causal at most 0.6x unmasked at n = 32768, and at
n = 131072 at most 20 s unmasked and 11 s causal (on two cores).

    /usr/bin/python3 bench/compare_overview_torch.py [--cli build/bin/attention-cli]
        [--sizes 8192,16384,32768,65536,131072] [--pixels 1024] [--threads 2]

Exit status 0 when the comparison ran (1 with --strict when the target is missed), 2 when torch or
attention-cli is missing or the two results disagree.
"""
import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from compare_torch import INSTALL_HINT, blas_report, fail, find_cli, machine_peak, peak_line, share_of_peak  # noqa: E402

TARGETS = {32768: 2.0}  # the goal: at least 2x faster than the peer at n = 32768, d = 64
CAUSAL_TARGETS = {32768: 0.6}  # causal time / unmasked time, at most
SECONDS_TARGETS = {131072: (20.0, 11.0)}  # unmasked and causal seconds, at most (d = 64, 1024 pixels)
CHUNK_BYTES = 256 << 20


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cli", help="attention-cli to time (default: build-bench/bin or build/bin)")
    p.add_argument("--sizes", default="8192,16384,32768,65536,131072", help="comma-separated n (default: %(default)s)")
    p.add_argument("--d", type=int, default=64)
    p.add_argument("--pixels", type=int, default=1024)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--torch-max-n", type=int, default=65536,
                   help="largest n the peer runs at (default: %(default)s; beyond, the engine alone)")
    p.add_argument("--methods", default="", help="also time the engine alone with these methods, e.g. sparsemax,entmax15")
    p.add_argument("--method-sizes", default="4096,8192,16384", help="sizes for --methods (default: %(default)s)")
    p.add_argument("--no-causal", action="store_true", help="do not time the causal overview")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--torch-worker", nargs=4, type=int, metavar=("N", "D", "P", "THREADS"), help=argparse.SUPPRESS)
    p.add_argument("--torch-check", nargs=3, metavar=("Q", "K", "OUT"), help=argparse.SUPPRESS)
    return p.parse_args()


def peak_rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def torch_overview(torch, q, k, pixels):
    """The peer: softmax over row chunks, each max-pooled to its pixel rows."""
    n, d = q.shape
    m = k.shape[0]
    rows_per_pixel = n // pixels
    chunk = max(rows_per_pixel, (CHUNK_BYTES // (4 * m)) // rows_per_pixel * rows_per_pixel)
    out = torch.empty(pixels, pixels)
    kt = k.T.contiguous()
    scale = 1.0 / d ** 0.5
    for r0 in range(0, n, chunk):
        w = torch.softmax((q[r0:r0 + chunk] * scale) @ kt, -1)
        p0 = r0 // rows_per_pixel
        rows = w.shape[0] // rows_per_pixel
        out[p0:p0 + rows] = torch.nn.functional.adaptive_max_pool2d(w[None], (rows, pixels))[0]
        del w
    return out


def import_torch(threads):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    try:
        import torch  # noqa: PLC0415
    except ImportError as e:
        fail(f"PyTorch is not importable by {sys.executable} ({e}); install python3-torch")
    torch.set_num_threads(threads)
    return torch


def torch_worker(n, d, pixels, threads):
    """Runs in a child process: one warm-up-free timed run (each is seconds long) and its memory."""
    torch = import_torch(threads)
    gen = torch.Generator().manual_seed(n)
    q = torch.randn(n, d, generator=gen)
    k = torch.randn(n, d, generator=gen)
    with torch.inference_mode():
        start = time.perf_counter()
        torch_overview(torch, q, k, pixels)
        ms = (time.perf_counter() - start) * 1e3
    print(f"ms: {ms:.3f}\npeak_rss_mib: {peak_rss_mib():.1f}")


def torch_check(q_path, k_path, out_path):
    import numpy as np  # noqa: PLC0415
    torch = import_torch(2)
    q, k = torch.from_numpy(np.load(q_path)), torch.from_numpy(np.load(k_path))
    with torch.inference_mode():
        np.save(out_path, torch_overview(torch, q, k, 128).numpy())


def run(cmd):
    """Runs cmd; its "name: number" lines as a dict, with cpu_s, the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        fail(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    values = {"cpu_s": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(":")
        try:
            values[key.strip()] = float(value)
        except ValueError:
            pass
    return values


def time_torch(n, args):
    v = run([sys.executable, __file__, "--torch-worker", str(n), str(args.d), str(args.pixels), str(args.threads)])
    return v["ms"], v["peak_rss_mib"]


def time_engine(cli, n, args, method="exp", repeat=1, mask="none"):
    """Milliseconds, peak MiB and GFLOP/s of one `attention-cli overview --n`."""
    v = run([str(cli), "overview", "--n", str(n), "--d", str(args.d), "--pixels", str(args.pixels),
             "--score", "scaled-dot", "--method", method, "--threads", str(args.threads), "--repeat", str(repeat),
             "--mask", mask])
    return v["median_ms"], v["peak_rss_mib"], v.get("gflops", float("nan")), v["cpu_s"]


def check_same_result(cli):
    import numpy as np  # noqa: PLC0415
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        np.save(tmp / "q.npy", rng.standard_normal((1024, 64)).astype(np.float32))
        np.save(tmp / "k.npy", rng.standard_normal((1024, 64)).astype(np.float32))
        run([sys.executable, __file__, "--torch-check", str(tmp / "q.npy"), str(tmp / "k.npy"), str(tmp / "t.npy")])
        run([str(cli), "overview", "-i", str(tmp / "q.npy"), "-k", str(tmp / "k.npy"), "--score", "scaled-dot",
             "--pixels", "128", "--out", str(tmp / "e.npy")])
        diff = float(np.abs(np.load(tmp / "t.npy").astype(np.float64) - np.load(tmp / "e.npy")).max())
    print(f"same result: max |engine - torch| = {diff:.1e} on the 128 x 128 overview of 1024 x 1024 weights")
    if not diff < 1e-6:
        fail("the engine and torch disagree: the timings would not compare the same computation")


def print_causal(rows, peak):
    """The causal overview against the unmasked one of the same rounds; returns the targets missed."""
    if not rows:
        return 0
    print()
    print(f"{'n':>7} {'unmasked_ms':>11} {'causal_ms':>10} {'ratio':>7} {'target':>7}  {'GFLOP/s':>7} {'peak':>5} "
          f"{'cpu_s':>7}  result  rounds unmasked | causal")
    missed = 0
    for n, unmasked, causal in rows:
        u = statistics.median(x[0] for x in unmasked)
        c = statistics.median(x[0] for x in causal)
        gflops = statistics.median(x[2] for x in causal)
        cpu = statistics.median(x[3] for x in causal)
        checks = []
        if n in CAUSAL_TARGETS:
            checks.append((f"<={CAUSAL_TARGETS[n]:.1f}x", c / u <= CAUSAL_TARGETS[n]))
        if n in SECONDS_TARGETS:
            limit_u, limit_c = SECONDS_TARGETS[n]
            checks.append((f"<={limit_u:.0f}s/{limit_c:.0f}s", u <= 1e3 * limit_u and c <= 1e3 * limit_c))
        target = " ".join(text for text, _ in checks) or "-"
        verdict = "-" if not checks else ("PASS" if all(ok for _, ok in checks) else "FAIL")
        missed += verdict == "FAIL"
        detail = " ".join(f"{x[0]:.0f}" for x in unmasked) + " | " + " ".join(f"{x[0]:.0f}" for x in causal)
        print(f"{n:>7} {u:>11.0f} {c:>10.0f} {c / u:>6.2f}x {target:>7}  {gflops:>7.1f} {share_of_peak(gflops, peak):>5} "
              f"{cpu:>7.1f}  {verdict:<6}  {detail}", flush=True)
    print("causal ratio = causal median / unmasked median (lower is better); GFLOP/s of the causal run, counting "
          "only the pairs it scores")
    return missed


def main():
    args = parse_args()
    if args.torch_worker:
        return torch_worker(*args.torch_worker)
    if args.torch_check:
        return torch_check(*args.torch_check)
    cli = find_cli(args.cli)
    torch = import_torch(args.threads)
    print(f"torch {torch.__version__} ({sys.executable}), {args.threads} threads; engine {cli}")
    blas_config, libraries, sgemm = blas_report(torch)
    if not (sgemm and "openblas" in sgemm.lower()):
        fail(f"torch's matrix product comes from {sgemm or libraries or 'nothing mapped'} ({blas_config}), "
             f"not OpenBLAS; {INSTALL_HINT}")
    print(f"torch's sgemm_ from: {sgemm}")
    peak = machine_peak(cli, args.threads)
    print(peak_line(peak))
    check_same_result(cli)
    print(f"float32, d = {args.d}, {args.pixels} x {args.pixels} max-pooled pixels, scaled-dot, exp; "
          f"{args.rounds} rounds alternating which side goes first; medians; peak RSS of each process")
    print()
    print(f"{'n':>7} {'torch_ms':>10} {'engine_ms':>10} {'ratio':>7} {'target':>7}  {'torch_MiB':>9} "
          f"{'engine_MiB':>10} {'W_MiB':>8}  {'GFLOP/s':>7} {'peak':>5} {'cpu_s':>7}  result")
    missed = 0
    causal_rows = []
    for n in (int(x) for x in args.sizes.split(",") if x.strip()):
        with_peer = n <= args.torch_max_n
        torch_ms, engine_ms, causal_ms = [], [], []
        for r in range(args.rounds if with_peer else 1):
            sides = [lambda: engine_ms.append(time_engine(cli, n, args))]
            if with_peer:
                sides.append(lambda: torch_ms.append(time_torch(n, args)))
            if not args.no_causal:
                sides.append(lambda: causal_ms.append(time_engine(cli, n, args, mask="causal")))
            for side in sides if r % 2 == 0 else reversed(sides):
                side()
        e = statistics.median(x[0] for x in engine_ms)
        e_mib = max(x[1] for x in engine_ms)
        gflops = statistics.median(x[2] for x in engine_ms)
        w_mib = n * n * 4 / 2 ** 20
        cpu = statistics.median(x[3] for x in engine_ms)
        rates = f"{gflops:>7.1f} {share_of_peak(gflops, peak):>5} {cpu:>7.1f}"
        if with_peer:
            t = statistics.median(x[0] for x in torch_ms)
            t_mib = max(x[1] for x in torch_ms)
            target = TARGETS.get(n)
            verdict = "-" if target is None else ("PASS" if t / e >= target else "FAIL")
            missed += verdict == "FAIL"
            print(f"{n:>7} {t:>10.0f} {e:>10.0f} {t / e:>6.2f}x {f'{target:.1f}x' if target else '-':>7}  "
                  f"{t_mib:>9.0f} {e_mib:>10.0f} {w_mib:>8.0f}  {rates}  {verdict}", flush=True)
        else:
            print(f"{n:>7} {'-':>10} {e:>10.0f} {'-':>7} {'-':>7}  {'-':>9} {e_mib:>10.0f} {w_mib:>8.0f}  {rates}  "
                  "engine alone", flush=True)
        if causal_ms:
            causal_rows.append((n, engine_ms, causal_ms))
    missed += print_causal(causal_rows, peak)
    if args.methods:
        print()
        print("engine alone, other methods (one run each)")
        print(f"{'method':>10} {'n':>7} {'engine_ms':>10} {'engine_MiB':>10}")
        for method in args.methods.split(","):
            for n in (int(x) for x in args.method_sizes.split(",") if x.strip()):
                ms, mib, _ = time_engine(cli, n, args, method)
                print(f"{method:>10} {n:>7} {ms:>10.0f} {mib:>10.0f}", flush=True)
    print()
    print("ratio = torch / engine (higher is better for the engine); W_MiB: the float32 weight matrix neither holds; "
          "cpu_s: the engine process's CPU seconds (all threads; / threads = its time on free cores)")
    if missed and args.strict:
        sys.exit(1)


if __name__ == "__main__":
    main()
