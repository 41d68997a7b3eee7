"""What the data migrations seed, for tests that run after a flush of the database."""

from importlib import import_module

from django.apps import apps

SEEDS = [
    ("offerings.migrations.0002_seed_taxonomies", "seed"),
    ("offerings.migrations.0016_search_synonyms", "seed"),
    ("workgroups.migrations.0002_four_working_groups", "create_groups"),
    ("workgroups.migrations.0004_steering_circle_and_minutes_search", "create_steering_circle"),
]


def seed_from_migrations() -> None:
    """Run the seeding functions of the data migrations again; they are idempotent."""
    for module, function in SEEDS:
        getattr(import_module(module), function)(apps, None)
