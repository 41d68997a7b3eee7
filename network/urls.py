from django.urls import path

from network import dashboard_views, team_views, views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("netzwerk/", views.about, name="about"),
    path("fuer/<slug:key>/", views.audience, name="audience"),
    path("mitglieder/", views.directory, name="directory"),
    path("mitglieder/<slug:slug>/", views.institution_detail, name="institution_detail"),
    path("mitglieder/<slug:slug>/logo", views.institution_logo, name="institution_logo"),
    path("mitglieder/<slug:slug>/profil/", views.institution_edit, name="institution_edit"),
    path("mitglieder/<slug:slug>/team/", team_views.team, name="team"),
    path("mitglieder/<slug:slug>/team/<int:pk>/rolle/", team_views.team_role, name="team_role"),
    path(
        "mitglieder/<slug:slug>/team/<int:pk>/entfernen/",
        team_views.team_remove,
        name="team_remove",
    ),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    path("mein-bereich/", views.my_area, name="my_area"),
    # Issue 8: the steering circle's dashboard.
    path("netzwerk/kennzahlen/", dashboard_views.dashboard, name="dashboard"),
    path("netzwerk/kennzahlen/druck/", dashboard_views.dashboard_print, name="dashboard_print"),
    path(
        "netzwerk/kennzahlen/kennzahlen.csv",
        dashboard_views.dashboard_export,
        {"fmt": "csv"},
        name="dashboard_csv",
    ),
    path(
        "netzwerk/kennzahlen/kennzahlen.xlsx",
        dashboard_views.dashboard_export,
        {"fmt": "xlsx"},
        name="dashboard_xlsx",
    ),
]
