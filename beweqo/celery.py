"""The Celery app. Without REDIS_URL, settings make every task run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beweqo.settings")

app = Celery("beweqo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks the app split (issue 14) renamed. Messages queued by the previous release, and its
# beat schedule if it is still running during a deployment, use the old names: each old name
# runs the task under its new one. Remove after a release in which no old name was received.
RENAMED_TASKS = {
    "offerings.event_registrations_erase": "events.registrations_erase",
    "offerings.event_reminders_send": "events.reminders_send",
    "network.newsletter_issue_deliver": "news.newsletter_issue_deliver",
    "network.newsletter_issues_resume": "news.newsletter_issues_resume",
    "network.newsletter_purge_unconfirmed": "news.newsletter_purge_unconfirmed",
    "network.dashboard_refresh": "steering.dashboard_refresh",
    "network.dashboard_presets_refresh": "steering.dashboard_presets_refresh",
    "network.steering_summary_send": "steering.summary_send",
}


@app.on_after_finalize.connect
def _renamed_tasks_register(sender: Celery, **kwargs) -> None:
    for old, new in RENAMED_TASKS.items():

        def run(*args, _new: str = new, **task_kwargs):
            return sender.tasks[_new](*args, **task_kwargs)

        sender.task(name=old)(run)
