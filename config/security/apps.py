from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Project-wide security wiring: API tokens end when a password changes or an account is deactivated."""

    name = "config.security"
    label = "sitesel_security"

    def ready(self) -> None:
        from config.security import tokens  # noqa: F401  (connects the signal receivers)
