"""The pure domain packages must import without Django (or DRF, Celery, models) in a fresh interpreter.

Each module is imported in its own subprocess so that nothing the test runner already loaded (pytest
plugins, other tests) can hide an import. sitesel.domain and core's pure modules are held to "stdlib + numpy"; for
orchestration.domain (owned elsewhere) only the framework ban is checked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_TOP_LEVEL = {"django", "rest_framework", "celery"}
FORBIDDEN_PREFIXES = ("sitesel.models", "orchestration.models")
SITESEL_ALLOWED_THIRD_PARTY = {"numpy"}


def _domain_modules(package: str) -> list[str]:
    pkg_dir = ROOT.joinpath(*package.split("."))
    if not pkg_dir.is_dir():
        return []
    names = [package]
    for path in sorted(pkg_dir.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        name = ".".join(parts)
        if name not in names:
            names.append(name)
    return names


# core's pure modules are what the domain packages may build on (tests/architecture holds that rule).
CORE_PURE = ["core.errors", "core.text"]
MODULES = _domain_modules("sitesel.domain") + _domain_modules("orchestration.domain") + CORE_PURE

_PROBE = """
import importlib, json, sys
before = set(sys.modules)
importlib.import_module(sys.argv[1])
print(json.dumps({"loaded": sorted(set(sys.modules) - before), "stdlib": sorted(sys.stdlib_module_names)}))
"""


def _import_in_fresh_interpreter(module: str) -> tuple[set[str], set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, module],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, f"importing {module} failed:\n{proc.stderr}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return set(out["loaded"]), set(out["stdlib"])


def test_domain_modules_were_found() -> None:
    # Guards against the discovery silently finding nothing (which would make the test vacuous).
    assert "sitesel.domain.economics" in MODULES
    assert "sitesel.domain.time_to_power" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_domain_module_imports_without_django(module: str) -> None:
    loaded, stdlib = _import_in_fresh_interpreter(module)
    top = {m.split(".")[0] for m in loaded}
    assert not (top & FORBIDDEN_TOP_LEVEL), f"{module} pulls in {sorted(top & FORBIDDEN_TOP_LEVEL)}"
    assert "django" not in loaded
    bad = sorted(m for m in loaded if m.startswith(FORBIDDEN_PREFIXES))
    assert not bad, f"{module} imports models: {bad}"
    if module.startswith("sitesel.domain") or module in CORE_PURE:
        third_party = {m for m in top if m not in stdlib and not m.startswith("_")} - {"sitesel", "core"}
        assert third_party <= SITESEL_ALLOWED_THIRD_PARTY, f"{module} imports {sorted(third_party)}"
