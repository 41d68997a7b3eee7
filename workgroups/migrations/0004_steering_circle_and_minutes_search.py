"""The steering circle exists from the start, as a body beside the four working groups;
minutes get a GIN index for the German full-text search (PostgreSQL only)."""

from django.db import migrations

STEERING_CIRCLE = {
    "slug": "steuerkreis",
    "kind": "steering_circle",
    "name": "Steuerkreis",
    "audience": "die Arbeitsgruppen und die beteiligten Einrichtungen",
    "purpose": (
        "Der Steuerkreis führt die Vorhaben der Arbeitsgruppen zusammen, setzt Schwerpunkte "
        "und stimmt die Gruppen aufeinander ab. Darin sitzen Vertreterinnen und Vertreter "
        "der beteiligten Einrichtungen."
    ),
    "position": 100,
}


def create_steering_circle(apps, schema_editor):
    WorkingGroup = apps.get_model("workgroups", "WorkingGroup")
    values = {k: v for k, v in STEERING_CIRCLE.items() if k != "slug"}
    WorkingGroup.objects.get_or_create(slug=STEERING_CIRCLE["slug"], defaults=values)


def remove_steering_circle(apps, schema_editor):
    apps.get_model("workgroups", "WorkingGroup").objects.filter(
        slug=STEERING_CIRCLE["slug"], kind="steering_circle"
    ).delete()


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS minutes_search_vector_gin "
        "ON workgroups_minutes USING gin (search_vector)"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS minutes_search_vector_gin")


class Migration(migrations.Migration):
    dependencies = [("workgroups", "0003_bodies_meetings_minutes_measures")]

    operations = [
        migrations.RunPython(create_steering_circle, remove_steering_circle),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
