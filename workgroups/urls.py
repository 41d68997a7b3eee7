from django.urls import path

from workgroups import views
from workgroups.digest import views as digest_views

app_name = "workgroups"

urlpatterns = [
    path("", views.body_index, name="index"),
    # Fixed paths first: RESERVED_SLUGS keeps bodies from taking them.
    path("suche/", views.search, name="search"),
    path("meine-aufgaben/", views.my_tasks, name="my_tasks"),
    path("uebersicht/", views.overview, name="overview"),
    path("zusammenfassung/", digest_views.digest_settings, name="digest_settings"),
    path(
        "zusammenfassung/abbestellen/<str:token>/",
        digest_views.digest_unsubscribe_view,
        name="digest_unsubscribe",
    ),
    path("<slug:slug>/", views.group_detail, name="group_detail"),
    path("<slug:slug>/intern/", views.group_internal, name="group_internal"),
    path("<slug:slug>/sitzungen/neu/", views.meeting_create_view, name="meeting_create"),
    path("<slug:slug>/sitzungen/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<slug:slug>/sitzungen/<int:pk>/bearbeiten/", views.meeting_edit, name="meeting_edit"),
    path("<slug:slug>/sitzungen/<int:pk>/einladung.ics", views.meeting_ical, name="meeting_ical"),
    path("<slug:slug>/sitzungen/<int:pk>/antwort/", views.meeting_reply, name="meeting_reply"),
    path("<slug:slug>/sitzungen/<int:pk>/protokoll/", views.minutes_edit, name="minutes_edit"),
    path(
        "<slug:slug>/sitzungen/<int:pk>/protokoll/versionen/",
        views.minutes_history,
        name="minutes_history",
    ),
    path(
        "<slug:slug>/sitzungen/<int:pk>/anhaenge/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "<slug:slug>/sitzungen/<int:pk>/anhaenge/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<slug:slug>/sitzungen/<int:pk>/anhaenge/<int:attachment_pk>/entfernen/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<slug:slug>/aufgaben/neu/", views.action_item_create_view, name="action_item_create"),
    path(
        "<slug:slug>/aufgaben/<int:pk>/status/", views.action_item_status, name="action_item_status"
    ),
    path("<slug:slug>/massnahmen/neu/", views.measure_edit, name="measure_create"),
    path("<slug:slug>/massnahmen/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("<slug:slug>/massnahmen/<int:pk>/bearbeiten/", views.measure_edit, name="measure_edit"),
    path(
        "<slug:slug>/massnahmen/<int:pk>/meilensteine/",
        views.milestone_create,
        name="milestone_create",
    ),
    path(
        "<slug:slug>/massnahmen/<int:pk>/meilensteine/<int:milestone_pk>/",
        views.milestone_done,
        name="milestone_done",
    ),
]
