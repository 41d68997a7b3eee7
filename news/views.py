"""Pages of "Aktuelles": the public list, a page per post, its picture and the Atom feed;
and the management pages of the public-relations group and the network office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.pagecache import shared_page_cache
from news.forms import NewsPostForm
from news.permissions import can_write_news, get_post_for, require_newsroom
from news.selectors import (
    news_post_get_for_editors,
    news_post_list_for_editors,
    news_post_list_public,
    news_tag_get,
    news_tag_list_public,
)
from news.services import news_body_html, news_image_content_type, news_post_delete, news_post_save
from news.signals import NEWS_PAGES_VERSION

PAGE_SIZE = 10
FEED_SIZE = 20
# Shared between anonymous visitors (common.pagecache); scheduled posts appear within the
# timeout, written ones at once.
news_page_cache = shared_page_cache(versions=[NEWS_PAGES_VERSION], timeout=300)


@require_safe
@news_page_cache
def news_list(request):
    tag = None
    if request.GET.get("thema"):
        tag = news_tag_get(slug=request.GET["thema"][:70])
    paginator = Paginator(news_post_list_public(tag=tag), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("seite"))
    return render(
        request,
        "news/list.html",
        {
            "page": page,
            "tags": news_tag_list_public(),
            "current_tag": tag,
            "can_write": can_write_news(request),
        },
    )


@require_safe
@news_page_cache
def news_detail(request, slug: str):
    """A post's page. Those who write news also see drafts and scheduled posts here, marked
    as such: the preview of the page as it will appear."""
    post, can_write = get_post_for(request, slug)
    response = render(
        request,
        "news/detail.html",
        {"post": post, "body_html": news_body_html(post), "can_write": can_write},
    )
    if post.status != "published":
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def news_image(request, slug: str):
    """The picture of a published post, or of any post for those who write them (preview).
    Served through a view because uploads never live under the static paths."""
    post = get_post_for(request, slug).obj
    if not post.image:
        raise Http404
    try:
        handle = post.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=news_image_content_type(post.image.name))
    response["Cache-Control"] = "public, max-age=3600" if post.status == "published" else "private"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class NewsFeed(Feed):
    """Atom feed of the latest published posts."""

    feed_type = Atom1Feed
    title = gettext_lazy("BeWeQO – Aktuelles aus dem Weiterbildungsnetzwerk Ostwürttemberg")
    subtitle = gettext_lazy("Meldungen des Netzwerks für Weiterbildung und Qualifizierung.")

    def link(self):
        return reverse("news:news_list")

    def items(self):
        return news_post_list_public()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


news_feed = require_safe(NewsFeed())


# --- management ----------------------------------------------------------------------------


@login_required
@require_safe
def news_manage(request):
    require_newsroom(request)
    return render(request, "news/manage.html", {"posts": news_post_list_for_editors()})


@login_required
@require_http_methods(["GET", "POST"])
def news_create(request):
    require_newsroom(request)
    return _news_edit(request, post=None)


@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request, pk: int):
    require_newsroom(request)
    return _news_edit(request, post=news_post_get_for_editors(pk=pk))


def _news_edit(request, *, post):
    form = NewsPostForm(request.POST or None, request.FILES or None, post=post)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = news_post_save(
            post=post,
            title=data["title"],
            teaser=data["teaser"],
            body=data["body"],
            tags=data["tags"],
            published_at=data["published_at"],
            image=data["image"],
            remove_image=data.get("remove_image", False),
            image_alt=data["image_alt"].strip(),
            author=request.user,
        )
        status = saved.status
        if status == "published":
            messages.success(request, _("Die Meldung ist gespeichert und veröffentlicht."))
        elif status == "scheduled":
            messages.success(
                request, _("Die Meldung ist gespeichert und zur Veröffentlichung geplant.")
            )
        else:
            messages.success(request, _("Die Meldung ist als Entwurf gespeichert."))
        return redirect("news:news_manage")
    return render(
        request,
        "news/edit.html",
        {
            "form": form,
            "post": post,
            "body_html": news_body_html(post) if post else "",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def news_delete(request, pk: int):
    require_newsroom(request)
    post = news_post_get_for_editors(pk=pk)
    news_post_delete(post=post)
    messages.success(request, _("Die Meldung „%(title)s“ ist gelöscht.") % {"title": post.title})
    return redirect("news:news_manage")
