"""Uploaded pictures judged before they are stored: the name, the declared type and the
content must agree on one of the allowed formats, the picture must decode in full within a
pixel limit, and what is stored is a fresh encoding without the original's metadata (a
phone photo carries where it was taken; a crafted file carries whatever it likes).
"""

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Format (as Pillow names it) → the file name endings and the content types that mean it.
IMAGE_FORMATS = {
    "JPEG": ((".jpg", ".jpeg"), ("image/jpeg", "image/pjpeg")),
    "PNG": ((".png",), ("image/png", "image/x-png")),
    "WEBP": ((".webp",), ("image/webp",)),
}
# A client that does not know the type sends one of these; the content still decides.
UNDECLARED_TYPES = {"", "application/octet-stream"}
ALLOWED_LABEL = "PNG, JPEG, WebP"


@dataclass(frozen=True)
class CheckedImage:
    content: bytes  # the new encoding, without metadata
    format: str  # as Pillow names it
    extension: str  # the one ending for this format, with its dot
    width: int
    height: int


def image_check(upload, *, max_bytes: int, max_size: tuple[int, int]) -> CheckedImage:
    """`upload` (an UploadedFile) judged by `image_judge` and re-encoded. Nothing is stored
    here."""
    image_format, width, height = image_judge(upload, max_bytes=max_bytes, max_size=max_size)
    return CheckedImage(
        content=image_reencode(upload, image_format),
        format=image_format,
        extension=IMAGE_FORMATS[image_format][0][0],
        width=width,
        height=height,
    )


def image_judge(upload, *, max_bytes: int, max_size: tuple[int, int]) -> tuple[str, int, int]:
    """The format, width and height of `upload`, or `ValidationError` with a message for the
    person who uploaded it. The pixel limit is an area: `max_size` turned on its side is as
    good. `upload.content_type`, where there is one, is the type the client declared."""
    if not upload.size:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("Das Bild ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    image_format, width, height = _probe(upload)
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    endings, types = IMAGE_FORMATS[image_format]
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if suffix not in endings or (declared not in UNDECLARED_TYPES and declared not in types):
        raise ValidationError(
            _(
                "Der Dateiname „%(name)s“ oder der angegebene Dateityp passt nicht zum "
                "Inhalt: Die Datei ist ein %(format)s-Bild. Bitte laden Sie die Originaldatei "
                "hoch."
            )
            % {"name": name[:100], "format": image_format},
            code="type_mismatch",
        )
    if width * height > max_size[0] * max_size[1]:
        raise ValidationError(
            _(
                "Das Bild hat %(w)s × %(h)s Pixel; erlaubt sind höchstens %(max_w)s × %(max_h)s "
                "Pixel."
            )
            % {"w": width, "h": height, "max_w": max_size[0], "max_h": max_size[1]},
            code="too_many_pixels",
        )
    return image_format, width, height


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("Die Datei ist kein lesbares Bild. Erlaubt sind %(allowed)s.")
        % {"allowed": ALLOWED_LABEL},
        code="invalid_image",
    )


def _probe(upload) -> tuple[str, int, int]:
    """The format and size from the header, and Pillow's structural check of the file."""
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format, (width, height) = probe.format, probe.size
            probe.verify()
    except Exception:
        raise _not_an_image() from None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(
            _("Bilder im Format %(format)s sind nicht erlaubt. Erlaubt sind %(allowed)s.")
            % {"format": image_format, "allowed": ALLOWED_LABEL},
            code="invalid_format",
        )
    return image_format, width, height


def image_reencode(upload, image_format: str) -> bytes:
    """Decode in full and save anew: only pixels (turned upright) survive, no metadata.
    `upload` must have passed a check of its format and size first."""
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
        raise _not_an_image() from None
    finally:
        upload.seek(0)
    return out.getvalue()
