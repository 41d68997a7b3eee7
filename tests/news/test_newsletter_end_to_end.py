"""The newsletter end to end, with a real Celery worker on Redis and a real SMTP server:
people subscribe and confirm from the mails they get, one unsubscribes with the one-click
header, one never confirms; the public-relations group sends a test and then the issue.
Exactly one mail reaches each confirmed subscriber, none the others, and running the
send again delivers nothing more."""

import re

import pytest
from django.test import Client

from news.models import NewsletterIssue, NewsletterSubscriber
from news.tasks import newsletter_issue_deliver_task, newsletter_issues_resume_task
from tests.conftest import requires_redis
from tests.factories import UserFactory, WorkingGroupMemberFactory, seeded_group
from tests.news.test_news import _no_news_from_elsewhere, make_post  # noqa: F401
from tests.outbox.conftest import real_worker, smtp_server, smtp_sink, wait_for  # noqa: F401

pytestmark = [requires_redis, pytest.mark.django_db(transaction=True)]


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def mails_to(sink, address: str) -> list:
    return [m for m in sink.messages if m["To"] == address]


def subscribe_and_confirm(client, sink, address: str, *, confirm: bool = True) -> None:
    before = len(mails_to(sink, address))
    assert client.post("/newsletter/", {"email": address, "consent": "on"}).status_code == 302
    assert wait_for(lambda: len(mails_to(sink, address)) > before), f"no mail to {address}"
    if confirm:
        text = plain(mails_to(sink, address)[-1])
        path = re.search(r"https://beweqo\.test(/newsletter/bestaetigen/\S+/)", text).group(1)
        assert client.post(path).status_code == 200


def test_newsletter_from_subscription_to_one_mail_each(smtp_sink, real_worker):  # noqa: F811
    visitor = Client()
    for address in ("anna@beispiel.de", "ben@beispiel.de", "dora@beispiel.de"):
        subscribe_and_confirm(visitor, smtp_sink, address)
    subscribe_and_confirm(visitor, smtp_sink, "carl@beispiel.de", confirm=False)
    dora = NewsletterSubscriber.objects.get(email="dora@beispiel.de")
    one_click = Client(enforce_csrf_checks=True).post(
        f"/newsletter/abmelden/{dora.token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert len(smtp_sink.messages) == 4  # the four confirmation requests

    post = make_post("Weiterbildungspreis Ostwürttemberg verliehen")
    writer = Client()
    pr_member = WorkingGroupMemberFactory(
        group=seeded_group("aussendarstellung"), person=UserFactory(email="presse@beweqo.test")
    ).person
    writer.force_login(pr_member)
    response = writer.post(
        "/newsletter/verwalten/neu/",
        {"subject": "BeWeQO-Newsletter Dezember", "intro": "Hallo!", "news": [post.pk]},
    )
    issue = NewsletterIssue.objects.get()
    assert response.status_code == 302

    writer.post(f"/newsletter/verwalten/{issue.pk}/test/")
    assert wait_for(lambda: len(mails_to(smtp_sink, "presse@beweqo.test")) == 1), "no test mail"
    assert mails_to(smtp_sink, "presse@beweqo.test")[0]["Subject"] == (
        "[Test] BeWeQO-Newsletter Dezember"
    )

    assert writer.post(f"/newsletter/verwalten/{issue.pk}/senden/").status_code == 302
    assert wait_for(lambda: len(smtp_sink.messages) >= 7), "the issue did not arrive"
    # Sending again by hand, the resume run of beat, and a second click: nothing more.
    newsletter_issue_deliver_task.delay(issue.pk)
    newsletter_issues_resume_task.delay()
    writer.post(f"/newsletter/verwalten/{issue.pk}/senden/")
    assert not wait_for(lambda: len(smtp_sink.messages) > 7, timeout=2)

    issues = [m for m in smtp_sink.messages if m["Subject"] == "BeWeQO-Newsletter Dezember"]
    assert sorted(m["To"] for m in issues) == ["anna@beispiel.de", "ben@beispiel.de"]
    for mail in issues:
        assert "Weiterbildungspreis Ostwürttemberg verliehen" in plain(mail)
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = NewsletterSubscriber.objects.get(email=mail["To"]).token
        unsubscribe = f"https://beweqo.test/newsletter/abmelden/{token}/"
        assert mail["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
        assert unsubscribe in plain(mail)
    issue.refresh_from_db()
    assert issue.status == "sent"
    assert issue.recipients == 2
