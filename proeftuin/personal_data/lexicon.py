"""The word lists the name finder reads, loaded once per process.

Names and places come from `deduce`, the de-identification method for Dutch medical text
(LGPL-3.0-or-later): its curated lists of first names, surnames, interfixes, place names,
streets and common words. Only its data files are read; its own annotator is not loaded,
because that takes about 9 seconds and 1.1 GB per process (docs/privacy.md gives the figures).
What pilots must be able to write lives beside this module in data/not_personal.txt.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import importlib.util
import logging
import re
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path

import msgpack

from proeftuin import child_process

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"

#: a word as the name finder sees it: letters, joined by an apostrophe or a hyphen, or the
#: short article "'t" or "'s" ("'t Hart", "'s-Hertogenbosch")
WORD = re.compile(r"(?<![^\W\d_])['’][tsTS](?![^\W\d_])|[^\W\d_]+(?:['’\-][^\W\d_]+)*")

# Function words, titles, relations and other words the lists leave out, which a capital at
# the start of a sentence or a heading does not make a name.
_OWN_WORDS = """
de het een en of maar dus want toen dan daarna daarom daar hier hij zij ze wij we ik jij je
u hun haar zijn dit dat deze die er ook nog niet geen wel is was heeft had wil kan moet zal
gaat komt zegt zei belt vindt weet in op met bij na voor over uit door naar om tot sinds
tijdens volgens als omdat wanneer waar wat wie hoe zo toch soms vaak nu morgen gisteren
vandaag thuis zelf alleen samen mevrouw meneer mijnheer juffrouw dokter heer familie beste
geachte cliënt cliënte client patiënt patiënte bewoner mantelzorger mantelzorgers zorg les
lessen casus overleg afspraak afspraken conclusie aanpak resultaat resultaten
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
januari februari maart april mei juni juli augustus september oktober november december
lente zomer herfst winter week weken maand jaar dag avond ochtend middag nacht
oma opa mama papa moeder vader zoon dochter broer zus tante oom neef nicht buurvrouw
buurman vriend vriendin partner echtgenoot echtgenote weduwe weduwnaar kleinzoon
kleindochter schoonzoon schoondochter huisarts wijkverpleegkundige casemanager
"""

#: how Dutch and Flemish street names end: "Kerkstraat", "Steenweg", "Vinkenhof"
STREET_SUFFIXES = (
    "straat", "laan", "weg", "plein", "gracht", "kade", "kaai", "singel", "dijk", "dreef",
    "lei", "baan", "hof", "markt", "steeg", "wal", "ring", "vest", "veste", "boulevard",
    "allee", "plantsoen", "erf", "hoek", "pad", "veld", "steenweg",
)

#: words before a name that say who someone is: "zoon Mohammed", "huisarts Verhoeven"
RELATIONS = frozenset("""
zoon zonen dochter dochters broer broers zus zussen zuster moeder vader man vrouw echtgenoot
echtgenote partner vriend vriendin buurman buurvrouw buren kleinzoon kleindochter kleinkind
schoonzoon schoondochter schoonmoeder schoonvader neef nicht oom tante opa oma stiefzoon
stiefdochter stiefvader stiefmoeder weduwe weduwnaar cliënt cliënte client patiënt patiënte
bewoner bewoonster mantelzorger mantelzorgster vrijwilliger vrijwilligster collega
huisarts wijkverpleegkundige verpleegkundige verzorgende casemanager praktijkondersteuner
poh consulent ergotherapeut fysiotherapeut maatschappelijk werker thuiszorgmedewerker
begeleider coördinator coordinator buurtwerker ouderenadviseur mantelzorgmakelaar
klant deelnemer deelnemers zorgvrager dochter-in-law kind kinderen heet genaamd
""".split())

#: interfixes that may start a surname written with a capital: "Van Dam", "De Vries", "El Idrissi"
CAPITAL_INTERFIXES = frozenset(
    "van de den der ter ten el al da du le la von 't d' van't".split()
)


# Letters that carry no accent to drop: Polish ł, Turkish ı, Scandinavian ø, German ß.
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss",
                               "đ": "d", "Đ": "D", "’": "'"})


def fold(text: str) -> str:
    """Casefold and drop accents, so 'Yıldız', 'YILDIZ' and 'yildiz' meet."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def phrase_key(text: str) -> tuple[str, ...]:
    """The folded words of a phrase, as the allowlist and the text are compared."""
    return tuple(fold(word) for word in WORD.findall(text))


