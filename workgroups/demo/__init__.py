"""Demo content of the bodies for `load_demo`: the members of the working groups, meetings,
published minutes with decisions, action items (one of them overdue) and measures, so a demo
login sees a working area. The data is in data/*.toml, one file per kind.

Keyed on (body, title): running it again creates nothing new and changes nothing, as
`load_demo` promises. It expects network.demo to have loaded the people and institutions;
the groups themselves come from a migration.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from common.demo import demo_data_read, demo_roles_prune, demo_upsert
from network.demo import demo_people
from network.models import Institution, SteeringCircleMember, SteeringRole, User
from workgroups.models import (
    ActionItem,
    ActionStatus,
    GroupRole,
    Measure,
    MeasureStatus,
    Meeting,
    Milestone,
    WorkingGroup,
    WorkingGroupMember,
)
from workgroups.services import minutes_save


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _people() -> dict[str, User]:
    """The demo people who exist, by their key in network/demo/data/people.toml."""
    people = demo_people()
    users = User.objects.in_bulk([p.email for p in people], field_name="email")
    return {p.key: users[p.email] for p in people if p.email in users}


def demo_group_members_load(*, people: dict[str, User]) -> None:
    """Give each of the four working groups (made by a migration) a lead institution and
    members, among them the demo login that leads a group."""
    institutions = Institution.objects.in_bulk(field_name="slug")
    data = demo_data_read(__package__, "groups.toml")["group"]
    groups = WorkingGroup.objects.in_bulk([g["slug"] for g in data], field_name="slug")
    kept = []
    for row in data:
        group = groups[row["slug"]]
        lead = institutions[row["lead_institution"]]
        if group.lead_institution_id != lead.pk:
            group.lead_institution = lead
            group.save(update_fields=["lead_institution"])
        for member_row in row["members"]:
            member = demo_upsert(
                WorkingGroupMember,
                lookup={"group": group, "person": people[member_row["person"]]},
                values={
                    "institution": institutions[member_row["institution"]],
                    "role": GroupRole(member_row["role"]),
                },
            )
            kept.append(member.pk)
    demo_roles_prune(WorkingGroupMember, person_field="person", people=people.values(), kept=kept)


@transaction.atomic
def demo_workgroups_load() -> int:
    """Create the demo content of the bodies once; return how many meetings exist."""
    people = _people()
    demo_group_members_load(people=people)
    groups = WorkingGroup.objects.in_bulk(field_name="slug")
    # The steering circle is led by its chair's institution, as a working group by its lead's.
    chair = SteeringCircleMember.objects.filter(role=SteeringRole.CHAIR).first()
    steering = groups["steuerkreis"]
    if chair is not None and steering.lead_institution_id != chair.institution_id:
        steering.lead_institution_id = chair.institution_id
        steering.save(update_fields=["lead_institution"])
    for row in demo_data_read(__package__, "meetings.toml")["meeting"]:
        group = groups[row["body"]]
        place = row["place"]
        meeting, created = Meeting.objects.get_or_create(
            group=group,
            title=row["title"],
            defaults={
                "starts_at": _at(row["days"], 14),
                "ends_at": _at(row["days"], 16),
                "location": place if place != "online" else "",
                "online_url": "https://konferenz.example/beweqo" if place == "online" else "",
                "agenda": row["agenda"],
            },
        )
        if created and row.get("minutes"):
            attendees = [m.person for m in group.members.select_related("person")]
            minutes_save(
                meeting=meeting,
                edited_by=None,
                text=row["minutes"],
                decisions=row.get("decisions", []),
                attendees=attendees,
                publish=True,
                notify=False,
            )
    for row in demo_data_read(__package__, "action_items.toml")["action_items"]:
        group = groups[row["body"]]
        ActionItem.objects.get_or_create(
            group=group,
            title=row["title"],
            defaults={
                "assignee": people.get(row["assignee"]),
                "due_date": timezone.localdate() + datetime.timedelta(days=row["due_in_days"]),
                "status": ActionStatus(row["status"]),
                "meeting": group.meetings.order_by("starts_at").first(),
            },
        )
    for row in demo_data_read(__package__, "measures.toml")["measure"]:
        measure, created = Measure.objects.get_or_create(
            group=groups[row["body"]],
            title=row["title"],
            defaults={
                "goal": row["goal"],
                "target_group": row["target_group"],
                "responsible": people.get(row["responsible"]),
                "status": MeasureStatus(row["status"]),
                "is_public": row["is_public"],
                "result": row.get("result", ""),
            },
        )
        if created:
            Milestone.objects.bulk_create(
                Milestone(
                    measure=measure,
                    title=milestone["title"],
                    due_date=timezone.localdate()
                    + datetime.timedelta(days=milestone["due_in_days"]),
                    done=milestone["done"],
                )
                for milestone in row.get("milestones", [])
            )
    return Meeting.objects.count()
