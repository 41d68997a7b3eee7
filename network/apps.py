from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerk")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from network.sessions import session_rotate_on_new_factor

        # allauth offers no other hook for "a second factor was set up" (issue 17).
        authenticator_added.connect(session_rotate_on_new_factor, dispatch_uid="network-mfa")
