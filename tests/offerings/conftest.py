"""Fixtures shared by the catalogue's tests."""

from pathlib import Path

import pytest

from offerings.models import Municipality
from offerings.places import places_load

# Real GeoNames lines (CC BY 4.0; the file's header says where they come from): towns of the
# region, neighbours, far-away places, and names that several places share.
GEONAMES_SAMPLE = Path(__file__).parent / "data" / "geonames_de_sample.tsv"


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


@pytest.fixture
def german_places(db) -> dict[str, Municipality]:
    """The sample's places, loaded the way `load_places` loads all of Germany, by slug.

    Places loaded before (by a module-wide fixture of test_places.py) are removed first, in
    the test's transaction, so that the sample is all there is.
    """
    Municipality.objects.all().delete()
    places_load(source=GEONAMES_SAMPLE)
    return {m.slug: m for m in Municipality.objects.all()}
