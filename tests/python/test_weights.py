"""ax.weights (issue 17, the notebook path): the engine's W on NumPy arrays equals a NumPy reference
written from the formula (reference.py) and attention-cli's output for the same arguments."""
import os
import subprocess

import numpy as np
import pytest

import attention_explorer as ax
import reference

RNG = np.random.default_rng(7)
Q = RNG.standard_normal((37, 8))
K = RNG.standard_normal((53, 8))


def test_exp_weights_equal_numpy_softmax():
    w = ax.weights(Q, K, alpha=0.7)
    assert w.shape == (37, 53) and w.dtype == np.float64
    np.testing.assert_allclose(w, reference.weights(Q, K, "exp", alpha=0.7), rtol=0, atol=1e-14)


def test_relu_with_a_shift_and_scale_equals_numpy():
    w = ax.weights(Q, K, method="relu", shift=2.0, scale=0.5)
    np.testing.assert_allclose(w, reference.weights(Q, K, "relu", shift=2.0, scale=0.5), rtol=0, atol=1e-14)
    assert np.abs(w - ax.weights(Q, K, method="relu")).max() > 1e-3  # the shift changes relu's weights


def test_softplus_causal_self_attention_equals_numpy():
    w = ax.weights(Q, method="softplus", mask="causal", alpha=2.0)
    np.testing.assert_allclose(w, reference.weights(Q, Q, "softplus", alpha=2.0, causal=True), rtol=0, atol=1e-14)
    assert np.all(np.triu(w, 1) == 0.0)


def test_undefined_rows_are_nan_never_numbers():
    w = ax.weights(-np.abs(Q), np.abs(K), method="relu", score="dot")  # every score negative: relu's rows sum to 0
    assert np.isnan(w).all()


def test_any_real_dtype_and_layout_gives_the_same_weights():
    q_int = np.arange(24).reshape(6, 4) % 5
    want = ax.weights(q_int.astype(np.float64))
    for q in (q_int, q_int.astype(np.float32), np.asfortranarray(q_int), q_int.tolist()):
        np.testing.assert_array_equal(ax.weights(q), want)


def test_float32_weights_are_float32_and_close_to_float64():
    w32 = ax.weights(Q, K, float32=True)
    assert w32.dtype == np.float32
    np.testing.assert_allclose(w32, reference.weights(Q, K, "exp"), rtol=0, atol=1e-6)


def run_cli(tmp_path, *args):
    cli = os.environ["AX_CLI"]
    np.save(tmp_path / "q.npy", Q)
    np.save(tmp_path / "k.npy", K)
    out = tmp_path / "w.npy"
    subprocess.run([cli, "weights", "-i", str(tmp_path / "q.npy"), "-k", str(tmp_path / "k.npy"), "--out", str(out),
                    *args], check=True, capture_output=True)
    return np.load(out)


@pytest.mark.parametrize("method", ["exp", "softplus", "power:2", "custom:exp(2*z)"])
def test_weights_equal_the_clis_bit_for_bit(tmp_path, method):
    cli = run_cli(tmp_path, "--method", method, "--alpha", "0.5", "--shift", "1.5", "--mask", "causal", "--double")
    mine = ax.weights(Q, K, method=method, alpha=0.5, shift=1.5, mask="causal")
    assert cli.dtype == mine.dtype == np.float64
    np.testing.assert_array_equal(mine, cli)


def test_float32_weights_equal_the_clis_default_precision(tmp_path):
    cli = run_cli(tmp_path, "--method", "relu", "--score", "cosine", "--shift", "0.25")
    mine = ax.weights(Q, K, method="relu", score="cosine", shift=0.25, float32=True)
    assert cli.dtype == mine.dtype == np.float32
    np.testing.assert_array_equal(mine, cli)