def lengths_by_first_word(phrases) -> dict[str, tuple[int, ...]]:
    """Index word tuples by their first word: only phrases that can start at a word are tried."""
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        lengths.setdefault(phrase[0], set()).add(len(phrase))
    return {first: tuple(sorted(sizes, reverse=True)) for first, sizes in lengths.items()}


@dataclass(frozen=True)
class Lexicon:
    """The lists, folded (`fold`): sets of single words, `not_personal` of word tuples, and
    `streets` of hashes."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    #: places that are first names too: "axel", "dries", "wessel"
    ambiguous_places: frozenset[str]
    #: surnames as they stand after an interfix: "vries" of "de Vries"
    interfix_surnames: frozenset[str]
    #: folded interfixes as word tuples, longest first: ("van", "der"), ("el",)
    interfixes: tuple[tuple[str, ...], ...]
    #: common Dutch words, stop words and medical terms, less those that are surnames
    words: frozenset[str]
    #: deduce's common words and stop words, without the medical terms: what starts sentences
    everyday: frozenset[str]
    #: common Dutch words, surnames among them ("raad", "kamer", "groot"): deduce's list and
    #: every word that wordfreq finds at least once in a million Dutch words
    common: frozenset[str]
    #: places, regions, organisations, methods and diseases: word tuples
    not_personal: frozenset[tuple[str, ...]]
    #: street names, as the sorted hashes (`street_hash`) of their folded words joined by
    #: spaces: 150,000 names in 1.2 MB instead of 14 (see `is_street`)
    streets: array
    #: per first word of a phrase in not_personal, the lengths of those phrases, longest first
    phrase_lengths: dict[str, tuple[int, ...]]


def _deduce_data() -> Path:
    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package 'deduce' is needed for its name lists: make install")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "lookup" / "src"


def _lines(path: Path) -> Iterator[str]:
    """The items of a list file, one per line, without comments; read line by line."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if item := line.split("#", 1)[0].strip():
                yield item


def _listed(root: Path, name: str) -> set[str]:
    """A deduce list less its exceptions, folded."""
    items = {fold(item) for item in _lines(root / name / "items.txt")}
    return items - {fold(item) for item in _lines(root / name / "exceptions.txt")}


#: wordfreq's Zipf scale: 3 is once in a million words ("planbureau"), 0 never ("Santoso")
COMMON_ZIPF = 3.0


def _frequent_dutch() -> set[str]:
    """Dutch words at least as frequent as COMMON_ZIPF, from wordfreq's small list.

    The file is read as wordfreq documents it ("cBpack": after a header, one list of words
    per centibel of frequency, most frequent first) without importing wordfreq, whose text
    repair and language libraries would stay in every worker's memory for nothing.
    """
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package 'wordfreq' is needed for its word list: make install")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "small_nl.msgpack.gz"
    with gzip.open(path, "rb") as packed:
        header, *buckets = msgpack.unpack(packed, raw=False)
    if header.get("format") != "cB":
        raise RuntimeError(f"unexpected word list format in {path}")
    # Bucket i holds the words of frequency 10 ** (-i / 100); Zipf is log10(frequency) + 9.
    last = round((9 - COMMON_ZIPF) * 100)
    return {fold(word) for bucket in buckets[:last + 1] for word in bucket}


