#!/usr/bin/env python3
"""Layout test: one run of the real app renders the explorer and every step of every lesson
(before and after each answer) at 1024x768, 1280x720, 1366x768 and 1920x1080, in normal and
presentation mode (--layout-walk), and reports the rectangles of its widgets. Checks that the
heatmaps, the shift M control and the lesson's question and buttons are inside the window and
visible in their panel, that they do not overlap, and that heatmaps are large enough to read."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gui_harness as h  # noqa: E402

SIZES = "1024x768,1280x720,1366x768,1920x1080"
# Screenshots of every layout are kept for a person to look at when this names a directory.
KEEP = os.environ.get("AX_LAYOUT_SHOTS")


def inside(rect, box, slack=1.0):
    return (rect[0] >= box[0] - slack and rect[1] >= box[1] - slack and rect[2] <= box[2] + slack
            and rect[3] <= box[3] + slack)


def overlap(a, b, slack=1.0):
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def name_of(entry):
    mode = "presenting" if entry["presentation"] else "normal"
    step = f" step {entry['step']}{' (answer)' if entry['revealed'] else ''}" if entry["step"] else ""
    return f"{entry['view']}{step} at {entry['size'][0]}x{entry['size'][1]}, {mode}"


class Layouts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = h.temporary_directory()
        out = KEEP or cls.tmp.name
        args = [h.APP, "--scenario", os.path.join(h.SOURCE_DIR, "assets", "scenarios", "welcome.json"),
                "--layout-walk", out, "--layout-sizes", SIZES]
        if KEEP:
            args.append("--layout-screenshots")
        result = subprocess.run(args, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise AssertionError(f"app exited {result.returncode}: {result.stderr}")
        with open(os.path.join(out, "layouts.json")) as f:
            cls.entries = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def content_box(self, entry):
        """The window between the menu bar and the status bar."""
        layout = entry["layout"]
        w, h_ = entry["window"]
        top = layout["menu_bar"][3]
        bottom = layout["panel:status"][1]
        self.assertLess(top, 40, name_of(entry))
        self.assertGreater(bottom, h_ - 60, name_of(entry))
        return [0, top, w, bottom]

    def test_every_view_at_every_size_in_both_modes(self):
        sizes = {tuple(e["size"]) for e in self.entries}
        self.assertEqual(sizes, {(1024, 768), (1280, 720), (1366, 768), (1920, 1080)})
        lessons = {e["view"] for e in self.entries} - {"explorer"}
        self.assertGreaterEqual(len(lessons), 4)
        for e in self.entries:
            self.assertEqual(e["window"], e["size"], name_of(e))
        self.assertEqual({e["presentation"] for e in self.entries}, {False, True})

    def test_heatmaps_inside_their_panel_and_apart(self):
        for e in self.entries:
            layout = e["layout"]
            box = self.content_box(e)
            panel = layout.get("panel:heatmaps") or layout.get("panel:lesson_view")
            maps = {k: v for k, v in layout.items() if k.startswith("heatmap:")}
            with self.subTest(name_of(e)):
                for k, r in maps.items():
                    self.assertTrue(inside(r, box), f"{k} {r} leaves the window {box}")
                    self.assertTrue(inside(r, panel), f"{k} {r} leaves its panel {panel}")
                names = sorted(maps)
                for i, a in enumerate(names):
                    for b in names[i + 1:]:
                        self.assertFalse(overlap(maps[a], maps[b]), f"{a} {maps[a]} overlaps {b} {maps[b]}")
                    for other in ("panel:lesson", "panel:demo", "panel:controls", "panel:charts", "colour_bar"):
                        if other in layout:
                            self.assertFalse(overlap(maps[a], layout[other]), f"{a} {maps[a]} overlaps {other}")

    def test_heatmaps_large_enough_to_read(self):
        for e in self.entries:
            maps = [v for k, v in e["layout"].items() if k.startswith("heatmap:")]
            if not maps:
                continue
            side = min(min(r[2] - r[0], r[3] - r[1]) for r in maps)
            with self.subTest(name_of(e)):
                self.assertGreaterEqual(side, 72, f"{len(maps)} heatmaps of {side:.0f} px")

    def test_demo_heatmaps_fill_the_space(self):
        # The demo's four heatmaps take the space they have (at 1280x720 presenting, not one row
        # of small maps over an empty lower half).
        floors = {(1024, 768, False): 100, (1024, 768, True): 190, (1280, 720, False): 170, (1280, 720, True): 220,
                  (1366, 768, False): 190, (1366, 768, True): 240, (1920, 1080, False): 340, (1920, 1080, True): 380}
        for e in self.entries:
            if e["view"] != "explorer":
                continue
            maps = [v for k, v in e["layout"].items() if k.startswith("heatmap:")]
            self.assertEqual(len(maps), 4, name_of(e))
            side = min(min(r[2] - r[0], r[3] - r[1]) for r in maps)
            with self.subTest(name_of(e)):
                self.assertGreaterEqual(side, floors[(e["size"][0], e["size"][1], e["presentation"])])
                rows = len({round(r[1]) for r in maps})
                if e["size"][0] <= 1366:
                    self.assertEqual(rows, 2, f"square heatmaps in a landscape panel: 2 x 2, got {rows} rows")

    def test_shift_control_visible_in_the_explorer(self):
        for e in self.entries:
            if e["view"] != "explorer":
                continue
            layout = e["layout"]
            name = "shift_control" if e["presentation"] else "shift_slider"
            panel = layout["panel:demo" if e["presentation"] else "panel:controls"]
            with self.subTest(name_of(e)):
                self.assertIn(name, layout)
                self.assertTrue(inside(layout[name], panel), f"{name} {layout[name]} outside {panel}")
                self.assertTrue(inside(layout[name], self.content_box(e)))
                self.assertGreaterEqual(layout[name][2] - layout[name][0], 150)
                if e["presentation"]:
                    for other in ("mode_menu", "methods_menu", "sweep_button"):
                        self.assertIn(other, layout)
                        self.assertTrue(inside(layout[other], panel), f"{other} {layout[other]} outside {panel}")
                        self.assertFalse(overlap(layout[other], layout[name]), f"{other} overlaps {name}")

    def test_lesson_question_and_buttons_visible_without_scrolling(self):
        for e in self.entries:
            if e["view"] == "explorer":
                continue
            layout = e["layout"]
            panel = layout["panel:lesson"]
            box = self.content_box(e)
            with self.subTest(name_of(e)):
                self.assertTrue(inside(panel, box), f"lesson panel {panel} outside {box}")
                for name in ("lesson_next", "lesson_back", "lesson_question", "lesson_answer"):
                    if name not in layout:
                        self.assertNotIn(name, ("lesson_next", "lesson_back"))
                        continue
                    r = layout[name]
                    self.assertTrue(inside(r, panel), f"{name} {r} is cut off by the lesson panel {panel}")
                    self.assertGreater(r[3] - r[1], 5, name)
                self.assertFalse(overlap(layout["lesson_back"], layout["lesson_next"]))
                if "lesson_question" in layout:
                    self.assertLessEqual(layout["lesson_question"][3], layout["lesson_next"][1] + 1)
                    self.assertFalse(overlap(layout["lesson_question"], layout["lesson_body"]))

    def test_no_errors_reported(self):
        for e in self.entries:
            self.assertEqual(e["messages"], [], name_of(e))


if __name__ == "__main__":
    unittest.main(verbosity=2)
