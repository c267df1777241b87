#!/usr/bin/python3
"""Issue 20, the command line: error lines that quote what a file holds stay one readable line,
and outputs that are not regular files are refused instead of replaced.

    /usr/bin/python3 tests/cli/hostile_cli_test.py --cli build/bin/attention-cli

Uses the helpers of cli_test.py (every invocation is checked for crashes, and a failing one for
exactly one 'error:' line on stderr).
"""

import io
import os
import stat
import sys
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_test  # noqa: E402
from cli_test import IO, USAGE, CliTestCase  # noqa: E402


def npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()


class HostileCliTests(CliTestCase):
    def test_a_member_name_cannot_forge_an_error_line_or_an_escape(self):
        path = self.path("evil.npz")
        with zipfile.ZipFile(path, "w") as z:
            # Without the UTF-8 flag the name is CP437 (libzip reads 0x0a as a glyph, U+25D9): the
            # test asks only that the name does not reach the terminal as a line break or an escape.
            z.writestr("q\nerror: forged line\x1b[31m.npy", npy_bytes(np.ones((3, 2), dtype=np.float32)))
        for source in (path, path + ":missing"):
            proc = self.run_cli("weights", "-i", source, "-o", self.path("w.npy"))
            self.assertEqual(proc.returncode, IO, cli_test.describe(["weights", "-i", source], proc))
            self.assertNotIn("\x1b", proc.stderr)
            self.assertIn("error: forged line", proc.stderr)
            self.assertEqual(proc.stderr.count("\n"), 1, proc.stderr)

    def test_a_huge_formula_error_is_cut_to_a_readable_line(self):
        x = self.save("x.npy", np.ones((3, 2)))
        formula = "custom:exp(" + "z" * 100000  # 100 KB: unbalanced, so the error quotes it
        proc = self.run_cli("weights", "-i", x, "--method", formula, "-o", self.path("w.npy"))
        self.assertEqual(proc.returncode, USAGE, cli_test.describe(["weights", "--method", "custom:..."], proc))
        line = proc.stderr.rstrip("\n")
        self.assertLess(len(line), 400, line[:500])
        self.assertRegex(line, r"\.\.\. \(\d+ more\)$")

    def test_a_fifo_or_a_device_is_refused_as_an_output(self):
        x = self.save("x.npy", np.ones((3, 2)))
        fifo = self.path("out.npy")
        os.mkfifo(fifo)
        proc = self.run_cli("weights", "-i", x, "-o", fifo)
        self.assertEqual(proc.returncode, IO, cli_test.describe(["weights", "-o", fifo], proc))
        self.assertIn(fifo + ": cannot write: it is a FIFO", proc.stderr)
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file")
        if os.geteuid() == 0:
            # What `--json /dev/null` did as root: a device node replaced by a regular file.
            node = self.path("null.json")
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            proc = self.run_cli("invariance", "-i", x, "--methods", "exp", "--shifts", "1", "--json", node)
            self.assertEqual(proc.returncode, IO, cli_test.describe(["invariance", "--json", node], proc))
            self.assertIn(node + ": cannot write: it is a character device", proc.stderr)
            self.assertTrue(stat.S_ISCHR(os.lstat(node).st_mode), "the device node was replaced")

    def test_a_dash_writes_json_to_standard_output(self):
        x = self.save("x.npy", np.ones((3, 2)))
        proc = self.ok("invariance", "-i", x, "--methods", "exp", "--shifts", "1", "--json", "-")
        self.assertFalse(os.path.exists(self.path("-")), "a file named '-' was written")
        self.assertIn('"max_abs_diff"', proc.stdout)


if __name__ == "__main__":
    cli_test.main()
