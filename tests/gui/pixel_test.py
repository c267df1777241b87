#!/usr/bin/env python3
"""Real-GL test of the heatmaps: the app renders scenarios with known weights under Xvfb; the test
reads back the screenshot and compares each cell's pixel with the colormap entry its weight maps
to (weights computed here with NumPy, independently of the engine)."""
import json
import os
import subprocess
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gui_harness as h  # noqa: E402
import make_model_file  # noqa: E402

GOLDEN_POINTS = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.6, 0.8]]
TABLES = h.colormap_tables()


def base_scenario(points, methods, modes, shift=0.0, colormap="viridis"):
    return {
        "data": {"source": "points", "points": points},
        "attention": {"score": "dot", "alpha": 1.0, "methods": methods},
        "noise": {"shift": shift},
        "view": {"modes": modes, "mode": modes[0], "colormap": colormap, "shared_range": True},
    }


def colour_distance_to_entry(pixel, table, t):
    """Smallest channel-wise distance between `pixel` and the table entries next to t's index
    (GL and CPU may round t * 255 + 0.5 differently at a boundary)."""
    index = int(np.floor(t * 255 + 0.5))
    candidates = table[max(index - 1, 0):min(index + 2, 256)]
    return int(np.abs(candidates - pixel).max(axis=1).min())


class HeatmapPixels(unittest.TestCase):
    def test_cells_show_the_colormap_colour_of_their_weight(self):
        x = np.array(GOLDEN_POINTS)
        weights = h.softmax_rows(x @ x.T)
        for colormap in ("viridis", "magma", "grey"):
            with self.subTest(colormap=colormap), h.temporary_directory() as tmp:
                pixels, report = h.run_app(base_scenario(GOLDEN_POINTS, ["exp"], ["clean"], colormap=colormap), tmp)
                info = report["heatmaps"]["heatmap:0"]
                self.assertEqual((info["rows"], info["cols"]), (4, 4))
                self.assertEqual(info["colormap"], colormap)
                self.assertAlmostEqual(info["lo"], 0.0)
                self.assertAlmostEqual(info["hi"], weights.max(), places=5)  # the shared range's top
                worst = 0
                for i in range(4):
                    for j in range(4):
                        px, py = h.cell_centre(report, 0, i, j)
                        t = weights[i, j] / weights.max()
                        worst = max(worst, colour_distance_to_entry(pixels[py, px], TABLES[colormap], t))
                self.assertLessEqual(worst, 2, f"a cell's colour is {worst} levels away from the colormap")

    def test_a_constant_shift_leaves_exp_pixels_identical_and_moves_relu(self):
        scenario = base_scenario(GOLDEN_POINTS, ["exp", "exp", "relu", "relu"],
                                 ["clean", "perturbed", "clean", "perturbed"], shift=1.0)
        with h.temporary_directory() as tmp:
            pixels, report = h.run_app(scenario, tmp)
        exp_clean, exp_shifted = h.region(pixels, report, 0), h.region(pixels, report, 1)
        relu_clean, relu_shifted = h.region(pixels, report, 2), h.region(pixels, report, 3)
        self.assertEqual(exp_clean.shape, exp_shifted.shape)
        self.assertEqual(np.abs(exp_clean - exp_shifted).max(), 0, "exp's picture changed under a constant shift")
        self.assertGreater(np.abs(relu_clean - relu_shifted).max(), 20, "relu's picture did not change")
        # And the heatmaps are not blank: several distinct colours inside each.
        self.assertGreater(len(np.unique(exp_clean.reshape(-1, 3), axis=0)), 3)
        methods = {m["spec"]: m for m in report["results"]["methods"]}
        self.assertLess(methods["exp"]["max_abs_diff"], 1e-6)
        self.assertGreater(methods["relu"]["max_abs_diff"], 1e-3)

    def test_undefined_rows_are_hatched_not_coloured(self):
        # Query 3 is short: its best score is 0.1, so with M = -0.5 every relu F is zero (0/0).
        points = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.1, 0.05]]
        scenario = base_scenario(points, ["relu"], ["perturbed"], shift=-0.5)
        x = np.array(points)
        expected = h.ratio_rows(np.maximum(x @ x.T - 0.5, 0.0))
        self.assertTrue(np.isnan(expected[3]).all() and not np.isnan(expected[:3]).any())
        with h.temporary_directory() as tmp:
            pixels, report = h.run_app(scenario, tmp)
        hatch = {(128, 128, 128), (77, 77, 77)}
        x0, y0, x1, y1 = report["layout"]["heatmap:0"]
        row_height = (y1 - y0) / 4
        for i in range(4):
            top, bottom = int(y0 + i * row_height + 3), int(y0 + (i + 1) * row_height - 3)
            colours = {tuple(c) for c in pixels[top:bottom, int(x0) + 3:int(x1) - 3].reshape(-1, 3)}
            if i == 3:
                self.assertEqual(colours, hatch, "the undefined row is not drawn as the hatch")
            else:
                self.assertFalse(colours & hatch, f"defined row {i} shows hatch colours")
        self.assertEqual(report["results"]["methods"][0]["undefined_perturbed"], 1)


