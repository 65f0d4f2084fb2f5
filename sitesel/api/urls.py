"""/api/v1/: auth, sites and layers (docs/api.md)."""

from django.urls import path

from config.api.routers import IdRouter
from sitesel.api import economics_views, scoring_views, views

app_name = "sitesel_api"

router = IdRouter()
router.register("sites", views.SiteViewSet, basename="site")
router.register("layers", views.LayerViewSet, basename="layer")
router.register("scenarios", scoring_views.ScenarioViewSet, basename="scenario")
router.register("scoring-runs", scoring_views.ScoringRunViewSet, basename="scoring-run")

urlpatterns = [
    path("auth/login/", views.LoginApi.as_view(), name="login"),
    path("auth/logout/", views.LogoutApi.as_view(), name="logout"),
    path("auth/logout-all/", views.LogoutAllApi.as_view(), name="logout-all"),
    path("auth/users/<int:user_id>/revoke-tokens/", views.UserTokensRevokeApi.as_view(), name="user-tokens-revoke"),
    path("layers/<slug:kind>/versions/", views.LayerVersionListApi.as_view(), name="layer-versions"),
    path("layers/<slug:kind>/features/", views.LayerFeaturesApi.as_view(), name="layer-features"),
    path("sites/<int:id>/economics/", economics_views.SiteEconomicsApi.as_view(), name="site-economics"),
    path("sites/<int:id>/scale/", economics_views.SiteScaleApi.as_view(), name="site-scale"),
    path("scoring-runs/<int:id>/spread-vs-campus/", economics_views.RunSpreadApi.as_view(), name="scoring-run-spread"),
    *router.urls,
]
