"""The outbox writes the common mail (a text part, perhaps with an HTML alternative, to one
recipient) straight to SMTP instead of through the email package, for the speed of digest
runs, its bodies as they are when the server takes 8-bit mail (8BITMIME), else
quoted-printable. What a mail program reads must be the same as what Django's email
classes build: the same headers, the same bodies, no defects, lines within RFC 5322."""

from email import message_from_bytes, policy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbox.models import OutboxMessage
from outbox.services import message_build
from outbox.smtp import _email, _wire

pytestmark = pytest.mark.django_db

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=400,
)


def _both(message: OutboxMessage, *, eight_bit: bool = False):
    recipient, data = _wire(message, eight_bit=eight_bit)
    reference = _email(message).message().as_bytes()
    return (
        recipient,
        data,
        message_from_bytes(data, policy=policy.default),
        message_from_bytes(reference, policy=policy.default),
    )


def _assert_same(ours, theirs, *, encodings=("quoted-printable",)):
    assert [name for name, _ in ours.items()] == [name for name, _ in theirs.items()]
    for name, value in theirs.items():
        if name == "Content-Transfer-Encoding":
            continue  # the bodies' encoding is checked below
        if name != "Content-Type" or not ours.is_multipart():
            assert str(ours[name]) == str(value), name
    assert ours.get_content_type() == theirs.get_content_type()
    for kind in ("plain", "html"):
        body, expected = ours.get_body((kind,)), theirs.get_body((kind,))
        assert (body is None) == (expected is None)
        if expected is not None:
            assert body.get_content() == expected.get_content()
            assert body["Content-Transfer-Encoding"] in encodings
    assert [part.defects for part in ours.walk()] == [[] for _ in theirs.walk()]


def _line_lengths(data: bytes) -> int:
    return max(len(line) for line in data.split(b"\r\n"))


DIGEST = {
    "to": "anna@bëispiel.de",
    "subject": "Neue Kurse zu „Excel“ – 3 Treffer für Sie in der Region Ostwürttemberg",
    "text": "Hallo Anna,\n\n„Excel für Einsteiger“ = neu\nZeile mit Leerzeichen am Ende  \n.\n"
    + "sehr lang " * 30
    + "\n",
    "html": "<p>Grüße aus Aalen</p>\n" + "<a href='https://portal.beweqo.example/'>x</a> " * 20,
    "key": "wire:1",
    "reply_to": "office@beweqo.example",
    "list_unsubscribe": "https://portal.beweqo.example/kurse/suchauftrag/abmelden/" + "A" * 43,
}


def test_a_digest_reads_the_same_as_through_the_email_package():
    recipient, data, ours, theirs = _both(message_build(**DIGEST))
    assert recipient == "anna@xn--bispiel-rya.de"
    _assert_same(ours, theirs)
    assert ours["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Bodies are folded at 76; only a header that cannot be folded (a long link) is longer.
    assert _line_lengths(data.split(b"\r\n\r\n", 1)[1]) <= 78
    assert _line_lengths(data) < 998


def test_to_an_8bit_server_the_bodies_go_as_they_are():
    _recipient, data, ours, theirs = _both(message_build(**DIGEST), eight_bit=True)
    _assert_same(ours, theirs, encodings=("8bit",))
    assert "Grüße aus Aalen".encode() in data
    assert b"=3D" not in data


def test_a_line_too_long_for_8bit_is_encoded_all_the_same():
    message = message_build(**DIGEST | {"html": "<p>" + "ä" * 600 + "</p>", "key": "w9"})
    _recipient, data, ours, theirs = _both(message, eight_bit=True)
    assert ours.get_body(("plain",))["Content-Transfer-Encoding"] == "8bit"
    assert ours.get_body(("html",))["Content-Transfer-Encoding"] == "quoted-printable"
    _assert_same(ours, theirs, encodings=("8bit", "quoted-printable"))
    assert _line_lengths(data) < 998


def test_a_text_only_mail_reads_the_same():
    message = message_build(to="ben@beispiel.de", subject="Ihre Anfrage", text="Danke.\n", key="w2")
    for eight_bit, encoding in ((False, "quoted-printable"), (True, "7bit")):
        _recipient, _data, ours, theirs = _both(message, eight_bit=eight_bit)
        assert not ours.is_multipart()
        _assert_same(ours, theirs, encodings=(encoding,))


def test_a_mail_the_common_case_does_not_cover_goes_the_usual_way():
    with_file = message_build(
        to="ben@beispiel.de",
        subject="Einladung",
        text="Anbei.\n",
        key="w3",
        attachments=[{"filename": "termin.ics", "mimetype": "text/calendar", "content": "X"}],
    )
    assert _wire(with_file) is None
    # An address whose local part is not ASCII needs SMTPUTF8: left to the mail backend.
    unicode_local = OutboxMessage(recipient="jürgen@beispiel.de", subject="S", text="T")
    assert _wire(unicode_local) is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=TEXT.filter(str.strip), text=TEXT, html=TEXT, eight_bit=st.booleans())
def test_any_content_reads_the_same(subject, text, html, eight_bit):
    message = message_build(
        to="anna@beispiel.de", subject=subject, text=text, html=html, key="wire:any"
    )
    _recipient, data, ours, theirs = _both(message, eight_bit=eight_bit)
    _assert_same(ours, theirs, encodings=("quoted-printable", "8bit", "7bit"))
    limit = 998 if eight_bit else 78
    assert _line_lengths(data.split(b"\r\n\r\n", 1)[1]) <= limit
