"""Scoring criteria and the scenario that weights, constrains and normalizes them.

`CRITERIA` is the registry of every measure a site can be scored on. A `ScenarioSpec` says which of them
count and how much (`weights`), how raw values become 0..1 (`normalization`, `invert`), which sites are
ruled out before scoring (`constraints`, `exclude_states`), which build sizes to cost (`capacities_mw`)
and which economics parameters to override (passed through to `parameters_with_overrides`).

`scenario_from_dict` is the way in from JSON: it raises `InvalidScenario(field, reason)` naming the
offending field path so the API can answer 400. Constructing `ScenarioSpec(...)` directly runs the same
validation. The maths lives in sitesel/domain/scoring.py; the rules are written up in docs/scoring.md.
"""

from __future__ import annotations

import copy
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, cast

from sitesel.domain.errors import InvalidScenario
from sitesel.domain.geo_codes import STATE_FIPS_TO_POSTAL

MissingPolicy = Literal["exclude", "pass"]
Normalization = Literal["minmax", "percentile"]

FAMILIES: tuple[str, ...] = ("power", "land", "labor", "interconnect", "economics")
NORMALIZATIONS: tuple[str, ...] = ("minmax", "percentile")
MISSING_POLICIES: tuple[str, ...] = ("exclude", "pass")
# Weights are typed by people and stored as JSON floats, so allow rounding noise but not a real mistake.
WEIGHT_SUM_TOLERANCE = 1e-6
DEFAULT_CAPACITIES_MW: tuple[float, ...] = (50.0, 1000.0)
_STATE_CODES = frozenset(STATE_FIPS_TO_POSTAL.values())
_STATE_FORMAT = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True)
class Criterion:
    """One scoring measure: what it is, which family it belongs to and which way is good."""

    name: str
    family: str
    higher_is_better: bool
    unit: str
    description: str


def _registry(*items: Criterion) -> Mapping[str, Criterion]:
    return MappingProxyType({c.name: c for c in items})


# Registry order is the canonical order: weights, normalized columns and score sums all follow it, so
# two scenarios that differ only in key order give bit-identical scores.
CRITERIA: Mapping[str, Criterion] = _registry(
    Criterion("distance_hv_230_km", "power", False, "km", "Distance to the nearest transmission line >= 230 kV"),
    Criterion("distance_substation_km", "power", False, "km", "Distance to the nearest HV substation"),
    Criterion(
        "generation_capacity_50km_mw", "power", True, "MW", "Nameplate generation capacity of plants within 50 km"
    ),
    Criterion(
        "state_industrial_price_cents_kwh", "power", False, "cents/kWh", "State average industrial electricity price"
    ),
    Criterion(
        "county_transfer_capacity_mw", "power", True, "MW", "Estimated spare transfer capacity into the county grid"
    ),
    Criterion("fema_risk_score", "land", False, "score 0-100", "FEMA National Risk Index score of the county"),
    Criterion(
        "water_use_mgal_d", "land", False, "Mgal/day", "County water withdrawals (proxy for competition for water)"
    ),
    Criterion("land_price_usd_per_acre", "land", False, "USD/acre", "Land price"),
    Criterion("county_labor_force", "labor", True, "people", "County civilian labor force"),
    Criterion(
        "county_unemployment_rate_pct", "labor", True, "%", "County unemployment rate (slack labor for construction)"
    ),
    Criterion(
        "distance_network_pop_km", "interconnect", False, "km", "Distance to the nearest network point of presence"
    ),
    Criterion(
        "distance_datacenter_km", "interconnect", False, "km", "Distance to the nearest existing datacenter (ecosystem)"
    ),
    Criterion("capex_per_mw_usd", "economics", False, "USD/MW", "All-in capex per facility MW at the ranked capacity"),
    Criterion(
        "time_to_power_p50_months", "economics", False, "months", "P50 months to full capacity at the ranked capacity"
    ),
    Criterion(
        "time_to_compute_p50_months",
        "economics",
        False,
        "months",
        "P50 capacity-weighted go-live month (time to compute) at the ranked capacity",
    ),
)

# Why these numbers is argued in docs/scoring.md ("Default weights"): power and speed to power dominate
# AI campus siting, so power + economics carry 0.65; land, labor and interconnect split the rest.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "distance_hv_230_km": 0.10,
        "distance_substation_km": 0.05,
        "generation_capacity_50km_mw": 0.05,
        "state_industrial_price_cents_kwh": 0.08,
        "county_transfer_capacity_mw": 0.07,
        "fema_risk_score": 0.06,
        "water_use_mgal_d": 0.04,
        "land_price_usd_per_acre": 0.05,
        "county_labor_force": 0.07,
        "county_unemployment_rate_pct": 0.03,
        "distance_network_pop_km": 0.06,
        "distance_datacenter_km": 0.04,
        "capex_per_mw_usd": 0.12,
        "time_to_compute_p50_months": 0.18,
    }
)


