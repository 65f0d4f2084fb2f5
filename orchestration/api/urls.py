"""/api/v1/ routes of the orchestration app (docs/orchestration.md §6)."""

from django.urls import path

from config.api.routers import IdRouter
from orchestration.api import risk, views

app_name = "orchestration_api"

router = IdRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("blocks", views.BlockViewSet, basename="block")
router.register("bom-lines", views.BomLineViewSet, basename="bom-line")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("contract-lines", views.ContractLineViewSet, basename="contract-line")
router.register("deliveries", views.DeliveryViewSet, basename="delivery")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("feed-reviews", views.FeedReviewViewSet, basename="feed-review")
router.register("supplier-checks", views.SupplierCheckRunViewSet, basename="supplier-check")
# Program risk (orchestration/api/risk.py).
router.register("supplier-scorecards", risk.SupplierScorecardViewSet, basename="supplier-scorecard")
router.register("program-risk", risk.ProgramRiskViewSet, basename="program-risk")
router.register("program-delay-cost", risk.ProgramDelayCostViewSet, basename="program-delay-cost")
router.register("baselines", risk.BaselineViewSet, basename="baseline")
router.register("supplier-line-risk", risk.SupplierLineRiskViewSet, basename="supplier-line-risk")

urlpatterns = router.urls + [path("portfolio/", risk.PortfolioView.as_view(), name="portfolio")]
