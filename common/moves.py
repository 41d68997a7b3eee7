"""Helpers for migrations that move models from one app to another without touching data.

The moved model keeps its table (`db_table`); only Django's idea of where the model lives
changes. Content types are renamed with it, so permissions and admin history stay attached.
"""

from collections.abc import Iterable

from django.db import migrations


def content_types_move(*, from_app: str, to_app: str, models: Iterable[str]):
    """A RunPython operation that moves the content types of `models` (lower-case model
    names) from `from_app` to `to_app`, and back when the migration is reversed."""
    models = tuple(models)

    def move(source: str, target: str):
        def run(apps, schema_editor):
            content_type = apps.get_model("contenttypes", "ContentType")
            db = schema_editor.connection.alias
            for model in models:
                # A content type the new app already got (post_migrate of an earlier run)
                # would clash with the renamed one; the old row carries the permissions.
                old = content_type.objects.using(db).filter(app_label=source, model=model)
                if old.exists():
                    content_type.objects.using(db).filter(app_label=target, model=model).delete()
                    old.update(app_label=target)

        return run

    return migrations.RunPython(move(from_app, to_app), move(to_app, from_app), elidable=False)
