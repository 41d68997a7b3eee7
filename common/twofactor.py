"""The one marker for views that show or export personal data: people whose role must have a
second factor (`request.roles.requires_mfa`: the network office and counsellors) reach them
only once they have a confirmed one.

The rule follows what a view shows, not where it lives: a view carries `@personal_data`, and
`tests/beweqo/test_personal_data.py` walks every URL and fails on a view that shows personal
data without it. Anonymous visitors pass through to the view's own login check.
"""

from functools import wraps
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

PERSONAL_DATA = "shows_personal_data"
"""The attribute `@personal_data` sets on a view, kept through `functools.wraps`."""


def second_factor_missing(request) -> bool:
    """Whether this person's role requires a second factor they have not confirmed yet."""
    user = request.user
    if not user.is_authenticated:
        return False
    roles = getattr(request, "roles", None)
    if roles is None or not roles.requires_mfa:
        return False
    # allauth counts only activated authenticators: a TOTP secret is stored once the first
    # code has been confirmed, so an unconfirmed set-up does not count.
    return not is_mfa_enabled(user)


def second_factor_redirect(request):
    """To the TOTP set-up, with a message that says why and where the person wanted to go."""
    messages.warning(
        request,
        _(
            "Diese Seite zeigt personenbezogene Daten. Ihre Rolle darf sie nur mit "
            "Zwei-Faktor-Anmeldung sehen: Richten Sie bitte zuerst die Zwei-Faktor-Anmeldung "
            "(TOTP) ein."
        ),
    )
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('mfa_activate_totp')}?{query}")


def personal_data(view):
    """Marks `view` as one that shows or exports personal data and requires the second factor
    of the roles that must have one."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if second_factor_missing(request):
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    setattr(wrapper, PERSONAL_DATA, True)
    return wrapper


def shows_personal_data(view) -> bool:
    """Whether `view` (a URL pattern's callback) carries the `@personal_data` marker."""
    return bool(getattr(view, PERSONAL_DATA, False))
