"""Session rules for staff roles. (The second factor before personal data is a marker on the
views that show it: common.twofactor.personal_data.)"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from portal.roles import user_roles

SESSION_STARTED = "beweqo_session_started"
SESSION_SEEN = "beweqo_session_seen"


class StaffSessionTimeoutMiddleware:
    """Logs out people with a staff role after 30 minutes idle or 12 hours in all.

    It also puts the user's roles on the request (lazily), so that views, templates and the
    MFA check ask the database once per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.roles = SimpleLazyObject(lambda: user_roles(request.user))
        if request.user.is_authenticated and request.roles.has_staff_role:
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - started > settings.STAFF_SESSION_MAX_SECONDS
            ):
                logout(request)
                messages.info(
                    request,
                    _(
                        "Sie wurden aus Sicherheitsgründen abgemeldet. "
                        "Bitte melden Sie sich neu an."
                    ),
                )
                return redirect_to_login(request.get_full_path())
            request.session[SESSION_SEEN] = now
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
