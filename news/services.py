"""Writes of news posts ("Aktuelles"): checking and storing the image, tags, slugs, and
saving or deleting a post. Reads are in news.selectors.

Markdown is rendered with the working groups' renderer (common.markdown: markdown-it
with raw HTML off, then nh3); network may import it, since it imports nothing back.
"""

import io
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from common.markdown import markdown_to_html
from network.models import User
from news.models import NewsPost, NewsTag

DEFAULT_IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_SIDE = 6000  # pixels on either side; a phone photo has about 4000
IMAGE_MIN_SIDE = 200
# Format (as Pillow names it) → file extension and content type.
IMAGE_FORMATS = {
    "JPEG": (".jpg", "image/jpeg"),
    "PNG": (".png", "image/png"),
    "WEBP": (".webp", "image/webp"),
}
MAX_TAGS = 8
# Paths under /aktuelles/ that a post's slug must not take.
RESERVED_SLUGS = {"verwalten", "feed", "thema", "seite"}


_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def german_slugify(text: str) -> str:
    """A slug that reads as German: "Förderung" becomes "foerderung", not "forderung"."""
    return slugify(text.translate(_GERMAN))


def news_body_html(post: NewsPost) -> SafeString:
    return markdown_to_html(post.body)


def image_max_bytes() -> int:
    return getattr(settings, "NEWS_IMAGE_MAX_BYTES", DEFAULT_IMAGE_MAX_BYTES)


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    extension: str


def news_image_check(upload) -> CheckedImage:
    """Validate an uploaded picture by its content and return it re-encoded.

    The format is read from the bytes (PNG, JPEG, WebP; never SVG, which can carry
    scripts), the size and the pixel dimensions are limited, and the picture is decoded in
    full. It is then saved again without its metadata: photos from phones carry the place
    where they were taken, which a press photo should not publish.
    """
    limit = image_max_bytes()
    if not upload.size:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("Das Bild ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="too_large",
        )
    not_an_image = ValidationError(
        _("Die Datei ist kein lesbares Bild. Erlaubt sind JPEG, PNG und WebP."),
        code="invalid_image",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except Exception:
        raise not_an_image from None
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(
            _("Bilder im Format %(format)s sind nicht erlaubt. Erlaubt sind JPEG, PNG und WebP.")
            % {"format": image_format},
            code="invalid_format",
        )
    if max(width, height) > IMAGE_MAX_SIDE or min(width, height) < IMAGE_MIN_SIDE:
        raise ValidationError(
            _(
                "Das Bild hat %(w)s × %(h)s Pixel; jede Seite muss zwischen %(min)s und "
                "%(max)s Pixeln liegen."
            )
            % {"w": width, "h": height, "min": IMAGE_MIN_SIDE, "max": IMAGE_MAX_SIDE},
            code="bad_dimensions",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 85, "optimize": True} if image_format == "JPEG" else {}
            image.save(out, format=image_format, **options)
    except Exception:
        raise not_an_image from None
    finally:
        upload.seek(0)
    return CheckedImage(content=out.getvalue(), extension=IMAGE_FORMATS[image_format][0])


def news_image_content_type(name: str) -> str:
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    for extension, content_type in IMAGE_FORMATS.values():
        if suffix == extension:
            return content_type
    return "application/octet-stream"


def news_tags_parse(text: str) -> list[str]:
    """Tag names from a comma-separated text: trimmed, without doubles (case-insensitive),
    in the order given."""
    names: dict[str, str] = {}
    for raw in (text or "").split(","):
        name = " ".join(raw.split())[:60]
        if name and german_slugify(name) and name.casefold() not in names:
            names[name.casefold()] = name
    return list(names.values())


def _tags_get_or_create(names: list[str]) -> list[NewsTag]:
    tags = []
    for name in names:
        slug = german_slugify(name)[:70]
        tag = NewsTag.objects.filter(slug=slug).first()
        if tag is None:
            tag, _created = NewsTag.objects.get_or_create(name=name, defaults={"slug": slug})
        tags.append(tag)
    return tags


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = (german_slugify(title)[:200] or "meldung").strip("-") or "meldung"
    if base in RESERVED_SLUGS:
        base = f"{base}-meldung"
    taken = set(
        NewsPost.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def news_post_save(
    *,
    post: NewsPost | None = None,
    title: str,
    teaser: str,
    body: str,
    tags: list[str],
    published_at: datetime | None,
    image: CheckedImage | None = None,
    remove_image: bool = False,
    image_alt: str = "",
    author: User | None = None,
) -> NewsPost:
    """Create or change a post. The slug follows the title until the post is first
    published; after that its address stays, since links to it are out in the world."""
    if post is None:
        post = NewsPost(author=author)
    was_public = post.pk is not None and post.published_at is not None
    post.title, post.teaser, post.body = title, teaser, body
    post.published_at = published_at
    post.image_alt = image_alt
    if not was_public:
        post.slug = _unique_slug(title, exclude_pk=post.pk)
    old_image = post.image.name if post.image else ""
    if image is not None:
        post.image.save(
            f"{uuid.uuid4().hex}{image.extension}", ContentFile(image.content), save=False
        )
    elif remove_image:
        post.image = ""
    if not post.image:
        post.image_alt = ""
    post.save()
    post.tags.set(_tags_get_or_create(tags))
    if old_image and old_image != (post.image.name if post.image else ""):
        transaction.on_commit(lambda: post.image.storage.delete(old_image))
    return post


@transaction.atomic
def news_post_delete(*, post: NewsPost) -> None:
    image = post.image.name if post.image else ""
    storage = post.image.storage
    post.delete()
    NewsTag.objects.filter(posts__isnull=True).delete()
    if image:
        transaction.on_commit(lambda: storage.delete(image))
