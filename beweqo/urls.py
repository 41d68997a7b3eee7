from django.contrib import admin
from django.urls import include, path

from beweqo import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("verwaltung/", admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("kurse/", include("offerings.urls")),
    path("arbeitsgruppen/", include("workgroups.urls")),
    path("beratung/", include("counselling.urls")),
    # /veranstaltungen/ and the events' back office under /kurse/bereich/.
    path("", include("events.urls")),
    # /aktuelles/ and /newsletter/.
    path("", include("news.urls")),
    path("", include("steering.urls")),
    path("", include("network.urls")),
    path("", include("portal.urls")),
]

# The portal's error pages (portal/errors.py); 500 is Django's own with templates/500.html.
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
