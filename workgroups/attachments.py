"""Checking uploaded attachments by their content.

The type of a file is read from its bytes: a PDF starts with `%PDF-`, images are opened
with Pillow, office documents are ZIP archives whose table of contents says what they are.
A file whose name claims another type than its content is refused, as are empty files,
files over the size limit and every other type (HTML, SVG, scripts, executables).
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "WORKGROUP_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
PNG = FileKind("PNG", "image/png", (".png",))
JPEG = FileKind("JPEG", "image/jpeg", (".jpg", ".jpeg"))
WEBP = FileKind("WebP", "image/webp", (".webp",))
DOCX = FileKind(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileKind(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ODT = FileKind("OpenDocument-Text", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileKind("OpenDocument-Tabelle", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = FileKind(
    "OpenDocument-Präsentation", "application/vnd.oasis.opendocument.presentation", (".odp",)
)

_IMAGE_KINDS = {"PNG": PNG, "JPEG": JPEG, "WEBP": WEBP}
IMAGE_FORMAT_OF = {kind: image_format for image_format, kind in _IMAGE_KINDS.items()}
_OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_ODF_TYPES = {kind.content_type: kind for kind in (ODT, ODS, ODP)}
ALLOWED_LABEL = _("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG oder WebP")


def _sniff_zip(upload) -> FileKind | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    if declared in _ODF_TYPES:
                        return _ODF_TYPES[declared]
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in _OOXML_PARTS.items() if part in names), None)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def _sniff_image(upload) -> FileKind | None:
    try:
        with Image.open(upload) as image:
            image.verify()
            return _IMAGE_KINDS.get(image.format)
    except Exception:
        return None


def sniff(upload) -> FileKind | None:
    """What the bytes of `upload` are, or None if none of the allowed kinds."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"PK\x03\x04"):
            return _sniff_zip(upload)
        if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"RIFF")):
            return _sniff_image(upload)
        return None
    finally:
        upload.seek(0)


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    name: str  # a safe download name ending in one of the kind's extensions


def attachment_check(upload) -> CheckedFile:
    """Validate an uploaded attachment; raise ValidationError with a message for people."""
    limit = max_bytes()
    if not upload.size:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="too_large",
        )
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("Dieser Dateityp ist nicht erlaubt. Erlaubt sind %(allowed)s.")
            % {"allowed": ALLOWED_LABEL},
            code="invalid_type",
        )
    original = PurePath(upload.name or "").name
    suffix = PurePath(original).suffix.lower()
    if suffix not in kind.extensions:
        raise ValidationError(
            _(
                "Der Dateiname „%(name)s“ passt nicht zum Inhalt: Die Datei ist ein "
                "%(kind)s-Dokument. Bitte laden Sie die Originaldatei hoch."
            )
            % {"name": original, "kind": kind.label},
            code="type_mismatch",
        )
    return CheckedFile(kind=kind, name=f"{_safe_stem(PurePath(original).stem)}{suffix}")


def _safe_stem(stem: str) -> str:
    try:
        return get_valid_filename(stem)[:150]
    except SuspiciousFileOperation:
        return "anhang"
