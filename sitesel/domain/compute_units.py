"""One definition of what a megawatt buys: facility MW -> IT MW -> racks -> GPUs, and how a campus splits
into blocks.

Scoring, the economics model, the bill of materials and build programs all size compute here, so the
same site shows the same GPUs in its ranking and in its program. Racks are floored: a block must not
promise more IT load than its power budget, and a part rack is not a deployable unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, EconomicsParameters

# Floating error must not lose a whole rack: 50 MW / 1.2 * 1000 / 132 is 315.65..., but 63.36 MW at
# 132 kW racks is exactly 400 racks and must not floor to 399.
_RACK_EPSILON = 1e-9


@dataclass(frozen=True)
class ComputeDefinition:
    """PUE and the rack that turns IT power into GPUs."""

    pue: float
    rack_power_kw: float
    gpus_per_rack: int

    @classmethod
    def from_parameters(cls, params: EconomicsParameters = DEFAULT_PARAMETERS) -> ComputeDefinition:
        return cls(pue=params.pue, rack_power_kw=params.rack_power_kw, gpus_per_rack=int(params.gpus_per_rack))

    def __post_init__(self) -> None:
        if not (self.pue >= 1.0 and self.rack_power_kw > 0 and self.gpus_per_rack > 0):
            raise InvalidSiteInput("compute", "PUE must be >= 1 and rack kW / GPUs per rack positive")


DEFAULT_COMPUTE = ComputeDefinition.from_parameters()


def it_mw(facility_mw: float | np.ndarray, definition: ComputeDefinition = DEFAULT_COMPUTE) -> np.ndarray:
    return np.asarray(facility_mw, dtype=float) / definition.pue


def racks(facility_mw: float | np.ndarray, definition: ComputeDefinition = DEFAULT_COMPUTE) -> np.ndarray:
    return np.floor(it_mw(facility_mw, definition) * 1000.0 / definition.rack_power_kw + _RACK_EPSILON)


def gpus(
    facility_mw: float | np.ndarray, definition: ComputeDefinition = DEFAULT_COMPUTE, block_mw: float = 50.0
) -> np.ndarray:
    """Whole racks x GPUs per rack, block by block (each block is its own power budget): 50 MW -> 22,680 GPUs
    and 1 GW -> 20 x 22,680 = 453,600 with the defaults, the same count a build program of 50 MW blocks gets."""
    facility_mw = np.asarray(facility_mw, dtype=float)
    full_blocks = np.floor(facility_mw / block_mw + _RACK_EPSILON)
    remainder = np.maximum(facility_mw - full_blocks * block_mw, 0.0)
    per_block = racks(block_mw, definition) * definition.gpus_per_rack
    return full_blocks * per_block + racks(remainder, definition) * definition.gpus_per_rack


def block_count(facility_mw: float | np.ndarray, block_mw: float) -> np.ndarray:
    """Blocks a campus is built and energised in; the last one may be partial."""
    return np.maximum(np.ceil(np.asarray(facility_mw, dtype=float) / block_mw - _RACK_EPSILON), 1.0)


def block_sizes_mw(facility_mw: float, block_mw: float) -> list[float]:
    """MW of each block, in build order: full blocks then the remainder."""
    if not (facility_mw > 0 and math.isfinite(facility_mw) and block_mw > 0 and math.isfinite(block_mw)):
        raise InvalidSiteInput("capacity_mw", "capacity and block size must be positive finite MW")
    n = int(block_count(facility_mw, block_mw))
    return [float(block_mw)] * (n - 1) + [float(facility_mw - block_mw * (n - 1))]
