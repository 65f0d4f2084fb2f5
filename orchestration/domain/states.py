"""Lifecycle states of a capacity block, in build order."""

from __future__ import annotations

from enum import StrEnum


class BlockState(StrEnum):
    PLANNED = "planned"
    SITE_READY = "site_ready"
    POWERED = "powered"
    COOLED = "cooled"
    HARDWARE_INSTALLED = "hardware_installed"
    COMMISSIONED = "commissioned"
    LIVE = "live"


# Build order. Gates are cumulative along this order (see gates.gate_reasons).
STATE_ORDER: tuple[BlockState, ...] = tuple(BlockState)
STATE_RANK: dict[BlockState, int] = {s: i for i, s in enumerate(STATE_ORDER)}
