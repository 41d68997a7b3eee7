"""Counselling's figures for the steering circle (counselling.stats): the weekly summary's
numbers of a period, and the change markers the dashboard's cache follows. The dashboard's
figures themselves are counted against a hand-counted network in
tests/steering/test_dashboard.py."""

import datetime
import itertools

import pytest
from django.db import connection
from django.utils import timezone

from counselling.models import CompanyNeed, CounsellingRequest
from counselling.services import joint_measure_create
from counselling.stats import change_markers, summary_figures
from offerings.models import Topic
from tests.factories import CompanyNeedFactory, CounsellingRequestFactory

pytestmark = pytest.mark.django_db


def test_the_summary_figures_count_the_period(institution, office):
    now = timezone.now()
    start, end = now - datetime.timedelta(days=7), now + datetime.timedelta(seconds=1)
    CounsellingRequestFactory(institution=institution, situation="employed", district="heidenheim")
    CounsellingRequestFactory(institution=institution, situation="employed")
    CounsellingRequestFactory(institution=institution, created_at=now - datetime.timedelta(days=8))
    for _ in range(3):
        CompanyNeedFactory()
    joint_measure_create(
        topic=Topic.objects.get(slug="metall-elektro"),
        district="ostalbkreis",
        period="2027-Q2",
        title="Verbund",
        note="",
        providers=[],
        user=office,
    )
    assert summary_figures(start=start, end=end) == {
        "Beratungsanfragen": 2,
        "abgeschlossene Beratungsanfragen": 0,
        "Weiterbildungsbedarfe von Unternehmen": 3,
        "neue Verbundmaßnahmen": 1,
        "Verbundmaßnahmen mit Kurs": 0,
        "Anfragen nach Situation": {"Ich bin beschäftigt": 2},
        "Anfragen nach Landkreis": {"Landkreis Heidenheim": 1, "Ostalbkreis": 1},
        "Bedarfe nach Thema": {"Metall und Elektro": 3},
    }


def _markers() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(change_markers()))
        return cursor.fetchone()


def test_the_change_markers_move_with_requests_needs_and_joint_measures(office):
    """The dashboard keeps the counselling figures while these markers stay."""
    seen = [_markers()]
    request = CounsellingRequestFactory()
    seen.append(_markers())
    CounsellingRequest.objects.filter(pk=request.pk).update(
        last_activity_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    seen.append(_markers())
    need = CompanyNeedFactory(period="2027-Q3")  # not in the joint measure's group
    seen.append(_markers())
    measure = joint_measure_create(
        topic=Topic.objects.get(slug="metall-elektro"),
        district="ostalbkreis",
        period="2027-Q2",
        title="Verbund",
        note="",
        providers=[],
        user=office,
    )
    seen.append(_markers())
    CompanyNeed.objects.filter(pk=need.pk).update(joint_measure=measure)  # no timestamp moves
    seen.append(_markers())
    request.delete()
    seen.append(_markers())
    assert all(before != after for before, after in itertools.pairwise(seen))
