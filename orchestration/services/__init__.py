"""Services: every write of the orchestration app (`<entity>_<verb>(*, ...)`, transactions inside)."""
