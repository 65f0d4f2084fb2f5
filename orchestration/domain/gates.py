"""Gates: pure predicates over `BlockFacts`, one table row per target state.

Each check returns the reasons it fails (empty tuple = pass), so a refused transition can tell the
client exactly which input (category) and which contract lines hold it back.

Gates are cumulative: entering a state requires the gates of that state *and every earlier state*
to hold right now. That is what makes `live` require every line received and installed and power
available, and it also catches facts lost since an earlier transition (e.g. power lost before the
block is moved on to `cooled`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .categories import Category
from .errors import Reason
from .power_paths import generation_gates_now
from .states import STATE_ORDER, STATE_RANK, BlockState


@dataclass(frozen=True)
class LineStatus:
    """A contract line gating the block. `received`: received qty >= required qty."""

    line_ref: str
    category: Category
    received: bool
    installed: bool


@dataclass(frozen=True)
class BlockFacts:
    """Everything the gates look at, gathered by the caller (Django layer) in one place."""

    lines: tuple[LineStatus, ...] = ()
    power_available: bool = False  # grid or on-site power energised and available to the block
    cooling_ready: bool = False  # cooling loop filled, balanced and tested under load
    commissioning_passed: bool = False  # integrated systems test (IST) signed off
    grid_energised: bool = False  # the utility has energised the block's grid connection

    @classmethod
    def from_categories(
        cls,
        required: Iterable[Category],
        received: Iterable[Category] = (),
        installed: Iterable[Category] = (),
        *,
        power_available: bool = False,
        cooling_ready: bool = False,
        commissioning_passed: bool = False,
        grid_energised: bool = False,
    ) -> BlockFacts:
        """Category-level facts: one synthetic line per required category (ref = category name)."""
        received_set, installed_set = set(received), set(installed)
        lines = tuple(LineStatus(str(c), Category(c), c in received_set, c in installed_set) for c in required)
        return cls(lines, power_available, cooling_ready, commissioning_passed, grid_energised)

    def lines_of(self, category: Category) -> tuple[LineStatus, ...]:
        return tuple(line for line in self.lines if line.category == category)


Check = Callable[[BlockFacts], tuple[Reason, ...]]


@dataclass(frozen=True)
class LinesComplete:
    """Every line of `category` received and installed; the block must have such lines (a block cannot be
    powered if nobody has contracted its transformers yet). On-site generation is `GenerationOrGrid`."""

    category: Category

    def __call__(self, facts: BlockFacts) -> tuple[Reason, ...]:
        category = self.category
        lines = facts.lines_of(category)
        if not lines:
            return (Reason("no_lines", f"no contract lines for {category} gate this block", category),)
        reasons = []
        not_received = tuple(line.line_ref for line in lines if not line.received)
        if not_received:
            message = f"{category}: {len(not_received)} line(s) not fully received"
            reasons.append(Reason("not_received", message, category, not_received))
        # Only received lines are reported as "not installed": an unreceived line is obviously not
        # installed and listing it twice would bury the actionable reason.
        not_installed = tuple(line.line_ref for line in lines if line.received and not line.installed)
        if not_installed:
            message = f"{category}: {len(not_installed)} line(s) received but not installed"
            reasons.append(Reason("not_installed", message, category, not_installed))
        return tuple(reasons)


@dataclass(frozen=True)
class GenerationOrGrid:
    """On-site generation is a power path, not an extra input: its lines gate the block only while the grid
    has not energised it (`power_paths.generation_gates_now`, the forecast's rule 4b). A block without
    generation lines passes: the grid is its only path and `power_is_available` checks it."""

    category: Category = Category.ONSITE_GENERATION

    def __call__(self, facts: BlockFacts) -> tuple[Reason, ...]:
        lines = facts.lines_of(self.category)
        if not lines:
            return ()
        installed = all(line.received and line.installed for line in lines)
        if not generation_gates_now(generation_installed=installed, grid_energised=facts.grid_energised):
            return ()
        reasons = LinesComplete(self.category)(facts)
        if not reasons:
            return ()
        message = "no power path: the grid has not energised the block and its on-site generation is not installed"
        return (Reason("no_power_path", message, self.category), *reasons)


def power_is_available(facts: BlockFacts) -> tuple[Reason, ...]:
    if facts.power_available:
        return ()
    return (Reason("power_not_available", "grid or on-site power is not available to the block"),)


def cooling_is_ready(facts: BlockFacts) -> tuple[Reason, ...]:
    if facts.cooling_ready:
        return ()
    return (Reason("cooling_not_ready", "cooling is not commissioned", Category.COOLING),)


def commissioning_has_passed(facts: BlockFacts) -> tuple[Reason, ...]:
    if facts.commissioning_passed:
        return ()
    return (Reason("commissioning_not_passed", "integrated systems test has not passed"),)


# The gate table: what must hold to *enter* each state (in addition to all earlier rows).
GATES: dict[BlockState, tuple[Check, ...]] = {
    BlockState.PLANNED: (),
    BlockState.SITE_READY: (LinesComplete(Category.LAND), LinesComplete(Category.BUILDINGS)),
    BlockState.POWERED: (
        LinesComplete(Category.POWER_EQUIPMENT),
        LinesComplete(Category.POWER_DISTRIBUTION),
        GenerationOrGrid(),
        power_is_available,
    ),
    BlockState.COOLED: (LinesComplete(Category.COOLING), cooling_is_ready),
    BlockState.HARDWARE_INSTALLED: (
        LinesComplete(Category.CHIPS),
        LinesComplete(Category.MEMORY),
        LinesComplete(Category.NETWORKING),
    ),
    BlockState.COMMISSIONED: (commissioning_has_passed,),
    # Nothing new: going live re-verifies every row above at that moment (cumulative gates), so a
    # block whose power dropped after commissioning cannot be declared live.
    BlockState.LIVE: (),
}

# Every category must be checked by some gate, otherwise "live requires every line" would have a
# hole. Asserted in tests so adding a tenth category without a gate fails loudly.
GATED_CATEGORIES: frozenset[Category] = frozenset(
    check.category
    for checks in GATES.values()
    for check in checks
    if isinstance(check, LinesComplete | GenerationOrGrid)
)


def own_gate_reasons(target: BlockState, facts: BlockFacts) -> tuple[Reason, ...]:
    """Reasons from the target state's own row only (not cumulative)."""
    return tuple(reason for check in GATES[target] for reason in check(facts))


def gate_reasons(target: BlockState, facts: BlockFacts) -> tuple[Reason, ...]:
    """All reasons `facts` do not allow a block to be in `target` (cumulative, in build order)."""
    rank = STATE_RANK[target]
    return tuple(reason for state in STATE_ORDER[: rank + 1] for reason in own_gate_reasons(state, facts))


def highest_reachable_state(facts: BlockFacts) -> BlockState:
    """The furthest state whose cumulative gate holds: what the block *could* be in today."""
    best = BlockState.PLANNED
    for state in STATE_ORDER[1:]:
        if own_gate_reasons(state, facts):
            break
        best = state
    return best
