"""The project stands alone: no absolute machine paths and no tracker references in code or docs."""

from __future__ import annotations

import re

from tests.architecture.import_graph import ROOT

TEXT_SUFFIXES = {".py", ".md", ".html", ".js", ".css", ".sh", ".yml", ".toml", ".txt", ".cfg"}
SKIP_DIRS = {".git", ".venv", ".run", ".hypothesis", "staticfiles", "node_modules", "__pycache__"}
# Spelled in pieces so this file does not match itself.
FORBIDDEN = re.compile(r"\b" + "iss" + r"ue\s*#?\d+|/" + "wo" + r"rk/|\.\./" + "sha" + "red", re.IGNORECASE)


def _text_files():
    for path in ROOT.rglob("*"):
        if SKIP_DIRS.intersection(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in ("Makefile", "Dockerfile"):
            yield path


def test_no_machine_paths_or_tracker_references():
    hits = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _text_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert hits == []


def test_the_pattern_catches_what_it_should():
    assert FORBIDDEN.search("see " + "Iss" + "ue 6") and FORBIDDEN.search("cd /" + "work/main")
    assert not FORBIDDEN.search("an issue with numbers") and any(p.name == "README.md" for p in _text_files())