@dataclass(frozen=True)
class Constraint:
    """A hard screen on one criterion, in that criterion's unit. Bounds are inclusive.

    `missing` says what happens when a site has no value: "exclude" (conservative default) or "pass".
    """

    criterion: str
    min: float | None = None
    max: float | None = None
    missing: MissingPolicy = "exclude"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"criterion": self.criterion}
        if self.min is not None:
            d["min"] = self.min
        if self.max is not None:
            d["max"] = self.max
        d["missing"] = self.missing
        return d


@dataclass(frozen=True)
class ScenarioSpec:
    """A validated scoring scenario. Mappings are read-only views; tuples keep their meaning in order
    only where it matters (`constraints`: the first failing one is reported as binding)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    normalization: Normalization = "percentile"
    invert: tuple[str, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    exclude_states: tuple[str, ...] = ()
    capacities_mw: tuple[float, ...] = DEFAULT_CAPACITIES_MW
    economics_overrides: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Validate however the spec was built, and store the canonical form so equal scenarios compare equal.
        for name, value in _parse(_as_raw(self)).items():
            object.__setattr__(self, name, value)


def scenario_from_dict(data: Mapping[str, Any]) -> ScenarioSpec:
    """Validate scenario JSON; absent keys take the defaults. Raises `InvalidScenario` naming the field."""
    return ScenarioSpec(**_parse(data))


def scenario_to_dict(spec: ScenarioSpec) -> dict[str, Any]:
    """JSON-ready snapshot of a scenario, to store next to results; `scenario_from_dict` reads it back."""
    return {
        "weights": dict(spec.weights),
        "normalization": spec.normalization,
        "invert": list(spec.invert),
        "constraints": [c.to_dict() for c in spec.constraints],
        "exclude_states": list(spec.exclude_states),
        "capacities_mw": list(spec.capacities_mw),
        "economics_overrides": copy.deepcopy(dict(spec.economics_overrides)),
    }


# --- Validation ---------------------------------------------------------------------------------------


def _as_raw(spec: ScenarioSpec) -> dict[str, Any]:
    raw = {name: getattr(spec, name) for name in _FIELDS}
    raw["constraints"] = [
        c.to_dict() if isinstance(c, Constraint) else c for c in _seq(raw["constraints"], "constraints")
    ]
    return raw


def _parse(data: Any) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidScenario("scenario", "must be an object")
    for key in data:
        if key not in _FIELDS:
            # A typo such as "weight" would otherwise silently fall back to the default weights.
            raise InvalidScenario(str(key), "unknown scenario field")
    weights = _weights(data["weights"]) if "weights" in data else dict(DEFAULT_WEIGHTS)
    return {
        "weights": MappingProxyType(weights),
        "normalization": _normalization(data.get("normalization", "percentile")),
        "invert": _invert(data.get("invert", ()), weights),
        "constraints": tuple(
            _constraint(c, f"constraints[{i}]") for i, c in enumerate(_seq(data.get("constraints", ()), "constraints"))
        ),
        "exclude_states": _states(data.get("exclude_states", ())),
        "capacities_mw": _capacities(data.get("capacities_mw", DEFAULT_CAPACITIES_MW)),
        "economics_overrides": _overrides(data.get("economics_overrides", {})),
    }


_FIELDS: tuple[str, ...] = (
    "weights",
    "normalization",
    "invert",
    "constraints",
    "exclude_states",
    "capacities_mw",
    "economics_overrides",
)


def _seq(value: Any, path: str) -> list[Any]:
    # A bare string is iterable but is never a list of criteria or states; catch it here.
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
        raise InvalidScenario(path, "must be a list")
    return list(value)


def _number(value: Any, path: str) -> float:
    # bool is an int subclass and "30" is what a form might send: both are mistakes, not numbers.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidScenario(path, f"must be a number, got {type(value).__name__}")
    out = float(value)
    if not math.isfinite(out):
        raise InvalidScenario(path, "must be finite")
    return out


def _criterion(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise InvalidScenario(path, "must be a criterion name")
    if value not in CRITERIA:
        raise InvalidScenario(path, f"unknown criterion {value!r}")
    return value


def _weights(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise InvalidScenario("weights", "must be an object of criterion -> weight")
    if not value:
        raise InvalidScenario("weights", "must weight at least one criterion")
    parsed: dict[str, float] = {}
    for name, raw in value.items():
        path = f"weights.{name}"
        _criterion(name, path)
        w = _number(raw, path)
        if not 0.0 < w <= 1.0:
            # Zero is rejected rather than ignored: leave a criterion out to stop scoring it.
            raise InvalidScenario(path, f"must be in (0, 1], got {w:g}")
        parsed[name] = w
    total = math.fsum(parsed.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise InvalidScenario("weights", f"must sum to 1, got {total:.6g}")
    return {name: parsed[name] for name in CRITERIA if name in parsed}


def _normalization(value: Any) -> str:
    if not isinstance(value, str) or value not in NORMALIZATIONS:
        raise InvalidScenario("normalization", f"must be one of {', '.join(NORMALIZATIONS)}")
    return value


def _invert(value: Any, weights: Mapping[str, float]) -> tuple[str, ...]:
    seen: set[str] = set()
    for i, raw in enumerate(_seq(value, "invert")):
        path = f"invert[{i}]"
        name = _criterion(raw, path)
        if name in seen:
            raise InvalidScenario(path, f"duplicate criterion {name!r}")
        if name not in weights:
            # Inverting a criterion that carries no weight changes nothing, so it is almost surely a slip.
            raise InvalidScenario(path, f"{name!r} has no weight in this scenario")
        seen.add(name)
    return tuple(name for name in CRITERIA if name in seen)


def _constraint(value: Any, path: str) -> Constraint:
    if isinstance(value, Constraint):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise InvalidScenario(path, "must be an object")
    for key in value:
        if key not in ("criterion", "min", "max", "missing"):
            raise InvalidScenario(f"{path}.{key}", "unknown constraint field")
    if "criterion" not in value:
        raise InvalidScenario(f"{path}.criterion", "is required")
    name = _criterion(value["criterion"], f"{path}.criterion")
    lo = None if value.get("min") is None else _number(value["min"], f"{path}.min")
    hi = None if value.get("max") is None else _number(value["max"], f"{path}.max")
    if lo is None and hi is None:
        raise InvalidScenario(path, "needs min, max or both")
    if lo is not None and hi is not None and lo > hi:
        raise InvalidScenario(f"{path}.max", f"must be >= min ({lo:g}), got {hi:g}")
    missing = value.get("missing", "exclude")
    if not isinstance(missing, str) or missing not in MISSING_POLICIES:
        raise InvalidScenario(f"{path}.missing", f"must be one of {', '.join(MISSING_POLICIES)}")
    return Constraint(criterion=name, min=lo, max=hi, missing=cast(MissingPolicy, missing))


def _states(value: Any) -> tuple[str, ...]:
    codes: list[str] = []
    for i, raw in enumerate(_seq(value, "exclude_states")):
        path = f"exclude_states[{i}]"
        if not isinstance(raw, str) or not _STATE_FORMAT.match(raw):
            raise InvalidScenario(path, "must be a two-letter state code such as VA")
        code = raw.upper()
        if code not in _STATE_CODES:
            raise InvalidScenario(path, f"unknown state code {code!r}")
        if code in codes:
            raise InvalidScenario(path, f"duplicate state {code!r}")
        codes.append(code)
    # Order has no meaning (a site is in one state), so sort for a canonical snapshot.
    return tuple(sorted(codes))


def _capacities(value: Any) -> tuple[float, ...]:
    items = _seq(value, "capacities_mw")
    if not items:
        raise InvalidScenario("capacities_mw", "must list at least one capacity")
    out: list[float] = []
    for i, raw in enumerate(items):
        path = f"capacities_mw[{i}]"
        mw = _number(raw, path)
        if mw <= 0:
            raise InvalidScenario(path, f"must be positive, got {mw:g}")
        if mw in out:
            raise InvalidScenario(path, f"duplicate capacity {mw:g} MW")
        out.append(mw)
    return tuple(out)


def _overrides(value: Any) -> Mapping[str, Any]:
    # Contents are checked by parameters_with_overrides when the economics run; only the shape is ours.
    if not isinstance(value, Mapping):
        raise InvalidScenario("economics_overrides", "must be an object of parameter -> value")
    return MappingProxyType(copy.deepcopy(dict(value)))


DEFAULT_SCENARIO = ScenarioSpec()
