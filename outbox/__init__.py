"""The outbox: every outgoing mail is first a row here, written in the transaction of the
change that causes it, then delivered over SMTP by a Celery task (see services.py)."""
