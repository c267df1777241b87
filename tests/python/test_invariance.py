"""ax.invariance: max |W(M) - W(0)| for each method and shift equals the NumPy reference's."""
import numpy as np
import pytest

import attention_explorer as ax
import reference

RNG = np.random.default_rng(5)
Q = RNG.standard_normal((37, 8))
K = RNG.standard_normal((53, 8))


def test_invariance_measures_the_shift_per_method():
    shifts = [0.5, 3.0]
    rows = ax.invariance(Q, K, methods=["exp", "relu", "softplus"], shifts=shifts, alpha=0.8)
    assert [(r["method"], r["shift"]) for r in rows] == [(f, s) for f in ("exp", "relu", "softplus") for s in shifts]
    for r in rows:
        clean = reference.weights(Q, K, r["method"], alpha=0.8)
        shifted = reference.weights(Q, K, r["method"], alpha=0.8, shift=r["shift"])
        assert r["max_abs_diff"] == pytest.approx(reference.max_deviation(clean, shifted), abs=1e-13)
        assert r["compared_rows"] == 37 and r["undefined_rows"] == 0
    assert rows[1]["max_abs_diff"] < 1e-14 < 1e-3 < rows[3]["max_abs_diff"]  # exp does not move; relu does


def test_rows_undefined_after_the_shift_are_counted_not_compared():
    rows = ax.invariance(Q, K, methods=["relu"], shifts=[-50.0])
    assert rows[0]["undefined_rows"] == 37 and rows[0]["compared_rows"] == 0
    assert np.isnan(rows[0]["max_abs_diff"])  # no row to compare: not a number, never "unchanged"
