from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("netzwerk/", views.about, name="about"),
    path("fuer/<slug:key>/", views.audience, name="audience"),
    path("mitglieder/<slug:slug>/", views.institution_detail, name="institution_detail"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    path("daten/", views.open_data, name="open_data"),
    path("mein-bereich/", views.my_area, name="my_area"),
]
