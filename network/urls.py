from django.urls import path

from network import team_views, views

app_name = "network"

urlpatterns = [
    path("mitglieder/", views.directory, name="directory"),
    path("mitglieder/<slug:slug>/logo", views.institution_logo, name="institution_logo"),
    path("mitglieder/<slug:slug>/profil/", views.institution_edit, name="institution_edit"),
    path("mitglieder/<slug:slug>/team/", team_views.team, name="team"),
    path("mitglieder/<slug:slug>/team/<int:pk>/rolle/", team_views.team_role, name="team_role"),
    path(
        "mitglieder/<slug:slug>/team/<int:pk>/entfernen/",
        team_views.team_remove,
        name="team_remove",
    ),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
]
