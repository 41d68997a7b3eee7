"""Replace the news pages' version (common.pagecache) on every write to a post or a tag,
from the editors' pages or the admin."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from common.pagecache import page_version_bump
from news.models import NewsPost, NewsTag

NEWS_PAGES_VERSION = "pagecache:version:news"


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    page_version_bump(NEWS_PAGES_VERSION)


for model in (NewsPost, NewsTag):
    post_save.connect(_changed, sender=model, dispatch_uid=f"news-pages-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"news-pages-delete-{model.__name__}")
m2m_changed.connect(_changed, sender=NewsPost.tags.through, dispatch_uid="news-pages-tags")
