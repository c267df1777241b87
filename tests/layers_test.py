#!/usr/bin/python3
"""The layers as built: a file may include headers of its own layer and of the layers below it
only. The build enforces most of this through link order; this test also catches a header-only
include that would compile by accident (every app layer sees app/gui/ as an include directory).

    /usr/bin/python3 tests/layers_test.py [SOURCE_DIR]

Exits 1 and lists every offending line when a file includes a header of a higher layer, when a
GL-free layer includes ImGui, GLFW or glad, or when core/ includes anything of the app.
"""
import os
import re
import sys

# app/gui layers, lowest first, with what each may include (its own layer is always allowed).
APP_LAYERS = {
    "state": {"attn"},
    "colour": set(),
    "compute": {"state", "attn"},
    "figures": {"compute", "colour", "state", "attn"},
    "lessons": {"compute", "state", "attn"},
    "controller": {"lessons", "figures", "compute", "colour", "state", "attn"},
    "widgets": {"figures", "compute", "colour", "state", "attn", "imgui"},
    "panels": {"widgets", "controller", "lessons", "figures", "compute", "colour", "state", "attn", "imgui"},
    "render": {"widgets", "figures", "compute", "colour", "state", "attn", "imgui", "gl"},
    "shell": {"render", "panels", "widgets", "controller", "lessons", "figures", "compute", "colour", "state",
              "attn", "imgui", "gl"},
}
# core/ topics, lowest first: theory is its own library on top of the others.
CORE_TOPICS = {
    "base": set(),
    "io": {"base"},
    "kernels": {"base", "io"},
    "overview": {"base", "kernels"},
    "experiments": {"base", "io", "kernels", "overview"},
    "lm": {"base", "io", "kernels"},
    "theory": {"base", "io", "kernels", "overview", "experiments"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def kind_of(header):
    """The layer a quoted or angled include belongs to, or None for the standard library etc."""
    if header.startswith("attn/"):
        parts = header.split("/")
        return ("attn", parts[1] if len(parts) > 2 else None)
    if header in ("imgui.h", "imgui_internal.h") or header.startswith("backends/imgui"):
        return ("imgui", None)
    if header.startswith("glad/") or header.startswith("GLFW/") or header.startswith("GL/"):
        return ("gl", None)
    first = header.split("/")[0]
    if first in APP_LAYERS and "/" in header:
        return (first, None)
    return None


def source_files(root, folder):
    for base, _, names in os.walk(os.path.join(root, folder)):
        for name in sorted(names):
            if name.endswith((".cpp", ".hpp", ".h", ".inc")):
                yield os.path.join(base, name)


def includes(path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield number, m.group(1)


def check(root):
    problems = []
    gui = os.path.join(root, "app", "gui")
    for layer, allowed in APP_LAYERS.items():
        for path in source_files(root, os.path.join("app", "gui", layer)):
            for number, header in includes(path):
                kind = kind_of(header)
                if kind is None or kind[0] == layer or kind[0] in allowed:
                    continue
                problems.append(f"{os.path.relpath(path, root)}:{number}: layer '{layer}' includes "
                                f"'{header}' of layer '{kind[0]}'")
    known = set(APP_LAYERS) | {"CMakeLists.txt"}
    for entry in sorted(os.listdir(gui)):
        if entry not in known:
            problems.append(f"app/gui/{entry}: not a known layer (add it to APP_LAYERS and to the README)")

    for front, name in (("app/cli", "the CLI"), ("app/python", "the Python module")):
        for path in source_files(root, front):
            for number, header in includes(path):
                kind = kind_of(header)
                if kind is not None and kind[0] != "attn":
                    problems.append(f"{os.path.relpath(path, root)}:{number}: {name} includes '{header}'")

    for folder in ("core/include/attn", "core/src"):
        for path in source_files(root, folder):
            rel = os.path.relpath(path, os.path.join(root, folder))
            topic = rel.split(os.sep)[0]
            if topic not in CORE_TOPICS:
                problems.append(f"{os.path.relpath(path, root)}: outside a core topic folder")
                continue
            for number, header in includes(path):
                kind = kind_of(header)
                private_topic = header.split("/")[0] if "/" in header and kind is None else None
                if kind is not None and kind[0] != "attn":
                    problems.append(f"{os.path.relpath(path, root)}:{number}: core includes '{header}'")
                    continue
                other = kind[1] if kind else (private_topic if private_topic in CORE_TOPICS else None)
                if other and other != topic and other not in CORE_TOPICS[topic]:
                    problems.append(f"{os.path.relpath(path, root)}:{number}: core topic '{topic}' includes "
                                    f"'{header}' of topic '{other}'")
    return problems


def self_test():
    """The check must see a violation: a state file including a panel, core including ImGui."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="ax-layers-") as tmp:
        for folder, name, text in (("app/gui/state", "a.cpp", '#include "panels/panels.hpp"\n'),
                                   ("app/gui/panels", "b.cpp", '#include "state/app_state.hpp"\n'),
                                   ("core/src/base", "c.cpp", '#include "imgui.h"\n'),
                                   ("core/src/io", "d.cpp", '#include "attn/theory/sweeps.hpp"\n')):
            os.makedirs(os.path.join(tmp, folder), exist_ok=True)
            with open(os.path.join(tmp, folder, name), "w") as f:
                f.write(text)
        os.makedirs(os.path.join(tmp, "app", "cli"), exist_ok=True)
        found = check(tmp)
        expected = ["a.cpp:1: layer 'state' includes", "c.cpp:1: core includes", "d.cpp:1: core topic 'io'"]
        missing = [e for e in expected if not any(e in p for p in found)]
        wrong = [p for p in found if "b.cpp" in p]
        if missing or wrong:
            print("self-test failed: missing", missing, "unexpected", wrong)
            return False
    return True


def main():
    if not self_test():
        return 2
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) cross the layers")
        return 1
    print("every include stays within its layer or below")
    return 0


if __name__ == "__main__":
    sys.exit(main())
