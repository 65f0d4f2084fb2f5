"""`ForecastInput`: the whole program as flat numpy arrays (deliveries, lines, line->block edges, blocks).

Flat arrays so the Django layer can fill it straight from `values_list(...)` columns without
building 20,000 objects. Indices are positions (0..n-1), not database ids; the caller keeps the
position -> pk mapping. Dates are `date.toordinal()` integers, 0 = no date (see dates.py).

A line may gate several blocks (a shared substation transformer, a campus land purchase), which is
why line -> block is a separate edge list rather than a column on lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from .categories import CATEGORY_ORDER, IT_CATEGORIES, Category
from .dates import MAX_ORDINAL, NO_DATE
from .errors import InvalidInput

# Quantities are compared in integer thousandths of a unit so "cumulative delivered >= required"
# is exact (float cumulative sums would make the answer depend on summation order).
QTY_SCALE = 1000


def to_milli(values: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(values, dtype=np.float64) * QTY_SCALE).astype(np.int64)


def _ints(name: str, value: object, n: int | None) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise InvalidInput(f"{name} must be 1-D")
    is_int = np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.bool_)
    if arr.size and not is_int and not (np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
        raise InvalidInput(f"{name} must hold integers")
    arr = arr.astype(np.int64, copy=True)
    if n is not None and arr.size != n:
        raise InvalidInput(f"{name} has {arr.size} entries, expected {n}")
    return arr


def _floats(name: str, value: object, n: int | None) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64).copy()
    if arr.ndim != 1:
        raise InvalidInput(f"{name} must be 1-D")
    if n is not None and arr.size != n:
        raise InvalidInput(f"{name} has {arr.size} entries, expected {n}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InvalidInput(f"{name} must be finite and >= 0")
    return arr


def _check_dates(name: str, arr: np.ndarray, *, required: bool = False) -> None:
    low = 1 if required else NO_DATE
    if arr.size and (arr.min() < low or arr.max() > MAX_ORDINAL):
        what = "a date ordinal" if required else "0 (no date) or a date ordinal"
        raise InvalidInput(f"{name} must be {what}")


def _check_index(name: str, arr: np.ndarray, n: int) -> None:
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise InvalidInput(f"{name} must index 0..{n - 1}")


@dataclass(frozen=True, eq=False)
class ForecastInput:
    as_of_ordinal: int  # "today": nothing not yet received/installed/live can happen before it
    # Deliveries (D): one row per scheduled shipment against a line.
    delivery_line_idx: np.ndarray
    delivery_qty: np.ndarray
    delivery_received_qty: np.ndarray
    delivery_promised_ordinal: np.ndarray
    # Lines (L): contract lines.
    line_required_qty: np.ndarray
    line_category: np.ndarray  # index into CATEGORY_ORDER
    line_install_days: np.ndarray
    # Edges (E): line gates block.
    edge_line_idx: np.ndarray
    edge_block_idx: np.ndarray
    # Blocks (B).
    block_planned_ordinal: np.ndarray  # planned go-live
    block_mw: np.ndarray
    block_commissioning_days: np.ndarray
    # Optional columns (None -> zeros / False).
    delivery_confirmed_ordinal: np.ndarray | None = None
    delivery_expected_ordinal: np.ndarray | None = None  # ASN / carrier ETA: not de-rated
    delivery_actual_ordinal: np.ndarray | None = None
    line_derate_days: np.ndarray | None = None  # supplier expected slip (reliability.derate_days)
    line_installed_ordinal: np.ndarray | None = None  # 0 = not installed yet
    line_unit_value_usd: tuple[Decimal, ...] | None = None  # for stranded-equipment value
    block_power_available: np.ndarray | None = None
    block_grid_power_ordinal: np.ndarray | None = None  # utility energisation forecast; 0 = not tracked
    block_grid_energised: np.ndarray | None = None  # the grid has energised the block (a recorded fact)
    block_live_ordinal: np.ndarray | None = None  # actual go-live; 0 = not live
    stranding_threshold_days: int = 30
    strandable_categories: frozenset[Category] = field(default=IT_CATEGORIES)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen dataclass: normalise once, then freeze the arrays
        n_lines = np.asarray(self.line_required_qty).size
        n_blocks = np.asarray(self.block_planned_ordinal).size
        n_deliv = np.asarray(self.delivery_line_idx).size
        n_edges = np.asarray(self.edge_line_idx).size

        as_of = int(self.as_of_ordinal)
        if not 1 <= as_of <= MAX_ORDINAL:
            raise InvalidInput("as_of_ordinal must be a date ordinal")
        set_(self, "as_of_ordinal", as_of)

        def zeros_if_none(name: str, n: int) -> None:
            value = getattr(self, name)
            set_(self, name, np.zeros(n, dtype=np.int64) if value is None else value)

        for name in ("delivery_confirmed_ordinal", "delivery_expected_ordinal", "delivery_actual_ordinal"):
            zeros_if_none(name, n_deliv)
        for name in ("line_derate_days", "line_installed_ordinal"):
            zeros_if_none(name, n_lines)
        for name in ("block_power_available", "block_grid_power_ordinal", "block_live_ordinal"):
            zeros_if_none(name, n_blocks)

        ints = {
            "delivery_line_idx": n_deliv,
            "delivery_promised_ordinal": n_deliv,
            "delivery_confirmed_ordinal": n_deliv,
            "delivery_expected_ordinal": n_deliv,
            "delivery_actual_ordinal": n_deliv,
            "line_category": n_lines,
            "line_install_days": n_lines,
            "line_derate_days": n_lines,
            "line_installed_ordinal": n_lines,
            "edge_line_idx": n_edges,
            "edge_block_idx": n_edges,
            "block_planned_ordinal": n_blocks,
            "block_commissioning_days": n_blocks,
            "block_grid_power_ordinal": n_blocks,
            "block_live_ordinal": n_blocks,
        }
        for name, n in ints.items():
            set_(self, name, _ints(name, getattr(self, name), n))
        floats = {
            "delivery_qty": n_deliv,
            "delivery_received_qty": n_deliv,
            "line_required_qty": n_lines,
            "block_mw": n_blocks,
        }
        for name, n in floats.items():
            set_(self, name, _floats(name, getattr(self, name), n))
        if self.block_grid_energised is None:
            set_(self, "block_grid_energised", np.zeros(n_blocks, dtype=bool))
        for name in ("block_power_available", "block_grid_energised"):
            set_(self, name, np.asarray(getattr(self, name)).astype(bool).reshape(-1).copy())
            if getattr(self, name).size != n_blocks:
                raise InvalidInput(f"{name} must have one entry per block")

        _check_index("delivery_line_idx", self.delivery_line_idx, n_lines)
        _check_index("edge_line_idx", self.edge_line_idx, n_lines)
        _check_index("edge_block_idx", self.edge_block_idx, n_blocks)
        _check_index("line_category", self.line_category, len(CATEGORY_ORDER))
        for name in (
            "delivery_promised_ordinal",
            "delivery_confirmed_ordinal",
            "delivery_expected_ordinal",
            "delivery_actual_ordinal",
            "line_installed_ordinal",
            "block_grid_power_ordinal",
            "block_live_ordinal",
        ):
            _check_dates(name, getattr(self, name))
        _check_dates("block_planned_ordinal", self.block_planned_ordinal, required=True)
        for name in ("line_install_days", "block_commissioning_days"):
            if np.any(getattr(self, name) < 0):
                raise InvalidInput(f"{name} must be >= 0")
        if np.any(np.abs(self.line_derate_days) > 36_500):
            raise InvalidInput("line_derate_days out of range")
        if self.stranding_threshold_days < 0:
            raise InvalidInput("stranding_threshold_days must be >= 0")
        if self.line_unit_value_usd is not None:
            values = tuple(Decimal(v) for v in self.line_unit_value_usd)
            if len(values) != n_lines:
                raise InvalidInput("line_unit_value_usd must have one entry per line")
            set_(self, "line_unit_value_usd", values)
        set_(self, "strandable_categories", frozenset(Category(c) for c in self.strandable_categories))

        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    @property
    def n_deliveries(self) -> int:
        return int(self.delivery_line_idx.size)

    @property
    def n_lines(self) -> int:
        return int(self.line_required_qty.size)

    @property
    def n_blocks(self) -> int:
        return int(self.block_planned_ordinal.size)

    @property
    def n_edges(self) -> int:
        return int(self.edge_line_idx.size)
