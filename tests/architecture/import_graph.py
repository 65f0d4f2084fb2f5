"""The project's import graph, read with `ast` (nothing is imported), for the architecture tests and a report.

An edge `a -> b` means module `a` imports project module `b` anywhere in its body (function-level imports
included: they still tie the two modules together). Run `python -m tests.architecture.import_graph` for the
figures the architecture page quotes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "core", "sitesel", "orchestration")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imported_modules(path: Path) -> set[str]:
    """Every module name `path` imports, relative imports resolved, `from a import b` read as `a.b` too."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@cache
def graph() -> dict[str, frozenset[str]]:
    """Project module -> the project modules it imports (names that are not modules resolve to their parent)."""
    files = {module_name(path): path for path in project_files()}

    def resolve(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, frozenset[str]] = {}
    for module, path in files.items():
        targets = {resolve(name) for name in imported_modules(path) if name.split(".")[0] in PACKAGES}
        edges[module] = frozenset(t for t in targets if t and t != module and not module.startswith(t + "."))
    return edges


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def arrows(source: str, target: str) -> list[tuple[str, str]]:
    """(importer, imported) module pairs from package `source` into package `target`."""
    return sorted(
        (module, imported)
        for module, targets in graph().items()
        if module.split(".")[0] == source
        for imported in targets
        if imported.split(".")[0] == target
    )


if __name__ == "__main__":
    circles = cycles()
    print(f"modules: {len(graph())}, edges: {sum(map(len, graph().values()))}")
    print(f"import circles: {len(circles)}")
    for circle in circles:
        print("  " + " <-> ".join(circle))
    for source, target in (
        ("config", "sitesel"),
        ("config", "orchestration"),
        ("orchestration", "sitesel"),
        ("sitesel", "orchestration"),
        ("core", "sitesel"),
        ("core", "orchestration"),
    ):
        pairs = arrows(source, target)
        print(f"{source} -> {target}: {len(pairs)} file pairs")
        for importer, imported in pairs:
            print(f"  {importer} -> {imported}")
