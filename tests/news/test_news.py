"""News ("Aktuelles"): what the public sees (published only, tags, pages, Atom feed, the
home page), how the public-relations group writes a post, and hostile input: script in
every text field, files that are no images, images too large in bytes or pixels."""

import io
from datetime import timedelta

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news.models import NewsletterIssue, NewsPost, NewsTag
from news.services import news_post_save
from tests.factories import UserFactory, WorkingGroupMemberFactory, seeded_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_news_from_elsewhere(db):
    """Start without posts and issues: the demo data a module loads outside the test
    transactions (tests/conftest.py demo_loaded) includes some. Deleted inside this test's
    transaction, so they are back for whoever expects them."""
    NewsletterIssue.objects.all().delete()
    NewsPost.objects.all().delete()
    NewsTag.objects.all().delete()


@pytest.fixture
def pr_member(db):
    return WorkingGroupMemberFactory(
        group=seeded_group("aussendarstellung"), person=UserFactory(name="Petra Roth")
    ).person


def make_post(title="Neues Förderprogramm", *, minutes_ago=60, tags=(), **kwargs) -> NewsPost:
    published_at = None if minutes_ago is None else timezone.now() - timedelta(minutes=minutes_ago)
    return news_post_save(
        title=title,
        teaser=kwargs.pop("teaser", f"Kurz gesagt: {title}."),
        body=kwargs.pop("body", "Der **ganze** Text."),
        tags=list(tags),
        published_at=published_at,
        **kwargs,
    )


def image_upload(size=(800, 600), fmt="PNG", name="bild.png", exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (30, 90, 160))
    if exif is not None:
        image.save(buffer, format=fmt, exif=exif)
    else:
        image.save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def form_data(**overrides) -> dict:
    data = {
        "title": "Weiterbildungstag 2027",
        "teaser": "Das Netzwerk lädt ein.",
        "body": "## Programm\n\n- Vorträge\n- Beratung",
        "image_alt": "",
        "tags": "Veranstaltungen, Förderung",
        "publish": "publish",
        "published_at": "",
    }
    return data | overrides


# --- the public side --------------------------------------------------------------------


def test_public_sees_published_posts_only(client):
    make_post("Veröffentlicht", minutes_ago=5)
    make_post("Entwurf", minutes_ago=None)
    make_post("Geplant", minutes_ago=-60)

    page = client.get("/aktuelles/").content.decode()
    assert "Veröffentlicht" in page
    assert "Entwurf" not in page
    assert "Geplant" not in page
    assert client.get("/aktuelles/entwurf/").status_code == 404
    assert client.get("/aktuelles/geplant/").status_code == 404
    assert client.get("/aktuelles/veroeffentlicht/").status_code == 200


def test_a_scheduled_post_appears_when_its_time_has_come(client):
    post = make_post("Später", minutes_ago=-1)
    assert post.get_status_display() == "geplant"
    assert client.get(post.get_absolute_url()).status_code == 404
    NewsPost.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(post.get_absolute_url()).status_code == 200


def test_list_pages_and_tag_filter(client):
    for number in range(12):
        make_post(f"Meldung {number:02d}", minutes_ago=100 - number, tags=["Förderung"])
    make_post("Ohne Förderung", minutes_ago=1, tags=["Unternehmen"])

    first = client.get("/aktuelles/").content.decode()
    assert first.count('class="kern-card"') == 10
    assert "Seite 1 von 2" in first
    second = client.get("/aktuelles/?seite=2").content.decode()
    assert second.count('class="kern-card"') == 3
    assert client.get("/aktuelles/?seite=abc").status_code == 200

    tagged = client.get("/aktuelles/?thema=unternehmen").content.decode()
    assert "Ohne Förderung" in tagged
    assert "Meldung 00" not in tagged
    assert 'aria-current="page">Unternehmen' in tagged
    assert client.get("/aktuelles/?thema=gibt-es-nicht").status_code == 404


