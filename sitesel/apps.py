from django.apps import AppConfig


class SiteselConfig(AppConfig):
    name = "sitesel"
    verbose_name = "Site selection"

