"""Institutions keep their own counselling services, and the network office approves new
ones (issue 22). Services that exist already were set up by the office itself: they stay
listed, so they are marked approved here; a service created from now on starts pending."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def existing_services_approve(apps, schema_editor):
    CounsellingService = apps.get_model("counselling", "CounsellingService")
    CounsellingService.objects.update(approval="approved")


class Migration(migrations.Migration):
    dependencies = [
        ("counselling", "0003_course_wish"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="counsellingservice",
            name="approval",
            field=models.CharField(
                choices=[
                    ("pending", "wartet auf Freigabe"),
                    ("approved", "freigegeben"),
                    ("rejected", "abgelehnt"),
                ],
                default="pending",
                max_length=20,
                verbose_name="Freigabe",
            ),
        ),
        migrations.AddField(
            model_name="counsellingservice",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="entschieden am"),
        ),
        migrations.AddField(
            model_name="counsellingservice",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="entschieden von",
            ),
        ),
        migrations.AddField(
            model_name="counsellingservice",
            name="proposed",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Geänderte Zuordnungsfelder eines freigegebenen Angebots vor der Freigabe.",
                verbose_name="vorgeschlagene Änderung",
            ),
        ),
        migrations.AddField(
            model_name="counsellingservice",
            name="rejection_reason",
            field=models.TextField(blank=True, max_length=1000, verbose_name="Grund der Ablehnung"),
        ),
        migrations.AddField(
            model_name="counsellingservice",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="zur Freigabe vorgelegt"
            ),
        ),
        migrations.RunPython(existing_services_approve, migrations.RunPython.noop),
    ]
