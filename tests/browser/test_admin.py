"""The Django admin ("Verwaltung"), where the network office works every day, passes
axe-core like the portal: change lists with their filters, change forms with inlines."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import Page

from tests.browser.conftest import force_login, visit
from tests.counselling.joint_helpers import measure_for, provider_with_editor, quote_for
from tests.offerings.factories import OfferDateFactory, OfferFactory


@pytest.fixture
def office(network_office):
    # The admin holds personal data: the office reaches it only with two factors set up.
    TOTP.activate(network_office, generate_totp_secret())
    return network_office


def test_admin_pages_the_office_uses_are_accessible(page: Page, office, institution, subtests):
    offer = OfferFactory(institution=institution)
    OfferDateFactory(offer=offer)
    provider, editor = provider_with_editor("Bildungswerk Aalen", "bw-aalen")
    measure, _needs = measure_for(office, [provider])
    quote = quote_for(measure, provider, editor)
    force_login(page, office)
    for path in [
        "/verwaltung/",
        "/verwaltung/offerings/offer/",
        "/verwaltung/offerings/offer/?status__exact=published",
        f"/verwaltung/offerings/offer/{offer.pk}/change/",
        f"/verwaltung/network/institution/{institution.pk}/change/",
        "/verwaltung/network/user/",
        f"/verwaltung/network/user/{office.pk}/change/",
        "/verwaltung/counselling/jointquote/",
        f"/verwaltung/counselling/jointquote/{quote.pk}/change/",
    ]:
        with subtests.test(path):
            visit(page, path)
