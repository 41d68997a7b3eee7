from django.urls import path

from network import dashboard_views, news_views, newsletter_views, team_views, views

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
    # News ("Aktuelles") and the newsletter (issue 9).
    path("aktuelles/", news_views.news_list, name="news_list"),
    path("aktuelles/feed/", news_views.news_feed, name="news_feed"),
    path("aktuelles/verwalten/", news_views.news_manage, name="news_manage"),
    path("aktuelles/verwalten/neu/", news_views.news_create, name="news_create"),
    path("aktuelles/verwalten/<int:pk>/", news_views.news_edit, name="news_edit"),
    path("aktuelles/verwalten/<int:pk>/loeschen/", news_views.news_delete, name="news_delete"),
    path("aktuelles/<slug:slug>/", news_views.news_detail, name="news_detail"),
    path("aktuelles/<slug:slug>/bild", news_views.news_image, name="news_image"),
    path("newsletter/", newsletter_views.newsletter_subscribe_view, name="newsletter_subscribe"),
    path("newsletter/gesendet/", newsletter_views.newsletter_sent, name="newsletter_sent"),
    path(
        "newsletter/bestaetigen/<str:signed>/",
        newsletter_views.newsletter_confirm_view,
        name="newsletter_confirm",
    ),
    path(
        "newsletter/abmelden/<str:token>/",
        newsletter_views.newsletter_unsubscribe_view,
        name="newsletter_unsubscribe",
    ),
    path("newsletter/archiv/", newsletter_views.newsletter_archive, name="newsletter_archive"),
    path(
        "newsletter/archiv/<int:pk>/",
        newsletter_views.newsletter_archive_detail,
        name="newsletter_archive_detail",
    ),
    path("newsletter/verwalten/", newsletter_views.newsletter_manage, name="newsletter_manage"),
    path(
        "newsletter/verwalten/neu/",
        newsletter_views.newsletter_issue_create,
        name="newsletter_issue_create",
    ),
    path(
        "newsletter/verwalten/<int:pk>/",
        newsletter_views.newsletter_issue_edit,
        name="newsletter_issue_edit",
    ),
    path(
        "newsletter/verwalten/<int:pk>/vorschau/",
        newsletter_views.newsletter_preview,
        name="newsletter_preview",
    ),
    path(
        "newsletter/verwalten/<int:pk>/test/",
        newsletter_views.newsletter_send_test,
        name="newsletter_send_test",
    ),
    path(
        "newsletter/verwalten/<int:pk>/senden/",
        newsletter_views.newsletter_send,
        name="newsletter_send",
    ),
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
