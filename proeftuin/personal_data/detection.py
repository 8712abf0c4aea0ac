"""Personal-data detection in free text: what a case discussion or lesson must not hold.

`scan(text)` returns findings with their position, so a form can mark each one in place and
explain it. Every pattern is linear: no nested unbounded repetition, and every repetition that
could run long is bounded, so hostile input of any length costs time in proportion to its size.

Deliberately not flagged, to keep false positives low (tests/privacy_corpus.py measures this):
- a bare postcode area ("in 3511", "regio 9000") or a postcode without a house number, and a
  street name without a number;
- a title followed by a role, a relation, a pronoun or a verb ("mevrouw de casemanager",
  "meneer zelf", "mevrouw belt"), and a title with only an initial ("mevrouw J."), which is the
  anonymisation we ask for; a lowercase surname ("mevrouw jansen") cannot be told from a word;
- a date without a birth cue unless it lies more than sixty years back: meeting, admission and
  indication dates are recent, while in home care for older people an old full date is almost
  always a date of birth or another life event of the person; a year or an age on its own;
- a citizen service number that fails the 11-check, and an eight-digit one;
- service numbers (0800, 0900, 112, 14 0xx) and numbers without a leading zero or country code.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from proeftuin.personal_data import names
from proeftuin.personal_data.lexicon import STREET_SUFFIXES, fold


class Kind(enum.StrEnum):
    """What sort of personal data a finding is."""

    bsn = "bsn"
    national_number = "national_number"
    phone = "phone"
    email = "email"
    postcode_address = "postcode_address"
    birth_date = "birth_date"
    named_person = "named_person"


LABELS = {
    Kind.bsn: _l("burgerservicenummer"),
    Kind.national_number: _l("rijksregisternummer"),
    Kind.phone: _l("telefoonnummer"),
    Kind.email: _l("e-mailadres"),
    Kind.postcode_address: _l("adres"),
    Kind.birth_date: _l("geboortedatum"),
    Kind.named_person: _l("naam"),
}

EXPLANATIONS = {
    Kind.bsn: _l(
        "Dit lijkt een burgerservicenummer: daarmee is iemand direct te herkennen. Laat het "
        "nummer weg; het staat al in het dossier."
    ),
    Kind.national_number: _l(
        "Dit lijkt een rijksregisternummer: daarmee is iemand direct te herkennen. Laat het "
        "nummer weg; het staat al in het dossier."
    ),
    Kind.phone: _l(
        "Dit lijkt een telefoonnummer van een persoon. Laat het weg en schrijf bijvoorbeeld "
        "'de dochter is telefonisch bereikbaar'."
    ),
    Kind.email: _l(
        "Dit is een e-mailadres, en dat wijst vaak naar één persoon. Laat het weg of schrijf "
        "'per e-mail'."
    ),
    Kind.postcode_address: _l(
        "Een adres of een postcode met huisnummer wijst naar één huis. Schrijf de wijk of het "
        "dorp, bijvoorbeeld 'woont in een dorp bij Zwolle'."
    ),
    Kind.birth_date: _l(
        "Een volledige geboortedatum maakt iemand herkenbaar. Schrijf de leeftijd, "
        "bijvoorbeeld 'mevrouw (87)'."
    ),
    Kind.named_person: _l(
        "Dit lijkt een naam. Schrijf 'mevrouw J.' of 'de mantelzorger' in plaats van een naam."
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind and where it stands in the text (end exclusive)."""

    kind: Kind
    start: int
    end: int
    text: str

    @property
    def label(self):
        """A short, translated name for the kind, e.g. 'telefoonnummer'."""
        return LABELS[self.kind]

    @property
    def explanation(self):
        """A translated sentence: why this is personal data and how to write it instead."""
        return EXPLANATIONS[self.kind]


# Separators people put in numbers: one space, dot, dash or slash, or a dash with spaces.
_SEP = r"(?:\ ?[-–—/.]\ ?|\ )"
_NOT_AFTER_NUMBER = r"(?!\d)(?![.\-/]\d)"
_NOT_BEFORE_NUMBER = r"(?<![\w+])(?<!\d[.\-/])"

_BSN = re.compile(_NOT_BEFORE_NUMBER + r"\d(?:[ .\-]?\d){8}" + _NOT_AFTER_NUMBER)
_BSN_CUE = re.compile(r"(?i:bsn|burgerservice|sofi)")

_NATIONAL_NUMBER = re.compile(
    _NOT_BEFORE_NUMBER
    + r"\d\d[.\ ]?\d\d[.\ ]?\d\d(?:\ ?[-./]\ ?|\ )?\d{3}(?:[-./]|\ )?\d\d"
    + _NOT_AFTER_NUMBER
)