def test_detail_renders_markdown_and_tags(client):
    post = make_post("Mit Text", body="## Zwischentitel\n\n*betont*", tags=["Förderung"])
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<h2>Zwischentitel</h2>" in page
    assert "<em>betont</em>" in page
    assert '?thema=foerderung">Förderung</a>' in page or "?thema=forderung" in page


def test_home_page_shows_the_three_latest_posts(client):
    for number in range(4):
        make_post(f"Meldung Nummer {number}", minutes_ago=10 - number)
    make_post("Entwurf für später", minutes_ago=None)
    page = client.get("/").content.decode()
    assert "Aktuelles aus dem Netzwerk" in page
    assert "Meldung Nummer 3" in page
    assert "Meldung Nummer 1" in page
    assert "Meldung Nummer 0" not in page
    assert "Entwurf für später" not in page


def test_home_page_without_posts_has_no_news_section(client):
    assert "Aktuelles aus dem Netzwerk" not in client.get("/").content.decode()


def test_atom_feed_parses_back(client):
    make_post("Erste Meldung", minutes_ago=30, tags=["Förderung", "Unternehmen"])
    make_post("Zweite Meldung", minutes_ago=10)
    make_post("Noch geheim", minutes_ago=None)

    response = client.get("/aktuelles/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Zweite Meldung", "Erste Meldung"]
    first = feed.entries[1]
    assert first.link == "http://testserver/aktuelles/erste-meldung/"
    assert first.summary == "Kurz gesagt: Erste Meldung."
    assert sorted(tag.term for tag in first.tags) == ["Förderung", "Unternehmen"]
    assert first.published_parsed is not None


def test_the_list_links_the_feed_for_readers(client):
    page = client.get("/aktuelles/").content.decode()
    assert 'type="application/atom+xml"' in page
    assert 'href="/aktuelles/feed/"' in page


# --- writing ----------------------------------------------------------------------------


def test_pr_member_writes_a_post_with_image(client_for, pr_member, client):
    writer = client_for(pr_member)
    data = form_data(image=image_upload(), image_alt="Publikum beim Weiterbildungstag")
    response = writer.post("/aktuelles/verwalten/neu/", data)
    assert response.status_code == 302
    post = NewsPost.objects.get()
    assert post.slug == "weiterbildungstag-2027"
    assert post.author == pr_member
    assert sorted(t.name for t in post.tags.all()) == ["Förderung", "Veranstaltungen"]
    assert post.get_status_display() == "veröffentlicht"

    page = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Publikum beim Weiterbildungstag"' in page
    image = client.get(f"/aktuelles/{post.slug}/bild")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (800, 600)


