"""/api/v1/ routes of the orchestration app (projects, blocks, suppliers, contracts, deliveries)."""

app_name = "orchestration_api"
urlpatterns: list = []
