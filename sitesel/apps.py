from django.apps import AppConfig


class SiteselConfig(AppConfig):
    name = "sitesel"
    verbose_name = "Site selection"

    def ready(self) -> None:
        # The scoring admin lives in its own module to keep sitesel/admin.py about layers and sites.
        from sitesel import admin_scoring  # noqa: F401
