"""/api/v1/: auth, sites and layers (docs/api.md)."""

from django.urls import path

from config.api.routers import IdRouter
from sitesel.api import scoring_views, views

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
    *router.urls,
]
