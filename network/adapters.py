"""django-allauth's mail goes through the outbox like every other mail of the portal."""

import time
import uuid

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import context as allauth_context
from allauth.account.internal.flows.login import get_authentication_records
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.crypto import get_random_string

from common.clientip import client_ip
from outbox.models import MessageKind
from outbox.services import message_enqueue_rendered


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count per client, the same address every limiter of the
        portal uses (behind the proxy, not the proxy's)."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A password entered at login in this session within the re-authentication
        timeout counts as entered again: setting up two-factor right after logging in no
        longer asks for the password a second time (issue 18). allauth itself counts only
        an explicit re-authentication."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = allauth_context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        logins = [
            record["at"]
            for record in get_authentication_records(request, user)
            if record.get("method") == "password" and isinstance(record.get("at"), float)
        ]
        return not logins or time.time() - logins[-1] >= account_settings.REAUTHENTICATION_TIMEOUT

    def send_account_already_exists_mail(self, email: str) -> None:
        """A sign-up with a known address: the mail says so, and the answer takes as long
        as a new account's, whose password is hashed (issue 17: 0.05 s against 1.7 s told
        who has an account). A random password costs the hasher the same."""
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth renders subject and bodies itself (its own templates, with the request
        for absolute links); the outbox stores and delivers them."""
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
        }
        full_context.update(context)
        rendered = self.render_mail(template_prefix, email, full_context)
        text, html = rendered.body, ""
        if getattr(rendered, "content_subtype", "plain") == "html":
            text, html = "", rendered.body
        for content, mimetype in getattr(rendered, "alternatives", []):
            if mimetype == "text/html":
                html = content
        # Every call is a new mail (a second reset request must send a second link).
        key = f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}"
        message_enqueue_rendered(
            to=email,
            subject=rendered.subject,
            text=text or html,
            html=html,
            key=key,
            kind=MessageKind.ACCOUNT,
        )
