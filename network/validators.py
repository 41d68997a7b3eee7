"""Validation of uploaded logos (by their content, name and type: common.images) and of
passwords."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _

from common.images import image_check, image_judge

LOGO_MAX_SIZE = (4000, 4000)


def validate_logo(upload) -> None:
    """Reject a logo that is too large, not a PNG/JPEG/WebP by content, named or typed as
    something else than it is, or huge in pixels. SVG is refused because it can carry
    scripts. (A model validator: it also judges what the admin uploads.)"""
    image_judge(upload, max_bytes=settings.LOGO_MAX_BYTES, max_size=LOGO_MAX_SIZE)


def logo_clean(value, *, slug: str):
    """What a form stores for the logo field: a new upload judged and re-encoded, under a
    name made from the institution and the real format; anything else (no change, the
    clear checkbox) as it came."""
    if not isinstance(value, UploadedFile):
        return value
    checked = image_check(value, max_bytes=settings.LOGO_MAX_BYTES, max_size=LOGO_MAX_SIZE)
    content_type = f"image/{checked.format.lower()}"
    return SimpleUploadedFile(f"{slug or 'logo'}{checked.extension}", checked.content, content_type)


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
