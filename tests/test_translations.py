"""Every interface string has an English translation, and the language choice works."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale

from proeftuin.dates import format_moment

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "proeftuin" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("proeftuin/**.py", "python"), ("templates/**.html", "jinja2")]


def _extracted_ids() -> set[str]:
    ids = set()
    # Babel skips directories starting with an underscore by default; templates/_macros
    # holds strings too, so only dot-directories are skipped, as `make extract-messages` does.
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS,
        directory_filter=lambda path: not os.path.basename(path).startswith("."),
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalogue(lang: str):
    """The catalogue of a language, as Babel reads it."""
    data = (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").read_bytes()
    return read_po(BytesIO(data))


def test_every_interface_string_has_an_english_translation():
    english = catalogue("en")
    missing = sorted(
        msgid for msgid in _extracted_ids()
        if msgid and (english.get(msgid) is None or not english.get(msgid).string)
    )
    assert missing == [], f"{len(missing)} strings lack English, e.g. {missing[:5]}"


def test_dutch_catalogue_knows_every_interface_string():
    dutch = catalogue("nl")
    missing = sorted(
        msgid for msgid in _extracted_ids()
        if msgid and (dutch.get(msgid) is None or not dutch.get(msgid).string)
    )
    assert missing == [], f"run `make update-messages`: {missing[:5]}"


def test_language_choice_switches_to_english_and_back(client):
    client.post("/taal", data={"lang": "en", "next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Learning together in care at home" in english

    client.post("/taal", data={"lang": "nl", "next": "/"})
    dutch = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in dutch
    assert "Samen leren in de zorg thuis" in dutch


def test_language_choice_refuses_unknown_language_and_foreign_redirect(client):
    assert client.post("/taal", data={"lang": "fr"}).status_code == 400
    response = client.post("/taal", data={"lang": "en", "next": "https://elders.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_moments_on_pages_read_to_the_minute_in_the_readers_language_and_zone(app):
    moment = datetime(2026, 12, 6, 12, 5, 42, tzinfo=UTC)  # 13:05:42 in Amsterdam
    with app.test_request_context():
        assert format_moment(moment) == "6 dec 2026, 13:05"
        with force_locale("en"):
            # CLDR puts a narrow no-break space before "PM" (a plain one in older versions).
            assert format_moment(moment).replace("\u202f", " ") == "Dec 6, 2026, 1:05 PM"
        assert format_moment(None) == ""
