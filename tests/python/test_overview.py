"""ax.overview: the pooled picture of W streamed from q and k equals the max (or mean) over each
block of the NumPy reference's W."""
import numpy as np

import attention_explorer as ax
import reference

RNG = np.random.default_rng(11)


def test_overview_is_the_pooled_max_and_mean_of_w():
    n, m = 300, 1000
    q, k = RNG.standard_normal((n, 16)), RNG.standard_normal((m, 16))
    image = ax.overview(q, k, pixels=64)
    assert image.shape == (64, 64) and image.dtype == np.float32
    w = reference.weights(q, k, "exp")
    np.testing.assert_allclose(image, reference.pooled(w, 64), rtol=1e-6, atol=0)
    mean = ax.overview(q, k, pixels=64, reduce="mean")
    np.testing.assert_allclose(mean, reference.pooled(w, 64, np.mean), rtol=1e-5, atol=0)


def test_overview_of_a_shifted_causal_relu_and_its_undefined_blocks():
    q, k = RNG.standard_normal((120, 8)), RNG.standard_normal((120, 8))
    image = ax.overview(q, k, pixels=40, method="relu", mask="causal", shift=-2.0)
    w = reference.weights(q, k, "relu", shift=-2.0, causal=True)
    rows = reference.blocks(120, 40)
    want = np.array([[np.nan if np.isnan(w[a:b]).all() else np.nanmax(w[a:b, c:d]) for (c, d) in rows]
                     for (a, b) in rows])
    assert np.isnan(want).any()  # some blocks hold only undefined rows: NaN, never a number
    np.testing.assert_allclose(image, want, rtol=1e-6, atol=0)


def test_fewer_cells_than_pixels_gives_one_pixel_a_cell():
    q = RNG.standard_normal((5, 4))
    image = ax.overview(q, pixels=512)
    assert image.shape == (5, 5)
    np.testing.assert_allclose(image, reference.weights(q, q), rtol=1e-6, atol=0)