def test_location_data_is_removed_from_photos(client_for, pr_member, client):
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {2: (48.0, 50.0, 0.0)}  # GPSInfo: latitude
    upload = image_upload(fmt="JPEG", name="foto.jpg", exif=exif.tobytes())
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the test image has metadata
    upload.seek(0)
    client_for(pr_member).post(
        "/aktuelles/verwalten/neu/", form_data(image=upload, image_alt="Ein blaues Bild")
    )
    post = NewsPost.objects.get()
    served = client.get(f"/aktuelles/{post.slug}/bild")
    assert served["Content-Type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(b"".join(served.streaming_content))).getexif()


def test_draft_then_scheduled_then_published(client_for, pr_member, client):
    writer = client_for(pr_member)
    writer.post("/aktuelles/verwalten/neu/", form_data(publish="draft"))
    post = NewsPost.objects.get()
    assert post.published_at is None
    assert "Entwurf" in writer.get("/aktuelles/verwalten/").content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404

    later = timezone.localtime() + timedelta(days=2)
    writer.post(
        f"/aktuelles/verwalten/{post.pk}/",
        form_data(publish="publish", published_at=later.strftime("%Y-%m-%dT%H:%M")),
    )
    post.refresh_from_db()
    assert post.get_status_display() == "geplant"
    # The time is read as German time (Europe/Berlin), whatever the server's clock says.
    assert timezone.localtime(post.published_at).strftime("%d.%m.%Y %H:%M") == later.strftime(
        "%d.%m.%Y %H:%M"
    )
    assert client.get(post.get_absolute_url()).status_code == 404

    writer.post(f"/aktuelles/verwalten/{post.pk}/", form_data(publish="publish"))
    post.refresh_from_db()
    assert post.get_status_display() == "veröffentlicht"
    assert client.get(post.get_absolute_url()).status_code == 200


def test_published_posts_keep_their_address_when_retitled(client_for, pr_member):
    post = make_post("Alter Titel")
    client_for(pr_member).post(
        f"/aktuelles/verwalten/{post.pk}/", form_data(title="Neuer Titel", publish="publish")
    )
    post.refresh_from_db()
    assert post.title == "Neuer Titel"
    assert post.slug == "alter-titel"


def test_same_titles_and_reserved_words_get_their_own_addresses():
    assert make_post("Bericht").slug == "bericht"
    assert make_post("Bericht").slug == "bericht-2"
    assert make_post("Verwalten").slug == "verwalten-meldung"
    assert make_post("Feed").slug == "feed-meldung"


def test_delete_removes_post_and_image(
    client_for, pr_member, settings, django_capture_on_commit_callbacks
):
    client_for(pr_member).post(
        "/aktuelles/verwalten/neu/", form_data(image=image_upload(), image_alt="Ein Bild")
    )
    post = NewsPost.objects.get()
    path = settings.MEDIA_ROOT / post.image.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pr_member).post(f"/aktuelles/verwalten/{post.pk}/loeschen/")
    assert response.status_code == 302
    assert not NewsPost.objects.exists()
    assert not NewsTag.objects.exists()
    assert not path.exists()


