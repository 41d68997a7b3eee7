"""The demo data files (`<app>/demo/data/*.toml`) name only things that exist.

Several loaders skip what they cannot find (a provider without venues offers nothing, an
event of an unknown institution is left out), so a misspelt slug in a data file would
quietly shrink the demo; these tests name the file entry instead.
"""

import pytest

from common.demo import demo_data_read
from events.demo import demo_events
from network.demo import demo_institutions, demo_people
from offerings.demo.courses import course_template_from_data, course_templates, demo_venues
from offerings.models import DeliveryForm, FundingProgramme, TargetGroup, Topic
from workgroups.models import WorkingGroup

pytestmark = pytest.mark.django_db

INSTITUTIONS = {i["slug"] for i in demo_institutions()}
PEOPLE = {p.key for p in demo_people()}


def slugs(model) -> set[str]:
    return set(model.objects.values_list("slug", flat=True))


def test_people_and_institutions_are_unique():
    assert len(INSTITUTIONS) == len(demo_institutions())
    assert len(PEOPLE) == len(demo_people())
    assert len({p.email for p in demo_people()}) == len(PEOPLE)


def test_roles_in_the_network_name_demo_people_and_institutions():
    data = demo_data_read("network.demo", "people.toml")
    for row in [*data["memberships"], *data["steering_circle"]["members"]]:
        assert row["person"] in PEOPLE, row
        assert row["institution"] in INSTITUTIONS, row


def test_course_templates_name_existing_taxonomies_and_providers_with_venues():
    topics, groups = slugs(Topic), slugs(TargetGroup)
    forms, funding = slugs(DeliveryForm), slugs(FundingProgramme)
    venues = demo_venues()
    for template in course_templates():
        assert set(template.topics) <= topics, template.title
        assert set(template.targets) <= groups, template.title
        assert set(template.forms) <= forms, template.title
        assert {slug for choice in template.funding for slug in choice} <= funding, template.title
        assert set(template.providers) <= set(venues), template.title
    assert set(venues) <= INSTITUTIONS


def test_a_misspelt_key_or_value_in_a_course_fails_loudly():
    course = {
        "title": "Excel",
        "summary": "Tabellen",
        "keywords": "Excel",
        "topics": ["it-digitalisierung"],
        "targets": ["beschaeftigte"],
        "providers": ["vhs-aalen"],
    }
    assert course_template_from_data(course).title == "Excel"

    with pytest.raises(TypeError, match="hour"):
        course_template_from_data({**course, "hour": [10, 20]})
    with pytest.raises(ValueError, match="abends"):
        course_template_from_data({**course, "times": ["abends"]})


def test_events_name_demo_institutions_and_existing_target_groups():
    groups = slugs(TargetGroup)
    for event in demo_events():
        assert event.institution in INSTITUTIONS, event.title
        assert set(event.target_groups) <= groups, event.title


def test_the_bodies_content_names_existing_bodies_and_demo_people():
    bodies = slugs(WorkingGroup)
    for group in demo_data_read("workgroups.demo", "groups.toml")["group"]:
        assert group["slug"] in bodies
        assert group["lead_institution"] in INSTITUTIONS
        for member in group["members"]:
            assert member["person"] in PEOPLE, member
            assert member["institution"] in INSTITUTIONS, member
    for meeting in demo_data_read("workgroups.demo", "meetings.toml")["meeting"]:
        assert meeting["body"] in bodies, meeting["title"]
    for item in demo_data_read("workgroups.demo", "action_items.toml")["action_items"]:
        assert item["body"] in bodies, item["title"]
        assert item["assignee"] in PEOPLE, item["title"]
    for measure in demo_data_read("workgroups.demo", "measures.toml")["measure"]:
        assert measure["body"] in bodies, measure["title"]
        assert measure["responsible"] in PEOPLE, measure["title"]


def test_counselling_names_demo_institutions_and_existing_topics():
    for service in demo_data_read("counselling.demo", "services.toml")["service"]:
        assert service["institution"] in INSTITUTIONS, service["name"]
    topics = slugs(Topic)
    for need in demo_data_read("counselling.demo", "needs.toml")["needs"]:
        assert need["topic"] in topics, need["company_name"]
