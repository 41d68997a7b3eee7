"""A covering index for the steering dashboard's count of offers (issue 8).

network.dashboard reads id, provider, delivery form, price, review date and publication
time of every published offer in one pass. The offers table is wide (texts, search
vector: 86 MB for 20,000 offers), so a scan of it took 60 ms of the dashboard's cold
count; this index answers the same read from about 1 MB (an index-only scan, 6 ms).
It replaces nothing: (status, institution) stays for the catalogue's own queries.

Database only: in Offer.Meta the index would make every command on SQLite (the embedded
default of `make run`) warn that SQLite ignores the included columns (models.W040), and
Django skips such an index on SQLite anyway.
"""

from django.db import migrations, models

INDEX = models.Index(
    fields=["status", "institution"],
    include=["id", "delivery_form", "price", "last_reviewed_on", "published_at"],
    name="offer_dashboard_cover",
)


class Migration(migrations.Migration):
    dependencies = [("offerings", "0008_events")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AddIndex(model_name="offer", index=INDEX)],
            state_operations=[],
        )
    ]
