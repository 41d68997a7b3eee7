"""The cast of counselling: a counsellor of the receiving institution, a counsellor of
another institution, an editor of the receiving institution (no counsellor), the network
office (all with TOTP set up, as the MFA rule demands) and a service in each district."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from network.models import District, MembershipRole
from tests.factories import CounsellingServiceFactory, MembershipFactory


def with_mfa(user):
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def counsellor(institution):
    return with_mfa(MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user)


@pytest.fixture
def other_counsellor(other_institution):
    return with_mfa(
        MembershipFactory(institution=other_institution, role=MembershipRole.COUNSELLOR).user
    )


@pytest.fixture
def office(network_office):
    return with_mfa(network_office)


@pytest.fixture
def service(institution):
    return CounsellingServiceFactory(
        institution=institution,
        name="Weiterbildungsberatung VHS Aalen",
        districts=[District.OSTALBKREIS],
        languages=["de", "tr"],
    )


@pytest.fixture
def other_service(other_institution):
    return CounsellingServiceFactory(
        institution=other_institution,
        name="Beratung Bildungszentrum Heidenheim",
        districts=[District.HEIDENHEIM],
        languages=["de", "en"],
    )


@pytest.fixture
def local_cache(settings):
    """A cache of this process only, for tests that count in it (rate limits): the shared
    Redis database of the test runs may be flushed by another process at any moment."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "counselling-tests",
        },
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
