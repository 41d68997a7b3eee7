"""Digest claims: periodic mail (course alerts, working-group digests, the steering
summary) goes out once per recipient and period.

A claim is a row under a unique constraint, written in the same transaction as the
digest's mail (outbox.services.messages_enqueue_many): of two workers or two runs of a
beat task only the first one's claim commits, the other finds the recipient taken. The
newsletter keeps claims of its own (news.NewsletterDelivery) and links them to their
mails with `digest_claims_attach` as well.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from outbox.models import DigestClaim


def digest_claim(*, kind: str, recipient: str, period: str) -> DigestClaim | None:
    """Claim the digest `kind` of `recipient` for `period`; None when it is already taken.

    Call it inside the transaction that also enqueues the digest's mail: a second worker's
    insert waits for that transaction and fails if it commits, succeeds if it rolls back.
    """
    try:
        with transaction.atomic():
            return DigestClaim.objects.create(kind=kind, recipient=recipient, period=period)
    except IntegrityError:
        return None


def digest_claim_many(*, kind: str, recipients: list[str], period: str) -> dict[str, int]:
    """Claim the digest `kind` of many `recipients` for `period` in one statement; returns
    the claims won, by recipient (claim id).

    The batch form of `digest_claim`, with the same lock: the unique constraint. A
    recipient claimed before, or by a concurrent transaction that commits, is left out
    (ON CONFLICT DO NOTHING waits for that transaction), so call it inside the transaction
    that writes the digests' mails.
    """
    if not recipients:
        return {}
    table = connection.ops.quote_name(DigestClaim._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(recipients))
    params: list = []
    now = timezone.now()
    for recipient in recipients:
        params += [kind, recipient, period, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, recipient, period, created_at) VALUES {rows} "  # noqa: S608 (no user input in the SQL text)
            "ON CONFLICT DO NOTHING RETURNING id, recipient",
            params,
        )
        return {recipient: pk for pk, recipient in cursor.fetchall()}


def digest_claims_attach(*, messages_by_claim: dict[int, int], model=None) -> None:
    """Record which mail each claim produced (claim id → message id), in one UPDATE.
    `model` is another claim table with a `message` column (the newsletter's deliveries);
    DigestClaim by default.

    Raw SQL: bulk_update's CASE over hundreds of rows costs more to build than to run.
    """
    if not messages_by_claim:
        return
    table = connection.ops.quote_name((model or DigestClaim)._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(messages_by_claim))
    params = [value for pair in messages_by_claim.items() for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH pairs (claim_id, message_id) AS (VALUES {rows}) "  # noqa: S608 (no user input in the SQL text)
            f"UPDATE {table} SET message_id = (SELECT message_id FROM pairs "
            f"WHERE pairs.claim_id = {table}.id) "
            f"WHERE id IN (SELECT claim_id FROM pairs)",
            params,
        )
