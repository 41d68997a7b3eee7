"""The demo content of the bodies (load_demo calls workgroups.demo): loaded once."""

import pytest

from network.demo import demo_network_load
from workgroups.demo import demo_workgroups_load
from workgroups.models import ActionItem, Measure, Meeting, Minutes

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Meeting.objects.count(),
        Minutes.objects.count(),
        ActionItem.objects.count(),
        Measure.objects.count(),
    )


@pytest.fixture
def no_content():
    """Start from bodies without content. tests/conftest.py's demo clean-up (used by the
    network's demo tests) removes people and institutions but not what they left in the
    bodies; inside this test's transaction, that is cleared first."""
    for model in (Meeting, ActionItem, Measure):
        model.objects.all().delete()


def test_demo_fills_the_working_area_and_changes_nothing_the_second_time(
    no_content, django_capture_on_commit_callbacks, mailoutbox
):
    demo_network_load(password="demo-passwort-2026")
    with django_capture_on_commit_callbacks(execute=True):
        assert demo_workgroups_load() == 6
    assert counts() == (6, 4, 6, 4)
    assert all(m.is_published for m in Minutes.objects.all())
    assert any(item.is_overdue for item in ActionItem.objects.all())
    # The demo group lead has something in "Meine Aufgaben".
    assert ActionItem.objects.filter(assignee__email="ag-leitung@beweqo.example").exists()
    # Demo minutes announce themselves to nobody.
    assert mailoutbox == []

    demo_workgroups_load()
    assert counts() == (6, 4, 6, 4)
