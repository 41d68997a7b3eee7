"""Company needs get a random reference (as counselling requests have), so that a company
can look up and withdraw its need; existing needs get one too."""

import secrets

from django.db import migrations, models

# The alphabet of counselling.services.REFERENCE_ALPHABET, copied: migrations must not
# import code that may change.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fill_references(apps, schema_editor):
    CompanyNeed = apps.get_model("counselling", "CompanyNeed")
    used = set()
    for need in CompanyNeed.objects.filter(reference__isnull=True).only("pk"):
        while True:
            reference = "BD-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
            if reference not in used:
                break
        used.add(reference)
        CompanyNeed.objects.filter(pk=need.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [("counselling", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="companyneed",
            name="reference",
            field=models.CharField(
                max_length=12, null=True, unique=True, verbose_name="Vorgangsnummer"
            ),
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="companyneed",
            name="reference",
            field=models.CharField(max_length=12, unique=True, verbose_name="Vorgangsnummer"),
        ),
        migrations.AddField(
            model_name="companyneed",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="zurückgezogen am"),
        ),
    ]
