"""The weekly digest lists the demand board's new chances for a joint course (issue 21):
for the members of the working groups that see the board, once (since their last digest),
without any company's name; the weekly task (portal.tasks) passes them in."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from counselling.selectors import demand_board, demand_group_chance_reached_at
from offerings.models import Topic
from portal.tasks import workgroup_digests_send_task
from tests.factories import (
    CompanyNeedFactory,
    UserFactory,
    WorkingGroupMemberFactory,
    seeded_group,
)

pytestmark = pytest.mark.django_db

CHANCE = "Neue Chancen für einen Verbundkurs"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _member(slug: str, email: str):
    return WorkingGroupMemberFactory(
        group=seeded_group(slug), person=UserFactory(email=email)
    ).person


def _needs(n: int, *, topic="metall-elektro", at=None, **fields):
    at = at or timezone.now() - timedelta(days=1)
    return [
        CompanyNeedFactory(
            topic=Topic.objects.get(slug=topic),
            created_at=at + timedelta(minutes=i),
            company_name=f"Geheimbetrieb {topic} {i} GmbH",
            **fields,
        )
        for i in range(n)
    ]


def _mail_to(address: str):
    found = [m for m in mail.outbox if m.to == [address]]
    return found[0] if found else None


def test_both_board_groups_read_the_new_chance_others_do_not(on_commit):
    _member("unternehmen", "firmen@beweqo.test")
    _member("arbeitsuchende-und-rueckkehrende", "rueckkehr@beweqo.test")
    _member("beschaeftigte", "beschaeftigte@beweqo.test")
    _needs(3)
    with on_commit():
        workgroup_digests_send_task.delay()
    for address in ("firmen@beweqo.test", "rueckkehr@beweqo.test"):
        message = _mail_to(address)
        assert CHANCE in message.body
        assert "Metall und Elektro" in message.body
        assert "Ostalbkreis" in message.body
        assert "3 Unternehmen" in message.body
        assert "https://beweqo.test/beratung/bedarfsboerse/" in message.body
        assert "Geheimbetrieb" not in message.body
        assert "Geheimbetrieb" not in message.alternatives[0][0]
    assert _mail_to("beschaeftigte@beweqo.test") is None  # nothing else new for them


def test_a_group_under_the_threshold_is_no_chance(on_commit):
    _member("unternehmen", "firmen@beweqo.test")
    _needs(2)
    # In another district: the same company three times is still one company.
    for _i in range(3):
        CompanyNeedFactory(district="heidenheim", email="zweimal@betrieb.de")
    with on_commit():
        workgroup_digests_send_task.delay()
    assert _mail_to("firmen@beweqo.test") is None  # no chance, and nothing else new


def test_a_chance_is_listed_once_and_a_later_one_next_week(on_commit):
    _member("unternehmen", "firmen@beweqo.test")
    _needs(3)
    from portal.digest import workgroup_digests_send_with_chances

    with on_commit():
        workgroup_digests_send_with_chances(now=timezone.now())
    assert CHANCE in _mail_to("firmen@beweqo.test").body
    mail.outbox.clear()
    next_week = timezone.now() + timedelta(weeks=1)
    with on_commit():
        run = workgroup_digests_send_with_chances(now=next_week)
    assert (run.sent, run.nothing_new) == (0, 1)
    _needs(3, topic="pflege-gesundheit", at=timezone.now() + timedelta(days=3))
    with on_commit():
        workgroup_digests_send_with_chances(now=next_week + timedelta(weeks=1))
    body = _mail_to("firmen@beweqo.test").body
    assert "Pflege und Gesundheit" in body
    assert "Metall und Elektro" not in body


def test_a_group_becomes_a_chance_with_its_third_company():
    needs = _needs(4)
    [group] = demand_board()
    assert demand_group_chance_reached_at(group) == needs[2].created_at
