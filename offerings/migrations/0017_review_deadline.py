"""Issue 22: offers leave the catalogue when not reviewed for OFFER_REVIEW_MONTHS, after two
reminders; rolling and on-demand dates lapse when not confirmed for as long.

Existing dates take their offer's last review as their confirmation: the best that is known.
"""

import django.utils.timezone
from django.db import migrations, models


def confirmed_from_offer_review(apps, schema_editor):
    OfferDate = apps.get_model("offerings", "OfferDate")
    Offer = apps.get_model("offerings", "Offer")
    OfferDate.objects.update(
        confirmed_on=models.Subquery(
            Offer.objects.filter(pk=models.OuterRef("offer_id")).values("last_reviewed_on")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("offerings", "0016_search_synonyms"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="review_reminded_on",
            field=models.DateField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="zuletzt an die Prüfung erinnert am",
            ),
        ),
        migrations.AddField(
            model_name="offerdate",
            name="confirmed_on",
            field=models.DateField(
                default=django.utils.timezone.localdate,
                editable=False,
                verbose_name="zuletzt bestätigt am",
            ),
        ),
        migrations.RunPython(confirmed_from_offer_review, migrations.RunPython.noop),
    ]
