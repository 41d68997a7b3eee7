"""Demo news posts and one sent newsletter issue for `make run` (called by network.demo).

Keyed on slugs and the issue's subject, so loading again changes nothing. The demo issue
counts as sent without mailing anyone: its content is frozen as a real send would.
"""

from datetime import timedelta

from django.utils import timezone

from news.models import NewsletterIssue, NewsletterIssueStatus, NewsPost
from news.newsletter.services import newsletter_issue_content_collect
from news.services import news_post_save

# slug, title, teaser, body, tags, days ago (negative: scheduled; None: draft)
POSTS = [
    (
        "weiterbildungstag-ostwuerttemberg-2027",
        "Weiterbildungstag Ostwürttemberg am 6. März 2027",
        "Bildungsträger, Kammern und Arbeitsagentur beraten einen Tag lang in der Stadthalle "
        "Aalen – kostenlos und ohne Anmeldung.",
        "## Was Sie erwartet\n\n- Beratung zu Kursen, Umschulungen und Förderung\n"
        "- Vorträge zu Teilqualifizierung und Weiterbildung im Betrieb\n"
        "- Die Einrichtungen des Netzwerks an ihren Ständen\n\n"
        "Der Eintritt ist frei. Mehr im [Kurskatalog](/kurse/).",
        ["Veranstaltungen", "Beratung"],
        3,
    ),
    (
        "qualifizierungschancengesetz-betriebe-informieren-sich",
        "Förderung für Beschäftigte: Betriebe informieren sich",
        "Die Agentur für Arbeit Aalen und die IHK erklären kleinen und mittleren Betrieben, "
        "wie die Weiterbildung ihrer Beschäftigten gefördert wird.",
        "Viele Betriebe wissen nicht, dass die Agentur für Arbeit Lehrgangskosten und "
        "Arbeitsentgelt bezuschussen kann.\n\nDer **Förder-Check** des Portals zeigt in "
        "wenigen Schritten, welche Programme in Frage kommen.",
        ["Förderung", "Unternehmen"],
        12,
    ),
    (
        "neue-arbeitsgruppe-aussendarstellung",
        "Das Netzwerk stellt sich vor",
        "Die Arbeitsgruppe Außendarstellung berichtet ab jetzt hier und im Newsletter über "
        "das Netzwerk.",
        "Hier erscheinen Meldungen aus dem Netzwerk: neue Angebote, Veranstaltungen und "
        "Ergebnisse der Arbeitsgruppen.",
        ["Netzwerk"],
        30,
    ),
    (
        "rueckblick-dialogforum-heidenheim",
        "Rückblick: Dialogforum Weiterbildung in Heidenheim",
        "Entwurf – erscheint nach der Veranstaltung.",
        "Noch in Arbeit.",
        ["Veranstaltungen"],
        None,
    ),
]
ISSUE_SUBJECT = "BeWeQO-Newsletter November 2026"


def demo_news_load() -> int:
    """Create the demo posts and the sent issue; returns how many posts exist afterwards."""
    now = timezone.now()
    posts = []
    for slug, title, teaser, body, tags, days_ago in POSTS:
        existing = NewsPost.objects.filter(slug=slug).first()
        if existing is not None:
            posts.append(existing)
            continue
        post = news_post_save(
            title=title,
            teaser=teaser,
            body=body,
            tags=tags,
            published_at=None if days_ago is None else now - timedelta(days=days_ago),
        )
        NewsPost.objects.filter(pk=post.pk).update(slug=slug)
        post.slug = slug
        posts.append(post)
    if not NewsletterIssue.objects.filter(subject=ISSUE_SUBJECT).exists():
        issue = NewsletterIssue.objects.create(
            subject=ISSUE_SUBJECT,
            intro="Liebe Leserinnen und Leser,\n\nhier ist der erste Newsletter des Netzwerks.",
        )
        issue.news.set([p for p in posts if p.published_at and p.published_at <= now])
        issue.content = newsletter_issue_content_collect(issue)
        issue.status = NewsletterIssueStatus.SENT
        issue.sending_started_at = issue.sent_at = now - timedelta(days=2)
        issue.save()
    return NewsPost.objects.count()
