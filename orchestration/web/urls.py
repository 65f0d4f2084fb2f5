from django.urls import path

from orchestration.web import home, views

app_name = "orchestration_web"
urlpatterns = [
    path("", home.home, name="home"),
    path("alerts/", home.alert_list, name="alerts"),
    path("programs/", views.program_list, name="programs"),
    path("programs/<int:pk>/", views.program_dashboard, name="program"),
]