_PHONE = re.compile(
    _NOT_BEFORE_NUMBER
    + r"(?P<prefix>(?:\+|00)(?P<country>3[12]|[1-9]\d{0,2})[ .\-]?(?:\(0\)[ .\-]?)?"
    + r"|\((?P<area>0\d{1,3})\)\ ?)?"
    + r"(?P<body>\d(?:" + _SEP + r"?\d){5,10})"
    + _NOT_AFTER_NUMBER
)

# A Belgian enterprise number (KBO, VAT) is written 0412.345.678: an organisation's, no phone.
_ENTERPRISE_NUMBER = re.compile(r"0\d{3}\.\d{3}\.\d{3}")

_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}"
    r"[A-Za-z]{2,24}(?![\w\-])",
    re.ASCII,
)

# Dutch postcodes never use the letters F, I, O, Q, U and Y, nor the pairs SA, SD and SS.
_NL_POSTCODE = r"[1-9]\d{3}\ ?(?!SA|SD|SS)[A-EGHJ-NPRSTV-Z]{2}(?![^\W\d_])"
_HOUSE_NUMBER = (
    r"\d{1,5}(?!\d)(?:\ ?[a-zA-Z](?![^\W\d_])|-\ ?\d{1,4}(?!\d)|-[a-zA-Z](?![^\W\d_]))?"
)
_POSTCODE_NUMBER = re.compile(
    r"(?<!\d)" + _NL_POSTCODE + r"(?:\ ?,\ ?|\ )?(?:(?i:nr|no|huisnummer)\.?\ ?)?" + _HOUSE_NUMBER
)
# Flemish roads named for where they lead: "Steenweg op Gierle 44", "Baan naar Bree 3".
_ROAD_TO_PLACE = re.compile(
    r"(?<![^\W\d_])[A-Z][a-zà-ÿ]{0,30}(?:steenweg|weg|baan|straat|dreef|laan)"
    r"\ (?:op|naar|van)\ [A-Z][a-zà-ÿ'’\-]{1,40}\ " + _HOUSE_NUMBER
)
_STREET_ADDRESS = re.compile(
    # A street may start with more words: "Grote Markt", "Jan van Galenstraat".
    r"(?<![^\W\d_])(?:[A-Z][a-zà-ÿ'’]{1,40}\ (?:(?:van|de|der|den|het|[’']t)\ ){0,2})?"
    r"(?P<street>[A-Z][a-zà-ÿ'’]{1,40})\ (?P<number>" + _HOUSE_NUMBER + r")"
    r"(?:\ bus\ \d{1,4}(?!\d))?"
    r"(?P<postcode>\ ?,?\ (?:" + _NL_POSTCODE + r"|[1-9]\d{3}(?!\d)(?=\ [A-Z]))"
    r"(?:\ [A-Z][a-zà-ÿ'’\-]{1,40})?)?"
)

# A house number after a street the street list knows: "Achter de Kerk 7", "Brink 5".
_HOUSE_NUMBER_AFTER = re.compile(
    r"\ (?:(?i:nr|no)\.?\ ?)?" + _HOUSE_NUMBER + r"(?:\ bus\ \d{1,4}(?!\d))?"
    r"(?!\ ?(?:%|(?:uur|jaar|keer|minuten|min|euro|procent|km|m|kg|dagen|weken|maanden)"
    r"(?![^\W\d_])))"
)

_MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "febr": 2, "february": 2,
    "maart": 3, "mrt": 3, "maa": 3, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7,
    "augustus": 8, "aug": 8, "august": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\w.\-/])(?:"
    r"(?P<d>\d{1,2})(?P<sep>[-/.\ ])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|['’]?\d\d)"
    r"|(?P<iy>\d{4})-(?P<im>\d\d)-(?P<id>\d\d)"
    r"|(?P<wd>\d{1,2})\ (?P<wm>(?i:" + _MONTH_NAMES + r"))\.?\ (?P<wy>\d{4}|['’]\d\d)"
    r")(?![\w]|[.\-/]\d)"
)
_BIRTH_CUE = re.compile(
    r"(?i:geboren|geb\.|geboorte|born|birth|dob\b|verjaardag|jarig)|°"
)
# Words near an old date that make it another event than a birth: a death, a wedding, a
# flood, a law. "Sinds de watersnood van 1 februari 1953", "trouwde op 12 juni 1962".
_EVENT_BEFORE = re.compile(
    r"(?i:sinds|overle|gestorven|stierf|trouwd|huwelijk|watersnood|ramp|oorlog|bevrijd"
    r"|wet\b|verdrag|dateert|opgericht|ingevoerd|van\ kracht|besluit|akkoord)"
)
_EVENT_AFTER = re.compile(r"(?i:bevrijd|oorlog|ramp|watersnood|overle|trouwd)")
#: a date further back than this many years is taken for a date of birth without a cue
OLD_DATE_YEARS = 60

