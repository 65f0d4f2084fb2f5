from django.urls import path

from sitesel.web import compare, views

app_name = "web"
urlpatterns = [
    path("layers/", views.layer_list, name="layers"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("map/", views.site_map, name="map"),
    path("map/boundaries.json", views.map_boundaries, name="map-boundaries"),
    path("map/context/<slug:kind>.json", views.map_context, name="map-context"),
    path("map/overlays/<slug:kind>.json", views.map_overlay, name="map-overlay"),
    path("sites/", views.site_list, name="sites"),
    path("sites/<int:pk>/", views.site_detail, name="site-detail"),
    path("compare/", compare.compare, name="compare"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run-cancel"),
]
