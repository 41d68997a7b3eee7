from django.urls import path, re_path

from offerings import alerts_views, bookmarks, views

app_name = "offerings"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/kalender.ics", views.offer_ical, name="offer_ical"),
    path("<int:pk>/termine/<int:date_pk>/kalender.ics", views.date_ical, name="date_ical"),
    path("feed/", views.catalogue_feed, name="catalogue_feed"),
    path("api/angebote/", views.api_offers, name="api_offers"),
    path("<int:pk>/merken/", bookmarks.bookmark_toggle, name="bookmark_toggle"),
    path("merkliste/", bookmarks.bookmarks, name="bookmarks"),
    # Course alerts ("Suchauftrag"); the token in the mails' links is the permission.
    path("suchauftrag/neu/", alerts_views.alert_subscribe, name="alert_subscribe"),
    path("suchauftrag/gesendet/", alerts_views.alert_sent, name="alert_sent"),
    path("suchauftrag/meine/", alerts_views.alert_mine, name="alert_mine"),
    path("suchauftrag/bestaetigen/<str:signed>/", alerts_views.alert_confirm, name="alert_confirm"),
    re_path(
        r"^suchauftrag/(?P<token>[A-Za-z0-9_-]{20,64})/$",
        alerts_views.alert_manage,
        name="alert_manage",
    ),
    re_path(
        r"^suchauftrag/(?P<token>[A-Za-z0-9_-]{20,64})/abmelden/$",
        alerts_views.alert_unsubscribe,
        name="alert_unsubscribe",
    ),
]
