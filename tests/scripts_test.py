#!/usr/bin/python3
"""scripts/run.sh and scripts/test.sh, run on a copy of scripts/ with stand-ins for every tool
that installs or builds (apt-get, sudo, dpkg-query, cmake, ctest, clang++, xvfb-run), so nothing
is installed or built; each stand-in writes its name and arguments to a log.

    /usr/bin/python3 tests/scripts_test.py SOURCE_DIR

- An unknown option of test.sh (`--asan` for `--sanitize`) is an error before anything runs:
  exit 2, a message naming the option, and no tool called. Once, a typo silently ran the default suite.
- run.sh and test.sh configure different build directories, so neither reconfigures the other's.
"""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))

# Each stand-in logs "name arg1 arg2 ..." and does what the scripts need to go on.
STAND_INS = {
    "apt-get": "exit 1",
    "sudo": "exit 1",
    "dpkg-query": 'echo "install ok installed"',  # every package present: apt is never called
    # cmake -S SRC -B DIR makes DIR (the scripts cd into it); cmake --build does nothing.
    "cmake": 'while [ $# -gt 0 ]; do [ "$1" = -B ] && mkdir -p "$2"; shift; done',
    "ctest": "true",
    "clang++": "true",
    "xvfb-run": "true",
}


class Scripts(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ax-scripts-test-")
        self.root = os.path.join(self._tmp.name, "tree")
        shutil.copytree(os.path.join(SOURCE_DIR, "scripts"), os.path.join(self.root, "scripts"))
        self.bin = os.path.join(self._tmp.name, "bin")
        os.mkdir(self.bin)
        self.log = os.path.join(self._tmp.name, "calls.log")
        for name, body in STAND_INS.items():
            path = os.path.join(self.bin, name)
            with open(path, "w") as f:
                f.write(f'#!/bin/bash\necho "{name} $*" >> "{self.log}"\n{body}\n')
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)

    def tearDown(self):
        self._tmp.cleanup()

    def run_script(self, script, *args):
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY") and not k.startswith("AX_")}
        env["PATH"] = self.bin + os.pathsep + env.get("PATH", "/usr/bin:/bin")
        return subprocess.run(["bash", os.path.join(self.root, "scripts", script), *args], env=env,
                              capture_output=True, text=True, timeout=60)

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return f.read().splitlines()

    def configured_dirs(self):
        """The -B directories of every cmake call, relative to the tree."""
        dirs = []
        for call in self.calls():
            words = call.split()
            if words[0] == "cmake" and "-B" in words:
                dirs.append(os.path.relpath(words[words.index("-B") + 1], self.root))
        return dirs

    def test_an_unknown_option_is_an_error_before_anything_runs(self):
        for args in (["--asan"], ["--sanitise"], ["--tsan", "--sanitize"], ["tsan"]):
            with self.subTest(args=args):
                r = self.run_script("test.sh", *args)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("usage: scripts/test.sh [--sanitize | --tsan]", r.stderr)
                self.assertEqual(self.calls(), [], "a tool ran after a bad option")
        self.assertIn("unknown option '--asan'", self.run_script("test.sh", "--asan").stderr)

    def test_help_says_the_options_and_runs_nothing(self):
        r = self.run_script("test.sh", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--sanitize | --tsan", r.stdout)
        self.assertEqual(self.calls(), [])

    def test_the_known_options_still_build(self):
        for args, expected in (([], "build"), (["--sanitize"], "build-asan"), (["--tsan"], "build-tsan")):
            with self.subTest(args=args):
                os.path.exists(self.log) and os.remove(self.log)
                r = self.run_script("test.sh", *args)
                # (--tsan then runs the tests it did not build: the stand-ins stop short of that)
                self.assertIn(expected, self.configured_dirs(), r.stdout + r.stderr)

    def test_run_and_test_keep_their_own_build_directories(self):
        r = self.run_script("run.sh")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        run_dirs = set(self.configured_dirs())
        os.remove(self.log)
        r = self.run_script("test.sh")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        test_dirs = set(self.configured_dirs())
        self.assertEqual(run_dirs, {"build-run"})
        self.assertEqual(test_dirs, {"build", "build-fuzz"})  # clang++ is "installed": the fuzz targets too


if __name__ == "__main__":
    unittest.main()
