"""The desktop app from Python: a scenario for a file or for arrays, the app opened on it (show), or
its heatmaps rendered to a PNG without a window (render)."""
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

from . import _engine
from ._app_path import APP

# Keyword arguments of show and render that belong to the scenario's attention and noise sections;
# any other keyword is a view setting (mode, log_scale, colormap, ...).
_ATTENTION_KEYS = {"score", "alpha", "mask", "subtract_max"}
_NOISE_KEYS = {"shift", "scale", "row_shift_rms", "column_shift_rms", "score_noise_rms", "global_rms", "local_rms",
               "target"}


def _save_arrays(q, k, folder):
    """Checks q and k as weights() does (ValueError naming the problem) and saves them as float32."""
    _engine.check_vectors(q, k)
    data = {"vectors_path": os.path.join(folder, "q.npy")}
    np.save(data["vectors_path"], np.ascontiguousarray(q, dtype=np.float32))
    if k is not None:
        data["keys_path"] = os.path.join(folder, "k.npy")
        np.save(data["keys_path"], np.ascontiguousarray(k, dtype=np.float32))
    return data


def scenario(source, k=None, layer=0, head=0, methods=None, folder=None, **settings):
    """The app's scenario (a dict, as File > Save scenario writes it) for a file (`source` a path: a
    model file, vectors or weights) or for arrays (`source` is q, `k` the keys or None). Arrays are
    saved as float32 .npy files in `folder` (a new temporary folder when None)."""
    if isinstance(source, (str, os.PathLike)):
        data = {"vectors_path": os.path.abspath(os.fspath(source))}
    else:
        data = _save_arrays(source, k, folder or tempfile.mkdtemp(prefix="attention-explorer-"))
    out = {"data": dict(data, source="file", layer=layer, head=head), "attention": {}, "noise": {}, "view": {}}
    if methods is not None:
        out["attention"]["methods"] = [methods] if isinstance(methods, str) else list(methods)
    for key, value in settings.items():
        section = "attention" if key in _ATTENTION_KEYS else "noise" if key in _NOISE_KEYS else "view"
        out[section][key] = value
    return {name: section for name, section in out.items() if section}


def _app():
    if not os.path.exists(APP):
        raise RuntimeError(f"the app {APP} is not built (configure with -DAX_BUILD_GUI=ON and build "
                           "attention-explorer); weights, overview and invariance work without it")
    return APP


def _write_scenario(settings, folder):
    path = os.path.join(folder, "scenario.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(settings, f)
    return path


def show(source, k=None, layer=0, head=0, methods=None, **settings):
    """Opens the app on a file or on arrays (see scenario), at `layer` and `head`, and returns at
    once with the running app's subprocess.Popen. Arrays stay in a temporary folder while it runs.
    Needs a display; without one, use render."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        raise RuntimeError("show needs a display (DISPLAY is not set): use ax.render(..., png=...) for a picture")
    app = _app()
    folder = tempfile.mkdtemp(prefix="attention-explorer-")
    path = _write_scenario(scenario(source, k, layer, head, methods, folder, **settings), folder)
    return subprocess.Popen([app, "--scenario", path, "--no-session"])


def _check_report(report_path, settings, stderr):
    """The app falls back to generated data when a file cannot be used, and keeps drawing: a
    picture of other data must not pass for the one asked for."""
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    data = report["state"]["data"]
    problems = [m for m in report.get("results", {}).get("methods", []) if m.get("error")]
    if data.get("source") != "file" or data.get("vectors_path") != settings["data"]["vectors_path"]:
        raise ValueError("the app could not open " + settings["data"]["vectors_path"] + ": " +
                         "; ".join(report.get("messages", [])) + (" " + stderr if stderr else ""))
    if problems:
        raise ValueError("; ".join(f"{m['spec']}: {m['error']}" for m in problems))


def render(source, k=None, layer=0, head=0, methods=None, png="attention.png", size="1280x720", frames=30,
           **settings):
    """Renders the app's heatmaps of a file or of arrays (see scenario) to `png`, without a window:
    under xvfb-run when there is no display. Returns the PNG's absolute path. Raises ValueError when
    the input or a setting is refused (with the app's message), RuntimeError when the app cannot
    run."""
    app = _app()
    png = os.path.abspath(png)
    folder = tempfile.mkdtemp(prefix="attention-explorer-")
    try:
        settings = scenario(source, k, layer, head, methods, folder, **settings)
        report = os.path.join(folder, "report.json")
        command = [app, "--scenario", _write_scenario(settings, folder), "--no-session", "--size", size,
                   "--frames", str(frames), "--screenshot", png, "--report", report]
        if not os.environ.get("DISPLAY"):
            if not shutil.which("xvfb-run"):
                raise RuntimeError("render needs a display or xvfb-run (Debian: apt-get install xvfb xauth)")
            command = ["xvfb-run", "-a", "-s", f"-screen 0 {size}x24"] + command
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        stderr = run.stderr.strip()[-2000:]
        if run.returncode in (2, 3):  # a refused option or scenario: the app's message says which
            raise ValueError(f"attention-explorer refused the request: {stderr}")
        if run.returncode != 0 or not os.path.exists(png):
            raise RuntimeError(f"attention-explorer could not render {png} (exit code {run.returncode}): {stderr}")
        _check_report(report, settings, stderr)
        return png
    finally:
        shutil.rmtree(folder, ignore_errors=True)
