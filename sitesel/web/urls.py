from django.urls import path

from sitesel.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("map/", views.site_map, name="map"),
    path("map/boundaries.json", views.map_boundaries, name="map-boundaries"),
    path("map/overlays/<slug:kind>.json", views.map_overlay, name="map-overlay"),
    path("sites/<int:pk>/", views.site_detail, name="site-detail"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
]
