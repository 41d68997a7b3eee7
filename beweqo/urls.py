from django.contrib import admin
from django.urls import include, path

from beweqo import views
from offerings.events_urls import public_urlpatterns as event_urlpatterns

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("verwaltung/", admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("kurse/", include("offerings.urls")),
    path("arbeitsgruppen/", include("workgroups.urls")),
    path("beratung/", include("counselling.urls")),
    # The events calendar is the catalogue's neighbour, not part of it (offerings/events_*).
    path("veranstaltungen/", include((event_urlpatterns, "events"))),
    path("", include("network.urls")),
]
