"""The Celery app: eager (in-process) on the embedded default, a broker by CELERY_BROKER_URL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyyears.settings")

app = Celery("earlyyears")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
