from django.apps import AppConfig


class ChangelogConfig(AppConfig):
    name = "changelog"
    verbose_name = "Change log"

    def ready(self) -> None:
        # Celery tasks name themselves in the change log (see changelog.context).
        from changelog import context

        context.connect_task_signals()
