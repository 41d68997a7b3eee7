"""Fixtures shared by the catalogue's tests."""

import pytest

from offerings.models import Municipality


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Each test's own directory for private files (uploaded imports): what a test leaves
    there is its own, and nothing is left behind."""
    root = tmp_path / "private"
    settings.PRIVATE_FILES_ROOT = root
    return root


@pytest.fixture
def places(db):
    aalen = Municipality.objects.create(
        name="Aalen", slug="aalen", district="ostalbkreis", latitude=48.8387, longitude=10.0926
    )
    aalen.postcodes.create(code="73430")
    heidenheim = Municipality.objects.create(
        name="Heidenheim an der Brenz",
        slug="heidenheim-an-der-brenz",
        district="heidenheim",
        latitude=48.6766,
        longitude=10.1515,
    )
    return {"aalen": aalen, "heidenheim": heidenheim}
