from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from beweqo import views

# Outside the language prefix: the health checks (probes), and the admin (staff only, in
# Django's own translation of the active language, German).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("verwaltung/", admin.site.urls),
]

# Every page of the portal, German without a prefix (/kurse/) and English under /en/
# (/en/kurse/), so a link carries its language. The feeds, calendar files and the open-data
# API sit inside the apps' URL modules and so answer under both; their German addresses are
# the ones the portal links and documents (English only changes their labels). robots.txt
# and the sitemap answer under both as well; crawlers read the unprefixed ones.
urlpatterns += i18n_patterns(
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
    prefix_default_language=False,
)

# The portal's error pages (portal/errors.py); 500 is Django's own with templates/500.html.
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
