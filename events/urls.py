"""Routes of the events calendar (namespace "events"): the public calendar at
/veranstaltungen/ and the back office beside the offers' under /kurse/bereich/.
"""

from django.urls import include, path, re_path

from events import views

app_name = "events"

# Mounted at /veranstaltungen/ (beweqo/urls.py).
public_urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("monat/", views.event_month_view, name="event_month"),
    path("archiv/", views.event_archive, name="event_archive"),
    path("kalender.ics", views.event_feed, name="event_feed"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/kalender.ics", views.event_ical_view, name="event_ical"),
    path("<int:pk>/anmelden/", views.event_register, name="event_register"),
    re_path(
        r"^abmelden/(?P<token>[A-Za-z0-9_:.-]{1,200})/$",
        views.event_registration_cancel,
        name="event_registration_cancel",
    ),
]

# Beside the offers' back office, under /kurse/bereich/ (beweqo/urls.py).
BO = "bereich/<slug:slug>/veranstaltungen/"
backoffice_urlpatterns = [
    # Before the institution's paths, whose slug would also match "freigaben".
    path(
        "bereich/freigaben/veranstaltungen/",
        views.bo_event_approvals,
        name="bo_event_approvals",
    ),
    path(
        "bereich/freigaben/veranstaltungen/<int:pk>/",
        views.bo_event_approve,
        name="bo_event_approve",
    ),
    path(BO, views.bo_event_list, name="bo_events"),
    path(f"{BO}neu/", views.bo_event_create, name="bo_event_create"),
    path(f"{BO}<int:pk>/", views.bo_event_edit, name="bo_event_edit"),
    path(f"{BO}<int:pk>/vorschau/", views.bo_event_preview, name="bo_event_preview"),
    path(f"{BO}<int:pk>/veroeffentlichen/", views.bo_event_publish, name="bo_event_publish"),
    path(f"{BO}<int:pk>/zurueckziehen/", views.bo_event_unpublish, name="bo_event_unpublish"),
    path(f"{BO}<int:pk>/kopieren/", views.bo_event_duplicate, name="bo_event_duplicate"),
    path(f"{BO}<int:pk>/absagen/", views.bo_event_cancel, name="bo_event_cancel"),
    path(f"{BO}<int:pk>/loeschen/", views.bo_event_delete, name="bo_event_delete"),
    path(
        f"{BO}<int:pk>/anmeldungen/",
        views.bo_event_registrations,
        name="bo_event_registrations",
    ),
    path(
        f"{BO}<int:pk>/anmeldungen.csv",
        views.bo_event_registrations_csv,
        name="bo_event_registrations_csv",
    ),
    path(
        f"{BO}<int:pk>/anmeldungen/<int:registration_pk>/stornieren/",
        views.bo_event_registration_remove,
        name="bo_event_registration_remove",
    ),
]

urlpatterns = [
    path("veranstaltungen/", include(public_urlpatterns)),
    path("kurse/", include(backoffice_urlpatterns)),
]
