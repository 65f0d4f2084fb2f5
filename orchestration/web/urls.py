from django.urls import path

from orchestration.web import views

app_name = "orchestration_web"
urlpatterns = [
    path("programs/", views.program_list, name="programs"),
    path("programs/<int:pk>/", views.program_dashboard, name="program"),
]
