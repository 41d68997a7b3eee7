from django.urls import path

from offerings import bookmarks, views

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
]
