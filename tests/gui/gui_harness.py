"""Shared helpers of the GUI tests: run the app on a scenario under the current X display, read
its screenshot and report, and look up heatmap cells in the picture."""
import json
import os
import re
import subprocess
import tempfile

import numpy as np

APP = os.environ["AX_APP"]
PNG_TO_NPY = os.environ["AX_PNG_TO_NPY"]
SOURCE_DIR = os.environ["AX_SOURCE_DIR"]


def colormap_tables():
    """The colormap tables the app is built with, parsed from the generated source."""
    path = os.path.join(SOURCE_DIR, "app", "gui", "colour", "colormap_tables.inc")
    text = open(path).read()
    tables = {}
    for name, body in re.findall(r"k_(\w+)_table\[256\]\[3\] = \{(.*?)\};", text, re.S):
        values = [int(v) for v in re.findall(r"\d+", body)]
        tables[name] = np.array(values, dtype=np.int32).reshape(256, 3)
    return tables


def read_png(path):
    npy = path + ".npy"
    subprocess.run([PNG_TO_NPY, path, npy], check=True)
    return np.load(npy).astype(np.int32)


def run_app(scenario, directory, frames=40, size="1280x800", extra=()):
    """Runs the app on `scenario` (a dict) and returns (pixels HxWx3, report dict)."""
    scenario_path = os.path.join(directory, "scenario.json")
    with open(scenario_path, "w") as f:
        json.dump(scenario, f)
    shot = os.path.join(directory, "shot.png")
    report_path = os.path.join(directory, "report.json")
    result = subprocess.run([APP, "--scenario", scenario_path, "--frames", str(frames), "--size", size,
                             "--screenshot", shot, "--report", report_path, *extra],
                            capture_output=True, text=True, timeout=240)
    if result.returncode != 0:
        raise AssertionError(f"app exited {result.returncode}: {result.stderr}")
    with open(report_path) as f:
        report = json.load(f)
    return read_png(shot), report


def cell_centre(report, heatmap, i, j):
    """Pixel (x, y) at the centre of cell (i, j) of heatmap `heatmap` (an index) at zoom 1."""
    x0, y0, x1, y1 = report["layout"][f"heatmap:{heatmap}"]
    info = report["heatmaps"][f"heatmap:{heatmap}"]
    x = x0 + (j + 0.5) * (x1 - x0) / info["cols"]
    y = y0 + (i + 0.5) * (y1 - y0) / info["rows"]
    return int(x), int(y)


def region(pixels, report, heatmap, inset=2):
    x0, y0, x1, y1 = (int(round(v)) for v in report["layout"][f"heatmap:{heatmap}"])
    return pixels[y0 + inset:y1 - inset, x0 + inset:x1 - inset]


def softmax_rows(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ratio_rows(f):
    sums = f.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sums > 0, f / sums, np.nan)


def temporary_directory():
    return tempfile.TemporaryDirectory(prefix="ax_gui_test_")
