"""Dutch text as the search index sees it: words, stop words and Snowball stems.

Both search backends start from the same words, made here: lower case, without diacritics
("cliënten" and "clienten" are one word), split at anything that is not a letter or digit,
and without the stop words PostgreSQL's Dutch configuration leaves out. SQLite indexes the
stems made here; PostgreSQL gets the same words and stems them with the same Snowball
algorithm, so a query finds the same lessons on either database.

Nothing here touches the database, so the migration that fills the index can use it too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from markupsafe import Markup, escape

#: PostgreSQL's `dutch` text search configuration uses the Porter-based Snowball stemmer;
#: PyStemmer 3 calls that one "dutch_porter" (its "dutch" is a newer algorithm).
_ALGORITHM = "dutch_porter" if "dutch_porter" in Stemmer.algorithms() else "dutch"

#: Snowball's Dutch stop list, which PostgreSQL's `dutch` configuration also uses
STOP_WORDS = frozenset("""
de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om
hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar
naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al
waren veel meer doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd
altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest andere
""".split())

#: longer "words" are pasted junk (hashes, URLs without spaces); neither index keeps them
MAX_WORD_LENGTH = 40
#: a query is cut to this many characters and distinct words; more adds nothing but work
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12

# Letters and digits apart: PostgreSQL keeps "65plussers" whole and unstemmed, so both
# backends see "65" and "plussers" instead.
_WORD = re.compile(r"[^\W\d_]+|\d+")


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Indexing 100,000 lessons spent most of its time folding character by character; Dutch
# text needs only the Latin letters and combining marks, which one table folds at C speed.
_LATIN_FOLDS = str.maketrans({code: _fold_slowly(chr(code))
                              for code in (*range(0x80, 0x250), *range(0x300, 0x370))})


def fold(text: str) -> str:
    """Return text in lower case without diacritics, as the index compares it."""
    folded = text.lower().translate(_LATIN_FOLDS)
    return folded if folded.isascii() else _fold_slowly(folded)


def _keep(word: str) -> bool:
    return word not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH


def words(text: str | None) -> list[str]:
    """Return the words of a text that the index keeps, folded, in order."""
    if not text:
        return []
    return [word for word in _WORD.findall(fold(text)) if _keep(word)]


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_ALGORITHM)


def stems(word_list: list[str]) -> list[str]:
    """Return the Snowball stem of each word."""
    return _stemmer().stemWords(word_list)


@lru_cache(maxsize=65536)
def _stem_of(word: str) -> str | None:
    """The stem of a word as written in a text, None for a word the index leaves out."""
    folded = fold(word)
    return _stemmer().stemWord(folded) if _keep(folded) else None


def stemmed(text: str | None) -> str:
    """Return a text as the stems of its words, for the SQLite index."""
    return " ".join(stems(words(text)))


def plain(text: str | None) -> str:
    """Return a text as its kept words, for PostgreSQL to stem."""
    return " ".join(words(text))


def query_words(query: str | None) -> list[str]:
    """Return the distinct words of a visitor's query that can be searched for, in order.

    Quotes, operators and punctuation are not syntax here: they separate words, so no query
    can be malformed. An empty list means there is nothing to search for.
    """
    found: list[str] = []
    for word in words((query or "")[:MAX_QUERY_LENGTH]):
        if word not in found:
            found.append(word)
    return found[:MAX_QUERY_TERMS]


def highlight(text: str, query_stems: set[str], width: int = 260) -> Markup:
    """Return an escaped snippet of text around its first matches, each match in <mark>.

    Without matches (or without a query) it is the start of the text.
    """
    matches = [m for m in _WORD.finditer(text) if _stem_of(m.group()) in query_stems
               ] if query_stems else []
    start = 0
    if matches and len(text) > width:
        start = max(0, matches[0].start() - width // 4)
        # Begin at a word, not in the middle of one.
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + width)
    if end < len(text):
        while end > start and not text[end - 1].isspace():
            end -= 1
        if matches and end < matches[0].end() or end <= start:
            end = min(len(text), start + width)  # a long last word: cut it, keep the match
    pieces = [Markup("…") if start > 0 else Markup("")]
    position = start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces += [escape(text[position:match.start()]),
                   Markup("<mark>%s</mark>") % match.group()]
        position = match.end()
    pieces.append(escape(text[position:end].rstrip()))
    if end < len(text):
        pieces.append(Markup("…"))
    return Markup("").join(pieces)
