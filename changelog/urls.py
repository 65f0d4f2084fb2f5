"""/api/v1/history/ (docs/api.md)."""

from django.urls import path

from changelog.api import HistoryList

app_name = "changelog_api"

urlpatterns = [path("history/", HistoryList.as_view(), name="history-list")]
