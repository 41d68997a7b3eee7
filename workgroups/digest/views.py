"""Pages of the weekly mails of the bodies: the settings of a logged-in person, and the
one-click unsubscribe link of the working-group digest and the steering circle summary."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from workgroups.digest.services import (
    digest_preference_for,
    digest_preference_set,
    digest_unsubscribe,
    unsubscribe_target,
)


class DigestPreferenceForm(forms.Form):
    workgroup_digest = forms.BooleanField(
        label=gettext_lazy("Wochenübersicht der Arbeitsgruppen per E-Mail"),
        help_text=gettext_lazy(
            "Montags: neue Protokolle, Sitzungen der nächsten zwei Wochen und Ihre Aufgaben, "
            "die bald fällig sind. Nur wenn es etwas gibt."
        ),
        required=False,
    )
    steering_summary = forms.BooleanField(
        label=gettext_lazy("Wochenbericht des Steuerkreises per E-Mail"),
        help_text=gettext_lazy(
            "Montags: neue Kurse, Anfragen, Bedarfe, Protokolle und überfällige Aufgaben im "
            "ganzen Netzwerk."
        ),
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def digest_settings(request):
    """Each person decides for themselves; the steering summary is offered to those who
    get it (steering circle members)."""
    preference = digest_preference_for(request.user)
    steering = request.roles.is_steering_member
    initial = {
        "workgroup_digest": preference.workgroup_digest,
        "steering_summary": preference.steering_summary,
    }
    # Not `request.POST or None`: with every box unticked the POST is empty, yet a choice.
    data = request.POST if request.method == "POST" else None
    form = DigestPreferenceForm(data, initial=initial)
    if not steering:
        del form.fields["steering_summary"]
    if request.method == "POST" and form.is_valid():
        digest_preference_set(person=request.user, **form.cleaned_data)
        messages.success(request, _("Ihre E-Mail-Einstellungen sind gespeichert."))
        return redirect("workgroups:digest_settings")
    return render(request, "workgroups/digest_settings.html", {"form": form})


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without a cookie
@require_http_methods(["GET", "POST"])
def digest_unsubscribe_view(request, token: str):
    """GET asks (link scanners must not unsubscribe anyone); POST turns the mail off. The
    signed token is the permission; a repeated POST answers the same."""
    target = unsubscribe_target(token)
    if target is None:
        raise Http404
    person, field = target
    label = DigestPreferenceForm.base_fields[field].label
    if request.method == "POST":
        digest_unsubscribe(token=token)
        return render(request, "workgroups/digest_unsubscribed.html", {"label": label})
    return render(
        request,
        "workgroups/digest_unsubscribe.html",
        {"label": label, "email": person.email, "token": token},
    )
