"""The session key changes whenever a session gains rights (issue 17).

Django's login() already gives a new key on login, also when allauth completes a login
after the second factor. Setting up a second factor while logged in is the other moment a
session gains rights (roles that require it reach personal data from then on): the key
changes there too, so a session key that leaked before is worth nothing after.
"""

from django.http import HttpRequest


def session_rotate_on_new_factor(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Receiver of allauth.mfa's authenticator_added: a new key, the same session data."""
    if request is not None and hasattr(request, "session"):
        request.session.cycle_key()
