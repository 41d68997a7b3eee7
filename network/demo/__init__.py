"""Demo data of the network for `manage.py load_demo`: the institutions, one login per portal
role, people who fill the lists, their institution roles and the steering circle.

The data is in data/institutions.toml and data/people.toml; this module reads it and writes
it, keyed on slugs and e-mail addresses, so a second load changes nothing. Everything there is
invented: the institutions carry real names of the region with made-up descriptions,
addresses and contacts (under example.org), the people are fictitious (under beweqo.example).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction

from common.demo import demo_data_read, demo_roles_prune, demo_upsert
from network.models import (
    District,
    Institution,
    InstitutionKind,
    Membership,
    MembershipRole,
    SteeringCircleMember,
    SteeringRole,
    User,
)


@dataclass(frozen=True)
class DemoPerson:
    """A fictitious person; `login_role` is set for the accounts printed as demo logins."""

    key: str
    email: str
    name: str
    login_role: str = ""
    is_network_office: bool = False


@dataclass(frozen=True)
class DemoLogin:
    """One row of the table `load_demo` prints; `role` is the German name of the role."""

    role: str
    email: str
    name: str


def _institution(
    *,
    slug: str,
    name: str,
    short_name: str,
    kind: str,
    district: str,
    street: str,
    postcode: str,
    city: str,
    phone: str,
    contact_person: str,
    description: str,
    joined_on: datetime.date | None = None,
    is_network_member: bool = True,
) -> dict[str, Any]:
    """The fields of one institution from its entry in the data file; an unknown or missing
    key fails here, not as a half-loaded demo."""
    return {
        "slug": slug,
        "name": name,
        "short_name": short_name,
        "kind": InstitutionKind(kind),
        "district": District(district),
        "street": street,
        "postcode": postcode,
        "city": city,
        "phone": phone,
        "email": f"{slug}@example.org",
        "website": f"https://example.org/{slug}/",
        "contact_person": contact_person,
        "description": description,
        "joined_on": joined_on,
        "is_network_member": is_network_member,
        "is_active": True,
    }


def demo_institutions() -> list[dict[str, Any]]:
    """The demo institutions as field values, in the order of data/institutions.toml."""
    rows = demo_data_read(__package__, "institutions.toml")["institution"]
    return [_institution(**row) for row in rows]


def demo_people() -> list[DemoPerson]:
    """The demo people, the logins first in the order `load_demo` prints them."""
    return [DemoPerson(**row) for row in demo_data_read(__package__, "people.toml")["people"]]


def demo_institutions_load() -> dict[str, Institution]:
    """Create or refresh the demo institutions, keyed by slug, and return them by slug."""
    return {
        data["slug"]: demo_upsert(
            Institution,
            lookup={"slug": data["slug"]},
            values={k: v for k, v in data.items() if k != "slug"},
        )
        for data in demo_institutions()
    }


def demo_person_load(*, person: DemoPerson, password: str) -> User:
    """Create or refresh one demo person, keyed by email.

    A login gets `password` and a verified primary address, without which allauth refuses
    the login; the password is only rehashed when it no longer matches, so a second run
    writes nothing. People without a login role get an unusable password: they fill lists,
    and the printed table stays the complete list of accounts that work.
    """
    user = demo_upsert(
        User,
        lookup={"email": person.email},
        values={
            "name": person.name,
            "is_active": True,
            "is_network_office": person.is_network_office,
            "is_staff": person.is_network_office,
        },
    )
    if person.login_role:
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        demo_upsert(
            EmailAddress,
            lookup={"user": user, "email": person.email},
            values={"verified": True, "primary": True},
        )
    elif user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_network_load(*, password: str) -> list[DemoLogin]:
    """Load the network's demo data and return the logins, one per portal role.

    Keyed on slugs and email addresses, so running it again changes nothing, and the roles
    of demo people converge to what the data files say; in one transaction, so a failure
    halfway leaves no half-built network behind.
    """
    data = demo_data_read(__package__, "people.toml")
    institutions = demo_institutions_load()
    persons = demo_people()
    people = {p.key: demo_person_load(person=p, password=password) for p in persons}
    memberships = [
        demo_upsert(
            Membership,
            lookup={"user": people[row["person"]], "institution": institutions[row["institution"]]},
            values={"role": MembershipRole(row["role"])},
        ).pk
        for row in data["memberships"]
    ]
    demo_roles_prune(Membership, person_field="user", people=people.values(), kept=memberships)
    circle = data["steering_circle"]
    steering = [
        demo_upsert(
            SteeringCircleMember,
            lookup={"person": people[row["person"]]},
            values={
                "institution": institutions[row["institution"]],
                "role": SteeringRole(row["role"]),
                "since": circle["since"],
            },
        ).pk
        for row in circle["members"]
    ]
    demo_roles_prune(
        SteeringCircleMember, person_field="person", people=people.values(), kept=steering
    )
    return [DemoLogin(p.login_role, p.email, p.name) for p in persons if p.login_role]
