"""PostgreSQL-only search structures: the trigram extension and the GIN indexes.

SQLite (the zero-setup run) has none of these and skips this migration's work.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS offer_search_vector_gin ON offerings_offer USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS searchterm_folded_trgm ON offerings_searchterm "
    "USING gin (folded gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS searchterm_folded_trgm",
    "DROP INDEX IF EXISTS offer_search_vector_gin",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("offerings", "0003_searchterm")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
