"""/api/v1/ routes of the orchestration app (docs/orchestration.md §6)."""

from django.urls import path

from config.api.routers import IdRouter
from orchestration.api.alerts.views import AlertViewSet
from orchestration.api.contracts.views import ContractLineViewSet, ContractViewSet, DeliveryViewSet
from orchestration.api.programs.views import BlockViewSet, BomLineViewSet, ProjectViewSet
from orchestration.api.risk.views import (
    BaselineViewSet,
    PortfolioView,
    ProgramDelayCostViewSet,
    ProgramRiskViewSet,
    SupplierLineRiskViewSet,
    SupplierScorecardViewSet,
)
from orchestration.api.suppliers.views import FeedReviewViewSet, SupplierCheckRunViewSet, SupplierViewSet

app_name = "orchestration_api"

router = IdRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("blocks", BlockViewSet, basename="block")
router.register("bom-lines", BomLineViewSet, basename="bom-line")
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("contracts", ContractViewSet, basename="contract")
router.register("contract-lines", ContractLineViewSet, basename="contract-line")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("alerts", AlertViewSet, basename="alert")
router.register("feed-reviews", FeedReviewViewSet, basename="feed-review")
router.register("supplier-checks", SupplierCheckRunViewSet, basename="supplier-check")
# Program risk (orchestration/api/py).
router.register("supplier-scorecards", SupplierScorecardViewSet, basename="supplier-scorecard")
router.register("program-risk", ProgramRiskViewSet, basename="program-risk")
router.register("program-delay-cost", ProgramDelayCostViewSet, basename="program-delay-cost")
router.register("baselines", BaselineViewSet, basename="baseline")
router.register("supplier-line-risk", SupplierLineRiskViewSet, basename="supplier-line-risk")

urlpatterns = router.urls + [path("portfolio/", PortfolioView.as_view(), name="portfolio")]
