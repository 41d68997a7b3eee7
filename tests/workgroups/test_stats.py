"""The bodies' figures for the steering circle (workgroups.stats): the change markers the
dashboard's cache follows. The figures themselves are counted against a hand-counted
network in tests/steering/test_dashboard.py."""

import datetime
import itertools

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import ActionItemFactory, MeasureFactory, MeetingFactory, MinutesFactory
from workgroups.stats import change_markers

pytestmark = pytest.mark.django_db


def _markers() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(change_markers()))
        return cursor.fetchone()


def test_the_change_markers_move_with_meetings_minutes_items_and_measures():
    """The dashboard keeps the bodies' figures while these markers stay."""
    seen = [_markers()]
    meeting = MeetingFactory()
    seen.append(_markers())
    MinutesFactory(meeting=meeting)
    seen.append(_markers())
    item = ActionItemFactory(group=meeting.group)
    seen.append(_markers())
    item.status = "done"
    item.due_date = timezone.localdate() + datetime.timedelta(days=3)
    item.save()  # a change of status moves `updated_at`
    seen.append(_markers())
    MeasureFactory(group=meeting.group)
    seen.append(_markers())
    meeting.delete()  # with its minutes
    seen.append(_markers())
    assert all(before != after for before, after in itertools.pairwise(seen))
