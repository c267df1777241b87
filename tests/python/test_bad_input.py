"""Bad input to the attention_explorer functions raises ValueError naming the argument and the
problem, before anything is computed; never a crash, a hang or numbers from data that is not there."""
import numpy as np
import pytest

import attention_explorer as ax

Q = np.random.default_rng(3).standard_normal((12, 4))


@pytest.mark.parametrize("bad, message", [
    (Q.astype(np.complex128), r"q: dtype complex128 is not real numbers"),
    (Q > 0, r"q: dtype bool is not real numbers"),
    (np.array([["a", "b"], ["c", "d"]]), r"q: dtype <U1 is not real numbers"),
    (np.array([[1.0, None]], dtype=object), r"q: dtype object is not real numbers"),
    ([[1.0, 2.0], [3.0]], r"q: not an array"),
    (Q[0], r"q: expected a 2-D array \[tokens, dimension\], got shape \(4,\)"),
    (Q.reshape(3, 4, 4), r"q: expected a 2-D array .* got shape \(3, 4, 4\)"),
    (np.zeros((0, 4)), r"q: the array is empty, shape \(0, 4\)"),
    (None, r"q: no array given"),
])
def test_arrays_that_are_not_vectors_are_refused_with_the_reason(bad, message):
    for call in (ax.weights, ax.overview, ax.invariance):
        with pytest.raises(ValueError, match=message):
            call(bad)


@pytest.mark.parametrize("value, word", [(np.nan, "NaN"), (np.inf, "infinite"), (-np.inf, "infinite")])
def test_nan_and_infinity_are_refused_with_their_place(value, word):
    bad = Q.copy()
    bad[2, 3] = value
    with pytest.raises(ValueError, match=rf"k: element \[2, 3\] is {word}"):
        ax.weights(Q, bad)


def test_a_huge_declared_shape_is_refused_before_any_copy():
    huge = np.broadcast_to(np.ones((1, 4)), (2**40, 4))  # 32 TiB declared, 32 bytes stored
    with pytest.raises(ValueError, match=r"q of shape \(1099511627776, 4\)"):
        ax.overview(huge, pixels=8)
    long = np.broadcast_to(np.ones((1, 4)), (2**15, 4))  # small, but W would hold 2^30 cells
    with pytest.raises(ValueError, match="weight matrix"):
        ax.weights(long)


def test_keys_of_another_dimension_are_refused():
    with pytest.raises(ValueError, match="keys have dimension 3 but queries have dimension 4"):
        ax.weights(Q, Q[:, :3])


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "nope"}, r"method: unknown method"),
    ({"score": "nope"}, r"score: "),
    ({"mask": "nope"}, r"mask: "),
    ({"alpha": float("nan")}, r"alpha: must be a finite number"),
    ({"shift": float("inf")}, r"shift: must be a finite number"),
    ({"scale": float("nan")}, r"scale: must be a finite number"),
])
def test_settings_that_do_not_exist_are_refused_with_their_keyword(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ax.weights(Q, **kwargs)


def test_overview_and_invariance_settings_are_checked():
    with pytest.raises(ValueError, match="pixels: must be at least 1"):
        ax.overview(Q, pixels=0)
    with pytest.raises(ValueError, match="reduce: "):
        ax.overview(Q, reduce="median")
    with pytest.raises(ValueError, match="methods: give at least one method"):
        ax.invariance(Q, methods=[])
    with pytest.raises(ValueError, match="methods: unknown method"):
        ax.invariance(Q, methods=["exp", "nope"])
    with pytest.raises(ValueError, match="shifts: must be a finite number"):
        ax.invariance(Q, shifts=[1.0, float("nan")])
