from django.urls import path

from steering import views

app_name = "steering"

# The steering circle's dashboard.
urlpatterns = [
    path("netzwerk/kennzahlen/", views.dashboard, name="dashboard"),
    path("netzwerk/kennzahlen/druck/", views.dashboard_print, name="dashboard_print"),
    path(
        "netzwerk/kennzahlen/kennzahlen.csv",
        views.dashboard_export,
        {"fmt": "csv"},
        name="dashboard_csv",
    ),
    path(
        "netzwerk/kennzahlen/kennzahlen.xlsx",
        views.dashboard_export,
        {"fmt": "xlsx"},
        name="dashboard_xlsx",
    ),
    # The funder report (issue 21): aggregated, no personal data.
    path(
        "netzwerk/kennzahlen/foerderbericht.csv",
        views.funder_export,
        {"fmt": "csv"},
        name="funder_csv",
    ),
    path(
        "netzwerk/kennzahlen/foerderbericht.xlsx",
        views.funder_export,
        {"fmt": "xlsx"},
        name="funder_xlsx",
    ),
]
