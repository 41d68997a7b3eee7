"""Project package of the BeWeQO portal: settings, URLs, Celery app, WSGI/ASGI entry points."""

# The Celery app must be loaded with Django so that shared tasks bind to it and
# `delay_on_commit` finds its app.
from beweqo.celery import app as celery_app

__all__ = ["celery_app"]
