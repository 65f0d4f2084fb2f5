"""Every parameter is documented with its default, sits inside its accepted range, and every assumption has a
sensitivity sweep."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from sitesel.domain.parameters import parameter_specs, parameters_with_overrides
from sitesel.domain.types import SiteInputs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "economics.md"


def test_every_parameter_is_documented_with_its_default_and_source() -> None:
    text = DOCS.read_text()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\|\s*`([a-z0-9_]+)`\s*\|.*$", text, re.M)}
    specs = parameter_specs()
    undocumented = sorted(set(specs) - set(rows))
    assert not undocumented, f"parameters missing from docs/economics.md: {undocumented}"
    for name, spec in specs.items():
        cells = [c.strip() for c in rows[name].strip("|").split("|")]
        assert float(cells[1].replace(",", "")) == pytest.approx(spec["default"]), name
        assert cells[-1] == spec["source"], name
    input_names = {f.name for f in fields(SiteInputs)}
    documented_inputs = {name for name in rows if name in input_names}
    assert documented_inputs == input_names, "every site input has a row in the missing-data table"


@pytest.mark.parametrize("name", sorted(parameter_specs()))
def test_defaults_and_sweeps_are_inside_the_accepted_range(name: str) -> None:
    spec = parameter_specs()[name]
    assert spec["lo"] <= spec["default"] <= spec["hi"]
    assert spec["source"] and spec["unit"]
    if spec["source"].startswith("assumption"):
        assert spec["sweep"], f"{name} is an assumption without a sensitivity sweep"
    if spec["sweep"]:
        low, high = spec["sweep"]
        assert spec["lo"] <= low < high <= spec["hi"]
        assert low <= spec["default"] <= high or name.endswith(("_low", "_high")), name


@pytest.mark.parametrize("name", sorted(n for n, s in parameter_specs().items() if s["sweep"]))
def test_each_sweep_end_is_a_valid_scenario_override(name: str) -> None:
    for value in parameter_specs()[name]["sweep"]:
        assert getattr(parameters_with_overrides({name: value}), name) == value
