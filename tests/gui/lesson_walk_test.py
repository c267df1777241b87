#!/usr/bin/env python3
"""GUI smoke test of the lessons: the real app walks every step of every lesson (before and after
each answer) under Xvfb and saves a screenshot of each. Checks that every step rendered a picture
with content, and that no step reported an error."""
import json
import os
import subprocess
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gui_harness as h  # noqa: E402

LESSONS = os.path.join(h.SOURCE_DIR, "assets", "lessons")
# Screenshots are kept for a person to look at when this variable names a directory.
KEEP = os.environ.get("AX_LESSON_SHOTS")


class LessonWalk(unittest.TestCase):
    def test_every_step_of_every_lesson_renders(self):
        files = sorted(f for f in os.listdir(LESSONS) if f.endswith(".json"))
        self.assertGreaterEqual(len(files), 4)
        for name in files:
            with self.subTest(lesson=name), h.temporary_directory() as tmp:
                out = os.path.join(KEEP, name[:-5]) if KEEP else tmp
                result = subprocess.run([h.APP, "--lesson", os.path.join(LESSONS, name), "--walk", out,
                                         "--size", "1280x800"], capture_output=True, text=True, timeout=600)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertNotIn("warning", result.stderr, result.stderr)
                with open(os.path.join(LESSONS, name)) as f:
                    lesson = json.load(f)
                expected = sum(2 if "question" in step else 1 for step in lesson["steps"])
                shots = sorted(p for p in os.listdir(out) if p.endswith(".png"))
                self.assertEqual(len(shots), expected, shots)
                for shot in shots:
                    pixels = h.read_png(os.path.join(out, shot))
                    self.assertEqual(pixels.shape, (800, 1280, 3))
                    # The step's view (right of the lesson panel) is not an empty background.
                    view = pixels[60:740, 450:1260].reshape(-1, 3)
                    colours = len(np.unique(view, axis=0))
                    self.assertGreater(colours, 20, f"{name} {shot}: the view looks empty ({colours} colours)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
