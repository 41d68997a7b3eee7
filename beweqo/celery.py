"""The Celery app. Without REDIS_URL, settings make every task run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beweqo.settings")

app = Celery("beweqo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
