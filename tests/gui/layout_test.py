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
# The lessons issue 15's readability checks were measured on (lessons landed since are not yet).
READABLE = {"1_why_softmax", "2_words", "3_propagation", "4_classification"}


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

    def test_every_panel_inside_the_window(self):
        # Issue 15: the status bar's rectangle reached y = 729 in a 720 px window (a 50 px minimum
        # height for panels, applied to it too).
        for e in self.entries:
            w, h_ = e["window"]
            for k, r in e["layout"].items():
                if k.startswith("panel:") or k == "menu_bar":
                    with self.subTest(name_of(e), panel=k):
                        self.assertTrue(inside(r, [0, 0, w, h_]), f"{k} {r} leaves the {w}x{h_} window")

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
            # Issue 15: lesson 1 step 7's heatmaps shrank to about 80 px at 1024 x 768.
            # In tabs when that is what it takes (119 px at 1024 x 768). Presenting, its 7 heatmaps in
            # large type still get about 70 px (left in the issue).
            floor = 115 if e["view"] in READABLE and not e["presentation"] else 72
            with self.subTest(name_of(e)):
                self.assertGreaterEqual(side, floor, f"{len(maps)} heatmaps of {side:.0f} px")

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

    def test_revealed_answer_shown_whole(self):
        # Issue 15: answers stopped mid-sentence in small scroll boxes. The whole answer's text lies
        # inside its box at every size, presenting or not.
        seen = 0
        for e in self.entries:
            layout = e["layout"]
            if e["view"] not in READABLE or "lesson_answer_text" not in layout:
                continue
            seen += 1
            with self.subTest(name_of(e)):
                self.assertTrue(inside(layout["lesson_answer_text"], layout["lesson_answer"]),
                                f"answer text {layout['lesson_answer_text']} cut off by its box {layout['lesson_answer']}")
        self.assertGreater(seen, 0)

    def test_measurements_visible_once_the_answer_is_out(self):
        # Issue 15: lesson 4's accuracies appeared only after scrolling. Once the answer is revealed
        # the first measured claim is in view, without scrolling.
        seen = 0
        for e in self.entries:
            layout = e["layout"]
            if e["view"] not in READABLE or not e["revealed"] or "lesson_claim:0" not in layout:
                continue
            seen += 1
            claim, body = layout["lesson_claim:0"], layout["lesson_body"]
            if e["size"][0] < 1280:
                # At 1024 px presenting, the column is narrow: the claim starts in view (lesson 1
                # step 21's long statement ends below it).
                claim = [claim[0], claim[1], claim[2], min(claim[3], claim[1] + 40)]
            with self.subTest(name_of(e)):
                self.assertTrue(inside(claim, body), f"claim {claim} not in view in {body}")
        self.assertGreater(seen, 0)

    def test_step_text_without_scrolling_when_presenting_at_1280x720(self):
        # Before its answer, a step's whole text is in view at 1280 x 720 presenting (the type
        # shrinks from 26 px to at most 18 px to fit it).
        seen = 0
        for e in self.entries:
            layout = e["layout"]
            if e["view"] not in READABLE or e["revealed"] or not e["presentation"] or e["size"] != [1280, 720] or "lesson_text" not in layout:
                continue
            seen += 1
            with self.subTest(name_of(e)):
                self.assertTrue(inside(layout["lesson_text"], layout["lesson_body"]),
                                f"text {layout['lesson_text']} needs scrolling in {layout['lesson_body']}")
        self.assertGreater(seen, 40)

    def test_presenting_lesson_column_is_wide(self):
        # Presenting at 1280 x 720 the lesson column was about 400 px: now 45% of the width (from 1280).
        for e in self.entries:
            if e["view"] == "explorer" or not e["presentation"] or e["size"][0] < 1280:
                continue
            panel = e["layout"]["panel:lesson"]
            with self.subTest(name_of(e)):
                self.assertGreaterEqual(panel[2] - panel[0], 0.44 * e["size"][0])

    def test_tables_laid_out_from_their_content(self):
        # Issue 15: lesson 2 step 6's table had columns a few characters wide ("Ylipaa's slides" one
        # letter per line). A table stays inside its pane's width, its cells do not overlap, and
        # no cell takes more than three lines of the table's one-line cells.
        seen = 0
        for e in self.entries:
            layout = e["layout"]
            tables = [k for k in layout if k.startswith("table:") and k.count(":") == 1]
            for t in tables:
                seen += 1
                pane = layout["panel:lesson_view"]
                cells = [v for k, v in layout.items() if k.startswith(t + ":") and v[3] - v[1] > 2]
                with self.subTest(f"{name_of(e)}: {t}"):
                    r = layout[t]
                    self.assertGreaterEqual(r[0], pane[0] - 1, f"{t} {r} leaves its pane {pane}")
                    self.assertLessEqual(r[2], pane[2] + 1, f"{t} {r} leaves its pane {pane}")
                    line = min(c[3] - c[1] for c in cells)
                    for c in cells:
                        self.assertTrue(inside(c, r), f"cell {c} outside {t} {r}")
                        self.assertLessEqual(c[3] - c[1], 3 * line + 10, f"a cell of {t} takes {c} (one line: {line})")
                    for i, a in enumerate(cells):
                        for b in cells[i + 1:]:
                            self.assertFalse(overlap(a, b), f"cells {a} and {b} of {t} overlap")
        self.assertGreater(seen, 0, "no table in any lesson step")

    def test_word_charts_and_labels_stay_in_their_pane_and_apart(self):
        # Issue 15: lesson 2 step 3's bar chart ran off the pane, and "'great' pooled" overlapped
        # "great" on the plane.
        charts = labels = 0
        for e in self.entries:
            layout = e["layout"]
            pane = layout.get("panel:lesson_view")
            if not pane:
                continue
            marks = [v for k, v in layout.items() if k.startswith("label:words:")]
            with self.subTest(name_of(e)):
                for k, r in layout.items():
                    if k.startswith("chart:"):
                        charts += 1
                        self.assertGreaterEqual(r[0], pane[0] - 1, f"{k} {r} leaves its pane {pane}")
                        self.assertLessEqual(r[2], pane[2] + 1, f"{k} {r} leaves its pane {pane}")
                labels += len(marks)
                for i, a in enumerate(marks):
                    self.assertTrue(a[0] >= pane[0] and a[2] <= pane[2], f"label {a} leaves the pane {pane}")
                    # Presenting, a crowded plane in large type still has a few overlaps (left in the issue).
                    for b in marks[i + 1:] if not e["presentation"] else []:
                        self.assertFalse(overlap(a, b, 0.0), f"labels {a} and {b} overlap")
        self.assertGreater(charts, 0)
        self.assertGreater(labels, 0)

    def test_no_errors_reported(self):
        for e in self.entries:
            self.assertEqual(e["messages"], [], name_of(e))


if __name__ == "__main__":
    unittest.main(verbosity=2)
