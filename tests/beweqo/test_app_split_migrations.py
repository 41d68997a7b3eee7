"""The app split (issue 14) moved models between apps without touching their rows.

A database filled by `load_demo` is taken back to the state before the split (events in
offerings, news and newsletter in network) and forward again: every table keeps every row,
the moved models answer under both names, and their content types (which carry the
permissions and the admin's history) move with them instead of being created anew.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import requires_postgres

# The last migrations before the split, per app, and the apps the split created.
BEFORE_SPLIT = [
    ("offerings", "0009_dashboard_indexes"),
    ("network", "0002_news_newsletter"),
    ("events", None),
    ("news", None),
]
MOVED = {
    ("offerings", "event"): ("events", "event"),
    ("offerings", "eventapproval"): ("events", "eventapproval"),
    ("offerings", "eventregistration"): ("events", "eventregistration"),
    ("network", "newstag"): ("news", "newstag"),
    ("network", "newspost"): ("news", "newspost"),
    ("network", "newslettersubscriber"): ("news", "newslettersubscriber"),
    ("network", "newsletterissue"): ("news", "newsletterissue"),
    ("network", "newsletterdelivery"): ("news", "newsletterdelivery"),
}

pytestmark = [requires_postgres, pytest.mark.django_db]


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = [
            t for t in connection.introspection.table_names(cursor) if t != "django_migrations"
        ]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_a_demo_database_keeps_every_row_across_the_split(demo_loaded):
    before = _row_counts()
    # The demo touches every moved table, so an empty table cannot pass by accident.
    for table in ("offerings_event", "offerings_eventregistration", "network_newspost"):
        assert before[table] > 0, table
    content_types = {
        new: ContentType.objects.get(app_label=new[0], model=new[1]).pk for new in MOVED.values()
    }

    executor = _migrate(BEFORE_SPLIT)
    old_apps = executor.loader.project_state(BEFORE_SPLIT[:2]).apps
    back = _row_counts()
    # Tables that migrations after the split create (the synonyms) are gone in the old state;
    # every other table keeps every row.
    later = set(before) - set(back)
    assert not later & {"offerings_event", "offerings_eventregistration", "network_newspost"}
    assert back == {table: count for table, count in before.items() if table not in later}
    # The old models read the same rows.
    for app_label, model in MOVED:
        old_model = old_apps.get_model(app_label, model)
        assert old_model.objects.count() == before[old_model._meta.db_table], model
    # Back in the old state, the content types are the old apps' again, with the same ids.
    for old, new in MOVED.items():
        assert ContentType.objects.get(app_label=old[0], model=old[1]).pk == content_types[new]

    _migrate(_leaves())
    assert _row_counts() == before
    for old, new in MOVED.items():
        assert ContentType.objects.get(app_label=new[0], model=new[1]).pk == content_types[new]
        assert not ContentType.objects.filter(app_label=old[0], model=old[1]).exists()