def street_hash(key: str) -> int:
    """A street name's 64-bit hash, the same in every process (Python's own `hash` of a
    string is not: the lists are built in another process than the one that reads them)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little",
                          signed=True)


def is_street(words: Lexicon, key: str) -> bool:
    """Whether folded words joined by spaces name a street the street list knows."""
    wanted = street_hash(key)
    index = bisect.bisect_left(words.streets, wanted)
    return index < len(words.streets) and words.streets[index] == wanted


#: the longest the child process may take to build the lists (under a second, as a rule)
BUILD_TIMEOUT = 120


@cache
def lexicon() -> Lexicon:
    """Load the lists, once per process (bench/guard.py measures the time and memory).

    They are built in a child process (`proeftuin.child_process`): reading the source lists
    makes some hundred thousand temporary strings, and a worker that built the lists itself
    kept 18 MB where the lists take 11.
    """
    try:
        return child_process.built_in_child(
            "from proeftuin.personal_data import lexicon; lexicon.main()", Lexicon,
            timeout=BUILD_TIMEOUT)
    except (OSError, RuntimeError):
        # The guard must have its lists: built here, they cost memory, not protection.
        log.warning("building the guard's word lists in a child process failed; built here",
                    exc_info=True)
        return build()


def main() -> None:
    """Build the lists and pickle them to standard output (the child of `lexicon`)."""
    child_process.write_result(build())


def build() -> Lexicon:
    """Read the source lists into a Lexicon."""
    root = _deduce_data()
    common = _listed(root, "whitelist/lst_common_word")
    surnames = _listed(root, "names/lst_surname")
    # As deduce does: a common word that is also a surname stays a possible surname.
    everyday = (common - surnames) | _listed(root, "whitelist/lst_stop_word") | {
        fold(w) for w in _OWN_WORDS.split()
    }
    words = everyday | _listed(root, "whitelist/lst_medical_term")
    interfix_surnames = _listed(root, "names/lst_interfix_surname")
    interfixes = sorted(
        {phrase_key(item) for item in _lines(root / "names/lst_interfix/items.txt")} - {()},
        key=lambda words: (-len(words), words),  # the same order in every process
    )
    places = {
        phrase_key(item)
        for part in ("lst_residence", "lst_municipality", "lst_region", "lst_province")
        for item in _lines(root / "locations/lst_placename" / part / "items.txt")
    }
    # Diseases named after two people ("Guillain-Barré"); one surname alone ("Roger") is left
    # to the name rules, which pass it after "ziekte van" and in data/not_personal.txt.
    eponyms = {
        key for item in chain(
            _lines(root / "whitelist/lst_eponymous_disease/items.txt"),
            _lines(root / "whitelist/lst_eponymous_disease/lst_eponymous_single/items.txt"),
        )
        if len(key := phrase_key(item.removesuffix(" ziekte"))) > 1 or "-" in key[0]
    }
    own = {phrase_key(item) for item in _lines(DATA / "not_personal.txt")}
    # Medical terms are Latin in lowercase: "Cor" with a capital is a man, not a heart.
    first_names = _listed(root, "names/lst_first_name") - everyday
    # A village that is also a first name ("Axel", "Dries", "Wessel") is a place only after
    # "in", "naar" and the like (names.py): as a phrase it would hide every person so named.
    ambiguous_places = {key for key in places if len(key) == 1 and key[0] in first_names}
    not_personal = frozenset((places - ambiguous_places | eponyms | own) - {()})
    streets = array("q", sorted({
        street_hash(" ".join(key)) for item in _lines(root / "locations/lst_street/items.txt")
        if (key := phrase_key(item))
    }))
    return Lexicon(
        first_names=frozenset(first_names - {fold(w) for w in RELATIONS}),
        surnames=frozenset(surnames - words),
        common=frozenset(common | everyday | _frequent_dutch()),
        ambiguous_places=frozenset(key[0] for key in ambiguous_places),
        interfix_surnames=frozenset(interfix_surnames - {fold(w) for w in _OWN_WORDS.split()}),
        interfixes=tuple(interfixes),
        words=frozenset(words),
        everyday=frozenset(everyday),
        not_personal=not_personal,
        streets=streets,
        phrase_lengths=lengths_by_first_word(not_personal),
    )
