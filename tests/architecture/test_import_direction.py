"""Which package may import which (docs/architecture.md, "Import rules"), read from the source with `ast`.

Pure Python: runs with `-p no:django`. Every rule has a companion check that it sees what it should, so a
broken graph cannot make the rules pass vacuously.
"""

from __future__ import annotations

import ast

from tests.architecture.import_graph import ROOT, arrows, cycles, graph, imported_modules

# The only import circles left: a service that enqueues its task after commit, and the task that calls the
# service back (function-level imports on both sides).
SANCTIONED_CIRCLES = [
    [
        "orchestration.services.alerts",
        "orchestration.services.checks",
        "orchestration.services.deliveries",
        "orchestration.services.forecast",
        "orchestration.tasks",
    ],
    [
        "sitesel.services.scoring_runs",
        "sitesel.services.scoring_run_dispatch",
        "sitesel.services.sweeper",
        "sitesel.tasks",
    ],
]
# What orchestration may use of sitesel: the site-selection concepts a build program starts from (the site,
# the site list, the site model's economics and its compute sizing), nothing of its plumbing.
ORCHESTRATION_MAY_IMPORT = {
    "sitesel.models",
    "sitesel.selectors",
    "sitesel.services.site_economics",
    "sitesel.domain.compute_units",
}
# ...and only through one door (plus the BOM, which sizes compute with the site model's definition of a MW).
ORCHESTRATION_DOORS_TO_SITESEL = {"orchestration.site_selection", "orchestration.domain.bom"}
# Pure modules every domain package may build on.
CORE_PURE = {"core", "core.errors", "core.text"}
# orchestration's bill of materials sizes compute with the site model's one definition of what a MW buys.
DOMAIN_EXTRA = {"orchestration.domain": {"sitesel.domain.compute_units"}}


def _package_of(module: str) -> str:
    return module.split(".")[0]


def test_sitesel_never_imports_orchestration():
    assert arrows("sitesel", "orchestration") == []


def test_config_imports_no_app():
    assert [pair for app in ("sitesel", "orchestration") for pair in arrows("config", app)] == []


def test_core_imports_no_app_and_nothing_from_config():
    assert [pair for package in ("sitesel", "orchestration", "config") for pair in arrows("core", package)] == []


def test_orchestration_uses_only_site_selection_concepts_of_sitesel():
    plumbing = [(a, b) for a, b in arrows("orchestration", "sitesel") if b not in ORCHESTRATION_MAY_IMPORT]
    assert plumbing == []


def test_orchestration_reaches_sitesel_through_one_door():
    assert {a for a, _ in arrows("orchestration", "sitesel")} == ORCHESTRATION_DOORS_TO_SITESEL
    assert len(arrows("orchestration", "sitesel")) <= 5


def test_a_domain_package_imports_nothing_outside_its_folder_but_core_errors():
    offenders = []
    for module, targets in graph().items():
        for domain in ("sitesel.domain", "orchestration.domain"):
            if module == domain or module.startswith(domain + "."):
                allowed = CORE_PURE | DOMAIN_EXTRA.get(domain, set())
                offenders += [
                    (module, t) for t in targets if not (t == domain or t.startswith(domain + ".")) and t not in allowed
                ]
    assert offenders == []


def test_core_pure_modules_import_no_other_project_module():
    assert [(m, t) for m in CORE_PURE for t in graph().get(m, ()) if t not in CORE_PURE] == []


def test_only_the_sanctioned_import_circles_remain():
    assert sorted(map(sorted, cycles())) == sorted(map(sorted, SANCTIONED_CIRCLES))


# --- the checks see what they should ------------------------------------------------------------------------


def test_the_reader_sees_relative_absolute_and_function_level_imports():
    assert "sitesel.models" in imported_modules(ROOT / "sitesel" / "services" / "sites.py")
    assert "orchestration.domain.errors.Reason" in imported_modules(ROOT / "orchestration" / "domain" / "gates.py")
    # scoring_runs_sweep imports its task inside the function
    assert "sitesel.tasks" in imported_modules(ROOT / "sitesel" / "services" / "sweeper.py")


def test_the_graph_has_the_arrows_the_rules_look_at():
    assert ("orchestration.site_selection", "sitesel.models") in arrows("orchestration", "sitesel")
    assert ("config.api.errors", "core.errors") in arrows("config", "core")
    assert {_package_of(m) for m in graph()} == {"config", "core", "sitesel", "orchestration"}


def _string_constants(package: str) -> list[tuple[str, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((str(path.relative_to(ROOT)), node.value))
    return found


def test_sitesel_names_no_orchestration_task_or_module_by_string():
    # e.g. a beat schedule of orchestration's task declared in sitesel: each app declares its own (schedules.py)
    assert [(path, value) for path, value in _string_constants("sitesel") if value.startswith("orchestration.")] == []
    assert ("orchestration/schedules.py", "orchestration.supplier_checks_sweep") in _string_constants("orchestration")
