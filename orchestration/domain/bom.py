"""Bill of materials: the contract lines a block of `block_mw` facility MW needs, by category.

Sizing chain (the MW -> GPU model) is the one the economics model and scoring use
(sitesel/domain/compute_units.py): IT MW = facility MW / PUE; racks = floor(IT kW / rack kW); GPUs = racks x
GPUs per rack. Defaults: PUE 1.2, GB200/GB300 NVL72 at 132 kW per 72-GPU rack -> 50 MW = 315 racks =
22,680 GPUs per block; a 1 GW campus sized as one is 454,536 GPUs (20 blocks of 50 MW: 453,600).

Every quantity rule and lead time below carries its basis and source; `docs/orchestration-domain.md`
has the same table. Lead times: planning value = the *upper* end of the sourced typical range
(long-lead power gear is where programs slip; a proposal should not start optimistic), the extreme
tails ("up to 110 weeks") are not used. Rows marked "assumption" have no published source (the sources are
listed in docs/orchestration-domain.md) and should be calibrated against real POs.
Proposals only seed contract lines; the forecast uses the suppliers' actual promised dates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sitesel.domain.compute_units import DEFAULT_COMPUTE, ComputeDefinition, racks

from .categories import Category
from .errors import InvalidInput

ANCHORS = "domain-and-anchors.md §(c)"


@dataclass(frozen=True)
class BomAssumptions:
    # The shared compute definition (sitesel/domain/parameters.py gives the sources).
    pue: float = DEFAULT_COMPUTE.pue
    rack_kw: float = DEFAULT_COMPUTE.rack_power_kw
    gpus_per_rack: int = DEFAULT_COMPUTE.gpus_per_rack
    memory_tb_per_rack: float = 30.5  # NVL72: 13.5 TB HBM3e + 17 TB LPDDR5X (NVIDIA spec sheet)
    switch_radix: int = 144  # 800G ports per scale-out switch (Quantum-X800 class)
    power_factor: float = 0.9  # MW -> MVA for transformer sizing
    main_transformer_mva: float = 80.0
    mv_switchgear_mw: float = 25.0  # one MV lineup per 25 MW
    unit_substation_mw: float = 2.5  # 3 MVA unit sub at ~80-90 % loading
    ups_module_mw: float = 1.25
    generator_mw: float = 3.0
    chiller_mw: float = 1.75  # ~500 tons of heat rejection
    cdu_mw: float = 1.35
    busway_m_per_rack: float = 1.32  # 0.6 m rack pitch x 2 feeds (A/B) x 1.1 for tap-offs/ends
    building_ft2_per_mw: float = 3_300.0  # Abilene: ~4 M ft2 for 1.2 GW
    land_acres_per_mw: float = 0.73  # Abilene: 875 acres for 1.2 GW
    onsite_genset_mw: float = 4.5  # gas reciprocating engine set


DEFAULT_ASSUMPTIONS = BomAssumptions()


@dataclass(frozen=True)
class ComputeSizing:
    facility_mw: float
    it_mw: float
    racks: int
    gpus: int
    facility_kw_per_gpu: float  # all-in (incl. PUE overhead), for MW <-> GPU accounting


@dataclass(frozen=True)
class ProposedLine:
    item: str
    category: Category
    quantity: int  # whole units: procurement lines are ordered in whole racks/acres/metres
    unit: str
    lead_time_days: int  # planning value (upper end of the range)
    install_days: int  # from arrival to installed and tested
    lead_time_range_days: tuple[int, int]
    basis: str  # how the quantity is derived
    source: str  # where the lead time comes from


def size_compute(block_mw: float, a: BomAssumptions = DEFAULT_ASSUMPTIONS) -> ComputeSizing:
    if not (block_mw > 0 and math.isfinite(block_mw)):
        raise InvalidInput(f"block_mw must be a positive number, got {block_mw!r}")
    if a.pue < 1.0 or a.rack_kw <= 0 or a.gpus_per_rack <= 0:
        raise InvalidInput("PUE must be >= 1 and rack kW / GPUs per rack positive")
    block_mw = float(block_mw)
    definition = ComputeDefinition(pue=a.pue, rack_power_kw=a.rack_kw, gpus_per_rack=a.gpus_per_rack)
    whole_racks = int(racks(block_mw, definition))
    gpus = whole_racks * a.gpus_per_rack
    kw_per_gpu = block_mw * 1000.0 / gpus if gpus else math.inf
    return ComputeSizing(block_mw, block_mw / a.pue, whole_racks, gpus, kw_per_gpu)


def n_plus_one_per_four(n: int) -> int:
    """Distributed redundancy: one spare per group of four working units (N + ceil(N/4))."""
    return n + math.ceil(n / 4)


def fat_tree(endpoints: int, radix: int) -> tuple[int, int]:
    """(switches, optical modules) for a non-blocking fat tree, one 800G port per GPU.

    Tiers: 1 if endpoints <= radix, 2 if <= radix^2/2, else 3. Switch counts per tier are the
    textbook fat-tree counts; every link is optical, the NIC end takes one module and switch ends
    use twin-port modules (two ports per module). 50 MW (22,680 GPUs) -> 3 tiers, 788 switches,
    ~3.5 modules per GPU.
    """
    if endpoints <= 0:
        return 0, 0
    half = radix // 2
    if endpoints <= radix:
        switches, links = 1, endpoints
    elif endpoints <= radix * half:
        switches = math.ceil(endpoints / half) + math.ceil(endpoints / radix)
        links = 2 * endpoints
    else:
        switches = 2 * math.ceil(endpoints / half) + math.ceil(endpoints / radix)
        links = 3 * endpoints
    switch_ends = 2 * links - endpoints
    return switches, endpoints + math.ceil(switch_ends / 2)


QuantityRule = Callable[[ComputeSizing, BomAssumptions], int]


@dataclass(frozen=True)
class _Row:
    item: str
    category: Category
    unit: str
    quantity: QuantityRule
    lead_weeks: tuple[int, int]
    install_days: int
    basis: str
    source: str


def _ceil(x: float) -> int:
    return math.ceil(x - 1e-9)


# Install days are assumptions throughout (no source in the anchors note): time from arrival on
# site to set, terminated and tested for that item.
TEMPLATE: tuple[_Row, ...] = (
    _Row(
        "HV main power transformer (~80 MVA)",
        Category.POWER_EQUIPMENT,
        "unit",
        lambda s, a: _ceil(s.facility_mw / a.power_factor / a.main_transformer_mva) + 1,
        (140, 160),
        45,
        "facility MVA / 80 MVA, +1 (N+1)",
        f"substation transformers ~140 wk (2023) -> ~150 (2025) -> >160 (2026), vendor; {ANCHORS}",
    ),
    _Row(
        "MV switchgear lineup",
        Category.POWER_EQUIPMENT,
        "lineup",
        lambda s, a: _ceil(s.facility_mw / a.mv_switchgear_mw),
        (46, 80),
        21,
        "one lineup per 25 MW",
        f"switchgear 46-48 wk (C&W 2025); MV switchgear up to 80 wk (McKinsey, secondary); {ANCHORS}",
    ),
    _Row(
        "MV/LV unit-substation transformer (3 MVA)",
        Category.POWER_EQUIPMENT,
        "unit",
        lambda s, a: n_plus_one_per_four(_ceil(s.facility_mw / a.unit_substation_mw)),
        (50, 130),
        21,
        "facility MW / 2.5 MW, N+1 per 4",
        f"transformers 50 wk (McKinsey, secondary); power transformers 90-130+ wk (vendor); {ANCHORS}",
    ),
    _Row(
        "LV switchboard",
        Category.POWER_EQUIPMENT,
        "unit",
        lambda s, a: n_plus_one_per_four(_ceil(s.facility_mw / a.unit_substation_mw)),
        (46, 48),
        14,
        "one per unit-substation transformer",
        f"switchgear 46-48 wk (C&W 2025 pp. 6-7); {ANCHORS}",
    ),
    _Row(
        "UPS module (1.25 MW)",
        Category.POWER_EQUIPMENT,
        "module",
        lambda s, a: n_plus_one_per_four(_ceil(s.it_mw / a.ups_module_mw)),
        (28, 36),
        14,
        "IT MW / 1.25 MW, N+1 per 4",
        f"UPS 28-36 wk (C&W 2025 pp. 6-7); {ANCHORS}",
    ),
    _Row(
        "Backup diesel generator (3 MW)",
        Category.POWER_EQUIPMENT,
        "unit",
        lambda s, a: n_plus_one_per_four(_ceil(s.facility_mw / a.generator_mw)),
        (30, 38),
        21,
        "facility MW / 3 MW, N+1 per 4",
        f"generators 30-38 wk (C&W 2025 pp. 6-7; tails up to 110 wk not used); {ANCHORS}",
    ),
    _Row(
        "Chiller / dry cooler (1.75 MW heat rejection)",
        Category.COOLING,
        "unit",
        lambda s, a: n_plus_one_per_four(_ceil(s.it_mw / a.chiller_mw)),
        (30, 40),
        21,
        "IT MW / 1.75 MW, N+1 per 4",
        f"chillers 30-40 wk (C&W 2025 pp. 6-7; tails up to 110 wk not used); {ANCHORS}",
    ),
    _Row(
        "Coolant distribution unit (1.35 MW)",
        Category.COOLING,
        "unit",
        lambda s, a: n_plus_one_per_four(_ceil(s.it_mw / a.cdu_mw)),
        (20, 30),
        7,
        "IT MW / 1.35 MW (direct liquid cooling), N+1 per 4",
        "assumption (no lead-time source in anchors)",
    ),
    _Row(
        "Busway, A/B feeds",
        Category.POWER_DISTRIBUTION,
        "m",
        lambda s, a: _ceil(s.racks * a.busway_m_per_rack),
        (12, 26),
        21,
        "racks x 0.6 m pitch x 2 feeds x 1.1",
        "assumption (no lead-time source in anchors)",
    ),
    _Row(
        "Rack power feed kit (PDU/whip)",
        Category.POWER_DISTRIBUTION,
        "kit",
        lambda s, a: 2 * s.racks,
        (12, 20),
        7,
        "2 per rack (A/B)",
        "assumption (no lead-time source in anchors)",
    ),
    _Row(
        "GPU rack, NVL72 class (72 GPUs, 132 kW)",
        Category.CHIPS,
        "rack",
        lambda s, a: s.racks,
        (26, 52),
        14,
        "floor(IT kW / 132 kW); GPUs = racks x 72 (IT MW = facility MW / PUE 1.2)",
        f"rack power 120-132 kW/72 GPU ({ANCHORS}); lead time is an assumption",
    ),
    _Row(
        "Memory allocation for GPU racks (HBM3e + LPDDR5X)",
        Category.MEMORY,
        "TB",
        lambda s, a: _ceil(s.racks * a.memory_tb_per_rack),
        (26, 52),
        0,
        "racks x 30.5 TB (13.5 HBM3e + 17 LPDDR5X, NVIDIA NVL72 spec); ships inside the racks, "
        "tracked separately because HBM supply is its own constraint",
        "assumption (no lead-time source in anchors)",
    ),
    _Row(
        "Scale-out switch (144 x 800G)",
        Category.NETWORKING,
        "unit",
        lambda s, a: fat_tree(s.gpus, a.switch_radix)[0],
        (26, 40),
        21,
        "non-blocking fat tree, one 800G port per GPU",
        "assumption (no lead-time source in anchors)",
    ),
    _Row(
        "800G optical transceiver",
        Category.NETWORKING,
        "module",
        lambda s, a: fat_tree(s.gpus, a.switch_radix)[1],
        (26, 40),
        14,
        "fat-tree links, 1 module at the NIC, twin-port at switches (~3.5 per GPU)",
        "assumption (no lead-time source in anchors)",
    ),
    _Row(
        "Building shell (powered shell)",
        Category.BUILDINGS,
        "ft2",
        lambda s, a: _ceil(s.facility_mw * a.building_ft2_per_mw),
        (17, 48),
        60,
        "3,300 ft2 per MW (Abilene ~4 M ft2 / 1.2 GW)",
        f"build speed: Colossus 122 days (reused factory), Crusoe 100 MW in 11 months; {ANCHORS}",
    ),
    _Row(
        "Land",
        Category.LAND,
        "acre",
        lambda s, a: _ceil(s.facility_mw * a.land_acres_per_mw),
        (12, 26),
        30,
        "0.73 acre per MW (Abilene 875 acres / 1.2 GW)",
        "assumption (closing time not in anchors)",
    ),
)

ONSITE_GENERATION_ROW = _Row(
    "Gas reciprocating genset (bridge power, ~4.5 MW)",
    Category.ONSITE_GENERATION,
    "unit",
    lambda s, a: 0,
    (52, 78),
    45,
    "on-site MW / 4.5 MW, N+1 per 4",
    f"recip engines 12-18 months (gas turbines 5-7 yr not modelled); {ANCHORS}",
)


# The rest of the bridge: on-site generation runs only with fuel at the fence and an air permit, so each is a
# line of its own that can hold the block (forecast rule 4b: the earlier of the grid and all these counts).
ONSITE_FUEL_ROW = _Row(
    "Gas supply for bridge generation (lateral tap and metering)",
    Category.ONSITE_GENERATION,
    "connection",
    lambda s, a: 1,
    (39, 104),
    14,
    "one gas connection per block's generation",
    "sitesel parameters gas_lateral_months_low/high (9-24 months, an assumption there too)",
)
ONSITE_PERMIT_ROW = _Row(
    "Air permit for on-site generation",
    Category.ONSITE_GENERATION,
    "permit",
    lambda s, a: 1,
    (26, 52),
    0,
    "one permit to operate the block's engines",
    "assumption (6-12 months for a minor-source air permit; no source in anchors)",
)


def _to_line(row: _Row, quantity: int) -> ProposedLine:
    low, high = row.lead_weeks
    return ProposedLine(
        row.item,
        row.category,
        quantity,
        row.unit,
        high * 7,
        row.install_days,
        (low * 7, high * 7),
        row.basis,
        row.source,
    )


def propose_block_lines(
    block_mw: float, *, onsite_generation_mw: float = 0.0, assumptions: BomAssumptions = DEFAULT_ASSUMPTIONS
) -> list[ProposedLine]:
    """The lines one block needs. On-site generation is opt-in (grid-fed blocks have none)."""
    sizing = size_compute(block_mw, assumptions)
    lines = [_to_line(row, row.quantity(sizing, assumptions)) for row in TEMPLATE]
    if onsite_generation_mw < 0 or not math.isfinite(onsite_generation_mw):
        raise InvalidInput(f"onsite_generation_mw must be >= 0, got {onsite_generation_mw!r}")
    if onsite_generation_mw > 0:
        units = n_plus_one_per_four(_ceil(onsite_generation_mw / assumptions.onsite_genset_mw))
        lines.append(_to_line(ONSITE_GENERATION_ROW, units))
        lines += [_to_line(row, row.quantity(sizing, assumptions)) for row in (ONSITE_FUEL_ROW, ONSITE_PERMIT_ROW)]
    # Drop zero-quantity rows (tiny blocks may need no MV lineup split etc.; nothing to contract).
    return [line for line in lines if line.quantity > 0]


def split_program(total_mw: float, block_mw: float) -> tuple[float, ...]:
    """Blocks of `block_mw` covering `total_mw`; the last block takes the remainder."""
    if not (total_mw > 0 and block_mw > 0):
        raise InvalidInput("total_mw and block_mw must be positive")
    full = int(total_mw // block_mw)
    rest = total_mw - full * block_mw
    blocks = [float(block_mw)] * full
    if rest > 1e-9:
        blocks.append(rest)
    return tuple(blocks)


def propose_program_lines(
    total_mw: float, block_mw: float, *, assumptions: BomAssumptions = DEFAULT_ASSUMPTIONS
) -> tuple[tuple[float, list[ProposedLine]], ...]:
    """(block MW, lines) for each block of a program, e.g. 1,000 MW as 20 x 50 MW."""
    blocks = split_program(total_mw, block_mw)
    return tuple((mw, propose_block_lines(mw, assumptions=assumptions)) for mw in blocks)
