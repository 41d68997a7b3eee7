"""The cheap check of an upload, before anything is stored: is this an open-Q-cat or a CSV
file at all?

It reads only the first HEAD_BYTES: known binary formats (an image, a PDF, an Excel file)
by their signature, for XML the prolog up to the root element (no DOCTYPE, root
OPENQCAT), for CSV the header line. A plain scan, not a parse: the parsers (openqcat/,
csvfile.py) still judge the whole file in the dry run.
"""

import csv
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offerings.imports.csvfile import REQUIRED_COLUMNS
from offerings.imports.records import ImportFileError
from offerings.models import ImportFormat

HEAD_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"

# Signatures of what people upload by mistake, and what to call it.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("ein Bild (PNG)")),
    (b"\xff\xd8\xff", gettext_lazy("ein Bild (JPEG)")),
    (b"GIF87a", gettext_lazy("ein Bild (GIF)")),
    (b"GIF89a", gettext_lazy("ein Bild (GIF)")),
    (b"RIFF", gettext_lazy("eine Bild- oder Mediendatei")),
    (b"%PDF", gettext_lazy("ein PDF-Dokument")),
    (b"PK\x03\x04", gettext_lazy("eine Excel- oder ZIP-Datei")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("eine ältere Office-Datei (XLS, DOC)")),
    (b"\x1f\x8b", gettext_lazy("eine gepackte Datei (gzip)")),
)
_NAME = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")


def upload_format(*, filename: str, head: bytes) -> str:
    """open-Q-cat when the file is named .xml or looks like XML, CSV otherwise."""
    stripped = head.removeprefix(UTF8_BOM).lstrip(b" \t\r\n")
    if filename.lower().endswith(".xml") or stripped.startswith(b"<"):
        return ImportFormat.OPENQCAT
    return ImportFormat.CSV


def upload_check(*, filename: str, head: bytes, size: int) -> str:
    """The format of an upload whose first bytes are `head`, or `ImportFileError` with a
    message for the person when it cannot be an import file."""
    if size == 0 or (size <= len(head) and not head.strip()):
        raise ImportFileError(_("Die Datei ist leer."))
    _check_binary(head)
    fmt = upload_format(filename=filename, head=head)
    if fmt == ImportFormat.OPENQCAT:
        _check_xml(head, complete=size <= len(head))
    else:
        _check_csv_header(head)
    return fmt


def _check_binary(head: bytes) -> None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            message = _(
                "Das ist keine open-Q-cat- oder CSV-Datei, sondern %(kind)s. Bitte laden Sie "
                "Ihre Angebote als XML-Datei (open-Q-cat 1.1) oder als CSV-Datei nach unserer "
                "Vorlage hoch."
            ) % {"kind": kind}
            if signature.startswith(b"PK") or signature.startswith(b"\xd0"):
                message += " " + _("Eine Excel-Tabelle speichern Sie dazu als „CSV UTF-8“.")
            raise ImportFileError(message)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _(
                "Die Datei ist in UTF-16 gespeichert. Unterstützt werden UTF-8 und ISO-8859-15; "
                "bitte speichern Sie sie in UTF-8."
            )
        )
    if b"\x00" in head:
        raise ImportFileError(
            _(
                "Die Datei enthält Binärdaten und ist keine Textdatei. Bitte laden Sie eine "
                "XML-Datei (open-Q-cat 1.1) oder eine CSV-Datei nach unserer Vorlage hoch."
            )
        )


def _not_openqcat(what: str) -> ImportFileError:
    return ImportFileError(
        _("Das ist keine open-Q-cat-Datei: %(what)s") % {"what": what}
        + " "
        + _("Bitte laden Sie eine XML-Datei im Format open-Q-cat 1.1 hoch.")
    )


def _check_xml(head: bytes, *, complete: bool) -> None:
    """Walk the prolog (declaration, comments, processing instructions) to the root
    element. Only ASCII markup matters here, so every byte is read as one character."""
    text = head.removeprefix(UTF8_BOM).decode("latin-1")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            raise _not_openqcat(
                _("Die Datei enthält kein XML-Element.")
                if complete
                # The prolog does not end within the first bytes: no file of ours looks so.
                else _("In den ersten %(kb)d KB der Datei beginnt kein XML-Element.")
                % {"kb": HEAD_BYTES // 1024}
            )
        for opener, closer in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opener, pos):
                end = text.find(closer, pos + len(opener))
                pos = len(text) if end < 0 else end + len(closer)
                break
        else:
            if text.startswith("<!", pos):
                _check_declaration(text[pos + 2 : pos + 14].upper())
            match = _NAME.match(text, pos)
            if match is None:
                raise _not_openqcat(_("Am Anfang steht kein XML-Element."))
            _check_root(match.group(1).rsplit(":", 1)[-1])
            return


def _check_declaration(declaration: str) -> None:
    if declaration.startswith("DOCTYPE HTML"):
        raise _not_openqcat(_("Sie enthält eine Webseite (HTML)."))
    if declaration.startswith("DOCTYPE"):
        raise ImportFileError(
            _(
                "Die Datei enthält eine Dokumenttyp-Deklaration (DOCTYPE). Solche Dateien "
                "nehmen wir aus Sicherheitsgründen nicht an; bitte exportieren Sie ohne DOCTYPE."
            )
        )
    raise _not_openqcat(_("Am Anfang steht kein XML-Element."))


def _check_root(name: str) -> None:
    if name == "OPENQCAT":
        return
    if name.lower() == "html":
        raise _not_openqcat(_("Sie enthält eine Webseite (HTML)."))
    raise ImportFileError(
        _("Das ist keine open-Q-cat-Datei: Das Wurzelelement heißt „%(tag)s“ statt „OPENQCAT“.")
        % {"tag": name[:50]}
    )


def _check_csv_header(head: bytes) -> None:
    """The first line must name the required columns, as csvfile.csv_read demands."""
    text = head.removeprefix(UTF8_BOM).decode("utf-8", errors="replace")
    line = text.splitlines()[0] if text else ""
    delimiter = ";" if line.count(";") > line.count(",") else ","
    try:
        header = [cell.strip().lower() for cell in next(csv.reader([line], delimiter=delimiter))]
    except (csv.Error, StopIteration):
        header = []
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            _("Der Kopfzeile fehlen die Spalten %(columns)s. Bitte nutzen Sie die Vorlage.")
            % {"columns": ", ".join(missing)}
            + " "
            + _("Die erste Zeile einer CSV-Datei nennt die Spalten, zum Beispiel: %(example)s.")
            % {"example": "„" + ";".join(REQUIRED_COLUMNS) + ";…“"}
        )
