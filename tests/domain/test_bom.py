"""Bill of materials: MW -> GPU sizing, per-block lines, lead times from the sourced ranges."""

from __future__ import annotations

import math

import pytest

from orchestration.domain.bom import (
    BomAssumptions,
    fat_tree,
    propose_block_lines,
    propose_program_lines,
    size_compute,
    split_program,
)
from orchestration.domain.categories import Category
from orchestration.domain.errors import InvalidInput


def by_item(lines, prefix: str):
    matches = [line for line in lines if line.item.startswith(prefix)]
    assert len(matches) == 1, prefix
    return matches[0]


def test_50_mw_sizing_hand_computed() -> None:
    s = size_compute(50)
    assert s.it_mw == pytest.approx(50 / 1.2)
    # 41,666.7 kW / 132 kW = 315.66 -> 315 whole racks (never exceed the power budget) x 72 GPUs.
    assert (s.racks, s.gpus) == (315, 22_680)
    assert 20_000 <= s.gpus <= 25_000
    assert s.gpus <= s.it_mw * 1000 / (132 / 72)


@pytest.mark.parametrize(
    ("pue", "rack_kw", "gpus_per_rack", "gpus"),
    [(1.2, 132.0, 72, 22_680), (1.2, 120.0, 72, 24_984), (1.3, 132.0, 72, 20_952), (1.56, 132.0, 72, 17_424)],
)
def test_sizing_follows_the_mw_to_gpu_model(pue: float, rack_kw: float, gpus_per_rack: int, gpus: int) -> None:
    a = BomAssumptions(pue=pue, rack_kw=rack_kw, gpus_per_rack=gpus_per_rack)
    assert size_compute(50, a).gpus == gpus == math.floor(50_000 / pue / rack_kw) * gpus_per_rack


def test_block_lines_cover_every_category_but_onsite_generation() -> None:
    lines = propose_block_lines(50)
    assert {line.category for line in lines} == set(Category) - {Category.ONSITE_GENERATION}
    assert all(line.quantity > 0 and line.install_days >= 0 for line in lines)
    assert all(line.source and line.basis and line.unit for line in lines)
    assert by_item(lines, "GPU rack").quantity * 72 == size_compute(50).gpus


@pytest.mark.parametrize(
    ("prefix", "quantity"),
    [
        ("HV main power transformer", 2),  # 50/0.9 = 55.6 MVA -> 1 x 80 MVA, +1
        ("MV switchgear", 2),
        ("MV/LV unit-substation transformer", 25),  # 20 + 5 spares
        ("LV switchboard", 25),
        ("UPS module", 43),  # ceil(41.67/1.25) = 34, + 9
        ("Backup diesel generator", 22),  # 17 + 5
        ("Chiller", 30),  # 24 + 6
        ("Coolant distribution unit", 39),  # 31 + 8
        ("Busway", 416),  # 315 x 1.32 m
        ("Rack power feed kit", 630),
        ("GPU rack", 315),
        ("Memory allocation", 9_608),  # 315 x 30.5 TB
        ("Scale-out switch", 788),  # 3-tier fat tree: 315 + 315 + 158
        ("800G optical transceiver", 79_380),  # 3.5 per GPU
        ("Building shell", 165_000),
        ("Land", 37),  # 36.5 acres rounded up
    ],
)
def test_50_mw_quantities(prefix: str, quantity: int) -> None:
    assert by_item(propose_block_lines(50), prefix).quantity == quantity


@pytest.mark.parametrize(
    ("prefix", "low_weeks", "high_weeks"),
    [
        ("MV switchgear", 46, 80),
        ("LV switchboard", 46, 48),
        ("HV main power transformer", 140, 160),
        ("MV/LV unit-substation transformer", 50, 130),
        ("Backup diesel generator", 30, 38),
        ("Chiller", 30, 40),
        ("UPS module", 28, 36),
    ],
)
def test_sourced_lead_times(prefix: str, low_weeks: int, high_weeks: int) -> None:
    line = by_item(propose_block_lines(50), prefix)
    assert line.lead_time_range_days == (low_weeks * 7, high_weeks * 7)
    assert line.lead_time_days == high_weeks * 7  # planning value = upper end of the range
    assert "anchors" in line.source


def test_transformer_and_switchgear_lead_times_stay_in_the_issue_ranges() -> None:
    lines = propose_block_lines(50)
    for line in lines:
        if "transformer" in line.item.lower():
            assert 50 * 7 <= line.lead_time_days <= 160 * 7
        if "switchgear" in line.item.lower() or "switchboard" in line.item.lower():
            assert 46 * 7 <= line.lead_time_days <= 80 * 7


def test_1_gw_as_20_blocks_of_50_mw() -> None:
    program = propose_program_lines(1000, 50)
    assert len(program) == 20
    assert sum(mw for mw, _ in program) == pytest.approx(1000)
    gpus = sum(by_item(lines, "GPU rack").quantity * 72 for _, lines in program)
    assert gpus == 20 * 22_680
    assert 450_000 <= gpus <= 500_000  # anchors: ~450-500 k GPUs per GW


def test_split_program_keeps_the_remainder() -> None:
    assert split_program(1000, 150) == (150.0,) * 6 + (100.0,)
    assert sum(split_program(1000, 150)) == pytest.approx(1000)


def test_quantities_scale_with_block_size() -> None:
    small = {line.item: line.quantity for line in propose_block_lines(50)}
    large = {line.item: line.quantity for line in propose_block_lines(100)}
    for item, qty in small.items():
        assert 1.5 * qty <= large[item] <= 2.5 * qty + 2, item


def test_onsite_generation_is_opt_in() -> None:
    lines = propose_block_lines(50, onsite_generation_mw=20)
    gen = [line for line in lines if line.category == Category.ONSITE_GENERATION]
    assert len(gen) == 3 and gen[0].quantity == 5 + 2  # ceil(20/4.5) = 5, N+1 per 4
    assert gen[0].lead_time_range_days == (52 * 7, 78 * 7)  # recip engines 12-18 months
    # Its own fuel and permit: one each per block, the gas connection at sitesel's 9-24 months.
    assert [(g.unit, g.quantity) for g in gen[1:]] == [("connection", 1), ("permit", 1)]
    assert gen[1].lead_time_range_days == (39 * 7, 104 * 7)


@pytest.mark.parametrize(
    ("endpoints", "switches", "modules"),
    [(0, 0, 0), (100, 1, 150), (144, 1, 216), (1_000, 14 + 7, 1_000 + 1_500), (22_680, 788, 79_380)],
)
def test_fat_tree(endpoints: int, switches: int, modules: int) -> None:
    assert fat_tree(endpoints, 144) == (switches, modules)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf")])
def test_rejects_bad_block_size(bad: float) -> None:
    with pytest.raises(InvalidInput):
        propose_block_lines(bad)
