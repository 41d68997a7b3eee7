"""Validation of uploaded images: size, real format from the content, pixel count."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_IMAGE_PIXELS = 4000 * 4000


def validate_logo(upload) -> None:
    """Reject files that are too large, not a PNG/JPEG/WebP by content, or huge in pixels.

    The format is read from the bytes, not the file name, and SVG is refused because it can
    carry scripts.
    """
    if upload.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("Das Logo ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(settings.LOGO_MAX_BYTES)},
            code="too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
    except Exception:
        raise ValidationError(
            _("Die Datei ist kein lesbares Bild. Erlaubt sind PNG, JPEG und WebP."),
            code="invalid_image",
        ) from None
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Bilder im Format %(format)s sind nicht erlaubt. Erlaubt sind PNG, JPEG und WebP.")
            % {"format": image_format},
            code="invalid_format",
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("Das Bild hat %(w)s × %(h)s Pixel; erlaubt sind höchstens 4000 × 4000.")
            % {"w": width, "h": height},
            code="too_many_pixels",
        )


class MaximumLengthPasswordValidator:
    """Refuse absurdly long passwords: they only serve to make hashing expensive."""

    def __init__(self, max_length: int = 200):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("Das Passwort darf höchstens %(max)d Zeichen lang sein.")
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Höchstens %(max)d Zeichen.") % {"max": self.max_length}
