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


# --- working groups and the steering circle ------------------------------------------------
# (Imports inside the helpers, so this section could be appended without touching the head.)


def seeded_group(slug: str = "unternehmen"):
    """One of the bodies the data migrations create."""
    from workgroups.models import WorkingGroup

    return WorkingGroup.objects.get(slug=slug)


def _now_plus(**delta):
    import datetime

    from django.utils import timezone

    return timezone.now() + datetime.timedelta(**delta)


def _hours(hours: int):
    import datetime

    return datetime.timedelta(hours=hours)


def _today_plus(days: int):
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)


class WorkingGroupMemberFactory(DjangoModelFactory):
    """A member of a seeded working group (by default "unternehmen")."""

    class Meta:
        model = "workgroups.WorkingGroupMember"

    group = factory.LazyFunction(seeded_group)
    person = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = "member"


class MeetingFactory(DjangoModelFactory):
    """A meeting in a week, two hours long, at the IHK in Heidenheim."""

    class Meta:
        model = "workgroups.Meeting"

    group = factory.LazyFunction(seeded_group)
    title = factory.Sequence(lambda n: f"Sitzung {n}")
    starts_at = factory.LazyFunction(lambda: _now_plus(days=7).replace(second=0, microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + _hours(2))
    location = "IHK Ostwürttemberg, Ludwig-Erhard-Straße 1, 89520 Heidenheim"
    agenda = "1. Begrüßung\n2. Berichte aus den Einrichtungen\n3. Verschiedenes"


class MinutesFactory(DjangoModelFactory):
    """Published minutes of a meeting three days ago, with their search data built.

    Pass decisions=["…", "…"] for numbered decisions."""

    class Meta:
        model = "workgroups.Minutes"
        skip_postgeneration_save = True

    meeting = factory.SubFactory(
        MeetingFactory,
        starts_at=factory.LazyFunction(lambda: _now_plus(days=-3).replace(second=0, microsecond=0)),
    )
    status = "published"
    published_at = factory.LazyFunction(lambda: _now_plus())
    text = "## Berichte\n\nDie Einrichtungen berichten über ihre Weiterbildungsangebote."

    @factory.post_generation
    def decisions(self, create, extracted, **kwargs):
        if not create:
            return
        from workgroups.models import Decision
        from workgroups.search import minutes_search_refresh

        for number, text in enumerate(extracted or [], start=1):
            Decision.objects.create(minutes=self, number=number, text=text)
        minutes_search_refresh(self)


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = "workgroups.ActionItem"

    group = factory.LazyFunction(seeded_group)
    title = factory.Sequence(lambda n: f"Aufgabe {n}")
    assignee = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: _today_plus(14))


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = "workgroups.Measure"

    group = factory.LazyFunction(seeded_group)
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    goal = "Mehr kleine Betriebe planen Weiterbildung für ihre Beschäftigten."
    target_group = "kleine und mittlere Unternehmen"
    status = "planned"


# --- counselling --------------------------------------------------------------------------


class CounsellingServiceFactory(DjangoModelFactory):
    class Meta:
        model = "counselling.CounsellingService"

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Weiterbildungsberatung {n}")
    kind = "continuing_education"
    situations = factory.LazyFunction(lambda: ["job_seeking", "returning", "employed"])
    districts = factory.LazyFunction(lambda: ["ostalbkreis"])
    languages = factory.LazyFunction(lambda: ["de"])
    channels = factory.LazyFunction(lambda: ["phone", "in_person"])
    opening_hours = "Mo–Do 9–12 Uhr"
    contact_phone = "07361 123456"
    approval = "approved"


class CounsellingRequestFactory(DjangoModelFactory):
    class Meta:
        model = "counselling.CounsellingRequest"

    reference = factory.Sequence(lambda n: f"BQ-T{n:05d}")
    submission_key = factory.Faker("uuid4", cast_to=None)
    name = "Sabine Keller"
    email = factory.Sequence(lambda n: f"ratsuchend{n}@beispiel.de")
    channel = "phone"
    language = "de"
    district = "ostalbkreis"
    situation = "returning"
    topic = "continuing_education"
    message = "Ich möchte nach der Elternzeit wieder einsteigen."
    consent_at = factory.LazyFunction(_now_plus)
    institution = factory.SubFactory(InstitutionFactory)


class CompanyNeedFactory(DjangoModelFactory):
    class Meta:
        model = "counselling.CompanyNeed"

    submission_key = factory.Faker("uuid4", cast_to=None)
    topic = factory.LazyFunction(lambda: _topic("metall-elektro"))
    participants = 4
    period = "2027-Q2"
    format = "onsite"
    district = "ostalbkreis"
    size_band = "lt50"
    sector = "industry"
    company_name = factory.Sequence(lambda n: f"Metallbau Muster {n} GmbH")
    contact_name = "Jana Weber"
    email = factory.Sequence(lambda n: f"personal{n}@betrieb.de")
    reference = factory.Sequence(lambda n: f"BD-T{n:05d}")
    consent_at = factory.LazyFunction(_now_plus)


def _topic(slug: str):
    from offerings.models import Topic

    return Topic.objects.get(slug=slug)
