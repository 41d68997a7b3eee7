from django.urls import path

from counselling import views
from counselling.backoffice import views as backoffice
from counselling.joint import views as joint
from counselling.wishes import views as wishes

app_name = "counselling"

# The views under anfragen/, geschaeftsstelle/ and bedarfsboerse/ hold personal data: they
# carry common.twofactor.personal_data.
urlpatterns = [
    path("", views.directory, name="directory"),
    path("anfrage/", views.request_form, name="request"),
    path("anfrage/gesendet/", views.request_sent, name="request_sent"),
    path("foerder-check/", views.funding_check, name="funding_check"),
    path("bedarf/", views.need_form, name="need"),
    path("bedarf/gesendet/", views.need_sent, name="need_sent"),
    path("status/", views.status, name="status"),
    path("status/zurueckziehen/", views.withdraw, name="withdraw"),
    path("status/teilnahme/", views.need_participants, name="need_participants"),
    # Course wishes (issue 21): counselling/wishes/.
    path("kurswunsch/", wishes.wish_form, name="wish"),
    path("kurswunsch/gesendet/", wishes.wish_sent, name="wish_sent"),
    path("kurswunsch/bestaetigen/<str:signed>/", wishes.wish_confirm, name="wish_confirm"),
    path("kurswunsch/loeschen/<str:token>/", wishes.wish_withdraw, name="wish_withdraw"),
    path("bedarfsboerse/kurswuensche/", wishes.wish_list, name="wish_list"),
    # An institution's counselling services and their approval (issue 22):
    # counselling/backoffice/.
    path("einrichtung/<slug:slug>/angebote/", backoffice.service_list, name="service_list"),
    path(
        "einrichtung/<slug:slug>/angebote/neu/",
        backoffice.service_create,
        name="service_create",
    ),
    path(
        "einrichtung/<slug:slug>/angebote/<int:pk>/",
        backoffice.service_edit,
        name="service_edit",
    ),
    path(
        "einrichtung/<slug:slug>/angebote/<int:pk>/aktiv/",
        backoffice.service_active,
        name="service_active",
    ),
    path("freigaben/", backoffice.service_approvals, name="service_approvals"),
    path("freigaben/<int:pk>/freigeben/", backoffice.service_approve, name="service_approve"),
    path("freigaben/<int:pk>/ablehnen/", backoffice.service_reject, name="service_reject"),
    path("anfragen/", views.queue, name="queue"),
    path("anfragen/<str:reference>/", views.request_detail, name="request_detail"),
    path("anfragen/<str:reference>/uebernehmen/", views.request_claim_view, name="request_claim"),
    path("anfragen/<str:reference>/status/", views.request_status_view, name="request_status"),
    path("anfragen/<str:reference>/notiz/", views.request_note_view, name="request_note"),
    path(
        "anfragen/<str:reference>/weitergeben/",
        views.request_hand_over_view,
        name="request_hand_over",
    ),
    path("geschaeftsstelle/", views.office, name="office"),
    path("geschaeftsstelle/auskunft/", views.person_data, name="person_data"),
    path("bedarfsboerse/", views.board, name="board"),
    path("bedarfsboerse/schwelle/", views.board_threshold, name="board_threshold"),
    path("bedarfsboerse/verbund/neu/", views.joint_measure_new, name="joint_measure_new"),
    path("bedarfsboerse/verbund/<int:pk>/", views.joint_measure_detail, name="joint_measure"),
    path(
        "bedarfsboerse/verbund/<int:pk>/angebot/",
        views.joint_measure_link,
        name="joint_measure_link",
    ),
    path(
        "bedarfsboerse/verbund/<int:pk>/auswahl/",
        joint.measure_choose,
        name="joint_measure_choose",
    ),
    # Joint measures in the provider's back office (counselling/joint/).
    path(
        "einrichtung/<slug:slug>/verbundanfragen/",
        joint.invitation_list,
        name="joint_invitations",
    ),
    path(
        "einrichtung/<slug:slug>/verbundanfragen/<int:pk>/",
        joint.invitation_detail,
        name="joint_invitation",
    ),
    path(
        "einrichtung/<slug:slug>/verbundanfragen/<int:pk>/zurueckziehen/",
        joint.quote_withdraw,
        name="joint_quote_withdraw",
    ),
    path(
        "einrichtung/<slug:slug>/verbundanfragen/<int:pk>/kurs/",
        joint.invitation_offer,
        name="joint_invitation_offer",
    ),
]
