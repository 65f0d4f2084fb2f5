from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.api.docs import RedocDocsView, SwaggerDocsView
from config.api.root import ApiRoot

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", ApiRoot.as_view(), name="api-root"),
    path("api/v1/", include("sitesel.api.urls")),
    path("api/v1/", include("orchestration.api.urls")),
    path("api/v1/", include("changelog.urls")),
    # The schema and its two viewers need a signed-in user (token or session, config/api/docs.py).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerDocsView.as_view(url_name="schema"), name="swagger-ui"),
    # Our template drops drf-spectacular's Google Fonts link: every asset is served locally.
    path("api/redoc/", RedocDocsView.as_view(url_name="schema", template_name="sitesel/redoc.html"), name="redoc"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("sitesel.web.urls")),
    path("", include("orchestration.web.urls")),
    path("", include("changelog.web")),
]

# Under /api/ even Django's own 404 and 500 pages answer in the API's error shape (config/api/errors.py).
handler404 = "config.api.errors.page_not_found"
handler500 = "config.api.errors.server_error"
