"""ax.render and ax.show start the app (run under Xvfb by the CTest python_render): render writes
the app's heatmaps of arrays or a file as a PNG and refuses, with the app's message, what the app
could not show; show opens the app and returns while it runs."""
import struct
import time

import numpy as np
import pytest

import attention_explorer as ax

RNG = np.random.default_rng(2)
Q = RNG.standard_normal((40, 8))


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def test_render_writes_the_apps_heatmaps_of_arrays(tmp_path):
    png = ax.render(Q, RNG.standard_normal((30, 8)), methods=["exp", "relu"], shift=1.0, log_scale=True,
                    png=tmp_path / "fig.png", size="1024x768")
    assert png == str(tmp_path / "fig.png")
    assert png_size(png) == (1024, 768)


def test_render_of_a_model_file_at_a_layer_and_head(tmp_path):
    shape = (2, 3, 12, 8)  # [layers, heads, tokens, dimension], as README's hand-written model files
    np.savez(tmp_path / "run.npz", q=RNG.standard_normal(shape), k=RNG.standard_normal(shape),
             tokens=np.array([f"t{i}" for i in range(12)]))
    png = ax.render(str(tmp_path / "run.npz"), layer=1, head=2, png=tmp_path / "model.png")
    assert png_size(png) == (1280, 720)


def test_render_of_a_file_that_cannot_be_opened_raises_not_a_picture_of_other_data(tmp_path):
    with pytest.raises(ValueError, match=r"missing\.npy: cannot open"):
        ax.render(str(tmp_path / "missing.npy"), png=tmp_path / "x.png")


def test_render_refuses_unknown_settings_and_bad_arrays_with_the_reason(tmp_path):
    with pytest.raises(ValueError, match="unknown key"):
        ax.render(Q, png=tmp_path / "x.png", no_such_setting=1)
    with pytest.raises(ValueError, match=r"q: element \[0, 0\] is NaN"):
        ax.render(np.full((4, 4), np.nan), png=tmp_path / "x.png")


def test_scenario_routes_settings_to_their_sections():
    s = ax.scenario("run.npz", layer=1, head=2, methods="relu", shift=2.0, alpha=0.5, mode="clean")
    assert s["data"]["layer"] == 1 and s["data"]["head"] == 2 and s["data"]["vectors_path"].endswith("run.npz")
    assert s["attention"] == {"methods": ["relu"], "alpha": 0.5}
    assert s["noise"] == {"shift": 2.0} and s["view"] == {"mode": "clean"}


def test_show_opens_the_app_and_returns_while_it_runs():
    app = ax.show(Q, methods=["exp", "sigmoid"])
    try:
        time.sleep(3.0)
        assert app.poll() is None, "the app exited at once"
    finally:
        app.terminate()
        app.wait(timeout=30)
