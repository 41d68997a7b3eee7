"""The pages of the bodies' weekly mails in a real browser, checked by axe-core: the
settings as a steering circle member (both choices), and the one-click link's question and
answer, reached without a login as from a mail."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, force_login, visit
from tests.factories import SteeringCircleMemberFactory, UserFactory
from workgroups.digest.services import digest_preference_for, unsubscribe_token


@pytest.fixture
def steering(_seed_data):
    return SteeringCircleMemberFactory(person=UserFactory(name="Michael Straub")).person


def test_settings_and_one_click_pages(page: Page, steering):
    force_login(page, steering)
    visit(page, "/arbeitsgruppen/zusammenfassung/")
    page.get_by_label("Wochenbericht des Steuerkreises per E-Mail").uncheck()
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_role("status")).to_contain_text("gespeichert")
    assert_accessible(page)
    assert digest_preference_for(steering).steering_summary is False

    page.context.clear_cookies()
    token = unsubscribe_token(person_id=steering.pk, what="workgroup")
    visit(page, f"/arbeitsgruppen/zusammenfassung/abbestellen/{token}/")
    page.get_by_role("button", name="Ja, abbestellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-Mail abbestellt")
    assert_accessible(page)
    assert digest_preference_for(steering).workgroup_digest is False
