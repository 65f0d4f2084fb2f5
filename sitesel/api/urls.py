"""/api/v1/: auth, sites and layers (docs/api.md)."""

from django.urls import path

from config.api.routers import IdRouter
from sitesel.api.auth.views import LoginApi, LogoutAllApi, LogoutApi, UserTokensRevokeApi
from sitesel.api.economics.views import RunSpreadApi, SiteEconomicsApi, SiteScaleApi
from sitesel.api.layers.views import LayerFeaturesApi, LayerVersionListApi, LayerViewSet
from sitesel.api.scoring_runs.views import ScenarioViewSet, ScoringRunViewSet
from sitesel.api.sites.views import SiteViewSet

app_name = "sitesel_api"

router = IdRouter()
router.register("sites", SiteViewSet, basename="site")
router.register("layers", LayerViewSet, basename="layer")
router.register("scenarios", ScenarioViewSet, basename="scenario")
router.register("scoring-runs", ScoringRunViewSet, basename="scoring-run")

urlpatterns = [
    path("auth/login/", LoginApi.as_view(), name="login"),
    path("auth/logout/", LogoutApi.as_view(), name="logout"),
    path("auth/logout-all/", LogoutAllApi.as_view(), name="logout-all"),
    path("auth/users/<int:user_id>/revoke-tokens/", UserTokensRevokeApi.as_view(), name="user-tokens-revoke"),
    path("layers/<slug:kind>/versions/", LayerVersionListApi.as_view(), name="layer-versions"),
    path("layers/<slug:kind>/features/", LayerFeaturesApi.as_view(), name="layer-features"),
    path("sites/<int:id>/economics/", SiteEconomicsApi.as_view(), name="site-economics"),
    path("sites/<int:id>/scale/", SiteScaleApi.as_view(), name="site-scale"),
    path("scoring-runs/<int:id>/spread-vs-campus/", RunSpreadApi.as_view(), name="scoring-run-spread"),
    *router.urls,
]
