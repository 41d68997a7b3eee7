"""The cast of joint measures: an invited provider with an editor, another provider with
an editor, three companies' needs and the measure made from them."""

from decimal import Decimal

from counselling.joint.services import joint_quote_save
from counselling.services import joint_measure_create
from network.models import MembershipRole
from offerings.models import DeliveryForm, FundingProgramme
from tests.factories import CompanyNeedFactory, InstitutionFactory, MembershipFactory


def provider_with_editor(name: str, slug: str):
    institution = InstitutionFactory(name=name, slug=slug, email=f"kurse@{slug}.de")
    editor = MembershipFactory(institution=institution, role=MembershipRole.EDITOR).user
    return institution, editor


def measure_for(office, providers, *, size_bands=("lt10", "lt250", "ge500")):
    needs = [
        CompanyNeedFactory(size_band=band, participants=3, company_name=f"Firma {band}")
        for band in size_bands
    ]
    measure = joint_measure_create(
        topic=needs[0].topic,
        district="ostalbkreis",
        period="2027-Q2",
        title="Verbundkurs CNC",
        note="",
        providers=list(providers),
        user=office,
    )
    return measure, needs


def quote_values(**overrides) -> dict:
    values = {
        "price": Decimal("1000.00"),
        "min_participants": 6,
        "max_participants": 12,
        "hours": 200,
        "starts_on": None,
        "ends_on": None,
        "dates": "ab März, dienstags 17–20 Uhr",
        "place": "Aalen",
        "delivery_form": DeliveryForm.objects.get(slug="praesenz"),
        "note": "",
    }
    values.update(overrides)
    return values


def funding(*slugs):
    return list(FundingProgramme.objects.filter(slug__in=slugs))


def quote_for(measure, institution, user, *, slugs=("foerderung-beschaeftigter",), **values):
    return joint_quote_save(
        measure=measure,
        institution=institution,
        user=user,
        values=quote_values(**values),
        funding=funding(*slugs),
    )


def quote_post(**overrides) -> dict:
    """The quote form as a provider's browser posts it."""
    data = {
        "price": "1000,00",
        "min_participants": "6",
        "max_participants": "12",
        "hours": "200",
        "starts_on": "",
        "ends_on": "",
        "dates": "ab März, dienstags 17–20 Uhr",
        "place": "Aalen",
        "delivery_form": str(DeliveryForm.objects.get(slug="praesenz").pk),
        "funding": [str(p.pk) for p in funding("foerderung-beschaeftigter")],
        "note": "",
    }
    data.update(overrides)
    return data
