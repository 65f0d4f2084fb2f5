from orchestration.models.alerts import Alert
from orchestration.models.baselines import BaselineBlock, BaselineLine, ProgramBaseline
from orchestration.models.choices import Category, Source, State
from orchestration.models.contracts import Contract, ContractLine, Delivery, DeliveryEvent, PromiseChange
from orchestration.models.projects import BlockEvent, BomLine, BuildProject, CapacityBlock
from orchestration.models.suppliers import FeedReview, Supplier, SupplierCheckRun, SupplierMembership

__all__ = [
    "Alert",
    "BaselineBlock",
    "BaselineLine",
    "BlockEvent",
    "BomLine",
    "BuildProject",
    "CapacityBlock",
    "Category",
    "Contract",
    "ContractLine",
    "Delivery",
    "DeliveryEvent",
    "FeedReview",
    "ProgramBaseline",
    "PromiseChange",
    "Source",
    "State",
    "Supplier",
    "SupplierCheckRun",
    "SupplierMembership",
]
