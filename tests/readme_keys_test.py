#!/usr/bin/python3
"""The README's keys are the app's keys (issue 17, item 7): every "KEYS: what" the README's model-view
paragraph states names keys whose bindings in the app's key table (app/gui/**/key_map.cpp, the table
the window shell and the help overlay use) do that.

    /usr/bin/python3 tests/readme_keys_test.py [SOURCE_DIR]
"""
import glob
import os
import re
import sys

BINDING = re.compile(r'\{\s*[^,]+,\s*[^,]+,\s*Command::(\w+),\s*"([^"]+)",\s*"([^"]+)"')
# "left/right: head", "[ and ]: layer", "Left/Right: head" inside a sentence of the paragraph.
CLAIM = re.compile(r"((?:[A-Za-z]+|\[|\])(?:\s*(?:/|and)\s*(?:[A-Za-z]+|\[|\]))*|\[ \])\s*:\s*(head|layer|M)\b", re.I)


def bindings(root):
    files = glob.glob(os.path.join(root, "app", "gui", "**", "key_map.cpp"), recursive=True)
    assert files, "no key_map.cpp under app/gui"
    with open(files[0], encoding="utf-8") as f:
        return [(command, label, what) for command, label, what in BINDING.findall(f.read())]


def model_view_paragraph(root):
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("**Model view.**")
    end = text.index("\n- **", start)
    return " ".join(text[start:end].split())


def check(root):
    table = bindings(root)
    paragraph = model_view_paragraph(root)
    claims = CLAIM.findall(paragraph)
    problems = [] if claims else [f"the model-view paragraph names no keys: {paragraph[:200]}"]
    for keys, what in claims:
        for key in re.split(r"\s*(?:/|and|\s)\s*", keys.strip()):
            if not key:
                continue
            found = [(label, does) for _, label, does in table if label.lower() == key.lower()]
            if not found:
                problems.append(f"README: key '{key}' ({keys}: {what}) is not in the key table")
            elif not any(what.lower() in does.lower().split(":")[-1] for _, does in found):
                problems.append(f"README says '{keys}: {what}', but {key} does: {'; '.join(d for _, d in found)}")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = check(root)
    for p in problems:
        print(p)
    print("README keys match the key table" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