_TITLES = (
    r"mevrouw|mevr\.?|mw\.?|meneer|mijnheer|dhr\.?|de\ heer|juffrouw|dokter|dr\.?|mr\."
    r"|familie|fam\."
)
_TUSSENVOEGSEL = r"(?:van|de|den|der|ter|ten|te|het|in|op|uit|[’']t|[’']s|von|du|da|le|la|el)"
# Capitals of Latin-1, and Latin Extended-A whole (its cases alternate): Ö, Ç, Ş, Ł.
_UPPER = r"A-ZÀ-ÖØ-Þ\u0100-\u017f"
_NAMED_PERSON = re.compile(
    r"(?<![^\W\d_])(?P<title>(?i:" + _TITLES + r"))(?![^\W\d_])(?!\.\ )"
    r"(?:\ (?:en|&)\ (?i:" + _TITLES + r"))?"
    r"\ {1,3}(?P<initials>(?:[A-Z]\.\ ?){1,4})?"
    r"(?:(?i:" + _TUSSENVOEGSEL + r")\ ){0,3}"
    r"(?P<name>[" + _UPPER + r"][^\W\d_'’]{1,40}"
    r"(?:-(?:(?i:" + _TUSSENVOEGSEL + r")\ ){0,3}[" + _UPPER + r"][^\W\d_'’]{1,40})?)"
)
# Capitalised words that follow a title but are no name: sentence starters after an
# abbreviation's full stop, and words people put after "meneer" or "mevrouw" in jest.
_NOT_A_NAME = frozenset(
    """
    de het een en of maar dus want toen dan daarna daarom daar hier hij zij ze wij we ik jij
    u hun haar zijn dit dat deze die er ook nog niet geen wel is was heeft had wil kan moet
    zal gaat komt zegt zei belt vindt weet in op met bij na voor over uit door naar om tot
    sinds tijdens volgens als omdat wanneer waar wat wie hoe zo toch soms vaak nu morgen
    gisteren vandaag thuis zelf alleen samen mevrouw meneer mijnheer juffrouw dokter heer
    familie beste geachte alzheimer parkinson korsakov huntington dementie
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    """.split()
    + list(_MONTHS)
)
_TUSSEN_WORDS = frozenset(
    "van de den der ter ten te het in op uit 't ’t 's ’s von du da le la el".split()
)


def scan(
    text: str, *, today: dt.date | None = None, allow: names.Allowlist | None = None
) -> list[Finding]:
    """Find personal data in `text`: non-overlapping findings, sorted by position.

    `allow` holds phrases of the writer's context that are not personal data: the pilot's
    name, municipality and organisations, the programmes, the framework's words.
    """
    if not isinstance(text, str) or not text:
        return []
    today = today or dt.date.today()
    candidates = sorted(
        _candidates(text, today, allow), key=lambda c: (c[1], -(c[2] - c[1]), c[0])
    )
    findings: list[Finding] = []
    last_end = 0
    for _priority, start, end, kind in candidates:
        if start >= last_end:
            findings.append(Finding(kind, start, end, text[start:end]))
            last_end = end
    return findings


def scan_fields(fields: Mapping[str, object], **kwargs) -> dict[str, list[Finding]]:
    """Scan every text value of a mapping; return only the fields that hold findings."""
    found = {}
    for name, value in fields.items():
        if isinstance(value, str) and (findings := scan(value, **kwargs)):
            found[name] = findings
    return found


def fingerprint(finding: Finding, *, key: bytes) -> str:
    """A keyed hash of the kind and the normalised text: a confirmation kept without the text.

    Numbers are reduced to their digits (a phone number to its national form) and other text
    to lowercase words, so the same finding written a little differently matches again. The
    key is required: a plain hash of a BSN or a phone number is undone by trying them all.
    Callers derive it from the site's secret key.
    """
    if not key:
        raise ValueError("a fingerprint needs a key")
    message = f"{finding.kind.value}:{_normalise(finding)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def unconfirmed(
    findings: Iterable[Finding], confirmed_fingerprints: Iterable[str], *, key: bytes
) -> list[Finding]:
    """Keep the findings the writer has not confirmed as 'not personal data'."""
    confirmed = set(confirmed_fingerprints)
    return [f for f in findings if fingerprint(f, key=key) not in confirmed]


