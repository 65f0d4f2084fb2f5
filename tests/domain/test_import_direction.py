"""orchestration may import sitesel, never the reverse (docs/decisions.md, house style §3.1)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sitesel_never_imports_orchestration():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "sitesel").rglob("*.py")
        if any(name == "orchestration" or name.startswith("orchestration.") for name in _imported_modules(path))
    ]
    assert offenders == []


def test_the_check_sees_imports():
    assert "sitesel.models" in _imported_modules(ROOT / "sitesel" / "services" / "sites.py")
