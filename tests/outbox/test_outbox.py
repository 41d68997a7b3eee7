"""The outbox: written in the caller's transaction, delivered once over real SMTP (aiosmtpd),
temporary failures retried, permanent ones shown to the network office, lost tasks swept up."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from network.services import accessibility_feedback_submit
from outbox.delivery import STUCK_NOTE, message_send, messages_requeue, retry_delay
from outbox.digests import digest_claim
from outbox.models import DigestClaim, MessageStatus, OutboxMessage
from outbox.services import message_enqueue
from outbox.tasks import outbox_send

pytestmark = pytest.mark.django_db


def enqueue(**overrides) -> OutboxMessage:
    arguments = {
        "to": "anna@beispiel.de",
        "subject": "Ihre Anfrage",
        "template": "network/accessibility_feedback",
        "context": {"feedback": _Feedback()},
        "key": "test:1",
    }
    return message_enqueue(**arguments | overrides)


class _Feedback:
    pk = 7
    page_url = "/kurse/"
    email = ""
    message = "Der Kontrast <b>ist</b> zu schwach."
    created_at = timezone.now()


def test_nothing_leaves_before_the_commit_and_the_mail_is_multipart(
    smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = enqueue()
        assert OutboxMessage.objects.get().status == MessageStatus.QUEUED
        assert smtp_sink.messages == []
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    [received] = smtp_sink.messages
    assert received["To"] == "anna@beispiel.de"
    assert received["Subject"] == "Ihre Anfrage"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Message-ID"] == message.headers["Message-ID"]
    assert "List-Unsubscribe" not in received
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Der Kontrast <b>ist</b> zu schwach." in text  # plain text keeps what was written
    assert "Der Kontrast &lt;b&gt;ist&lt;/b&gt; zu schwach." in html  # HTML escapes it
    # Absolute links, for a mail read outside the portal.
    assert "https://beweqo.test/verwaltung/network/accessibilityfeedback/7/change/" in text
    assert 'href="https://beweqo.test/verwaltung/' in html


def test_the_same_key_gives_the_same_row_and_one_mail(
    smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue()
        second = enqueue(subject="Anderer Betreff")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(smtp_sink.messages) == 1


def test_a_rolled_back_change_leaves_no_mail(smtp_sink):
    def enqueue_then_fail():
        with transaction.atomic():
            enqueue()
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert not OutboxMessage.objects.exists()
    assert smtp_sink.messages == []


def test_subject_template_is_used_when_no_subject_is_given(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(subject="")
    assert mail.outbox[0].subject == "Neue Rückmeldung zur Barrierefreiheit"


def test_alerts_carry_one_click_unsubscribe_headers(smtp_sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(list_unsubscribe="https://beweqo.test/kurse/suchauftrag/abc/abmelden/")
    [received] = smtp_sink.messages
    assert received["List-Unsubscribe"] == "<https://beweqo.test/kurse/suchauftrag/abc/abmelden/>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_redelivered_task_does_not_send_twice(smtp_sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue()
    # acks_late: the broker hands the same task out again, e.g. after a lost ack.
    assert outbox_send(message.pk) == "skipped"
    assert message_send(message_id=message.pk) == "skipped"
    assert len(smtp_sink.messages) == 1


def test_worker_killed_during_send_causes_no_duplicate(smtp_sink, monkeypatch):
    message = enqueue()
    from outbox import smtp

    real_transmit = smtp.transmit

    def deliver_then_die(row):
        real_transmit(row)
        raise SystemExit("worker killed after the server accepted the mail")

    monkeypatch.setattr(smtp, "transmit", deliver_then_die)
    with pytest.raises(SystemExit):
        message_send(message_id=message.pk)
    monkeypatch.setattr(smtp, "transmit", real_transmit)
    assert OutboxMessage.objects.get().status == MessageStatus.SENDING
    # The task is redelivered and the sweeper runs: neither sends it again.
    assert message_send(message_id=message.pk) == "skipped"
    later = timezone.now() + timedelta(hours=1)
    assert messages_requeue(now=later) == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert message.last_error == STUCK_NOTE  # flagged for the network office
    assert len(smtp_sink.messages) == 1


def test_temporary_refusal_is_retried_and_delivered_once(smtp_server):
    sink = smtp_server(data_replies=["451 4.3.0 Bitte später noch einmal"])
    message = enqueue()
    assert message_send(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED_TEMPORARY
    assert "451" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # Not before its time …
    assert message_send(message_id=message.pk) == "skipped"
    # … but then.
    assert message_send(message_id=message.pk, now=message.next_attempt_at) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")
    assert len(sink.messages) == 1


def test_unreachable_server_is_a_temporary_failure(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    message = enqueue()
    assert message_send(message_id=message.pk) == "retry"
    assert OutboxMessage.objects.get().status == MessageStatus.FAILED_TEMPORARY


def test_back_off_doubles_and_stays_below_the_visibility_timeout():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(20) == 1800


def test_giving_up_after_the_last_attempt(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_server(data_replies=["451 busy", "451 busy"])
    message = enqueue()
    assert message_send(message_id=message.pk) == "retry"
    far = timezone.now() + timedelta(hours=1)
    assert message_send(message_id=message.pk, now=far) == "failed"
    assert OutboxMessage.objects.get().status == MessageStatus.FAILED_PERMANENT


def test_permanent_refusal_is_marked_and_shown_to_the_network_office(
    smtp_server, client_for, network_office
):
    sink = smtp_server(rcpt_reply="550 5.1.1 Unbekannter Empfänger")
    message = enqueue(to="gibt-es-nicht@beispiel.de")
    assert message_send(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED_PERMANENT
    assert "550" in message.last_error
    assert sink.messages == []
    # Not retried by the sweeper.
    assert messages_requeue(now=timezone.now() + timedelta(days=1)) == 0

    TOTP.activate(network_office, generate_totp_secret())
    office = client_for(network_office)
    listing = office.get("/verwaltung/outbox/outboxmessage/?status__exact=failed_permanent")
    assert listing.status_code == 200
    assert "gibt-es-nicht@beispiel.de" in listing.content.decode()
    detail = office.get(f"/verwaltung/outbox/outboxmessage/{message.pk}/change/")
    assert "Unbekannter Empf" in detail.content.decode()


def test_network_office_sends_a_failed_message_again(
    smtp_server, client_for, network_office, django_capture_on_commit_callbacks
):
    smtp_server(rcpt_reply="550 5.1.1 Postfach voll")
    message = enqueue()
    message_send(message_id=message.pk)
    sink = smtp_server()  # the recipient's server accepts again
    TOTP.activate(network_office, generate_totp_secret())
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(network_office).post(
            "/verwaltung/outbox/outboxmessage/",
            {"action": "resend", "_selected_action": [message.pk]},
        )
    assert response.status_code == 302
    assert OutboxMessage.objects.get().status == MessageStatus.SENT
    assert len(sink.messages) == 1


@pytest.mark.parametrize("role_fixture", ["owner", "member", "outsider"])
def test_institution_staff_do_not_see_the_outbox(request, client_for, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get("/verwaltung/outbox/outboxmessage/")
    assert response.status_code == 302


def test_sweeper_sends_what_the_broker_lost(smtp_sink, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox_send, "apply_async", broker_down)
    with transaction.atomic():
        feedback = accessibility_feedback_submit(message="Die Schrift ist viel zu klein.")
    # The change and its mail are saved although the broker was unreachable.
    message = OutboxMessage.objects.get()
    assert feedback.pk
    assert message.status == MessageStatus.QUEUED
    monkeypatch.undo()
    assert messages_requeue() == 0  # too fresh: its task may still be on the way
    assert messages_requeue(now=timezone.now() + timedelta(minutes=11)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(smtp_sink.messages) == 1


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"to": "anna@beispiel.de\r\nBcc: alle@beispiel.de"}, "line breaks"),
        ({"to": "kein-at-zeichen"}, "valid"),
        ({"to": "jürgen@beispiel.de"}, "valid"),  # non-ASCII local part needs SMTPUTF8
        ({"to": "a" * 300 + "@beispiel.de"}, "valid"),
        ({"list_unsubscribe": "javascript:alert(1)"}, "absolute"),
    ],
)
def test_hostile_addresses_and_links_are_refused(overrides, error):
    with pytest.raises(ValueError, match=error):
        enqueue(**overrides)
    assert not OutboxMessage.objects.exists()


def test_header_injection_in_the_subject_stays_in_the_subject(
    smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(subject="Hallo\r\nBcc: alle@beispiel.de\nX-Evil: 1")
    [received] = smtp_sink.messages
    assert received["Subject"] == "Hallo Bcc: alle@beispiel.de X-Evil: 1"
    assert received["Bcc"] is None
    assert received["X-Evil"] is None
    assert smtp_sink.handler.envelopes[0][1] == ["anna@beispiel.de"]


def test_internationalised_domain_is_delivered_in_punycode(
    smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(to="info@müller-bildung.de")
    ascii_domain = "müller-bildung.de".encode("idna").decode()
    assert ascii_domain.startswith("xn--")
    assert smtp_sink.handler.envelopes[0][1] == [f"info@{ascii_domain}"]


def test_a_digest_is_claimed_once_per_recipient_and_period():
    with transaction.atomic():
        assert digest_claim(kind="course_alert", recipient="course-alert:1", period="2026-W47")
        assert (
            digest_claim(kind="course_alert", recipient="course-alert:1", period="2026-W47") is None
        )
        assert digest_claim(kind="course_alert", recipient="course-alert:1", period="2026-W48")
        assert digest_claim(kind="workgroup", recipient="course-alert:1", period="2026-W47")
    assert DigestClaim.objects.count() == 3


def test_account_mail_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": "niemand@beispiel.de"})
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.kind == "account"
    assert message.recipient == "niemand@beispiel.de"
    assert message.status == MessageStatus.SENT
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


# --- periodic mail in bulk ---------------------------------------------------------------


def built(n: int, **overrides):
    from outbox.services import message_build

    arguments = {
        "to": f"person{n}@beispiel.de",
        "subject": f"Zusammenfassung {n}",
        "text": f"Text {n} mit Ümlaut\n",
        "html": f"<p>Text {n} mit Ümlaut</p>",
        "key": f"bulk:{n}",
        "list_unsubscribe": f"https://beweqo.test/abbestellen/{n}/",
    }
    return message_build(**arguments | overrides)


def test_many_messages_are_stored_at_once_and_sent_in_batches(
    smtp_sink, django_capture_on_commit_callbacks, django_assert_max_num_queries, settings
):
    from outbox.services import messages_enqueue_many

    settings.OUTBOX_SEND_BATCH = 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue(key="bulk:1")  # stored before: kept, not written or sent again
        # Look up the keys, draw the ids, one INSERT for all rows.
        with django_assert_max_num_queries(3):
            stored = messages_enqueue_many([built(n) for n in range(1, 6)])
        assert smtp_sink.messages == []
    assert len(callbacks) == 1 + 2  # the first, then four new rows in batches of two
    assert sorted(stored) == [f"bulk:{n}" for n in range(1, 6)]
    assert OutboxMessage.objects.filter(status=MessageStatus.SENT).count() == 5
    assert len(smtp_sink.messages) == 5
    received = {m["To"]: m for m in smtp_sink.messages}
    fourth = received["person4@beispiel.de"]
    assert fourth["Subject"] == "Zusammenfassung 4"
    assert fourth["List-Unsubscribe"] == "<https://beweqo.test/abbestellen/4/>"
    assert fourth["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert fourth["Message-ID"] == OutboxMessage.objects.get(key="bulk:4").headers["Message-ID"]
    # Same parts as Django's own builder gives (lines end in CRLF on the wire).
    assert fourth.get_body(("plain",)).get_content() == "Text 4 mit Ümlaut\r\n"
    assert fourth.get_body(("html",)).get_content().strip() == "<p>Text 4 mit Ümlaut</p>"


def test_a_batch_goes_on_after_a_temporary_refusal_and_sends_nothing_twice(smtp_server):
    from outbox.delivery import messages_send_many

    sink = smtp_server(data_replies=["250 ok", "451 4.3.0 später", "250 ok"])
    messages = [built(n) for n in range(3)]
    OutboxMessage.objects.bulk_create(messages)
    ids = [m.pk for m in messages]
    assert messages_send_many(message_ids=ids) == {"sent": 2, "retry": 1}
    statuses = dict(OutboxMessage.objects.values_list("key", "status"))
    assert statuses == {
        "bulk:0": MessageStatus.SENT,
        "bulk:1": MessageStatus.FAILED_TEMPORARY,
        "bulk:2": MessageStatus.SENT,
    }
    # The task is delivered again (acks_late): nothing is sent twice.
    assert messages_send_many(message_ids=ids) == {"skipped": 3}
    assert [m["To"] for m in sink.messages] == ["person0@beispiel.de", "person2@beispiel.de"]


def test_a_worker_killed_in_a_batch_sends_nothing_twice(smtp_sink, monkeypatch, settings):
    from outbox import delivery, smtp

    settings.OUTBOX_CLAIM_CHUNK = 2
    messages = [built(n) for n in range(5)]
    OutboxMessage.objects.bulk_create(messages)
    ids = [m.pk for m in messages]
    real_transmit, calls = smtp.transmit, []

    def die_after_the_first(row):
        calls.append(row.pk)
        real_transmit(row)
        if len(calls) == 1:
            raise SystemExit("worker killed after the server accepted the mail")

    monkeypatch.setattr(smtp, "transmit", die_after_the_first)
    with pytest.raises(SystemExit):
        delivery.messages_send_many(message_ids=ids)
    monkeypatch.undo()
    statuses = [OutboxMessage.objects.get(pk=pk).status for pk in ids]
    # The first chunk (two mails) was claimed before its first mail went out; the rest
    # was never touched.
    assert statuses == [MessageStatus.SENDING] * 2 + [MessageStatus.QUEUED] * 3
    # Redelivered (acks_late): the claimed chunk is not sent again, the rest is.
    assert delivery.messages_send_many(message_ids=ids) == {"sent": 3, "skipped": 2}
    assert [m["To"] for m in smtp_sink.messages] == [
        "person0@beispiel.de",
        "person2@beispiel.de",
        "person3@beispiel.de",
        "person4@beispiel.de",
    ]
    # The sweeper flags the interrupted chunk for the network office instead of resending.
    assert messages_requeue(now=timezone.now() + timedelta(hours=1)) == 0
    flagged = OutboxMessage.objects.filter(last_error=STUCK_NOTE).values_list("pk", flat=True)
    assert sorted(flagged) == ids[:2]
    assert len(smtp_sink.messages) == 4


def test_a_batch_records_each_mail_as_sent_and_claims_per_chunk(smtp_sink, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outbox.delivery import messages_send_many

    settings.OUTBOX_CLAIM_CHUNK = 3
    messages = [built(n) for n in range(6)]
    OutboxMessage.objects.bulk_create(messages)
    with CaptureQueriesContext(connection) as queries:
        assert messages_send_many(message_ids=[m.pk for m in messages]) == {"sent": 6}
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # One durable claim per chunk, then one record per mail.
    assert sum("claimed_at" in sql for sql in updates) == 2
    assert sum("sent_at" in sql for sql in updates) == 6
    assert len(updates) == 8
    rows = OutboxMessage.objects.all()
    assert {(row.status, row.attempts) for row in rows} == {(MessageStatus.SENT, 1)}
    assert all(row.sent_at >= row.claimed_at for row in rows)
    assert len(smtp_sink.messages) == 6


@pytest.mark.django_db(transaction=True)
def test_a_batch_records_sends_without_waiting_for_the_disk_and_then_resets(smtp_sink, monkeypatch):
    from django.db import connection

    from outbox import delivery

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    messages = [built(n) for n in range(2)]
    OutboxMessage.objects.bulk_create(messages)
    real_mark_sent, seen = delivery._mark_sent, []

    def mark_sent(message_id):
        seen.append(synchronous_commit())
        real_mark_sent(message_id)

    monkeypatch.setattr(delivery, "_mark_sent", mark_sent)
    assert delivery.messages_send_many(message_ids=[m.pk for m in messages]) == {"sent": 2}
    assert seen == ["off", "off"]
    # The worker's connection serves other tasks next: their commits are durable again.
    assert synchronous_commit() == "on"


def test_many_digests_are_claimed_in_one_statement(django_assert_num_queries):
    from outbox.digests import digest_claim_many

    digest_claim(kind="course_alert", recipient="course-alert:2", period="2026-W47")
    with django_assert_num_queries(1):
        won = digest_claim_many(
            kind="course_alert",
            recipients=["course-alert:1", "course-alert:2", "course-alert:3"],
            period="2026-W47",
        )
    assert sorted(won) == ["course-alert:1", "course-alert:3"]
    assert DigestClaim.objects.count() == 3
    assert digest_claim_many(kind="course_alert", recipients=[], period="2026-W47") == {}