def bsn_is_valid(digits: str) -> bool:
    """Tell whether nine digits pass the 11-check of a citizen service number."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit() or digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def national_number_is_valid(digits: str) -> bool:
    """Tell whether eleven digits are a Belgian national register number (mod 97, both eras)."""
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    # Bis numbers add 20 or 40 to the month; an unknown birth date has month or day 00.
    if month % 20 > 12 or month > 52 or day > 31:
        return False
    base, check = int(digits[:9]), int(digits[9:])
    return check in (97 - base % 97, 97 - (2_000_000_000 + base) % 97)


def _candidates(
    text: str, today: dt.date, allow: names.Allowlist | None
) -> Iterator[tuple[int, int, int, Kind]]:
    """Yield (priority, start, end, kind) for every match; overlaps are resolved by scan()."""
    for match in _NATIONAL_NUMBER.finditer(text):
        if national_number_is_valid(_digits(match.group())):
            yield 0, match.start(), match.end(), Kind.national_number
    for match in _BSN.finditer(text):
        raw = match.group()
        if _grouping_ok(raw, 2) and not _looks_like_date(raw) and bsn_is_valid(_digits(raw)):
            cue = _BSN_CUE.search(text, max(0, match.start() - 40), match.start())
            # A leading zero makes a Belgian landline more likely, unless the text says BSN.
            priority = 1 if cue or raw[0] != "0" else 3
            yield priority, match.start(), match.end(), Kind.bsn
    for match in _PHONE.finditer(text):
        if end := _phone_end(match):
            yield 2, match.start(), end, Kind.phone
    for match in _EMAIL.finditer(text):
        yield 0, match.start(), match.end(), Kind.email
    for match in _POSTCODE_NUMBER.finditer(text):
        yield 1, match.start(), match.end(), Kind.postcode_address
    for match in _ROAD_TO_PLACE.finditer(text):
        yield 1, match.start(), match.end(), Kind.postcode_address
    for match in _STREET_ADDRESS.finditer(text):
        if _is_street_address(match):
            yield 1, match.start(), match.end(), Kind.postcode_address
    for match in _DATE.finditer(text):
        if _is_birth_date(text, match, today):
            yield 2, match.start(), match.end(), Kind.birth_date
    tokens = names.tokenise(text)
    for start, end in names.streets(text, tokens):
        if match := _HOUSE_NUMBER_AFTER.match(text, end):
            yield 1, start, match.end(), Kind.postcode_address
    for match in _NAMED_PERSON.finditer(text):
        if end := _named_person_end(match, allow):
            yield 3, match.start(), end, Kind.named_person
    for start, end in names.find(text, allow, tokens):
        yield 4, start, end, Kind.named_person


def _digits(text: str) -> str:
    return "".join(c for c in text if "0" <= c <= "9")


def _groups(text: str) -> list[int]:
    return [len(g) for g in re.split(r"\D+", text) if g]


def _grouping_ok(text: str, smallest: int) -> bool:
    """Tell whether every group of digits is at least `smallest` long: '1 2 3 4' is no number."""
    return all(size >= smallest for size in _groups(text))


def _looks_like_date(text: str) -> bool:
    """Tell whether digits start like a day, a month and a four-digit year: 01-03-2026 9."""
    groups = re.split(r"\D+", text)
    if len(groups) < 3 or len(groups[2]) != 4:
        return False
    return len(groups[0]) <= 2 and len(groups[1]) <= 2 and 1 <= int(groups[1] or 0) <= 12


def _phone_end(match: re.Match) -> int:
    """Return where a Dutch or Belgian phone number ends, or 0 when there is none.

    The pattern may take a digit group too many ("06 12345678 2 keer"), so shorter readings
    are tried too, dropping whole groups from the end.
    """
    body = match.group("body")
    if not match.group("prefix") and _ENTERPRISE_NUMBER.fullmatch(body):
        return 0
    cuts = [m.start() for m in re.finditer(_SEP, body)]
    for end in [len(body), *reversed(cuts)]:
        if _is_phone_number(body[:end], match.group("country"), match.group("area")):
            return match.start("body") + end
    return 0


def _is_phone_number(body: str, country: str | None, area: str | None) -> bool:
    """Check the digit groups and the numbering plan of a phone number."""
    digits = _digits(body)
    if country:
        national = digits if digits.startswith("0") else "0" + digits
    elif area:
        national = area + digits
    elif digits.startswith("0") and _grouping_ok(body, 2) and not _looks_like_date(body):
        national = digits
    else:
        return False
    # 04x is Eindhoven, Maastricht or Heerlen in the Netherlands, a mobile in Belgium.
    dutch = len(national) == 10 and (
        national[1] in "1234567" or national[:3] in ("084", "085", "087", "088")
    )
    belgian_mobile = len(national) == 10 and national[:3] in ("045", "046", "047", "048", "049")
    # Belgian landlines; 070 and 078 are shared numbers, 0800 and 090x services.
    belgian_landline = (
        len(national) == 9
        and national[1] in "12356789"
        and national[:3] not in ("070", "078", "080", "090")
    )
    if country == "31":
        return dutch
    if country and country != "32":
        # Curaçao, Suriname, Morocco, Turkey ...: family abroad has numbers too.
        return 7 <= len(digits) <= 12
    if country == "32":
        return belgian_mobile or belgian_landline
    return dutch or belgian_mobile or belgian_landline


def _is_street_address(match: re.Match) -> bool:
    """Tell whether a capitalised word ending like a street, and a number, make an address."""
    street = match.group("street").lower()
    if not street.endswith(STREET_SUFFIXES):
        return False
    number = match.group("number")
    # A four-digit number after a street word is more often a year than a house number
    # ("Arbeidsmarkt 2026"); the street list knows the real streets among them.
    return _groups(number)[0] < 4 or bool(match.group("postcode"))


def _is_birth_date(text: str, match: re.Match, today: dt.date) -> bool:
    """Tell whether a full date is a date of birth: a birth cue near it, or long ago."""
    try:
        if match.group("iy"):
            date = dt.date(int(match.group("iy")), int(match.group("im")), int(match.group("id")))
        elif match.group("wy"):
            month = _MONTHS[match.group("wm").lower()]
            date = dt.date(_year(match.group("wy"), today), month, int(match.group("wd")))
        else:
            date = dt.date(
                _year(match.group("y"), today), int(match.group("m")), int(match.group("d"))
            )
    except ValueError:
        return False
    if date > today:
        return False
    window = text[max(0, match.start() - 60): match.start()] + " " + text[
        match.end(): match.end() + 25
    ]
    if _BIRTH_CUE.search(window):
        return True
    if _EVENT_BEFORE.search(text, max(0, match.start() - 40), match.start()) or (
        _EVENT_AFTER.search(text, match.end(), match.end() + 40)
    ):
        return False
    # Without a cue a two-digit year says too little, and digits with spaces may be any
    # numbers; an old full date written plainly is taken for a birth.
    year = match.group("y") or match.group("wy") or match.group("iy")
    plain = len(_digits(year)) == 4 and match.group("sep") != " "
    return plain and date.year <= today.year - OLD_DATE_YEARS


def _year(written: str, today: dt.date) -> int:
    """A year of four digits, or of two ('41, 52): the latest such year not in the future."""
    digits = int(_digits(written))
    if len(_digits(written)) == 4:
        return digits
    century = today.year // 100 * 100
    return century + digits if century + digits <= today.year else century - 100 + digits


def _named_person_end(match: re.Match, allow: names.Allowlist | None = None) -> int:
    """Return where the name ends when a title is followed by a name, else 0."""
    first = match.group("name").split("-", 1)[0]
    # "familie in Nederland" is a place; "meneer Heerbaan 7" an address, found as such.
    between = match.string[match.end("title"):match.start("name")].split()
    locative = bool(between) and between[0].casefold() in ("in", "op", "uit", "te")
    if locative and names.is_place(match.group("name"), allow):
        return 0
    if re.match(r"\ \d", match.string[match.end():match.end() + 2]) and (
        names.is_street_name(fold(match.group("name")))
    ):
        return 0
    # Short capitals are abbreviations ("mevrouw COPD"), not surnames.
    if first.isupper() and len(first) <= 4:
        return 0
    if first.casefold() in _NOT_A_NAME or first.casefold() in _TUSSEN_WORDS:
        return 0
    # "mevrouw de Wmo-consulent": a capital glued to a lowercase word is a compound, a role.
    if match.string[match.end():match.end() + 1] == "-":
        return 0
    return match.end()


def _normalise(finding: Finding) -> str:
    if finding.kind in (Kind.bsn, Kind.national_number):
        return _digits(finding.text)
    if finding.kind is Kind.phone:
        digits = _digits(finding.text.replace("(0)", ""))
        for country in ("0031", "0032", "31", "32"):
            if finding.text.lstrip().startswith(("+", "00")) and digits.startswith(country):
                return "0" + digits[len(country):].lstrip("0")
        return digits
    return " ".join(finding.text.casefold().split())
