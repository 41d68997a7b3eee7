"""Who may manage news and the newsletter: the public-relations working group and the
network office; members of other working groups, institution editors and admins, and
other accounts get a 403, anonymous visitors the login page. Every management URL, every
method."""

import pytest

from news.models import NewsletterIssue, NewsPost
from news.newsletter.services import newsletter_confirm, newsletter_issue_save, newsletter_subscribe
from outbox.models import OutboxMessage
from tests.access import view_names
from tests.factories import UserFactory, WorkingGroupMemberFactory, seeded_group
from tests.news.test_news import _no_news_from_elsewhere, make_post  # noqa: F401

pytestmark = pytest.mark.django_db

ALLOWED = ["pr_member", "network_office"]
DENIED = ["other_group_member", "member", "outsider", "plain_account"]

# (method, path template, data); {post} and {issue} are filled in.
MANAGEMENT = [
    ("get", "/aktuelles/verwalten/", None),
    ("get", "/aktuelles/verwalten/neu/", None),
    ("post", "/aktuelles/verwalten/neu/", {"title": ""}),
    ("get", "/aktuelles/verwalten/{post}/", None),
    ("post", "/aktuelles/verwalten/{post}/", {"title": ""}),
    ("post", "/aktuelles/verwalten/{post}/loeschen/", {}),
    ("get", "/newsletter/verwalten/", None),
    ("get", "/newsletter/verwalten/neu/", None),
    ("post", "/newsletter/verwalten/neu/", {"subject": ""}),
    ("get", "/newsletter/verwalten/{issue}/", None),
    ("post", "/newsletter/verwalten/{issue}/", {"subject": ""}),
    ("get", "/newsletter/verwalten/{issue}/vorschau/", None),
    ("post", "/newsletter/verwalten/{issue}/test/", {}),
    ("get", "/newsletter/verwalten/{issue}/senden/", None),
    ("post", "/newsletter/verwalten/{issue}/senden/", {}),
]
IDS = [f"{method.upper()} {path}" for method, path, _data in MANAGEMENT]
# What an allowed person gets: the page, a form with errors, or the redirect after acting.
ALLOWED_STATUS = {"get": {200}, "post": {302, 400}}


@pytest.fixture
def pr_member(db):
    return WorkingGroupMemberFactory(group=seeded_group("aussendarstellung")).person


@pytest.fixture
def other_group_member(db):
    return WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person


@pytest.fixture
def plain_account(db):
    return UserFactory()


@pytest.fixture
def objects(db):
    post = make_post("Entwurf der Geschäftsstelle", minutes_ago=None)
    issue = newsletter_issue_save(
        subject="Ausgabe Dezember", intro="Hallo", news=[], event_ids=[], offer_ids=[]
    )
    newsletter_confirm(subscriber=newsletter_subscribe(email="leser@beispiel.de"))
    OutboxMessage.objects.all().delete()
    return {"post": post.pk, "issue": issue.pk}


def _request(client, method, path, data, objects):
    url = path.format(**objects)
    return getattr(client, method)(url, data) if data is not None else client.get(url)


@pytest.mark.parametrize("role", ALLOWED)
@pytest.mark.parametrize(("method", "path", "data"), MANAGEMENT, ids=IDS)
def test_allowed(request, client_for, objects, role, method, path, data):
    client = client_for(request.getfixturevalue(role))
    response = _request(client, method, path, data, objects)
    assert response.status_code in ALLOWED_STATUS[method]


@pytest.mark.parametrize("role", DENIED)
@pytest.mark.parametrize(("method", "path", "data"), MANAGEMENT, ids=IDS)
def test_denied(request, client_for, objects, role, method, path, data):
    client = client_for(request.getfixturevalue(role))
    assert _request(client, method, path, data, objects).status_code == 403
    _nothing_changed(objects)


@pytest.mark.parametrize(("method", "path", "data"), MANAGEMENT, ids=IDS)
def test_anonymous_is_sent_to_login(client, objects, method, path, data):
    response = _request(client, method, path, data, objects)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    _nothing_changed(objects)


def _nothing_changed(objects) -> None:
    assert NewsPost.objects.filter(pk=objects["post"], published_at__isnull=True).exists()
    issue = NewsletterIssue.objects.get(pk=objects["issue"])
    assert issue.status == "draft"
    assert issue.subject == "Ausgabe Dezember"
    assert not OutboxMessage.objects.exists()


def test_what_writers_may_do_is_offered_to_them_only(client_for, pr_member, member):
    area = client_for(pr_member).get("/mein-bereich/").content.decode()
    assert 'href="/aktuelles/verwalten/"' in area
    assert 'href="/newsletter/verwalten/"' in area
    other = client_for(member).get("/mein-bereich/").content.decode()
    assert "/aktuelles/verwalten/" not in other
    assert "/newsletter/verwalten/" not in other
    listing = client_for(pr_member).get("/aktuelles/").content.decode()
    assert "Meldungen verwalten" in listing
    assert "Meldungen verwalten" not in client_for(member).get("/aktuelles/").content.decode()


def test_a_draft_image_is_for_writers_only(
    client_for, pr_member, member, client, settings, tmp_path
):
    from tests.news.test_news import image_upload

    settings.MEDIA_ROOT = tmp_path
    from news.services import news_image_check

    post = make_post(
        "Bild im Entwurf",
        minutes_ago=None,
        image=news_image_check(image_upload()),
        image_alt="Ein Bild",
    )
    path = f"/aktuelles/{post.slug}/bild"
    assert client_for(pr_member).get(path).status_code == 200
    assert client_for(member).get(path).status_code == 404
    assert client.get(path).status_code == 404
    assert client.get(post.get_absolute_url()).status_code == 404


# The URL names this matrix decides (tests/beweqo/test_url_access.py reads them).
COVERS = {
    "news:news_manage",
    "news:news_create",
    "news:news_edit",
    "news:news_delete",
    "news:newsletter_manage",
    "news:newsletter_issue_create",
    "news:newsletter_issue_edit",
    "news:newsletter_preview",
    "news:newsletter_send_test",
    "news:newsletter_send",
}


def test_the_matrix_covers_what_it_declares(objects):
    urls = [path.format(**objects) for _method, path, _data in MANAGEMENT]
    assert view_names(urls) == COVERS
