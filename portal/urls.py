from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from portal import views
from portal.easy_language import views as easy
from portal.sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("netzwerk/", views.about, name="about"),
    path("fuer/<slug:key>/", views.audience, name="audience"),
    path("mitglieder/<slug:slug>/", views.institution_detail, name="institution_detail"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    # The portal in Leichte Sprache (portal/easy_language/).
    path("leichte-sprache/", easy.start, name="easy_language"),
    path("leichte-sprache/kurs-finden/", easy.courses, name="easy_courses"),
    path("leichte-sprache/beratung/", easy.counselling, name="easy_counselling"),
    path(
        "leichte-sprache/beratung/gesendet/",
        easy.counselling_sent,
        name="easy_counselling_sent",
    ),
    path("leichte-sprache/geld-fuer-weiter-bildung/", easy.funding, name="easy_funding"),
    path("leichte-sprache/so-geht-die-internet-seite/", easy.help_page, name="easy_help"),
    path("leichte-sprache/barriere-freiheit/", easy.accessibility, name="easy_accessibility"),
    path("daten/", views.open_data, name="open_data"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # The index lists each section's files; a section of more than `limit` addresses
    # (common.sitemaps) is split into pages (?p=2).
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "portal:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("mein-bereich/", views.my_area, name="my_area"),
]
