"""Pure domain core of orchestration: workflow, gates, BOM, forecast. No Django, stdlib + numpy only."""

from .bom import (
    BomAssumptions,
    ComputeSizing,
    ProposedLine,
    propose_block_lines,
    propose_program_lines,
    size_compute,
)
from .categories import CATEGORY_ORDER, Category
from .errors import DomainError, GateNotMet, InvalidInput, Reason, TransitionNotAllowed, UnknownState
from .forecast import (
    BindingConstraint,
    BindingKind,
    BlockForecast,
    ProgramForecast,
    QuarterMW,
    StrandedEquipment,
    forecast_program,
)
from .forecast_input import ForecastInput
from .gates import GATES, BlockFacts, LineStatus, gate_reasons
from .reliability import DeratePolicy, SupplierRecord, derate_days, supplier_record
from .slips import Promise, Slip, detect_slips
from .states import BlockState
from .workflow import TRANSITIONS, allowed_transitions, available_transitions, check_transition

__all__ = [
    "CATEGORY_ORDER",
    "GATES",
    "TRANSITIONS",
    "BindingConstraint",
    "BindingKind",
    "BlockFacts",
    "BlockForecast",
    "BlockState",
    "BomAssumptions",
    "Category",
    "ComputeSizing",
    "DeratePolicy",
    "DomainError",
    "ForecastInput",
    "GateNotMet",
    "InvalidInput",
    "LineStatus",
    "ProgramForecast",
    "Promise",
    "ProposedLine",
    "QuarterMW",
    "Reason",
    "Slip",
    "StrandedEquipment",
    "SupplierRecord",
    "TransitionNotAllowed",
    "UnknownState",
    "allowed_transitions",
    "available_transitions",
    "check_transition",
    "derate_days",
    "detect_slips",
    "forecast_program",
    "gate_reasons",
    "propose_block_lines",
    "propose_program_lines",
    "size_compute",
    "supplier_record",
]
