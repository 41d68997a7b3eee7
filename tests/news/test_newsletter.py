"""The newsletter: double opt-in with stored consent, one-click unsubscribe, and abuse
(a flood of subscriptions, bots, tampered and expired links); composing an issue from
news, events and new courses, the test mail, and sending it once per address, resumably.
The real SMTP server and worker are in test_newsletter_end_to_end.py."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from news.models import NewsletterDelivery, NewsletterIssue, NewsletterSubscriber
from news.newsletter.services import (
    CONFIRM_SALT,
    CONSENT_VERSION,
    address_hash,
    newsletter_confirm,
    newsletter_issue_deliver,
    newsletter_issue_save,
    newsletter_issue_send,
    newsletter_purge_unconfirmed,
    newsletter_subscribe,
)
from outbox.models import OutboxMessage
from tests.conftest import requires_postgres
from tests.events.test_support import EventFactory
from tests.factories import UserFactory, WorkingGroupMemberFactory, seeded_group
from tests.news.test_news import _no_news_from_elsewhere, make_post  # noqa: F401
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pr_member(db):
    return WorkingGroupMemberFactory(
        group=seeded_group("aussendarstellung"), person=UserFactory(email="presse@beweqo.test")
    ).person


def confirmed(email: str) -> NewsletterSubscriber:
    return newsletter_confirm(subscriber=newsletter_subscribe(email=email))


def confirm_path(message: OutboxMessage) -> str:
    return re.search(r"https://beweqo\.test(/newsletter/bestaetigen/\S+/)", message.text).group(1)


def subscribe(client, email="anna@beispiel.de", **extra):
    return client.post("/newsletter/", {"email": email, "consent": "on", **extra})


# --- subscribe and confirm --------------------------------------------------------------


def test_double_opt_in_stores_the_consent(client):
    response = subscribe(client, "Anna@Beispiel.de")
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/gesendet/"
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.email == "anna@beispiel.de"
    assert subscriber.confirmed_at is None
    assert subscriber.consent_version == CONSENT_VERSION

    mail = OutboxMessage.objects.get()
    assert mail.recipient == "anna@beispiel.de"
    assert mail.subject == "Bitte bestätigen Sie Ihren Newsletter von BeWeQO"
    path = confirm_path(mail)

    # A mail scanner that opens the link confirms nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Ja, Newsletter bestätigen" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None

    before = timezone.now()
    assert client.post(path).status_code == 200
    subscriber.refresh_from_db()
    assert before <= subscriber.confirmed_at <= timezone.now()
    assert "schon bestätigt" in client.get(path).content.decode()


def test_asking_again_sends_a_new_link_until_confirmed_then_nothing(client):
    subscribe(client)
    subscribe(client)
    assert NewsletterSubscriber.objects.count() == 1
    assert OutboxMessage.objects.count() == 2
    newsletter_confirm(subscriber=NewsletterSubscriber.objects.get())
    response = subscribe(client)
    # Same answer as for a new address: nobody learns who subscribes.
    assert response["Location"] == "/newsletter/gesendet/"
    assert OutboxMessage.objects.count() == 2


@pytest.mark.parametrize(
    "signed",
    ["kaputt", "eyJ0IjoiYWJjIn0:1t2:manipuliert", "x" * 2000],
    ids=["garbage", "forged", "overlong"],
)
def test_tampered_confirmation_links_are_refused(client, signed):
    newsletter_subscribe(email="anna@beispiel.de")
    for method in (client.get, client.post):
        response = method(f"/newsletter/bestaetigen/{signed}/")
        assert response.status_code == 404
        assert "Dieser Link gilt nicht" in response.content.decode()
    assert NewsletterSubscriber.objects.get().confirmed_at is None


def test_a_link_for_another_token_or_salt_confirms_nothing(client):
    subscriber = newsletter_subscribe(email="anna@beispiel.de")
    other_salt = signing.dumps({"t": subscriber.token}, salt="offerings.course-alert.confirm")
    unknown = signing.dumps({"t": "gibt-es-nicht"}, salt=CONFIRM_SALT)
    for signed in (other_salt, unknown):
        assert client.post(f"/newsletter/bestaetigen/{signed}/").status_code == 404
    assert NewsletterSubscriber.objects.get().confirmed_at is None


def test_expired_confirmation_links_are_refused(client):
    subscriber = newsletter_subscribe(email="anna@beispiel.de")
    long_ago = timezone.now() - timedelta(hours=49)
    with mock.patch("django.core.signing.time.time", return_value=long_ago.timestamp()):
        signed = signing.dumps({"t": subscriber.token}, salt=CONFIRM_SALT, compress=False)
    response = client.post(f"/newsletter/bestaetigen/{signed}/")
    assert response.status_code == 404
    assert "abgelaufen" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "keine-adresse", "consent": "on"}, "gültige E-Mail-Adresse"),
        ({"email": "anna@beispiel.de"}, "Dieses Feld ist zwingend erforderlich."),
        ({"email": f"{'a' * 250}@beispiel.de", "consent": "on"}, "höchstens 254 Zeichen"),
        ({"email": "<script>@x.de", "consent": "on"}, "gültige E-Mail-Adresse"),
        (
            {"email": "bot@beispiel.de", "consent": "on", "website": "http://spam"},
            "automatisch erstellt",
        ),
    ],
    ids=["no-address", "no-consent", "overlong", "script", "honeypot"],
)
def test_bad_subscriptions_are_explained_and_nothing_is_saved(client, data, message):
    response = client.post("/newsletter/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<script>@" not in response.content.decode()
    assert not NewsletterSubscriber.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_flood_from_one_network_address_is_stopped(client):
    for number in range(10):
        assert subscribe(client, f"person{number}@beispiel.de").status_code == 302
    response = subscribe(client, "person10@beispiel.de")
    assert response.status_code == 429
    assert "Zu viele Anmeldungen" in response.content.decode()
    assert NewsletterSubscriber.objects.count() == 10
    assert OutboxMessage.objects.count() == 10


def test_one_inbox_is_not_flooded_with_confirmation_mails(client):
    for number in range(3):
        response = subscribe(client, "opfer@beispiel.de", REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 302
    response = client.post(
        "/newsletter/",
        {"email": "OPFER@beispiel.de", "consent": "on"},
        REMOTE_ADDR="10.0.0.99",
    )
    assert response.status_code == 429
    assert OutboxMessage.objects.filter(recipient="opfer@beispiel.de").count() == 3


def test_unconfirmed_subscriptions_are_deleted_after_seven_days():
    old = newsletter_subscribe(email="alt@beispiel.de", now=timezone.now() - timedelta(days=8))
    fresh = newsletter_subscribe(email="neu@beispiel.de")
    kept = confirmed("treu@beispiel.de")
    NewsletterSubscriber.objects.filter(pk=kept.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    assert newsletter_purge_unconfirmed() == 1
    assert set(NewsletterSubscriber.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
    assert not NewsletterSubscriber.objects.filter(pk=old.pk).exists()


# --- unsubscribe --------------------------------------------------------------------------


def test_unsubscribe_asks_on_get_and_ends_on_one_click_post(client):
    subscriber = confirmed("anna@beispiel.de")
    path = f"/newsletter/abmelden/{subscriber.token}/"
    page = client.get(path)
    assert page.status_code == 200
    assert "Ja, abbestellen" in page.content.decode()
    assert NewsletterSubscriber.objects.exists()

    from django.test import Client

    one_click = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert not NewsletterSubscriber.objects.exists()
    # Pressed twice, or a provider retries: the same answer.
    assert client.post(path).status_code == 200
    assert client.get(path).status_code == 404


def test_unknown_unsubscribe_tokens_touch_nothing(client):
    confirmed("anna@beispiel.de")
    assert client.get("/newsletter/abmelden/falsch/").status_code == 404
    assert client.post(f"/newsletter/abmelden/{'x' * 500}/").status_code == 200
    assert NewsletterSubscriber.objects.count() == 1


# --- composing and sending ----------------------------------------------------------------


def compose(**kwargs) -> NewsletterIssue:
    return newsletter_issue_save(
        subject=kwargs.pop("subject", "Newsletter November"),
        intro=kwargs.pop("intro", "Liebe Leserinnen und Leser,\n\n**viel Neues**."),
        news=kwargs.pop("news", []),
        event_ids=kwargs.pop("event_ids", []),
        offer_ids=kwargs.pop("offer_ids", []),
    )


def test_an_issue_collects_news_events_and_new_courses(client_for, pr_member):
    post = make_post("Fachkräftetag im Landratsamt")
    event = EventFactory(title="Infotag Pflegeberufe")
    offer = OfferFactory(title="Excel für Einsteiger", published_at=timezone.now())
    old_offer = OfferFactory(title="Alter Kurs", published_at=timezone.now() - timedelta(days=90))
    writer = client_for(pr_member)

    form = writer.get("/newsletter/verwalten/neu/").content.decode()
    assert "Fachkräftetag im Landratsamt" in form
    assert "Infotag Pflegeberufe" in form
    assert "Excel für Einsteiger" in form
    assert "Alter Kurs" not in form

    response = writer.post(
        "/newsletter/verwalten/neu/",
        {
            "subject": "Newsletter Dezember",
            "intro": "Hallo!",
            "news": [post.pk],
            "events": [event.pk],
            "courses": [offer.pk],
        },
    )
    issue = NewsletterIssue.objects.get()
    assert response["Location"] == f"/newsletter/verwalten/{issue.pk}/vorschau/"
    preview = writer.get(response["Location"]).content.decode()
    for title in ("Fachkräftetag im Landratsamt", "Infotag Pflegeberufe", "Excel für Einsteiger"):
        assert title in preview
    assert "https://beweqo.test/kurse/" in preview

    # A course the catalogue does not offer as new is not a choice.
    refused = writer.post(
        f"/newsletter/verwalten/{issue.pk}/",
        {"subject": "x", "courses": [old_offer.pk]},
    )
    assert refused.status_code == 400
    assert "gültige Auswahl" in refused.content.decode()


def test_an_empty_issue_is_refused(client_for, pr_member):
    response = client_for(pr_member).post("/newsletter/verwalten/neu/", {"subject": "Leer"})
    assert response.status_code == 400
    assert "mindestens einen Beitrag" in response.content.decode()
    assert not NewsletterIssue.objects.exists()


def test_script_in_an_issue_is_text_in_page_and_mail(client_for, pr_member, client):
    script = "<script>alert(1)</script>"
    post = make_post(f"Meldung {script}", teaser=f"Anreißer {script}")
    writer = client_for(pr_member)
    writer.post(
        "/newsletter/verwalten/neu/",
        {"subject": f"Betreff {script}", "intro": f"Hallo {script}", "news": [post.pk]},
    )
    issue = NewsletterIssue.objects.get()
    preview = writer.get(f"/newsletter/verwalten/{issue.pk}/vorschau/").content.decode()
    assert "<script>alert" not in preview
    assert "&lt;script&gt;" in preview

    confirmed("anna@beispiel.de")
    newsletter_issue_send(issue=issue)
    newsletter_issue_deliver(issue_id=issue.pk)
    mail = OutboxMessage.objects.get(recipient="anna@beispiel.de", kind="digest")
    assert "<script>alert" not in mail.html
    assert "&lt;script&gt;" in mail.html
    assert mail.subject == f"Betreff {script}"  # a subject is plain text; no HTML there
    archive = client.get(issue.get_absolute_url()).content.decode()
    assert "<script>alert" not in archive


def test_test_mail_goes_to_the_composer_only(client_for, pr_member):
    confirmed("anna@beispiel.de")
    issue = compose()
    response = client_for(pr_member).post(f"/newsletter/verwalten/{issue.pk}/test/")
    assert response.status_code == 302
    mail = OutboxMessage.objects.exclude(kind="confirmation").get()
    assert mail.recipient == "presse@beweqo.test"
    assert mail.subject == "[Test] Newsletter November"
    assert "TESTAUSGABE" in mail.text
    assert "List-Unsubscribe" not in mail.headers
    issue.refresh_from_db()
    assert issue.status == "draft"


def test_sending_mails_each_confirmed_subscriber_once(client_for, pr_member):
    anna, ben = confirmed("anna@beispiel.de"), confirmed("ben@beispiel.de")
    newsletter_subscribe(email="unbestaetigt@beispiel.de")
    gone = confirmed("weg@beispiel.de")
    NewsletterSubscriber.objects.filter(pk=gone.pk).delete()
    issue = compose(news=[make_post("Neues aus dem Netzwerk")])
    writer = client_for(pr_member)

    confirm_page = writer.get(f"/newsletter/verwalten/{issue.pk}/senden/").content.decode()
    assert "2 bestätigte Adressen" in confirm_page
    assert writer.post(f"/newsletter/verwalten/{issue.pk}/senden/").status_code == 302
    issue.refresh_from_db()
    assert issue.status == "sending"
    assert issue.content["news"][0]["title"] == ("Neues aus dem Netzwerk")
    assert newsletter_issue_deliver(issue_id=issue.pk) == 2

    mails = OutboxMessage.objects.filter(kind="digest")
    assert sorted(m.recipient for m in mails) == ["anna@beispiel.de", "ben@beispiel.de"]
    for mail, subscriber in (
        (mails.get(recipient=anna.email), anna),
        (mails.get(recipient=ben.email), ben),
    ):
        unsubscribe = f"https://beweqo.test/newsletter/abmelden/{subscriber.token}/"
        assert mail.headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe in mail.text
        assert unsubscribe in mail.html
        assert "Neues aus dem Netzwerk" in mail.text
    issue.refresh_from_db()
    assert issue.status == "sent"
    assert issue.recipients == 2

    # Sent again by hand, by beat, or a second click: nothing more goes out.
    assert newsletter_issue_deliver(issue_id=issue.pk) == 0
    assert writer.post(f"/newsletter/verwalten/{issue.pk}/senden/").status_code == 302
    assert newsletter_issue_send(issue=issue) is False
    assert OutboxMessage.objects.filter(kind="digest").count() == 2
    # A sent issue is not edited any more.
    edit = writer.get(f"/newsletter/verwalten/{issue.pk}/")
    assert edit["Location"] == f"/newsletter/verwalten/{issue.pk}/vorschau/"


def test_an_interrupted_send_resumes_without_doubles():
    subscribers = [confirmed(f"person{n}@beispiel.de") for n in range(5)]
    issue = compose()
    newsletter_issue_send(issue=issue)
    # A first run claimed and wrote two mails before its worker died.
    NewsletterDelivery.objects.bulk_create(
        [
            NewsletterDelivery(issue=issue, address_hash=address_hash(s.email))
            for s in subscribers[:2]
        ]
    )
    assert newsletter_issue_deliver(issue_id=issue.pk, batch_size=2) == 3
    assert sorted(
        OutboxMessage.objects.filter(kind="digest").values_list("recipient", flat=True)
    ) == [s.email for s in subscribers[2:]]
    assert NewsletterDelivery.objects.filter(issue=issue).count() == 5


def test_an_address_gets_an_issue_once_even_after_resubscribing():
    anna = confirmed("anna@beispiel.de")
    issue = compose()
    newsletter_issue_send(issue=issue)
    NewsletterDelivery.objects.create(issue=issue, address_hash=address_hash(anna.email))
    NewsletterSubscriber.objects.filter(pk=anna.pk).delete()
    again = confirmed("anna@beispiel.de")
    NewsletterSubscriber.objects.filter(pk=again.pk).update(
        confirmed_at=issue.sending_started_at - timedelta(seconds=1)
    )
    assert newsletter_issue_deliver(issue_id=issue.pk) == 0


def test_who_subscribes_after_sending_started_does_not_get_that_issue():
    newsletter_confirm(
        subscriber=newsletter_subscribe(email="frueh@beispiel.de"),
        now=timezone.now() - timedelta(minutes=10),
    )
    issue = compose()
    newsletter_issue_send(issue=issue, now=timezone.now() - timedelta(minutes=5))
    confirmed("spaet@beispiel.de")
    newsletter_issue_deliver(issue_id=issue.pk)
    assert list(
        OutboxMessage.objects.filter(kind="digest").values_list("recipient", flat=True)
    ) == ["frueh@beispiel.de"]


def test_the_sent_content_is_frozen():
    post = make_post("Erste Fassung")
    confirmed("anna@beispiel.de")
    issue = compose(news=[post])
    newsletter_issue_send(issue=issue)
    post.title = "Später geändert"
    post.save()
    newsletter_issue_deliver(issue_id=issue.pk)
    mail = OutboxMessage.objects.get(kind="digest")
    assert "Erste Fassung" in mail.text
    assert "Später geändert" not in mail.text


def test_archive_shows_sent_issues_only(client):
    draft = compose(subject="Noch nicht fertig")
    sent = compose(subject="Ausgabe Oktober", intro="Rückblick auf den Oktober.")
    newsletter_issue_send(issue=sent)
    newsletter_issue_deliver(issue_id=sent.pk)

    archive = client.get("/newsletter/archiv/").content.decode()
    assert "Ausgabe Oktober" in archive
    assert "Noch nicht fertig" not in archive
    page = client.get(sent.get_absolute_url())
    assert page.status_code == 200
    assert "Rückblick auf den Oktober." in page.content.decode()
    assert client.get(f"/newsletter/archiv/{draft.pk}/").status_code == 404


def test_events_section_lists_the_picked_upcoming_events():
    event = EventFactory(title="Dialogforum Weiterbildung")
    EventFactory(title="Nicht gewählt")
    confirmed("anna@beispiel.de")
    issue = compose(event_ids=[event.pk])
    newsletter_issue_send(issue=issue)
    newsletter_issue_deliver(issue_id=issue.pk)
    mail = OutboxMessage.objects.get(kind="digest")
    assert "Dialogforum Weiterbildung" in mail.text
    assert "Nicht gewählt" not in mail.text
    assert f"https://beweqo.test{event.get_absolute_url()}" in mail.text
    local = timezone.localtime(event.starts_at)
    assert f"{local:%H:%M} Uhr" in mail.text


def test_beat_runs_the_newsletter_tasks():
    from django.conf import settings

    from beweqo.celery import app

    app.loader.import_default_modules()
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("news.newsletter_issues_resume", "news.newsletter_purge_unconfirmed"):
        assert name in schedule
        assert name in app.tasks


def test_the_resume_run_finishes_an_issue_whose_task_was_lost():
    from news.tasks import newsletter_issues_resume_task, newsletter_purge_unconfirmed_task

    confirmed("anna@beispiel.de")
    issue = compose()
    # Started, but the broker lost the delivery task: nothing was written.
    with mock.patch("news.newsletter.services._queue_delivery"):
        newsletter_issue_send(issue=issue)
    assert not OutboxMessage.objects.filter(kind="digest").exists()
    assert newsletter_issues_resume_task() == 1
    issue.refresh_from_db()
    assert issue.status == "sent"
    assert newsletter_issues_resume_task() == 0
    assert newsletter_purge_unconfirmed_task() == 0


def test_drafts_and_scheduled_posts_are_not_offered_for_an_issue(client_for, pr_member):
    make_post("Schon erschienen")
    draft = make_post("Noch Entwurf", minutes_ago=None)
    scheduled = make_post("Erscheint morgen", minutes_ago=-24 * 60)
    writer = client_for(pr_member)
    form = writer.get("/newsletter/verwalten/neu/").content.decode()
    assert "Schon erschienen" in form
    assert "Noch Entwurf" not in form
    assert "Erscheint morgen" not in form
    response = writer.post(
        "/newsletter/verwalten/neu/", {"subject": "x", "news": [draft.pk, scheduled.pk]}
    )
    assert response.status_code == 400
    assert not NewsletterIssue.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_mail_each_address_once():
    """Two deliveries of one issue at the same moment (beat's resume run while the first
    task still works, or two workers): the claims let each address through once."""
    import threading

    from django.db import connection

    subscribers = [confirmed(f"person{n}@beispiel.de") for n in range(40)]
    issue = compose()
    with mock.patch("news.newsletter.services._queue_delivery"):
        newsletter_issue_send(issue=issue)
    start = threading.Barrier(2)
    written, errors = [], []

    def deliver():
        try:
            start.wait()
            written.append(newsletter_issue_deliver(issue_id=issue.pk, batch_size=5))
        except Exception as error:  # reported below; a thread's exception is lost otherwise
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(written) == len(subscribers)
    recipients = list(
        OutboxMessage.objects.filter(kind="digest").values_list("recipient", flat=True)
    )
    assert sorted(recipients) == sorted(s.email for s in subscribers)


def test_the_manage_page_shows_the_progress_of_a_send(client_for, pr_member):
    for n in range(3):
        confirmed(f"person{n}@beispiel.de")
    issue = compose(subject="Ausgabe mit Fortschritt")
    newsletter_issue_send(issue=issue)
    newsletter_issue_deliver(issue_id=issue.pk)
    NewsletterIssue.objects.filter(pk=issue.pk).update(status="sending")  # as if still busy
    page = client_for(pr_member).get("/newsletter/verwalten/").content.decode()
    assert "läuft: 3 E-Mails geschrieben" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "intro": "Hallo"}, "Dieses Feld ist zwingend erforderlich."),
        ({"subject": "x" * 151, "intro": "Hallo"}, "höchstens 150 Zeichen"),
        ({"subject": "Dezember", "intro": "x" * 5001}, "höchstens 5000 Zeichen"),
        ({"subject": "Dezember", "news": ["abc"]}, "ist kein gültiger Wert"),
        ({"subject": "Dezember", "events": ["999999"]}, "gültige Auswahl"),
        ({"subject": "Dezember", "courses": ["'; DROP TABLE x;--"]}, "gültige Auswahl"),
    ],
    ids=["no-subject", "long-subject", "long-intro", "news-garbage", "unknown-event", "sql"],
)
def test_bad_issue_fields_are_explained_and_nothing_is_saved(client_for, pr_member, data, message):
    response = client_for(pr_member).post("/newsletter/verwalten/neu/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NewsletterIssue.objects.exists()
