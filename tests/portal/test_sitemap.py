"""sitemap.xml and robots.txt: the sitemap read with an XML parser (defusedxml over
xml.etree), every address in it answering 200 to a visitor and allowed by robots.txt,
each page in German and English with the other as its alternate, no address twice,
nothing unpublished in it, and the index split into files when a section is large."""

import re
from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from common.sitemaps import PortalSitemap
from news.services import news_post_save
from offerings.models import OfferStatus
from tests.events.test_support import EventFactory, in_days
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db

SITE = "https://beweqo.test"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def xml(client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return fromstring(response.content)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sitemap_entries(client) -> list[Element]:
    """The <url> elements of every file the index lists."""
    index = xml(client, "/sitemap.xml")
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    entries = []
    for loc in index.findall("sm:sitemap/sm:loc", NS):
        entries += xml(client, path_of(loc.text)).findall("sm:url", NS)
    return entries


def sitemap_urls(client) -> list[str]:
    return [entry.find("sm:loc", NS).text for entry in sitemap_entries(client)]


def alternates(entry: Element) -> dict[str, str]:
    links = entry.findall("xhtml:link", NS)
    assert all(link.get("rel") == "alternate" for link in links)
    return {link.get("hreflang"): link.get("href") for link in links}


def post(title: str, *, minutes_ago: int):
    return news_post_save(
        title=title,
        teaser=f"Kurz: {title}.",
        body="Text.",
        tags=[],
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def content(institution):
    return {
        "offer": OfferFactory(institution=institution, title="Excel kompakt"),
        "draft": OfferFactory(institution=institution, status=OfferStatus.DRAFT),
        "event": EventFactory(title="Infotag", starts_at=in_days(5)),
        "draft_event": EventFactory(title="Entwurf", status="draft", published_at=None),
        "post": post("Neues Förderprogramm", minutes_ago=60),
        "scheduled": post("Kommt noch", minutes_ago=-60),
        "former": InstitutionFactory(is_network_member=False),
    }


def test_every_address_in_the_sitemap_answers_a_visitor(client, content):
    urls = sitemap_urls(client)

    assert len(urls) == len(set(urls))
    assert all(url.startswith(f"{SITE}/") for url in urls)
    for url in urls:
        assert client.get(path_of(url)).status_code == 200, url
    with override("de"):  # the last request (an English page) left English active
        german = [
            "/",
            reverse("offerings:catalogue"),
            reverse("portal:open_data"),
            reverse("portal:easy_language"),
            content["offer"].get_absolute_url(),
            content["event"].get_absolute_url(),
            content["post"].get_absolute_url(),
            content["offer"].institution.get_absolute_url(),
        ]
    assert {SITE + path for path in german} <= set(urls)
    assert {f"{SITE}/en{path}" for path in german} <= set(urls)
    hidden = [
        content["draft"],
        content["draft_event"],
        content["scheduled"],
        content["former"],
    ]
    with override("de"):
        hidden_paths = {item.get_absolute_url() for item in hidden}
    assert not {SITE + p for p in hidden_paths} & set(urls)
    assert not {f"{SITE}/en{p}" for p in hidden_paths} & set(urls)


def test_each_page_is_listed_in_german_and_english_with_its_alternates(client, content):
    entries = sitemap_entries(client)
    urls = [entry.find("sm:loc", NS).text for entry in entries]

    assert len(urls) == len(set(urls))
    german_urls = {url for url in urls if not url.startswith(f"{SITE}/en/")}
    english_urls = {url for url in urls if url.startswith(f"{SITE}/en/")}
    # Every page once per language: as many English addresses as German ones.
    assert {url.replace(f"{SITE}/en/", f"{SITE}/", 1) for url in english_urls} == german_urls
    for entry, url in zip(entries, urls, strict=True):
        german = url.replace(f"{SITE}/en/", f"{SITE}/", 1)
        english = f"{SITE}/en" + german.removeprefix(SITE)
        # As the page's own head names them (tests/beweqo/test_languages.py).
        assert alternates(entry) == {"de": german, "en": english, "x-default": german}, url


def test_x_default_is_the_german_address_even_with_a_de_in_its_path(client):
    """Django removes the first "/de/" from an address to make its x-default; without a
    prefix for German that would cut an institution's slug "de" out of its address."""
    provider = InstitutionFactory(slug="de", name="Deutsche Erwachsenenbildung")
    path = provider.get_absolute_url()
    assert "/de/" in path
    entries = sitemap_entries(client)
    by_url = {entry.find("sm:loc", NS).text: entry for entry in entries}

    assert alternates(by_url[SITE + path]) == {
        "de": SITE + path,
        "en": f"{SITE}/en{path}",
        "x-default": SITE + path,
    }


def test_a_large_section_is_split_into_files(client, content, institution, monkeypatch):
    for n in range(4):
        OfferFactory(institution=institution, title=f"Kurs {n}")
    monkeypatch.setattr(PortalSitemap, "limit", 3)

    index = xml(client, "/sitemap.xml")
    files = [path_of(loc.text) for loc in index.findall("sm:sitemap/sm:loc", NS)]

    # Five courses, each in German and English: ten addresses.
    courses = [f for f in files if f.startswith("/sitemap-kurse.xml")]
    assert courses == [
        "/sitemap-kurse.xml",
        "/sitemap-kurse.xml?p=2",
        "/sitemap-kurse.xml?p=3",
        "/sitemap-kurse.xml?p=4",
    ]
    sizes = [len(xml(client, f).findall("sm:url", NS)) for f in courses]
    assert sizes == [3, 3, 3, 1]
    assert client.get("/sitemap-kurse.xml?p=5").status_code == 404


def robots_rules(text: str) -> list[tuple[bool, str]]:
    """The allow and disallow lines of robots.txt (it has one group, for every crawler)."""
    rules = []
    for line in text.splitlines():
        key, _, value = line.split("#")[0].partition(":")
        if key.strip().lower() in ("allow", "disallow") and value.strip():
            rules.append((key.strip().lower() == "allow", value.strip()))
    return rules


def robots_allow(rules: list[tuple[bool, str]], path: str) -> bool:
    """RFC 9309, as the large crawlers read it: the longest matching rule decides, "allow"
    wins a tie, "*" stands for any characters and "$" for the end. (Python's robotparser
    knows no wildcards and takes the first matching line.)"""
    decision, longest = True, -1
    for allow, pattern in rules:
        regex = re.escape(pattern).replace(r"\*", ".*")
        regex = regex[:-2] + "$" if regex.endswith(r"\$") else regex
        if re.match(regex, path) and (
            len(pattern) > longest or (len(pattern) == longest and allow)
        ):
            decision, longest = allow, len(pattern)
    return decision


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(
    client, content, monkeypatch
):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text.splitlines()
    rules = robots_rules(text)
    for private in (
        "/verwaltung/",
        "/konto/login/",
        "/mein-bereich/",
        "/kurse/bereich/vhs-aalen/",
        "/kurse/merkliste/",
        f"/kurse/{content['offer'].pk}/merken/",
        "/netzwerk/kennzahlen/",
        "/beratung/anfragen/",
        "/arbeitsgruppen/unternehmen/intern/",
        # Searches with parameters would be endless; the sitemap lists every course.
        "/kurse/?q=Excel&kostenlos=on",
        "/veranstaltungen/?art=workshop",
        "/kurse/api/angebote/?seite=2",
        # The same areas under the English prefix.
        "/en/konto/login/",
        "/en/mein-bereich/",
        "/en/kurse/bereich/vhs-aalen/",
        "/en/beratung/anfragen/",
        "/en/beratung/einrichtung/vhs-aalen/angebote/",
        "/en/arbeitsgruppen/unternehmen/intern/",
        "/en/kurse/?q=Excel",
    ):
        assert not robots_allow(rules, private), private
    for public in ("/", "/kurse/", content["offer"].get_absolute_url(), "/daten/", "/en/"):
        assert robots_allow(rules, public), public
    assert robots_allow(rules, "/en" + content["offer"].get_absolute_url())
    # Every address of the sitemap may be crawled, and every file of it, pages included.
    monkeypatch.setattr(PortalSitemap, "limit", 1)
    files = [
        path_of(loc.text) for loc in xml(client, "/sitemap.xml").findall("sm:sitemap/sm:loc", NS)
    ]
    assert "/sitemap-kurse.xml?p=3" not in files  # one course: two files (German, English)
    OfferFactory(institution=content["offer"].institution)
    files = [
        path_of(loc.text) for loc in xml(client, "/sitemap.xml").findall("sm:sitemap/sm:loc", NS)
    ]
    assert "/sitemap-kurse.xml?p=3" in files
    monkeypatch.undo()
    blocked = [f for f in files if not robots_allow(rules, f)]
    blocked += [u for u in sitemap_urls(client) if not robots_allow(rules, path_of(u))]
    assert blocked == []
