from django.urls import path, re_path

from offerings import bookmarks, views
from offerings.alerts import views as alerts_views

app_name = "offerings"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/kalender.ics", views.offer_ical, name="offer_ical"),
    path("<int:pk>/termine/<int:date_pk>/kalender.ics", views.date_ical, name="date_ical"),
    path("feed/", views.catalogue_feed, name="catalogue_feed"),
    path("api/angebote/", views.api_offers, name="api_offers"),
    path("api/openapi.json", views.api_openapi, name="api_openapi"),
    path("<int:pk>/merken/", bookmarks.bookmark_toggle, name="bookmark_toggle"),
    path("merkliste/", bookmarks.bookmarks, name="bookmarks"),
    path("merkliste/stand.json", bookmarks.bookmark_state, name="bookmark_state"),
    # Course alerts ("Suchauftrag"); the token in the mails' links is the permission.
    path("suchauftrag/neu/", alerts_views.alert_subscribe, name="alert_subscribe"),
    path("suchauftrag/gesendet/", alerts_views.alert_sent, name="alert_sent"),
    path("suchauftrag/meine/", alerts_views.alert_mine, name="alert_mine"),
    path("suchauftrag/bestaetigen/<str:signed>/", alerts_views.alert_confirm, name="alert_confirm"),
    re_path(
        r"^suchauftrag/(?P<token>[A-Za-z0-9_-]{20,64})/$",
        alerts_views.alert_manage,
        name="alert_manage",
    ),
    re_path(
        r"^suchauftrag/(?P<token>[A-Za-z0-9_-]{20,64})/abmelden/$",
        alerts_views.alert_unsubscribe,
        name="alert_unsubscribe",
    ),
]

# Provider back office ("Mein Bereich" of an institution); offerings/backoffice_views.py.
from offerings.backoffice import views as bo  # noqa: E402

BO = "bereich/<slug:slug>/"
urlpatterns += [
    # Before the institution's paths, whose slug would also match "freigaben".
    path("bereich/freigaben/", bo.approvals, name="bo_approvals"),
    path("bereich/freigaben/<int:pk>/", bo.approve, name="bo_approve"),
    path(BO, bo.offer_list, name="bo_offers"),
    path(f"{BO}neu/", bo.offer_create, name="bo_offer_create"),
    path(f"{BO}auswahl/", bo.offers_bulk, name="bo_offers_bulk"),
    path(f"{BO}<int:pk>/", bo.offer_edit, name="bo_offer_edit"),
    path(f"{BO}<int:pk>/vorschau/", bo.offer_preview, name="bo_offer_preview"),
    path(f"{BO}<int:pk>/verlauf/", bo.offer_history_view, name="bo_offer_history"),
    path(f"{BO}<int:pk>/veroeffentlichen/", bo.offer_publish, name="bo_offer_publish"),
    path(f"{BO}<int:pk>/geprueft/", bo.offer_review, name="bo_offer_review"),
    path(f"{BO}<int:pk>/archivieren/", bo.offer_archive, name="bo_offer_archive"),
    path(f"{BO}<int:pk>/kopieren/", bo.offer_duplicate, name="bo_offer_duplicate"),
    path(f"{BO}<int:pk>/loeschen/", bo.offer_delete, name="bo_offer_delete"),
    path(f"{BO}<int:pk>/termine/neu/", bo.date_form, name="bo_date_create"),
    path(f"{BO}<int:pk>/termine/verschieben/", bo.dates_shift, name="bo_dates_shift"),
    path(f"{BO}<int:pk>/termine/<int:date_pk>/", bo.date_form, name="bo_date_edit"),
    path(f"{BO}<int:pk>/termine/<int:date_pk>/kopieren/", bo.date_copy, name="bo_date_copy"),
    path(f"{BO}<int:pk>/termine/<int:date_pk>/loeschen/", bo.date_delete, name="bo_date_delete"),
    path(f"{BO}import/", bo.import_upload, name="bo_import"),
    path(f"{BO}import/<int:job_pk>/", bo.import_status, name="bo_import_status"),
    path(f"{BO}import/<int:job_pk>/uebernehmen/", bo.import_commit, name="bo_import_commit"),
    path(f"{BO}import/<int:job_pk>/vorgaben/", bo.import_defaults, name="bo_import_defaults"),
    path(f"{BO}import/vorlage.csv", bo.csv_template, name="bo_csv_template"),
    path(f"{BO}export/openqcat.xml", bo.export_openqcat, name="bo_export_openqcat"),
    path(f"{BO}export/angebote.csv", bo.export_csv, name="bo_export_csv"),
]
