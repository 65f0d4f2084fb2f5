import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

# DjangoTask gives every task delay_on_commit(): enqueue only once the transaction commits.
app = Celery("sitesel", task_cls="celery.contrib.django.task:DjangoTask")
# namespace="CELERY": every Celery setting in Django settings is prefixed CELERY_.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
