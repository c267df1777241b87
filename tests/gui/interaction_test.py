#!/usr/bin/env python3
"""Interaction test: drives the real window with xdotool. Dragging the shift slider must change
relu's perturbed heatmap while exp's stays pixel for pixel what it was with no shift."""
import json
import os
import shutil
import subprocess
import sys
import time
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gui_harness as h  # noqa: E402

SCENARIO = {
    "data": {"source": "generated", "n": 12, "d": 4, "seed": 3},
    "attention": {"score": "dot", "alpha": 0.5, "methods": ["exp", "relu"]},
    "noise": {"shift": 0.0},
    "view": {"mode": "perturbed"},
}


def xdotool(*args):
    subprocess.run(["xdotool", *[str(a) for a in args]], check=True, timeout=30)


def wait_for(path, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if os.path.exists(path):
            return True
        time.sleep(0.1)
    return False


def run_interactively(test, args, ready, act, env=None):
    """Starts the app with `args` and --ready-file `ready`, waits until it is up, calls
    act(ready_report), and waits for the app to close (act ends with ctrl+q)."""
    if os.path.exists(ready):
        os.remove(ready)
    app = subprocess.Popen([h.APP, "--size", "1280x800", "--ready-file", ready, *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        test.assertTrue(wait_for(ready, 60), "the app never reported ready")
        time.sleep(0.3)  # let the ready report finish its rename
        with open(ready) as f:
            act(json.load(f))
        _, stderr = app.communicate(timeout=90)
    finally:
        if app.poll() is None:
            app.kill()
    test.assertEqual(app.returncode, 0, stderr)


class ShiftSliderDrag(unittest.TestCase):
    def test_dragging_the_shift_slider_moves_relu_but_not_exp(self):
        self.assertIsNotNone(shutil.which("xdotool"), "xdotool is needed (apt-get install xdotool)")
        with h.temporary_directory() as tmp:
            reference, ref_report = h.run_app(SCENARIO, tmp)
            scenario_path = os.path.join(tmp, "scenario.json")
            ready = os.path.join(tmp, "ready.json")
            final_report = os.path.join(tmp, "final.json")
            final_shot = os.path.join(tmp, "final.png")

            def drag_the_shift_slider(layout):
                window = layout["window"]
                x0, y0, x1, y1 = layout["layout"]["shift_slider"]
                y = int(window["y"] + (y0 + y1) / 2)
                start = int(window["x"] + (x0 + x1) / 2)   # shift 0 sits mid-slider
                end = int(window["x"] + x1 - 8)             # towards +10
                xdotool("mousemove", start, y)
                time.sleep(0.2)
                xdotool("mousedown", 1)
                for x in np.linspace(start, end, 8):
                    xdotool("mousemove", int(x), y)
                    time.sleep(0.05)
                xdotool("mouseup", 1)
                time.sleep(1.5)  # the engine recomputes in the background
                xdotool("key", "ctrl+q")

            run_interactively(self, ["--scenario", scenario_path, "--no-session", "--report", final_report,
                                     "--screenshot", final_shot], ready, drag_the_shift_slider)
            with open(final_report) as f:
                report = json.load(f)
            final = h.read_png(final_shot)

        shift = report["state"]["noise"]["shift"]
        self.assertGreater(shift, 2.0, f"the drag did not move the slider (shift = {shift})")
        methods = {m["spec"]: m for m in report["results"]["methods"]}
        self.assertLess(methods["exp"]["max_abs_diff"], 1e-6)
        self.assertGreater(methods["relu"]["max_abs_diff"], 1e-3)
        self.assertEqual(report["layout"]["heatmap:0"], ref_report["layout"]["heatmap:0"])
        exp_before, exp_after = h.region(reference, ref_report, 0), h.region(final, report, 0)
        relu_before, relu_after = h.region(reference, ref_report, 1), h.region(final, report, 1)
        self.assertEqual(np.abs(exp_before - exp_after).max(), 0, "exp's perturbed heatmap changed")
        self.assertGreater(np.abs(relu_before - relu_after).max(), 20, "relu's perturbed heatmap did not change")


class PooledHover(unittest.TestCase):
    """Hovering a pooled pixel names its block and the cell of its max: over the sink's pixel
    column of a 4096 x 4096 weight file, the readout names the sink's key."""

    def test_hover_over_the_sink_column_names_the_sink_key(self):
        import pixel_test  # noqa: E402  (the sink file and the block geometry)
        with h.temporary_directory() as tmp:
            path = os.path.join(tmp, "sink.npy")
            pixel_test.write_sink_file(path)
            scenario = {"data": {"source": "file", "vectors_path": path}}
            _, reference = h.run_app(scenario, tmp, frames=10)  # the layout, once the file is shown
            scenario_path = os.path.join(tmp, "scenario.json")
            ready, final_report = os.path.join(tmp, "ready.json"), os.path.join(tmp, "final.json")

            def hover_the_sink(layout):
                window = layout["window"]
                time.sleep(3.0)  # the file loads and the first overview arrives
                x, y = pixel_test.pooled_pixel_centre(reference, 0, 1000, pixel_test.SINK_KEY)
                xdotool("mousemove", int(window["x"] + x), int(window["y"] + y))
                time.sleep(1.0)
                xdotool("mousemove", int(window["x"] + x), int(window["y"] + y))  # a fresh event
                time.sleep(0.5)
                xdotool("key", "ctrl+q")

            run_interactively(self, ["--scenario", scenario_path, "--no-session", "--report", final_report], ready,
                              hover_the_sink)
            with open(final_report) as f:
                report = json.load(f)
        hover = report["hover"]
        self.assertIn(f"key {pixel_test.SINK_KEY}", hover)
        self.assertIn("max w 0.5", hover)
        self.assertIn("mean", hover)
        self.assertRegex(hover, r"rows \d+\.\.\d+, keys \d+\.\.\d+")


class LastSession(unittest.TestCase):
    """The last session is restored at start and saved at exit (in $XDG_CONFIG_HOME)."""

    def run_interactive(self, config_home, tmp):
        report_path = os.path.join(tmp, "final.json")
        if os.path.exists(report_path):
            os.remove(report_path)

        def quit_at_once(layout):
            window = layout["window"]
            xdotool("mousemove", window["x"] + 600, window["y"] + 400)
            xdotool("key", "ctrl+q")

        run_interactively(self, ["--report", report_path], os.path.join(tmp, "ready.json"), quit_at_once,
                          env=dict(os.environ, XDG_CONFIG_HOME=config_home))
        with open(report_path) as f:
            return json.load(f)

    def test_restored_at_start_and_saved_at_exit(self):
        with h.temporary_directory() as tmp:
            config = os.path.join(tmp, "config")
            session = os.path.join(config, "attention-explorer", "last-session.json")
            os.makedirs(os.path.dirname(session))
            with open(session, "w") as f:
                json.dump({"attention": {"methods": ["exp", "sigmoid"]}, "noise": {"shift": 2.5}}, f)
            report = self.run_interactive(config, tmp)
            self.assertEqual(report["state"]["noise"]["shift"], 2.5)
            self.assertEqual(report["state"]["attention"]["methods"], ["exp", "sigmoid"])
            with open(session) as f:
                saved = json.load(f)
            self.assertEqual(saved["noise"]["shift"], 2.5)
            self.assertIn("version", saved)

            # A damaged session file is reported, the app starts from the defaults and saves a good one.
            with open(session, "w") as f:
                f.write('{"noise": {"shift": ')
            report = self.run_interactive(config, tmp)
            self.assertTrue(any("last session not restored" in m for m in report["messages"]), report["messages"])
            with open(session) as f:
                self.assertEqual(json.load(f)["noise"]["shift"], 0.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
