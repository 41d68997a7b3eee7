"""The helpers of the apps' demo loaders: data files found wherever the code runs, rows
written only when something changed, stray roles of demo people removed."""

import sys

import pytest

from common.demo import demo_data_read, demo_data_read_all, demo_roles_prune, demo_upsert
from network.models import Institution, Membership
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory


@pytest.fixture
def package(tmp_path, monkeypatch):
    """An importable package `demo_sample` with a data/ folder, outside the working copy."""
    root = tmp_path / "code" / "demo_sample"
    (root / "data" / "courses").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "data" / "people.toml").write_text('people = [{ name = "Jörg" }]\n')
    (root / "data" / "courses" / "02-b.toml").write_text('title = "zweite"\n')
    (root / "data" / "courses" / "01-a.toml").write_text('title = "erste"\n')
    (root / "data" / "courses" / "README.txt").write_text("no data\n")
    monkeypatch.syspath_prepend(tmp_path / "code")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    yield "demo_sample"
    sys.modules.pop("demo_sample", None)  # the next test's package lives in another folder


def test_data_files_are_found_next_to_the_package_from_any_working_directory(package):
    assert demo_data_read(package, "people.toml") == {"people": [{"name": "Jörg"}]}


def test_a_folder_of_data_files_is_read_in_the_order_of_the_names(package):
    assert demo_data_read_all(package, "courses") == [{"title": "erste"}, {"title": "zweite"}]


def test_the_apps_data_files_ship_inside_their_packages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    assert demo_data_read("network.demo", "people.toml")["people"]


@pytest.mark.django_db
def test_upsert_creates_then_writes_only_when_a_value_differs():
    values = {"name": "VHS Demo", "city": "Aalen"}
    created = demo_upsert(Institution, lookup={"slug": "vhs-demo"}, values=values)
    stamp = Institution.objects.get(pk=created.pk).updated_at

    again = demo_upsert(Institution, lookup={"slug": "vhs-demo"}, values=values)
    assert again.pk == created.pk
    assert Institution.objects.get(pk=created.pk).updated_at == stamp

    demo_upsert(Institution, lookup={"slug": "vhs-demo"}, values={**values, "city": "Ellwangen"})
    changed = Institution.objects.get(pk=created.pk)
    assert changed.city == "Ellwangen"
    assert changed.updated_at > stamp


@pytest.mark.django_db
def test_roles_prune_removes_only_the_roles_demo_people_are_no_longer_given():
    demo_person, real_person = UserFactory(), UserFactory()
    kept = MembershipFactory(user=demo_person)
    stray = MembershipFactory(user=demo_person, institution=InstitutionFactory())
    someone_elses = MembershipFactory(user=real_person)

    demo_roles_prune(Membership, person_field="user", people=[demo_person], kept=[kept.pk])

    remaining = set(Membership.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, someone_elses.pk}
    assert stray.pk not in remaining
