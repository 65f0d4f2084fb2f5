"""The nine inputs a block of AI capacity depends on (from the product mission)."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    CHIPS = "chips"  # GPUs / accelerator racks
    MEMORY = "memory"  # HBM / server DRAM allocations
    NETWORKING = "networking"  # switches, NICs, optics
    POWER_EQUIPMENT = "power_equipment"  # transformers, switchgear, UPS, backup generators
    COOLING = "cooling"  # chillers / dry coolers, CDUs
    BUILDINGS = "buildings"  # building shell
    ONSITE_GENERATION = "onsite_generation"  # bridge / behind-the-meter generation
    POWER_DISTRIBUTION = "power_distribution"  # busway, rack PDUs / whips
    LAND = "land"


# Stable order: the integer code of a category in numpy arrays is its index here. Append only —
# reordering would silently change the meaning of stored/serialized codes.
CATEGORY_ORDER: tuple[Category, ...] = (
    Category.CHIPS,
    Category.MEMORY,
    Category.NETWORKING,
    Category.POWER_EQUIPMENT,
    Category.COOLING,
    Category.BUILDINGS,
    Category.ONSITE_GENERATION,
    Category.POWER_DISTRIBUTION,
    Category.LAND,
)
CATEGORY_CODE: dict[Category, int] = {c: i for i, c in enumerate(CATEGORY_ORDER)}

# Categories whose readiness decides when a block has power (used for the power forecast and
# stranding). On-site generation counts only when the block actually has such lines.
POWER_CATEGORIES: frozenset[Category] = frozenset(
    {Category.POWER_EQUIPMENT, Category.POWER_DISTRIBUTION, Category.ONSITE_GENERATION}
)

# Equipment that loses value while it waits for power (depreciation, warranty clock, capital tied up).
IT_CATEGORIES: frozenset[Category] = frozenset({Category.CHIPS, Category.MEMORY, Category.NETWORKING})


def category_code(category: Category | str) -> int:
    return CATEGORY_CODE[Category(category)]


def category_from_code(code: int) -> Category:
    return CATEGORY_ORDER[int(code)]
