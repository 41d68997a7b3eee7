"""Factories for the objects tests need; each makes a valid, realistic object."""

import factory
from factory.django import DjangoModelFactory

from network.models import (
    District,
    Institution,
    InstitutionKind,
    Membership,
    MembershipRole,
    SteeringCircleMember,
    User,
)

TEST_PASSWORD = "sicheres-Passwort-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@beispiel.de")
    name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Mark the address verified, as allauth requires before login (default: yes)."""
        self.save()
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Bildungswerk Ostalb {n}")
    slug = factory.Sequence(lambda n: f"bildungswerk-ostalb-{n}")
    kind = InstitutionKind.TRAINING_PROVIDER
    district = District.OSTALBKREIS
    city = "Aalen"
    postcode = "73430"
    description = "Kurse für Beruf und Alltag im Ostalbkreis."


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = MembershipRole.EDITOR


class SteeringCircleMemberFactory(DjangoModelFactory):
    class Meta:
        model = SteeringCircleMember

    person = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