def lab(rgb):
    """CIE L*a*b* (D65) of sRGB pixels (..., 3) in 0..255."""
    c = rgb.astype(np.float64) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = c @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


# A colour difference anyone sees at a glance from the back of a lecture hall: CIE76 Delta E of 10
# (2.3 is the just-noticeable difference on a good screen).
VISIBLE_DELTA_E = 10.0


class MDemoFromTheBackRow(unittest.TestCase):
    """Issue 15: the default M demo (the welcome scenario, presenting, M from 0 to 2.5). Every method
    that changes changes visibly: at least 20% of its heatmap's pixels move by a clearly visible
    colour distance. exp's pixels do not move at all."""

    def test_every_changing_method_changes_visibly_and_exp_not_at_all(self):
        with open(os.path.join(h.SOURCE_DIR, "assets", "scenarios", "welcome.json")) as f:
            welcome = json.load(f)
        shots = []
        for shift in (0.0, 2.5):
            scenario = json.loads(json.dumps(welcome))
            scenario.setdefault("noise", {})["shift"] = shift
            with h.temporary_directory() as tmp:
                shots.append(h.run_app(scenario, tmp, size="1280x720", extra=("--presentation",)))
        (before, report0), (after, report1) = shots
        methods = welcome["attention"]["methods"]
        self.assertIn("exp", methods)
        self.assertGreaterEqual(len(methods), 4)
        for k, method in enumerate(methods):
            self.assertEqual(report0["layout"][f"heatmap:{k}"], report1["layout"][f"heatmap:{k}"], method)
            with self.subTest(method=method):
                self.check_one(method, h.region(before, report0, k), h.region(after, report1, k))

    def check_one(self, method, a, b):
        self.assertGreater(a.shape[0], 40, f"{method}: heatmap too small to test")
        if method == "exp":
            self.assertEqual(int(np.abs(a - b).max()), 0, "exp's picture changed under a constant shift")
            return
        visible = float((np.linalg.norm(lab(a) - lab(b), axis=-1) >= VISIBLE_DELTA_E).mean())
        self.assertGreaterEqual(visible, 0.20,
                                f"{method}: only {visible:.0%} of its pixels change visibly between M = 0 and M = 2.5")


class ModelViewPixels(unittest.TestCase):
    def test_grid_cells_and_the_model_weights_beside_recomputed_exp(self):
        with h.temporary_directory() as tmp:
            path = os.path.join(tmp, "model.npz")
            arrays = make_model_file.write(path)
            scenario = {"data": {"source": "file", "vectors_path": path, "layer": 1, "head": 2},
                        "attention": {"methods": ["exp"], "double": True},
                        "view": {"mode": "clean", "shared_range": True, "colormap": "viridis"}}
            pixels, report = h.run_app(scenario, tmp)
        heatmaps = report["heatmaps"]
        self.assertEqual(heatmaps["heatmap:0"]["title"], "layer 1, head 2: exp")
        self.assertEqual(heatmaps["heatmap:1"]["title"], "layer 1, head 2: model's weights")
        self.assertEqual(report["state"]["attention"]["mask"], "model")  # the file's own (causal) mask
        self.assertLess(report["results"]["own_f_vs_model"], 1e-12)
        # exp recomputed from q and k and the model's own weights: the same picture, pixel for pixel.
        exp, model = h.region(pixels, report, 0), h.region(pixels, report, 1)
        self.assertEqual(exp.shape, model.shape)
        self.assertGreater(len(np.unique(model.reshape(-1, 3), axis=0)), 5, "the model's heatmap is blank")
        self.assertEqual(np.abs(exp - model).max(), 0, "recomputed exp and the model's weights differ on screen")

        # The grid: every layer x head cell, each showing its own weights through the colormap
        # (one range for the grid: 0 to the largest weight, 1 in the causal first row).
        weights = arrays["weights"]
        hi = weights.max()
        worst = 0
        for layer in range(make_model_file.LAYERS):
            for head in range(make_model_file.HEADS):
                x0, y0, x1, y1 = report["layout"][f"model_cell:{layer}:{head}"]
                n = make_model_file.N
                for i in range(n):
                    for j in range(n):
                        px = int(x0 + (j + 0.5) * (x1 - x0) / n)
                        py = int(y0 + (i + 0.5) * (y1 - y0) / n)
                        t = weights[layer, head, i, j] / hi
                        worst = max(worst, colour_distance_to_entry(pixels[py, px], TABLES["viridis"], t))
        self.assertLessEqual(worst, 2, f"a grid cell's colour is {worst} levels away from the colormap")


