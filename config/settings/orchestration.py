"""Settings of the orchestration app (supplier feeds, alerts). Imported at the end of base.py."""