# --- hostile input ------------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_script_in_every_text_field_is_shown_as_text(client_for, pr_member, client):
    data = form_data(
        title=f"Titel {SCRIPT}",
        teaser=f"Anreißer {SCRIPT}",
        body=f"Text {SCRIPT}\n\n<img src=x onerror=alert(1)>\n\n[Klick](javascript:alert(1))",
        tags=f"Thema {SCRIPT}, <b>fett</b>",
        image=image_upload(),
        image_alt=f'Alt " onload="alert(1) {SCRIPT}',
    )
    assert client_for(pr_member).post("/aktuelles/verwalten/neu/", data).status_code == 302
    post = NewsPost.objects.get()
    for path in (post.get_absolute_url(), "/aktuelles/", "/", "/aktuelles/feed/"):
        page = client.get(path).content.decode()
        assert "<script>alert" not in page, path
        # What remains of the attacks is text: no element, attribute or link they wanted.
        assert "<img src=x" not in page, path
        assert 'onload="alert' not in page, path
        assert 'href="javascript:' not in page, path
    detail = client.get(post.get_absolute_url()).content.decode()
    assert "&lt;script&gt;" in detail
    manage = client_for(pr_member).get("/aktuelles/verwalten/").content.decode()
    assert "<script>alert" not in manage


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("bild.png", b"Das ist kein Bild." * 50, "image/png"),
            "kein lesbares Bild",
        ),
        (
            SimpleUploadedFile(
                "bild.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                "image/svg+xml",
            ),
            "kein lesbares Bild",
        ),
        (image_upload(fmt="GIF", name="bild.gif"), "Format GIF"),
        (image_upload(size=(6100, 250)), "6100 × 250 Pixel"),
        (image_upload(size=(120, 120)), "120 × 120 Pixel"),
        (SimpleUploadedFile("leer.png", b"", "image/png"), "leer"),
    ],
    ids=["text", "svg", "gif", "too-wide", "too-small", "empty"],
)
def test_files_that_are_not_acceptable_images_are_refused(
    client_for, pr_member, settings, upload, message
):
    response = client_for(pr_member).post(
        "/aktuelles/verwalten/neu/", form_data(image=upload, image_alt="Beschreibung")
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NewsPost.objects.exists()
    assert not (settings.MEDIA_ROOT / "news").exists()


def test_images_over_the_size_limit_are_refused(client_for, pr_member, settings):
    settings.NEWS_IMAGE_MAX_BYTES = 2000
    response = client_for(pr_member).post(
        "/aktuelles/verwalten/neu/",
        form_data(image=image_upload(size=(900, 900), fmt="BMP", name="x.png"), image_alt="Bild"),
    )
    assert response.status_code == 400
    assert "erlaubt sind höchstens 2,0" in response.content.decode()
    assert not NewsPost.objects.exists()


def test_an_image_needs_alternative_text(client_for, pr_member):
    response = client_for(pr_member).post(
        "/aktuelles/verwalten/neu/", form_data(image=image_upload(), image_alt="  ")
    )
    assert response.status_code == 400
    assert "Alternativtext" in response.content.decode()
    assert not NewsPost.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Dieses Feld ist zwingend erforderlich."),
        ("title", "x" * 201, "höchstens 200 Zeichen"),
        ("teaser", "x" * 401, "höchstens 400 Zeichen"),
        ("body", "x" * 20001, "höchstens 20000 Zeichen"),
        ("published_at", "morgen früh", "gültiges Datum"),
        ("publish", "sofort-und-überall", "gültige Auswahl"),
        ("tags", ", ".join(f"Thema {n}" for n in range(9)), "Höchstens 8 Themen"),
    ],
)
def test_bad_fields_are_explained_and_nothing_is_saved(
    client_for, pr_member, field, value, message
):
    response = client_for(pr_member).post("/aktuelles/verwalten/neu/", form_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NewsPost.objects.exists()


# --- demo data and query counts -------------------------------------------------------------


def test_demo_news_load_twice_changes_nothing(client):
    from news.demo import demo_news_load

    first = demo_news_load()
    assert demo_news_load() == first
    assert NewsletterIssue.objects.count() == 1
    listing = client.get("/aktuelles/").content.decode()
    assert "Weiterbildungstag Ostwürttemberg" in listing
    assert "Rückblick: Dialogforum" not in listing  # the demo's draft stays private
    archive = client.get("/newsletter/archiv/").content.decode()
    assert "BeWeQO-Newsletter November 2026" in archive
    issue = NewsletterIssue.objects.get()
    assert (
        "Weiterbildungstag Ostwürttemberg" in client.get(issue.get_absolute_url()).content.decode()
    )


def test_the_list_costs_the_same_queries_for_one_post_or_many(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_post("Erste", tags=["Förderung", "Unternehmen"])
    with CaptureQueriesContext(connection) as one:
        client.get("/aktuelles/")
    for number in range(4):
        make_post(f"Weitere {number}", tags=["Beratung", f"Thema {number}"])
    with CaptureQueriesContext(connection) as many:
        client.get("/aktuelles/")
    assert len(many) == len(one)


def test_writers_preview_drafts_and_scheduled_posts_marked_as_such(client_for, pr_member):
    writer = client_for(pr_member)
    draft = make_post("Noch ein Entwurf", minutes_ago=None)
    scheduled = make_post("Kommt bald", minutes_ago=-120)
    page = writer.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert "Diese Meldung ist ein Entwurf" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex"
    assert "Diese Meldung erscheint am" in writer.get(scheduled.get_absolute_url()).content.decode()
    manage = writer.get("/aktuelles/verwalten/").content.decode()
    assert (
        f'href="{draft.get_absolute_url()}">Vorschau<span class="kern-sr-only">: Noch ein Entwurf'
        in manage
    )
