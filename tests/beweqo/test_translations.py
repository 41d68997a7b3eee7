"""The English catalogue is complete and current: every message translated, none fuzzy,
the placeholders intact (msgfmt --check-format), and no marked string missing from it
(makemessages on a copy of the sources finds exactly the committed messages). After
changing texts: `make messages-update`, translate what is new, commit locale/en."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.services import in_ci

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
# What `make messages-update` leaves out (Makefile, MAKEMESSAGES_ARGS).
NOT_SOURCES = ("node_modules", ".venv", ".git", "var", "static", "tests", "bench", "scripts")


def _unquote(text: str) -> str:
    return text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgctxt, msgid, msgid_plural and the msgstr
    forms. Obsolete entries (#~) are kept apart as `obsolete`."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgctxt": None, "msgid": "", "msgid_plural": None}
            entry |= {"msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
        else:
            keyword, _, value = line.partition(" ")
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                field = ("msgstr", index)
                entry["msgstr"][index] = _unquote(value)
            else:
                field = (keyword, None)
                entry[keyword] = _unquote(value)
    return entries


def messages(path: Path) -> list[dict]:
    """The catalogue's messages: without the header and obsolete entries."""
    return [e for e in po_entries(path) if e["msgid"] and not e["obsolete"]]


def _label(entry: dict) -> str:
    return (f"[{entry['msgctxt']}] " if entry["msgctxt"] else "") + entry["msgid"][:80]


def test_the_parser_reads_a_catalogue(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid "Ein %(n)s \\"Kurs\\""\nmsgstr ""\n"A %(n)s "\n"\\"course\\""\n\n'
        'msgctxt "Monat"\nmsgid "Mai"\nmsgid_plural "Mais"\nmsgstr[0] "May"\nmsgstr[1] ""\n\n'
        '#, fuzzy\nmsgid "Über"\nmsgstr "About"\n\n#~ msgid "Alt"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    found = messages(sample)
    assert [(e["msgid"], e["msgstr"], e["msgctxt"]) for e in found] == [
        ('Ein %(n)s "Kurs"', {0: 'A %(n)s "course"'}, None),
        ("Mai", {0: "May", 1: ""}, "Monat"),
        ("Über", {0: "About"}, None),
    ]
    assert [e["flags"] for e in found] == [{"python-format"}, set(), {"fuzzy"}]


def test_every_english_message_is_translated_and_none_is_fuzzy():
    entries = messages(CATALOGUE)
    assert len(entries) > 2000
    untranslated = [_label(e) for e in entries if not all(e["msgstr"].values())]
    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated in {CATALOGUE}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {CATALOGUE}"


def test_plural_messages_have_both_english_forms():
    for entry in messages(CATALOGUE):
        if entry["msgid_plural"] is not None:
            assert sorted(entry["msgstr"]) == [0, 1], _label(entry)


def _tools_or_skip(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing and not in_ci():
        pytest.skip(f"GNU gettext ({', '.join(missing)}) is not installed here.")
    assert not missing, f"CI needs GNU gettext: {missing}"


def test_placeholders_survive_translation():
    _tools_or_skip("msgfmt")
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check-format", "-o", os.devnull, str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_catalogue_holds_exactly_the_marked_strings(tmp_path):
    """A string marked in the code but missing from the catalogue (or a catalogue entry
    whose string is gone) fails here: makemessages runs on a copy of the sources."""
    _tools_or_skip("xgettext", "msgmerge", "msguniq")
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(base, copy, ignore=shutil.ignore_patterns(*NOT_SOURCES, "__pycache__", "*.mo"))
    (copy / "static").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "beweqo.settings", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"]
        + [f"--ignore={name}" for name in NOT_SOURCES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"

    def keys(path):
        return {(e["msgctxt"], e["msgid"]) for e in messages(path)}

    missing = sorted(keys(fresh) - keys(CATALOGUE), key=str)
    stale = sorted(keys(CATALOGUE) - keys(fresh), key=str)
    assert missing == [], "marked but not in locale/en: run make messages-update"
    assert stale == [], "in locale/en but no longer marked: run make messages-update"
