"""Placing a venue: `venue_place_resolve` (postcode and town to a municipality, and how sure
that is), `venue_address_key` (one venue, spelled twice), the commands that place the venues
already in the database, and the admin's venue form.

These tests use a small file of real GeoNames lines (`german_places`), not all of Germany;
test_places.py loads the real dataset.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command

from network.models import District
from offerings.models import Municipality
from offerings.places import (
    PlaceGuess,
    PlaceStatus,
    place_lookup,
    places_load,
    postcode_normalise,
    venue_address_key,
    venue_place_resolve,
)
from tests.factories import InstitutionFactory
from tests.offerings.conftest import GEONAMES_SAMPLE
from tests.offerings.factories import VenueFactory

# --- The sample of real GeoNames lines -------------------------------------------------------


def test_the_sample_loads_the_whole_country_shape(german_places):
    assert german_places["aalen"].district == District.OSTALBKREIS
    assert german_places["heidenheim-an-der-brenz"].district == District.HEIDENHEIM
    for slug in ["ulm", "noerdlingen", "hamburg", "heidenheim", "lorch-06439", "jungholz"]:
        assert german_places[slug].district == District.OUTSIDE, slug
    # Where a name is shared, the place in the region keeps the plain slug.
    assert german_places["essingen"].county_name == "Ostalbkreis"
    assert german_places["essingen-07337"].county_name == "Landkreis Südliche Weinstraße"
    assert german_places["lorch"].county_name == "Ostalbkreis"
    # Jungholz (Tyrol) has a German postcode but no German county.
    assert german_places["jungholz"].county_name == ""


def test_loading_more_of_the_country_keeps_the_rows_and_slugs_venues_point_at(db, tmp_path):
    # A database loaded when only the region's neighbours were: Schorndorf was unique then.
    lines = [
        line
        for line in GEONAMES_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
        if "\tSchorndorf\t" in line
    ]
    first = tmp_path / "first.tsv"
    first.write_text("".join(lines[:1]), encoding="utf-8")
    assert "Rems-Murr-Kreis" in lines[0]
    places_load(source=first)
    schorndorf = Municipality.objects.get()
    assert schorndorf.slug == "schorndorf"

    # Loading Germany brings the Schorndorf in Cham.
    places_load(source=GEONAMES_SAMPLE)

    again = Municipality.objects.get(county_name="Rems-Murr-Kreis", name="Schorndorf")
    assert (again.pk, again.slug) == (schorndorf.pk, "schorndorf")
    assert Municipality.objects.get(county_name="Cham").slug == "schorndorf-09372"


def test_place_lookup_prefers_the_region_over_an_exact_name_elsewhere(german_places):
    # "Heidenheim" is exactly the name of the one in Mittelfranken; visitors of the region
    # mean the district town.
    assert place_lookup("Heidenheim").slug == "heidenheim-an-der-brenz"
    assert place_lookup("Essingen").slug == "essingen"
    assert place_lookup("Lorch").slug == "lorch"
    assert place_lookup("Ulm").slug == "ulm"
    assert place_lookup("91719").slug == "heidenheim"


def resolve(postcode: str = "", city: str = "", street: str = ""):
    return venue_place_resolve(postcode=postcode, city=city, street=street)


@pytest.mark.parametrize(
    ("postcode", "city", "slug"),
    [
        ("73430", "Aalen", "aalen"),
        ("73525", "Schwäbisch Gmünd", "schwaebisch-gmuend"),
        ("73525", "Schwaebisch Gmuend", "schwaebisch-gmuend"),
        ("73525", "SCHWÄBISCH-GMÜND", "schwaebisch-gmuend"),
        ("73527", "Schwäbisch Gmünd", "schwaebisch-gmuend"),
        ("73527", "Täferrot", "taeferrot"),
        # The town without its qualifier, or with the part of town after it.
        ("89522", "Heidenheim", "heidenheim-an-der-brenz"),
        ("73479", "Ellwangen", "ellwangen-jagst"),
        ("73433", "Aalen-Wasseralfingen", "aalen"),
        # Sloppy postcodes: with a country prefix, or written into the town.
        ("D-89522", "Heidenheim an der Brenz", "heidenheim-an-der-brenz"),
        ("", "86720 Nördlingen", "noerdlingen"),
        ("86720", "86720 Nördlingen", "noerdlingen"),
        # GeoNames lists parts of Dresden with the city's postcode; the city is meant.
        ("01067", "Dresden", "dresden"),
    ],
)
def test_postcode_and_town_that_agree_are_exact(german_places, postcode, city, slug):
    match = resolve(postcode, city)

    assert match.status == PlaceStatus.EXACT
    assert match.municipality.slug == slug
    assert match.warning() is None
    assert match.note() is None


def test_a_place_outside_the_region_gets_its_coordinates_and_district_outside(german_places):
    match = resolve("89073", "Ulm")

    assert match.status == PlaceStatus.EXACT
    assert match.venue_values() == {
        "municipality": german_places["ulm"],
        "district": District.OUTSIDE,
        "latitude": german_places["ulm"].latitude,
        "longitude": german_places["ulm"].longitude,
    }
    # The mean of Ulm's postcodes, about 60 km south of Aalen.
    assert match.municipality.latitude == pytest.approx(48.40, abs=0.05)
    assert match.municipality.longitude == pytest.approx(9.98, abs=0.05)


@pytest.mark.parametrize(
    ("postcode", "city", "guess", "slug"),
    [
        # The town is missing, or a part of town GeoNames does not list: the postcode decides.
        ("73430", "", PlaceGuess.POSTCODE, "aalen"),
        ("73433", "Wasseralfingen", PlaceGuess.POSTCODE, "aalen"),
        # Spelled differently: the postcode's place the town resembles.
        ("73525", "Gmünd", PlaceGuess.SPELLING, "schwaebisch-gmuend"),
        ("73527", "Schw. Gmünd", PlaceGuess.SPELLING, "schwaebisch-gmuend"),
        ("73430", "Aalne", PlaceGuess.SPELLING, "aalen"),
        ("89522", "Heidenheim a. d. Brenz", PlaceGuess.SPELLING, "heidenheim-an-der-brenz"),
        # No postcode, or one that does not exist: a town name only one place has.
        ("", "Oberkochen", PlaceGuess.TOWN, "oberkochen"),
        ("", "Ulm", PlaceGuess.TOWN, "ulm"),
        ("99999", "Schwäbisch Gmünd", PlaceGuess.TOWN, "schwaebisch-gmuend"),
        ("", "Ellwangen", PlaceGuess.TOWN, "ellwangen-jagst"),
    ],
)
def test_a_guess_says_how_it_was_made(german_places, postcode, city, guess, slug):
    match = resolve(postcode, city)

    assert (match.status, match.guess) == (PlaceStatus.GUESSED, guess)
    assert match.municipality.slug == slug
    assert match.warning() is None
    assert match.municipality.name in match.note()


def test_a_guess_is_named_in_german(german_places):
    assert resolve("73525", "Gmünd").note() == (
        "Ort „Gmünd 73525“ als Schwäbisch Gmünd (Ostalbkreis) erkannt, nach der Postleitzahl "
        "und ähnlicher Schreibweise."
    )


@pytest.mark.parametrize(
    ("postcode", "city", "slugs"),
    [
        # The same name in several places and no postcode.
        ("", "Lorch", ["lorch", "lorch-06439"]),
        ("", "Essingen", ["essingen", "essingen-07337"]),
        ("", "Heidenheim", ["heidenheim-an-der-brenz", "heidenheim"]),
        # A postcode of two places and a town that is neither.
        ("73527", "", ["schwaebisch-gmuend", "taeferrot"]),
        ("73527", "Lindach", ["schwaebisch-gmuend", "taeferrot"]),
        # Postcode and town name two different places.
        ("89073", "Aalen", ["aalen", "ulm"]),
    ],
)
def test_an_ambiguous_place_names_the_candidates_and_sets_no_place(
    german_places, postcode, city, slugs
):
    match = resolve(postcode, city)

    assert match.status == PlaceStatus.AMBIGUOUS
    assert match.municipality is None
    assert [m.slug for m in match.candidates] == slugs
    assert match.venue_values() == {
        "municipality": None,
        "district": District.OUTSIDE,
        "latitude": None,
        "longitude": None,
    }
    warning = match.warning()
    assert "nicht eindeutig" in warning
    assert "lassen sich nicht nach Ort finden" in warning
    assert all(m.name in warning for m in match.candidates)


@pytest.mark.parametrize(
    ("postcode", "city", "street"),
    [
        ("00000", "Atlantis", ""),
        ("", "Atlantis", ""),
        ("", "", ""),
        # Four digits are no postcode (a dropped leading zero or a missing last digit: the
        # town has to decide).
        ("7343", "", ""),
        ("", "x" * 10_000, ""),
        ("73430\x00", "Aalen\x00", ""),
        ("", "'; DROP TABLE offerings_municipality; --", ""),
    ],
)
def test_an_unknown_place_is_unknown(german_places, postcode, city, street):
    match = resolve(postcode, city, street)

    assert match.status == PlaceStatus.UNKNOWN
    assert match.municipality is None
    assert "nicht gefunden" in match.warning()
    assert Municipality.objects.filter(slug="aalen").exists()


def test_the_unknown_place_warning_in_german(german_places):
    assert resolve("00000", "Atlantis").warning() == (
        "Ort „Atlantis 00000“ nicht gefunden: Die Kurse dieses Angebots lassen sich nicht "
        "nach Ort finden."
    )


def test_a_postcode_at_the_end_of_the_street_line_is_used(german_places):
    match = resolve("", "", "Bahnhofstraße 1, 73447 Oberkochen")

    assert match.municipality.slug == "oberkochen"


def test_without_any_places_loaded_everything_is_unknown(db):
    assert resolve("73430", "Aalen").status == PlaceStatus.UNKNOWN


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("VHS", "Gartenstraße 5", "73430", "Aalen"), ("VHS", "Gartenstr. 5", "73430", "Aalen")),
        (
            ("VHS", "Gartenstraße 5", "73430", "Aalen"),
            ("vhs", "gartenstrasse  5", " 73430", "AALEN"),
        ),
        (("VHS", "Gartenstraße 5", "73430", "Aalen"), ("VHS", "Garten-Str.5", "73430", "Aalen")),
        (("VHS Aalen", "Ulmer Straße 1", "", "Aalen"), ("VHS-Aalen", "Ulmer Str 1", "", "Aalen")),
        (
            ("Haus", "Münsterplatz 9", "73525", "Schwäbisch Gmünd"),
            ("Haus", "Muensterplatz 9", "D-73525", "Schwaebisch Gmuend"),
        ),
    ],
)
def test_addresses_spelled_differently_are_the_same_venue(one, other):
    def key(parts):
        name, street, postcode, city = parts
        return venue_address_key(name=name, street=street, postcode=postcode, city=city)

    assert key(one) == key(other)


@pytest.mark.parametrize(
    "other",
    [
        ("VHS", "Gartenstraße 7", "73430", "Aalen"),
        ("VHS", "Gartenstraße 5", "73431", "Aalen"),
        ("VHS Raum 2", "Gartenstraße 5", "73430", "Aalen"),
        ("VHS", "Gartenweg 5", "73430", "Aalen"),
    ],
)
def test_different_addresses_stay_different_venues(other):
    def key(parts):
        name, street, postcode, city = parts
        return venue_address_key(name=name, street=street, postcode=postcode, city=city)

    assert key(("VHS", "Gartenstraße 5", "73430", "Aalen")) != key(other)


def test_postcode_normalise():
    assert postcode_normalise("73430") == "73430"
    assert postcode_normalise(" D-73430 ") == "73430"
    assert postcode_normalise("d 73430") == "73430"
    assert postcode_normalise("1067") == ""
    assert postcode_normalise("") == ""
    assert postcode_normalise("A-6691") == ""
    assert postcode_normalise("734301") == ""


# --- Venues already in the database ----------------------------------------------------------


@pytest.mark.django_db
def test_resolve_venue_places_places_old_venues_and_lists_the_rest(german_places, capsys):
    institution = InstitutionFactory(name="VHS Aalen")
    unplaced = {"municipality": None, "district": District.OUTSIDE, "latitude": None}
    exact = VenueFactory(
        institution=institution, name="Saal", postcode="89073", city="Ulm", **unplaced
    )
    guessed = VenueFactory(
        institution=institution, name="Werkstatt", postcode="73525", city="Gmünd", **unplaced
    )
    unknown = VenueFactory(
        institution=institution, name="Insel", postcode="00000", city="Atlantis", **unplaced
    )
    placed_by_hand = VenueFactory(
        institution=institution, municipality=german_places["oberkochen"], city="Aalen"
    )

    call_command("resolve_venue_places")

    exact.refresh_from_db()
    assert exact.municipality == german_places["ulm"]
    assert exact.district == District.OUTSIDE
    assert exact.latitude == german_places["ulm"].latitude
    guessed.refresh_from_db()
    assert guessed.municipality == german_places["schwaebisch-gmuend"]
    assert guessed.district == District.OSTALBKREIS
    unknown.refresh_from_db()
    assert unknown.municipality is None
    # A venue that has its place is left as it is, even where its town says otherwise.
    placed_by_hand.refresh_from_db()
    assert placed_by_hand.municipality == german_places["oberkochen"]
    out = capsys.readouterr().out
    assert "ohne Gemeinde: 3; zugeordnet: 2 (davon 1 geschätzt); offen: 1." in out
    assert "geschätzt: VHS Aalen: Werkstatt: Ort „Gmünd 73525“ als Schwäbisch Gmünd" in out
    assert "offen: VHS Aalen: Insel: Ort „Atlantis 00000“ nicht gefunden" in out

    # Again: nothing left to place but the unknown one.
    call_command("resolve_venue_places")
    assert "ohne Gemeinde: 1; zugeordnet: 0" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_places_also_places_venues_in_towns_it_brings(db, capsys):
    venue = VenueFactory(
        postcode="89073", city="Ulm", municipality=None, district="outside", latitude=None
    )

    call_command("load_places", source=str(GEONAMES_SAMPLE))

    venue.refresh_from_db()
    assert venue.municipality.name == "Ulm"
    assert "zugeordnet: 1" in capsys.readouterr().out


# --- The admin ----------------------------------------------------------------------------


@pytest.fixture
def office_client(client_for, network_office):
    TOTP.activate(network_office, generate_totp_secret())
    return client_for(network_office)


def venue_form(venue, **changes) -> dict:
    data = {
        "institution": venue.institution_id,
        "name": venue.name,
        "street": venue.street,
        "postcode": venue.postcode,
        "city": venue.city,
        "municipality": venue.municipality_id or "",
        "district": venue.district,
        "latitude": venue.latitude if venue.latitude is not None else "",
        "longitude": venue.longitude if venue.longitude is not None else "",
        "accessibility_notes": "",
    }
    return data | changes


@pytest.mark.django_db
def test_the_admin_places_a_changed_address_and_follows_a_chosen_municipality(
    german_places, office_client
):
    venue = VenueFactory(municipality=german_places["aalen"])
    url = f"/verwaltung/offerings/venue/{venue.pk}/change/"

    response = office_client.post(url, venue_form(venue, postcode="89073", city="Ulm"))
    assert response.status_code == 302
    venue.refresh_from_db()
    assert (venue.municipality, venue.district) == (german_places["ulm"], District.OUTSIDE)
    assert venue.latitude == german_places["ulm"].latitude

    gmuend = german_places["schwaebisch-gmuend"]
    office_client.post(url, venue_form(venue, municipality=gmuend.pk))
    venue.refresh_from_db()
    assert (venue.municipality, venue.district) == (gmuend, District.OSTALBKREIS)
    assert (venue.latitude, venue.longitude) == (gmuend.latitude, gmuend.longitude)

    response = office_client.post(
        url,
        venue_form(venue, municipality="", postcode="", city="Atlantis", district="heidenheim"),
        follow=True,
    )
    assert "Ort „Atlantis“ nicht gefunden" in response.content.decode()
    venue.refresh_from_db()
    # What the office entered stays.
    assert (venue.municipality, venue.district, venue.city) == (None, "heidenheim", "Atlantis")
