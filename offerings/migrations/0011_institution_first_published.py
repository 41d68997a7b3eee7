from django.db import migrations
from django.db.models import Min, Q


def first_published_backfill(apps, schema_editor):
    """An institution with a published offer is no longer new: its first publication is
    the earliest `published_at` of its offers (events/0002 does the same for events)."""
    Institution = apps.get_model("network", "Institution")
    Offer = apps.get_model("offerings", "Offer")
    firsts = (
        Offer.objects.filter(published_at__isnull=False)
        .order_by()
        .values("institution_id")
        .annotate(first=Min("published_at"))
        .values_list("institution_id", "first")
    )
    for institution_id, first in firsts:
        Institution.objects.filter(
            Q(first_published_at__isnull=True) | Q(first_published_at__gt=first),
            pk=institution_id,
        ).update(first_published_at=first)


class Migration(migrations.Migration):
    """Fill network.Institution.first_published_at from the offers published so far."""

    dependencies = [
        ("network", "0004_institution_first_published_at"),
        ("offerings", "0010_events_moved"),
    ]

    operations = [
        # Going back needs nothing: network/0004 takes the column away again.
        migrations.RunPython(first_published_backfill, migrations.RunPython.noop),
    ]