SINK_KEY, PEAK = 1234, (3000, 777)


def write_sink_file(path, n=4096):
    """An n x n weight file: every row gives 0.5 to key SINK_KEY and spreads the rest; row
    PEAK[0] gives 0.5 to key PEAK[1] alone and little to the sink. Rows sum to 1."""
    rng = np.random.default_rng(7)
    w = rng.random((n, n)) * 0.2 + 0.01
    w[:, SINK_KEY] = 0.0
    w *= 0.5 / w.sum(axis=1, keepdims=True)
    w[:, SINK_KEY] = 0.5
    w[PEAK[0]] = 0.4 / (n - 2)
    w[PEAK[0], SINK_KEY] = 0.1
    w[PEAK[0], PEAK[1]] = 0.5
    np.save(path, (w / w.sum(axis=1, keepdims=True)).astype(np.float32))


def pooled_pixel_centre(report, heatmap, i, j):
    """Screen pixel (x, y) of the pooled pixel whose block holds cell (i, j), at zoom 1: block r
    holds rows floor(r n / P) .. floor((r + 1) n / P) - 1."""
    x0, y0, x1, y1 = report["layout"][f"heatmap:{heatmap}"]
    info = report["heatmaps"][f"heatmap:{heatmap}"]
    rows, cols = info["grid"]
    r = -(-(i + 1) * rows // info["rows"]) - 1
    c = -(-(j + 1) * cols // info["cols"]) - 1
    return int(x0 + (c + 0.5) * (x1 - x0) / cols), int(y0 + (r + 0.5) * (y1 - y0) / rows)


class PooledHeatmap(unittest.TestCase):
    """More cells than pixels: each pixel shows the max of its block, so a one-key sink column and a
    single peak stay visible at full view (sampling one cell per pixel loses them)."""

    def test_sink_column_and_isolated_peak_are_visible_at_full_view(self):
        with h.temporary_directory() as tmp:
            path = os.path.join(tmp, "sink.npy")
            write_sink_file(path)
            scenario = {"data": {"source": "file", "vectors_path": path},
                        "view": {"colormap": "viridis", "shared_range": True}}
            pixels, report = h.run_app(scenario, tmp, frames=20)
        info = report["heatmaps"]["heatmap:0"]
        self.assertEqual((info["rows"], info["cols"]), (4096, 4096))
        self.assertIn("cells per pixel, max", info["pooling"])
        self.assertLess(info["grid"][1], 4096 // 4, "the heatmap was not pooled")
        self.assertEqual(info["texture"], info["grid"], "the picture is not the pooled one")
        self.assertAlmostEqual(info["hi"], 0.5, places=5)
        top = TABLES["viridis"][255]
        x0, y0, x1, y1 = (int(round(v)) for v in report["layout"]["heatmap:0"])
        sink_x, _ = pooled_pixel_centre(report, 0, 0, SINK_KEY)
        column = pixels[y0 + 2:y1 - 2, sink_x]
        at_top = (np.abs(column - top).max(axis=1) <= 2).mean()
        self.assertGreater(at_top, 0.95, f"only {at_top:.0%} of the sink's pixel column has the top colour")
        # Its neighbours do not: the sink is one pixel column wide, not smeared.
        for dx in (-3, 3):
            beside = pixels[y0 + 2:y1 - 2, sink_x + dx]
            self.assertLess((np.abs(beside - top).max(axis=1) <= 2).mean(), 0.05)
        px, py = pooled_pixel_centre(report, 0, *PEAK)
        self.assertLessEqual(int(np.abs(pixels[py, px] - top).max()), 2, "the isolated peak is not at the top colour")
        self.assertGreater(int(np.abs(pixels[py, px + 4] - top).max()), 40, "the peak's neighbourhood is bright too")


class AppCommandLine(unittest.TestCase):
    def test_no_display_says_how_to_run_headless(self):
        env = dict(os.environ)
        env.pop("DISPLAY", None)
        result = subprocess.run([h.APP, "--frames", "2"], capture_output=True, text=True, env=env, timeout=60)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("xvfb-run", result.stderr)
        self.assertIn("attention-cli", result.stderr)

    def test_bad_scenario_is_an_error_naming_the_file_and_key(self):
        with h.temporary_directory() as tmp:
            path = os.path.join(tmp, "bad.json")
            with open(path, "w") as f:
                f.write('{"noise": {"shfit": 1}}')
            result = subprocess.run([h.APP, "--scenario", path, "--frames", "2"], capture_output=True, text=True,
                                    timeout=60)
        self.assertEqual(result.returncode, 3)
        self.assertIn("bad.json", result.stderr)
        self.assertIn("noise.shfit", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
