"""Attention Explorer from Python: the app's engine on NumPy arrays, and the app itself.

    import attention_explorer as ax
    w = ax.weights(q, k, method="relu", shift=2.0)          # [n, m]; undefined rows are NaN
    img = ax.overview(q, k, pixels=512)                      # pooled max of W, streamed (no n x m matrix)
    rows = ax.invariance(q, k, methods=["exp", "relu"], shifts=[0.1, 1, 10])   # one dict per method and shift
    ax.show("run.npz", layer=1, head=2)                      # opens the app on a model file (or on arrays)
    ax.render(q, k, methods=["exp", "relu"], png="fig.png")  # the app's window (heatmaps, charts) as a PNG

q is [n, d] (queries), k is [m, d] (keys; None: self-attention, the keys are the queries), of any
real dtype. The keyword arguments are attention-cli's: method (any method spec: "exp", "power:2",
"custom:exp(2*z)"), score (dot, scaled-dot, cosine, neg-sqdist), alpha, mask (none, causal), shift
(M added to every score), scale (lambda), float32 (compute in float32, the CLI's and the app's
default; otherwise float64, the CLI's --double). The numbers are the engine's, equal to
attention-cli's for the same arguments. weights returns float64 (float32 with float32=True),
overview float32.

Bad input (a dtype that is not real numbers, not 2-D, empty, NaN or infinity, sizes beyond the
engine's limits or the memory budget, an unknown method, score or mask) raises ValueError naming the
argument and the problem, before anything is computed.
overview and invariance stop on Ctrl-C (KeyboardInterrupt); weights is bounded by the engine's
largest matrix (2^28 cells).

Put build/python on sys.path (or PYTHONPATH) to import the package; it is built for Debian's
/usr/bin/python3.
"""
from ._engine import invariance, overview, weights  # noqa: F401  (the compiled engine)
from ._app import APP, render, scenario, show  # noqa: F401

__all__ = ["weights", "overview", "invariance", "show", "render", "scenario"]
