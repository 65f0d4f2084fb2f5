"""Site scoring: scenario validation (400s naming the field), hand-computed scores, screens, and properties
(0-100, contributions add up, deterministic, invariant to input order, monotonic, ranks 1..k)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitesel.domain.errors import DomainError, InvalidScenario, InvalidSiteInput
from sitesel.domain.scoring import (
    CRITERIA,
    DEFAULT_SCENARIO,
    DEFAULT_WEIGHTS,
    FAMILIES,
    SCORING_VERSION,
    Constraint,
    ScenarioSpec,
    ScoreOutput,
    explain,
    scenario_from_dict,
    scenario_to_dict,
    score_sites,
)
from sitesel.domain.scoring_scenario import NORMALIZATIONS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
NAN = math.nan
HV = "distance_hv_230_km"
LABOR = "county_labor_force"
FEMA = "fema_risk_score"


def two_criteria(normalization: str, **extra: Any) -> ScenarioSpec:
    return scenario_from_dict({"weights": {HV: 0.5, LABOR: 0.5}, "normalization": normalization, **extra})


# Four sites, hand-computed below. D has no labor figure; B and D share a distance.
SMALL = {HV: np.array([0.0, 1.0, 20.0, 1.0]), LABOR: np.array([100.0, 300.0, 200.0, NAN])}
SMALL_KEYS = np.array(["a", "b", "c", "d"])


# --- Scenario validation ------------------------------------------------------------------------------

BAD_SCENARIOS: list[tuple[str, dict[str, Any], str]] = [
    ("not summing to 1", {"weights": {HV: 0.5, LABOR: 0.4}}, "weights"),
    ("summing above 1", {"weights": {HV: 0.7, LABOR: 0.7}}, "weights"),
    ("weight zero", {"weights": {HV: 1.0, LABOR: 0.0}}, f"weights.{LABOR}"),
    ("weight negative", {"weights": {HV: 1.2, LABOR: -0.2}}, f"weights.{HV}"),
    ("weight above 1", {"weights": {HV: 1.5}}, f"weights.{HV}"),
    ("unknown criterion", {"weights": {HV: 0.5, "sunshine_hours": 0.5}}, "weights.sunshine_hours"),
    ("weight as string", {"weights": {HV: "1"}}, f"weights.{HV}"),
    ("weight as bool", {"weights": {HV: True}}, f"weights.{HV}"),
    ("weight NaN", {"weights": {HV: NAN}}, f"weights.{HV}"),
    ("weight inf", {"weights": {HV: math.inf}}, f"weights.{HV}"),
    ("no weights", {"weights": {}}, "weights"),
    ("weights not an object", {"weights": [HV]}, "weights"),
    ("bad normalization", {"normalization": "zscore"}, "normalization"),
    ("normalization not text", {"normalization": ["minmax"]}, "normalization"),
    ("invert unknown", {"invert": [HV, LABOR, "nope"]}, "invert[2]"),
    ("invert duplicate", {"invert": [HV, HV]}, "invert[1]"),
    ("invert unweighted", {"weights": {HV: 1.0}, "invert": [LABOR]}, "invert[0]"),
    ("invert a string", {"invert": HV}, "invert"),
    ("constraint unknown criterion", {"constraints": [{"criterion": "x", "max": 1}]}, "constraints[0].criterion"),
    ("constraint no criterion", {"constraints": [{"max": 1}]}, "constraints[0].criterion"),
    ("constraint no bound", {"constraints": [{"criterion": FEMA}]}, "constraints[0]"),
    ("constraint min > max", {"constraints": [{"criterion": FEMA, "min": 50, "max": 30}]}, "constraints[0].max"),
    ("constraint max string", {"constraints": [{"criterion": FEMA, "max": "30"}]}, "constraints[0].max"),
    ("constraint min inf", {"constraints": [{"criterion": FEMA, "min": -math.inf}]}, "constraints[0].min"),
    ("constraint max bool", {"constraints": [{"criterion": FEMA, "max": False}]}, "constraints[0].max"),
    (
        "constraint bad missing",
        {"constraints": [{"criterion": FEMA, "max": 30}, {"criterion": HV, "max": 25, "missing": "skip"}]},
        "constraints[1].missing",
    ),
    ("constraint unknown key", {"constraints": [{"criterion": FEMA, "maximum": 30}]}, "constraints[0].maximum"),
    ("constraint not object", {"constraints": [30]}, "constraints[0]"),
    ("constraints not a list", {"constraints": {"criterion": FEMA, "max": 30}}, "constraints"),
    ("state three letters", {"exclude_states": ["VA", "VIR"]}, "exclude_states[1]"),
    ("state with digits", {"exclude_states": ["V1"]}, "exclude_states[0]"),
    ("state not a code", {"exclude_states": ["ZZ"]}, "exclude_states[0]"),
    ("state duplicate", {"exclude_states": ["VA", "va"]}, "exclude_states[1]"),
    ("state not text", {"exclude_states": [51]}, "exclude_states[0]"),
    ("capacity zero", {"capacities_mw": [50, 0]}, "capacities_mw[1]"),
    ("capacity negative", {"capacities_mw": [-5]}, "capacities_mw[0]"),
    ("capacity duplicate", {"capacities_mw": [50, 1000, 50.0]}, "capacities_mw[2]"),
    ("capacity string", {"capacities_mw": [50, "1000"]}, "capacities_mw[1]"),
    ("capacity NaN", {"capacities_mw": [NAN]}, "capacities_mw[0]"),
    ("no capacities", {"capacities_mw": []}, "capacities_mw"),
    ("overrides not an object", {"economics_overrides": [["pue", 1.3]]}, "economics_overrides"),
    ("unknown top-level field", {"weight": {HV: 1.0}}, "weight"),
]


@pytest.mark.parametrize(("data", "field"), [(d, f) for _, d, f in BAD_SCENARIOS], ids=[n for n, _, _ in BAD_SCENARIOS])
def test_bad_scenario_names_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidScenario) as err:
        scenario_from_dict(data)
    assert err.value.field == field
    assert err.value.http_status == 400
    assert err.value.code == "invalid_scenario"
    assert str(err.value).startswith(f"{field}: ")
    assert isinstance(err.value, DomainError)


def test_scenario_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(InvalidScenario) as err:
        scenario_from_dict([("weights", {HV: 1.0})])  # type: ignore[arg-type]
    assert err.value.field == "scenario"


def test_direct_construction_is_validated_too() -> None:
    with pytest.raises(InvalidScenario) as err:
        ScenarioSpec(weights={HV: 0.3})
    assert err.value.field == "weights"
    with pytest.raises(InvalidScenario) as err:
        ScenarioSpec(constraints=(Constraint(FEMA),))
    assert err.value.field == "constraints[0]"


def test_valid_scenario_is_canonical() -> None:
    spec = scenario_from_dict(
        {
            "weights": {LABOR: 0.25, HV: 0.7500001},  # within the 1e-6 tolerance
            "normalization": "minmax",
            "invert": [LABOR],
            "constraints": [{"criterion": FEMA, "max": 30}, {"criterion": HV, "min": 0, "max": 25, "missing": "pass"}],
            "exclude_states": ["va", "AZ"],
            "capacities_mw": [1000, 50],
            "economics_overrides": {"pue": 1.3},
        }
    )
    assert list(spec.weights) == [HV, LABOR]  # registry order, whatever the input order
    assert spec.constraints == (
        Constraint(FEMA, None, 30.0, "exclude"),
        Constraint(HV, 0.0, 25.0, "pass"),
    )
    assert spec.exclude_states == ("AZ", "VA")
    assert spec.capacities_mw == (1000.0, 50.0)
    assert dict(spec.economics_overrides) == {"pue": 1.3}
    with pytest.raises(TypeError):
        spec.weights[HV] = 1.0  # type: ignore[index]


def test_absent_fields_take_defaults() -> None:
    spec = scenario_from_dict({})
    assert spec == DEFAULT_SCENARIO
    assert spec.normalization == "percentile"
    assert spec.capacities_mw == (50.0, 1000.0)
    assert spec.constraints == () and spec.exclude_states == () and spec.invert == ()


def test_economics_overrides_pass_through_untouched_and_detached() -> None:
    overrides = {"pue": 1.25, "nested": {"a": [1, 2]}, "not_a_parameter": "kept"}
    spec = scenario_from_dict({"economics_overrides": overrides})
    overrides["nested"]["a"].append(3)  # the caller mutating its dict must not change the stored scenario
    assert scenario_to_dict(spec)["economics_overrides"] == {
        "pue": 1.25,
        "nested": {"a": [1, 2]},
        "not_a_parameter": "kept",
    }


def test_default_scenario_weights_every_family_and_sums_to_one() -> None:
    assert math.fsum(DEFAULT_WEIGHTS.values()) == 1.0
    # Every criterion but time to full power, which time to compute supersedes (docs/scoring.md).
    assert set(CRITERIA) - set(DEFAULT_WEIGHTS) == {"time_to_power_p50_months"}
    by_family = {f: math.fsum(w for c, w in DEFAULT_WEIGHTS.items() if CRITERIA[c].family == f) for f in FAMILIES}
    assert all(w > 0 for w in by_family.values())
    assert {c.family for c in CRITERIA.values()} == set(FAMILIES)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_scenario_round_trips_through_json(data: st.DataObject) -> None:
    spec = data.draw(scenarios())
    text = json.dumps(scenario_to_dict(spec), allow_nan=False)
    assert scenario_from_dict(json.loads(text)) == spec


# --- Hand-computed scores -----------------------------------------------------------------------------


def test_minmax_by_hand() -> None:
    out = score_sites(SMALL, SMALL_KEYS, None, two_criteria("minmax"))
    # distance (lower better), range 0..20: 1, 19/20, 0, 19/20.
    # labor (higher better), range 100..300: 0, 1, 0.5, and missing -> 0.
    np.testing.assert_allclose(out.normalized[HV], [1.0, 0.95, 0.0, 0.95])
    np.testing.assert_allclose(out.normalized[LABOR], [0.0, 1.0, 0.5, 0.0])
    np.testing.assert_allclose(out.score, [50.0, 97.5, 25.0, 47.5])
    np.testing.assert_allclose(out.contributions[HV], [50.0, 47.5, 0.0, 47.5])
    assert out.rank.tolist() == [2, 1, 4, 3]
    assert out.eligible.all() and out.binding_constraint.tolist() == ["", "", "", ""]


def test_percentile_by_hand_with_ties() -> None:
    out = score_sites(SMALL, SMALL_KEYS, None, two_criteria("percentile"))
    # distance ascending average ranks 1, 2.5, 4, 2.5 of n=4 -> (r-1)/3 = 0, .5, 1, .5, flipped (lower better).
    np.testing.assert_allclose(out.normalized[HV], [1.0, 0.5, 0.0, 0.5])
    # labor over the 3 sites that have it: ranks 1, 3, 2 -> 0, 1, .5; D missing -> 0.
    np.testing.assert_allclose(out.normalized[LABOR], [0.0, 1.0, 0.5, 0.0])
    np.testing.assert_allclose(out.score, [50.0, 75.0, 25.0, 25.0])
    # C and D tie at 25: key ascending decides ("c" < "d").
    assert out.rank.tolist() == [2, 1, 3, 4]


def test_ties_break_by_key_ascending_not_by_position() -> None:
    keys = np.array([40, 30, 20, 10])  # now D has the smaller key
    out = score_sites(SMALL, keys, None, two_criteria("percentile"))
    assert out.rank.tolist() == [2, 1, 4, 3]


def test_invert_flips_the_direction() -> None:
    plain = score_sites(SMALL, SMALL_KEYS, None, two_criteria("minmax"))
    flipped = score_sites(SMALL, SMALL_KEYS, None, two_criteria("minmax", invert=[HV]))
    np.testing.assert_allclose(flipped.normalized[HV], 1.0 - plain.normalized[HV])
    np.testing.assert_allclose(flipped.normalized[LABOR], plain.normalized[LABOR])
    np.testing.assert_allclose(flipped.score, [0.0, 52.5, 75.0, 2.5])
    pct = score_sites(SMALL, SMALL_KEYS, None, two_criteria("percentile", invert=[LABOR]))
    np.testing.assert_allclose(pct.normalized[LABOR], [1.0, 0.0, 0.5, 0.0])  # missing stays 0 either way


def test_all_equal_values() -> None:
    # min-max has no spread to scale by: everyone is as good as the best. Percentile gives every tied
    # site the average rank, (n + 1) / 2, i.e. 0.5; a lone value (n = 1) is 1.0.
    same = {HV: np.full(3, 7.0), LABOR: np.array([5.0, NAN, 5.0])}
    out = score_sites(same, np.arange(3), None, two_criteria("minmax"))
    np.testing.assert_allclose(out.normalized[HV], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(out.normalized[LABOR], [1.0, 0.0, 1.0])
    pct = score_sites(same, np.arange(3), None, two_criteria("percentile"))
    np.testing.assert_allclose(pct.normalized[HV], [0.5, 0.5, 0.5])
    np.testing.assert_allclose(pct.normalized[LABOR], [0.5, 0.0, 0.5])


@pytest.mark.parametrize("method", NORMALIZATIONS)
def test_single_site_scores_100(method: str) -> None:
    one = score_sites({HV: np.array([3.0]), LABOR: np.array([9.0])}, np.array([1]), None, two_criteria(method))
    assert one.score.tolist() == [100.0] and one.rank.tolist() == [1]
    lone = score_sites(
        {HV: np.array([3.0, 4.0]), LABOR: np.array([NAN, 9.0])}, np.arange(2), None, two_criteria(method)
    )
    assert lone.normalized[LABOR].tolist() == [0.0, 1.0]


def test_best_site_on_every_criterion_scores_exactly_100() -> None:
    # These weights (parts of 101) make the float sum of contributions 100.00000000000001 before clipping.
    parts = [14, 11, 20, 7, 18, 16, 15]
    names = list(CRITERIA)[: len(parts)]
    spec = scenario_from_dict(
        {"weights": {c: p / 101 for c, p in zip(names, parts, strict=True)}, "normalization": "minmax"}
    )
    best_first = {c: np.array([1.0, 0.0] if CRITERIA[c].higher_is_better else [0.0, 1.0]) for c in names}
    out = score_sites(best_first, np.arange(2), None, spec)
    assert out.score.tolist() == [100.0, 0.0]


def test_missing_everywhere_scores_zero_for_that_criterion() -> None:
    out = score_sites({HV: np.array([1.0, 2.0]), LABOR: np.full(2, NAN)}, np.arange(2), None, two_criteria("minmax"))
    np.testing.assert_allclose(out.normalized[LABOR], [0.0, 0.0])
    np.testing.assert_allclose(out.score, [50.0, 0.0])


# --- Screens --------------------------------------------------------------------------------------------


def test_constraints_and_state_exclusions_set_the_binding_reason() -> None:
    measures = {
        HV: np.array([5.0, 30.0, NAN, 5.0, 5.0, 40.0]),
        FEMA: np.array([10.0, 10.0, 10.0, 45.0, 10.0, 50.0]),
        LABOR: np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
    }
    spec = two_criteria(
        "minmax",
        constraints=[{"criterion": FEMA, "max": 30}, {"criterion": HV, "max": 25}],
        exclude_states=["VA"],
    )
    states = np.array(["TX", "TX", "TX", "TX", "va ", "VA"], dtype=object)
    out = score_sites(measures, np.arange(6), states, spec)
    assert out.binding_constraint.tolist() == [
        "",
        "distance_hv_230_km > 25",
        "distance_hv_230_km missing",
        "fema_risk_score > 30",
        "state excluded: VA",
        "state excluded: VA",  # fails everything; state exclusions are checked first
    ]
    assert out.eligible.tolist() == [True, False, False, False, False, False]
    assert out.rank.tolist() == [1, 0, 0, 0, 0, 0]
    assert out.score[0] == 100.0 and np.isnan(out.score[1:]).all()
    assert all(np.isnan(a[1:]).all() for a in (*out.normalized.values(), *out.contributions.values()))


def test_constraint_order_decides_which_reason_is_reported() -> None:
    measures = {HV: np.array([40.0]), FEMA: np.array([50.0]), LABOR: np.array([1.0])}
    first_hv = two_criteria("minmax", constraints=[{"criterion": HV, "max": 25}, {"criterion": FEMA, "max": 30}])
    assert score_sites(measures, np.arange(1), None, first_hv).binding_constraint.tolist() == [
        "distance_hv_230_km > 25"
    ]


def test_min_bound_missing_pass_and_inclusive_bounds() -> None:
    measures = {HV: np.array([1.0, 2.0, NAN, 2.5]), LABOR: np.array([1e3, 5e3, 2e3, 1e4])}
    spec = two_criteria(
        "minmax",
        constraints=[{"criterion": LABOR, "min": 2000, "max": 5000.5}, {"criterion": HV, "max": 2, "missing": "pass"}],
    )
    out = score_sites(measures, np.arange(4), None, spec)
    assert out.binding_constraint.tolist() == ["county_labor_force < 2000", "", "", "county_labor_force > 5000.5"]


def test_normalization_uses_eligible_sites_only() -> None:
    # Site 2 is a far outlier that the FEMA screen removes; it must not squash the others' scale.
    measures = {HV: np.array([0.0, 10.0, 1000.0]), LABOR: np.array([1.0, 1.0, 1.0]), FEMA: np.array([0.0, 0.0, 99.0])}
    out = score_sites(
        measures, np.arange(3), None, two_criteria("minmax", constraints=[{"criterion": FEMA, "max": 30}])
    )
    np.testing.assert_allclose(out.normalized[HV][:2], [1.0, 0.0])


# --- Inputs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measures", "keys", "states", "field"),
    [
        ({HV: np.zeros(2)}, np.arange(2), None, LABOR),
        ({HV: np.zeros(2), LABOR: np.zeros(3)}, np.arange(2), None, LABOR),
        ({HV: np.array([0.0, math.inf]), LABOR: np.zeros(2)}, np.arange(2), None, HV),
        ({HV: np.zeros(2), LABOR: np.zeros(2)}, np.array([1, 1]), None, "keys"),
        ({HV: np.zeros(2), LABOR: np.zeros(2)}, np.array([1.5, 2.5]), None, "keys"),
        ({HV: np.zeros(2), LABOR: np.zeros(2)}, np.array([1, "a"], dtype=object), None, "keys"),
    ],
)
def test_bad_site_inputs_name_the_input(
    measures: dict[str, np.ndarray], keys: np.ndarray, states: Any, field: str
) -> None:
    with pytest.raises(InvalidSiteInput) as err:
        score_sites(measures, keys, states, two_criteria("minmax"))
    assert err.value.field == field


def test_states_are_required_only_when_excluding() -> None:
    measures = {HV: np.zeros(2), LABOR: np.zeros(2)}
    with pytest.raises(InvalidSiteInput) as err:
        score_sites(measures, np.arange(2), None, two_criteria("minmax", exclude_states=["VA"]))
    assert err.value.field == "states"
    out = score_sites(
        measures, np.arange(2), np.array([None, "TX"], dtype=object), two_criteria("minmax", exclude_states=["VA"])
    )
    assert out.eligible.all()  # a site with no state cannot match an exclusion


def test_output_is_read_only_and_detached_from_inputs() -> None:
    measures = {HV: SMALL[HV].copy(), LABOR: SMALL[LABOR].copy()}
    out = score_sites(measures, SMALL_KEYS, None, two_criteria("minmax"))
    measures[HV][:] = 999.0
    assert out.raw[HV].tolist() == [0.0, 1.0, 20.0, 1.0]
    with pytest.raises(ValueError):
        out.score[0] = 1.0


def test_object_array_keys_from_the_orm_sort_as_their_type() -> None:
    # Integer ids must sort numerically (9 before 10), not as text.
    measures = {HV: np.zeros(2), LABOR: np.zeros(2)}
    out = score_sites(measures, np.array([10, 9], dtype=object), None, two_criteria("minmax"))
    assert out.rank.tolist() == [2, 1]


def test_explain_is_json_and_adds_up() -> None:
    spec = two_criteria("minmax", constraints=[{"criterion": FEMA, "max": 30}])
    measures = {**SMALL, FEMA: np.array([10.0, 10.0, 90.0, 10.0])}
    out = score_sites(measures, SMALL_KEYS, None, spec)
    # Without C, distance spans 0..1 (A 1, B 0, D 0) and labor 100..300 (A 0, B 1): A and B tie at 50, "a" first.
    good = json.loads(json.dumps(explain(out, 1), allow_nan=False))
    assert good["key"] == "b" and good["rank"] == 2 and good["score"] == 50.0 and good["eligible"] is True
    assert good["criteria"][HV]["raw"] == 1.0 and good["criteria"][HV]["weight"] == 0.5
    assert good["criteria"][FEMA]["weight"] == 0.0 and good["criteria"][FEMA]["contribution"] is None
    assert math.fsum(v for v in good["families"].values() if v is not None) == pytest.approx(good["score"])
    assert good["families"]["land"] is None
    assert good["scoring_version"] == SCORING_VERSION
    bad = json.loads(json.dumps(explain(out, 2), allow_nan=False))
    assert bad["score"] is None and bad["rank"] == 0 and bad["binding_constraint"] == "fema_risk_score > 30"
    assert bad["criteria"][FEMA]["raw"] == 90.0
    with pytest.raises(IndexError):
        explain(out, 4)


def test_one_hundred_thousand_sites_have_the_right_shapes() -> None:
    n = 100_000
    rng = np.random.default_rng(7)
    measures = {c: rng.uniform(0, 100, n) for c in CRITERIA}
    measures[FEMA][::9] = NAN
    spec = scenario_from_dict({"constraints": [{"criterion": FEMA, "max": 60}], "exclude_states": ["VA"]})
    states = rng.choice(np.array(["VA", "TX", "OH", "AZ"], dtype=object), n)
    out = score_sites(measures, rng.permutation(n), states, spec)
    for arr in (
        out.eligible,
        out.binding_constraint,
        out.score,
        out.rank,
        *out.normalized.values(),
        *out.contributions.values(),
    ):
        assert arr.shape == (n,)
    assert set(out.normalized) == set(DEFAULT_WEIGHTS)
    k = out.n_eligible
    assert 0 < k < n
    assert np.array_equal(np.sort(out.rank[out.eligible]), np.arange(1, k + 1))


# --- Properties -----------------------------------------------------------------------------------------

STATES = ("VA", "TX", "CA", "OH")
VALUES = st.one_of(
    st.sampled_from([0.0, 1.0, 5.0, 5.0, NAN]),  # repeats make ties and gaps common
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False),
)


@st.composite
def scenarios(draw: st.DrawFn, allow_screens: bool = True) -> ScenarioSpec:
    names = draw(st.lists(st.sampled_from(list(CRITERIA)), min_size=1, max_size=5, unique=True))
    parts = draw(st.lists(st.integers(1, 20), min_size=len(names), max_size=len(names)))
    data: dict[str, Any] = {
        "weights": {c: p / sum(parts) for c, p in zip(names, parts, strict=True)},
        "normalization": draw(st.sampled_from(NORMALIZATIONS)),
        "invert": draw(st.lists(st.sampled_from(names), unique=True)),
        "capacities_mw": draw(st.lists(st.sampled_from([25.0, 50.0, 300.0, 1000.0]), min_size=1, unique=True)),
    }
    if allow_screens:
        data["exclude_states"] = draw(st.lists(st.sampled_from(STATES), unique=True, max_size=2))
        data["constraints"] = [_constraint_dict(draw) for _ in range(draw(st.integers(0, 2)))]
    return scenario_from_dict(data)


def _constraint_dict(draw: st.DrawFn) -> dict[str, Any]:
    lo = draw(st.none() | st.sampled_from([-10.0, 0.0, 1.0]))
    hi = draw(st.sampled_from([None, 5.0, 100.0]) if lo is not None else st.sampled_from([5.0, 100.0]))
    d: dict[str, Any] = {
        "criterion": draw(st.sampled_from(list(CRITERIA))),
        "missing": draw(st.sampled_from(["exclude", "pass"])),
    }
    if lo is not None:
        d["min"] = lo
    if hi is not None:
        d["max"] = hi
    return d


@st.composite
def cases(
    draw: st.DrawFn, allow_screens: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, ScenarioSpec]:
    n = draw(st.integers(1, 20))
    measures = {c: np.array(draw(st.lists(VALUES, min_size=n, max_size=n)), dtype=float) for c in CRITERIA}
    if draw(st.booleans()):
        keys = np.array(draw(st.lists(st.integers(-1000, 1000), min_size=n, max_size=n, unique=True)))
    else:
        keys = np.array(draw(st.lists(st.text("abcxyz", min_size=1, max_size=4), min_size=n, max_size=n, unique=True)))
    states = np.array(draw(st.lists(st.sampled_from([*STATES, None]), min_size=n, max_size=n)), dtype=object)
    return measures, keys, states, draw(scenarios(allow_screens))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def _assert_same_output(a: ScoreOutput, b: ScoreOutput, perm: np.ndarray | None = None) -> None:
    p = slice(None) if perm is None else perm
    for name in ("keys", "eligible", "binding_constraint", "score", "rank"):
        assert _same(getattr(a, name)[p], getattr(b, name)), name
    for c in a.normalized:
        assert _same(a.normalized[c][p], b.normalized[c]), c
        assert _same(a.contributions[c][p], b.contributions[c]), c


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(cases())
def test_scores_are_0_to_100_and_contributions_add_up(case: tuple) -> None:
    measures, keys, states, spec = case
    out = score_sites(measures, keys, states, spec)
    e = out.eligible
    assert ((out.score[e] >= 0.0) & (out.score[e] <= 100.0)).all()
    total = np.sum([out.contributions[c] for c in spec.weights], axis=0)
    np.testing.assert_allclose(total[e], out.score[e], rtol=0, atol=1e-9)
    for c in spec.weights:
        assert ((out.normalized[c][e] >= 0.0) & (out.normalized[c][e] <= 1.0)).all()
    assert set(out.normalized) == set(spec.weights)
    # Excluded: rank 0, NaN score, and a reason; eligible: no reason.
    assert (out.rank[~e] == 0).all() and np.isnan(out.score[~e]).all()
    assert ((out.binding_constraint == "") == e).all()


@PROPERTY_SETTINGS
@given(cases())
def test_ranks_are_1_to_k_ordered_by_score_then_key(case: tuple) -> None:
    measures, keys, states, spec = case
    out = score_sites(measures, keys, states, spec)
    idx = np.flatnonzero(out.eligible)
    assert sorted(out.rank[idx].tolist()) == list(range(1, idx.size + 1))
    ordered = sorted(idx.tolist(), key=lambda i: out.rank[i])
    for i, j in zip(ordered, ordered[1:], strict=False):
        assert out.score[i] > out.score[j] or (out.score[i] == out.score[j] and keys[i] < keys[j])


@PROPERTY_SETTINGS
@given(cases())
def test_scoring_is_deterministic(case: tuple) -> None:
    measures, keys, states, spec = case
    _assert_same_output(score_sites(measures, keys, states, spec), score_sites(measures, keys, states, spec))


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_permuting_rows_permutes_every_output(case: tuple, rnd: Any) -> None:
    measures, keys, states, spec = case
    perm = np.arange(keys.shape[0])
    rnd.shuffle(perm)
    before = score_sites(measures, keys, states, spec)
    after = score_sites({c: v[perm] for c, v in measures.items()}, keys[perm], states[perm], spec)
    _assert_same_output(before, after, perm)


@PROPERTY_SETTINGS
@given(cases(allow_screens=False), st.data())
def test_improving_a_criterion_never_lowers_the_score(case: tuple, data: st.DataObject) -> None:
    measures, keys, states, spec = case
    i = data.draw(st.integers(0, keys.shape[0] - 1))
    c = data.draw(st.sampled_from(list(spec.weights)))
    step = data.draw(st.floats(min_value=1e-3, max_value=1e5))
    good_is_high = CRITERIA[c].higher_is_better != (c in spec.invert)
    before = score_sites(measures, keys, states, spec)
    improved = {k: v.copy() for k, v in measures.items()}
    old = improved[c][i]
    start = data.draw(VALUES.filter(math.isfinite)) if math.isnan(old) else old  # filling a gap also improves
    improved[c][i] = start + step if good_is_high else start - step
    after = score_sites(improved, keys, states, spec)
    assert after.score[i] >= before.score[i]
    assert after.normalized[c][i] >= before.normalized[c][i]


# --- Docs -------------------------------------------------------------------------------------------------


def test_docs_criteria_table_matches_the_registry() -> None:
    rows = {}
    for line in DOCS.read_text().splitlines():
        m = re.match(r"^\| `(\w+)` \| (\w+) \| (higher|lower) \| ([^|]+) \| ([0-9.]+) \|", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3) == "higher", m.group(4).strip(), float(m.group(5)))
    expected = {
        c.name: (c.family, c.higher_is_better, c.unit, DEFAULT_WEIGHTS.get(c.name, 0.0)) for c in CRITERIA.values()
    }
    assert rows == expected
