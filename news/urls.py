from django.urls import path

from news import views
from news.newsletter import views as newsletter_views

app_name = "news"

urlpatterns = [
    path("aktuelles/", views.news_list, name="news_list"),
    path("aktuelles/feed/", views.news_feed, name="news_feed"),
    path("aktuelles/verwalten/", views.news_manage, name="news_manage"),
    path("aktuelles/verwalten/neu/", views.news_create, name="news_create"),
    path("aktuelles/verwalten/<int:pk>/", views.news_edit, name="news_edit"),
    path("aktuelles/verwalten/<int:pk>/loeschen/", views.news_delete, name="news_delete"),
    path("aktuelles/<slug:slug>/", views.news_detail, name="news_detail"),
    path("aktuelles/<slug:slug>/bild", views.news_image, name="news_image"),
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
]
