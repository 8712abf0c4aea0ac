"""Names of people in free text, with or without a title before them.

A name is found by what it is and where it stands, with the lists of `lexicon`:
- a known first name ("Mohammed", "Truus"), alone or followed by more names, interfixes and a
  surname ("Fatima el Amrani", "Kees van der Berg", "Agnieszka Kowalska");
- initials followed by a surname ("K. de Groot", "J.P. Vermeulen");
- a surname written with a capital interfix ("Van Dam", "De Vries") or a known surname in the
  middle of a sentence ("volgens Bakker");
- any capitalised word after a relation or a role ("zoon Shurendy", "huisarts Verhoeven");
- a possessive of a first name ("Ahmeds moeder", "Anna's zoon").
Places, organisations, programmes, methods and diseases named after people are phrases the
writer may use: a word inside one is never part of a name (`Allowlist`).

Every step looks at a bounded number of words (an allowlist's phrases are at most
MAX_ALLOWED_WORDS long and tried only where their first word stands), so the cost is linear in
the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from proeftuin.personal_data.lexicon import (
    CAPITAL_INTERFIXES,
    RELATIONS,
    STREET_SUFFIXES,
    Lexicon,
    fold,
    is_street,
    lengths_by_first_word,
    lexicon,
    phrase_key,
)

# A word, or initials ("K.", "J.P.", "Th."): initials are tried first.
# Abbreviations that look like initials: "St. Jan", "Mw. Bakker" (a title, found as such).
_NOT_INITIALS = r"(?!(?:St|Mw|Dr|Mr|Ir|Ds|Nr|No|Bv|Ca|Dd|Evt|Tel)\.)"
_TOKEN = re.compile(
    r"(?P<initials>(?<![^\W\d_])(?:" + _NOT_INITIALS + r"[A-Z][a-z]?\.[\ ]?){1,4}"
    r"(?=[\ ]?[^\W\d_]))"
    # "'t" and "'s" are words of their own: "'t Hart", "'s avonds".
    r"|(?P<word>(?<![^\W\d_])['’][tsTS](?![^\W\d_])|[^\W\d_]+(?:['’\-][^\W\d_]+)*)"
)
_NUMBER_AFTER = re.compile(r"\ \d")
_SENTENCE_END = re.compile(r"[.!?:;\n•*\-–—\"“(]\s*$")
#: words that introduce a disease, syndrome, scale or method named after a person
_EPONYM_CUES = frozenset(
    "ziekte syndroom methode model theorie schaal index test ladder piramide cirkel".split()
)
#: the longest run of words one name may take: first names, interfixes and surnames
_MAX_NAME_WORDS = 8
#: words after which a capitalised word is a thing, not a person: "het Roosje", "de Maas"
_DETERMINERS = frozenset(
    "de het een 't ons onze mijn uw".split()
)
#: languages, which are first names too ("Frans"), after the words that introduce a language
_LANGUAGES = frozenset("""
frans duits engels turks arabisch berbers tarifit pools russisch spaans portugees italiaans
chinees kantonees mandarijn indonesisch maleis papiaments papiamento sranantongo sarnami
hindi urdu somalisch tigrinya koerdisch farsi dari pashto vlaams fries limburgs nederlands
""".split())
_LANGUAGE_CUES = frozenset(
    "het spreekt spreken praat praten wat vloeiend verstaat leest schrijft en of".split()
)
#: longer words before an unknown word are compounds: "Mantelzorgsteunpunt Eemkwartier"
_LONGEST_GIVEN_NAME = 12
#: verbs of speaking and prepositions after which a capitalised surname is a person
_NAME_CUES = frozenset("volgens met bij van voor door aan zei zegt belde vroeg".split())
#: words that start an organisation's name: the capitalised words after one are its name
#: ("Zorgcentrum De Linde", "Proeftuin Dorhorst", "Huisartsenpraktijk Wessels")
_ORGANISATION_HEADS = frozenset("""
stichting zorggroep zorgcentrum woonzorgcentrum zorgorganisatie huisartsenpraktijk praktijk
gezondheidscentrum apotheek ziekenhuis verpleeghuis hospice dagbesteding dagcentrum buurthuis
wijkcentrum ontmoetingscentrum zorgboerderij proeftuin proeftuinen wijkteam buurtteam
gemeente thuiszorg thuiszorgorganisatie welzijn welzijnsorganisatie vrijwilligerscentrale
steunpunt mantelzorgsteunpunt mantelzorgpunt vereniging netwerk coöperatie cooperatie
woningcorporatie woonstichting zorgkantoor ggz-instelling revalidatiecentrum kerk moskee
parochie school basisschool bibliotheek
""".split())
#: the longest organisation name after its head word, in words
_ORGANISATION_WORDS = 4
#: words after a sentence's first word that make it a verb, not a name: "Hang het op"
_OBJECTS = frozenset(
    "het een ze hem hen u je dit dat die deze er eens even niet nooit altijd samen zelf "
    "vooral ook dan zo".split()
)
#: words before a village that is also a first name, which make it the village
_PLACE_PREPOSITIONS = frozenset("in naar uit te rond richting omgeving via nabij".split())
#: words that join two names in a list: "Gilberte en Roger" (a comma or "&" joins too)
_JOINERS = frozenset(("en", "of"))


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int
    initials: bool
    #: the folded text, without initials' dots
    key: str
    #: the token starts a sentence, a line or a list item
    sentence_start: bool
    #: a number follows after a space, as a house number follows a street
    number_after: bool = False

    @property
    def capitalised(self) -> bool:
        """A capital and then lowercase: 'Truus', 'IJsbrand', not 'COPD' or 'RR-nr'."""
        text = self.text[2:] if self.text.startswith("IJ") else self.text
        return self.text[0].isupper() and (len(text) < 2 or not text[1].isupper())


#: the longest phrase an allowlist keeps, in words: an organisation's name is shorter, and the
#: cost of trying phrases at every word must not be set by whoever typed one
MAX_ALLOWED_WORDS = 12


@dataclass
class Allowlist:
    """Phrases of the writer's context that are not personal data, beside the lexicon's: the
    pilot's own name, municipality and organisations, the programmes, the framework's words."""

    phrases: set[tuple[str, ...]] = field(default_factory=set)
    #: per first word, the lengths of the phrases starting with it, longest first
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Allowlist:
        """Allow these texts as phrases, except what reads as a person's name from end to end:
        an organisation called "Truus Bakker" does not make Truus Bakker no one."""
        phrases = set()
        for text in texts:
            key = phrase_key(text)
            if 0 < len(key) <= MAX_ALLOWED_WORDS and not _all_name(text):
                phrases.add(key)
        return cls(phrases, lengths_by_first_word(phrases))

    @classmethod
    def joined(cls, *lists: Allowlist) -> Allowlist:
        """One allowlist of the phrases of several."""
        phrases = set().union(*(allow.phrases for allow in lists))
        return cls(phrases, lengths_by_first_word(phrases))

    def __contains__(self, key: tuple[str, ...]) -> bool:
        return key in self.phrases


def _all_name(text: str) -> bool:
    """Whether names cover every word of a text."""
    tokens = tokenise(text)
    covered = {
        index for start, end in find(text, tokens=tokens)
        for index, token in enumerate(tokens) if start <= token.start and token.end <= end
    }
    return bool(tokens) and len(covered) == len(tokens)


def find(text: str, allow: Allowlist | None = None,
         tokens: list[_Token] | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every name in `text`, in order and apart.

    `tokens` are the text's `tokenise`d words, when the caller has them already.
    """
    lex = lexicon()
    tokens = tokens if tokens is not None else tokenise(text)
    allowed = _allowed(tokens, lex, allow)
    index, last_end = 0, -1
    while index < len(tokens):
        end = _name_at(tokens, index, lex, allowed)
        if end == index and _listed_after_name(text, tokens, index, last_end, lex, allowed):
            end = _rest_of_name(tokens, index + 1, lex, allowed, _Between(tokens))
        if end > index:
            yield tokens[index].start, tokens[end - 1].end
            index = last_end = end
        else:
            index += 1


def _listed_after_name(text, tokens, index, last_end, lex, allowed) -> bool:
    """'Gilberte en Roger', 'Lieve, Staf': a capitalised word joined to a name just found."""
    if last_end < 0 or index in allowed:
        return False
    token = tokens[index]
    if not token.capitalised or token.sentence_start or token.key in lex.words or len(
        token.key
    ) < 2 or _compound(token):
        return False
    gap = text[tokens[last_end - 1].end:token.start]
    if index == last_end:
        return gap.strip() in (",", "&")
    return index == last_end + 1 and tokens[last_end].key in _JOINERS and gap.count(" ") <= 2


def streets(text: str, tokens: list[_Token] | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every known street name followed by a house number."""
    lex = lexicon()
    tokens = tokens if tokens is not None else tokenise(text)
    for last, token in enumerate(tokens):
        # Only a word with a number after it can end a street with its house number.
        if not token.number_after:
            continue
        for first in range(max(0, last - 5), last + 1):
            opening = tokens[first]
            if not opening.capitalised and opening.key not in ("'t", "de", "het"):
                continue
            key = " ".join(t.key for t in tokens[first:last + 1])
            if is_street(lex, key) and _joined(text, tokens[first:last + 1]):
                yield opening.start, token.end
                break


def tokenise(text: str) -> list[_Token]:
    """The words and initials of a text, with where they stand and what follows them."""
    tokens = []
    for match in _TOKEN.finditer(text):
        raw = match.group().rstrip()
        before = text[max(0, match.start() - 3):match.start()]
        start_of_sentence = (match.start() == 0 or bool(_SENTENCE_END.search(before))) and not (
            tokens and tokens[-1].initials and tokens[-1].end >= match.start() - 1
        )
        key = fold(raw.replace(".", "").replace(" ", "")) if match.group("initials") else fold(raw)
        end = match.start() + len(raw)
        tokens.append(_Token(raw, match.start(), end, bool(match.group("initials")), key,
                             start_of_sentence, _NUMBER_AFTER.match(text, end) is not None))
    return tokens


def _joined(text: str, tokens: list[_Token]) -> bool:
    """Whether the tokens stand one space apart, as the words of one name do."""
    return all(
        text[a.end:b.start] == " " for a, b in zip(tokens, tokens[1:], strict=False)
    )


def _allowed(tokens: list[_Token], lex: Lexicon, allow: Allowlist | None) -> dict[int, int]:
    """The indexes of tokens inside a phrase that is not personal data, with its length."""
    allowed: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.initials or index in allowed:
            continue
        previous = tokens[index - 1].key if index else ""
        if previous in _EPONYM_CUES or (
            previous == "van" and index > 1 and tokens[index - 2].key in _EPONYM_CUES
        ):
            # "de ziekte van Parkinson", "methode Jonas": an eponym, not a person.
            allowed[index] = 1
            continue
        if token.key in _ORGANISATION_HEADS and index + 1 < len(tokens) and (
            tokens[index + 1].capitalised
        ):
            after = index + 1
            while after < min(len(tokens), index + 1 + _ORGANISATION_WORDS) and (
                tokens[after].capitalised or tokens[after].key in ("de", "het", "'t", "van")
            ) and tokens[after].start - tokens[after - 1].end == 1:
                after += 1
            while after > index + 1 and not tokens[after - 1].capitalised:
                after -= 1
            if after > index + 1:
                allowed.update(dict.fromkeys(range(index, after), after - index))
                continue
        lengths = sorted({
            *lex.phrase_lengths.get(token.key, ()),
            *(allow.lengths.get(token.key, ()) if allow is not None else ()),
        }, reverse=True)
        for length in lengths:
            key = tuple(t.key for t in tokens[index:index + length])
            if len(key) == length and (
                key in lex.not_personal or (allow is not None and key in allow)
            ):
                allowed.update(dict.fromkeys(range(index, index + length), length))
                break
    return allowed


def _is_first_name(token: _Token, lex: Lexicon) -> bool:
    if not token.capitalised or token.initials:
        return False
    parts = token.key.split("-")
    if len(parts) > 1:
        # "Marie-José" is a name; "Jonas-methode" and "Alzheimer-patiënt" are not.
        return all(p[:1].isupper() for p in token.text.split("-")) and parts[0] in lex.first_names
    return token.key in lex.first_names


def _compound(token: _Token) -> bool:
    """'Jonas-methode', 'SAR-methode': a hyphen before a lowercase word makes a thing."""
    return any(part[:1].islower() and len(part) > 3 for part in token.text.split("-")[1:])


def _is_surname(token: _Token, lex: Lexicon, after_interfix: bool) -> bool:
    """Whether a capitalised word can close a name that has begun."""
    if not token.capitalised or token.initials or len(token.text) < 2 or _compound(token):
        return False
    head = token.key.split("-")[0]
    listed = head in lex.surnames or (after_interfix and head in lex.interfix_surnames)
    return listed or head in lex.first_names or head not in lex.words


def _interfix_at(tokens: list[_Token], index: int, lex: Lexicon) -> int:
    """The number of tokens of an interfix starting at `index` ("van der" is 2), or 0."""
    for interfix in lex.interfixes:
        size = len(interfix)
        if tuple(t.key for t in tokens[index:index + size]) == interfix:
            return size
    return 0


def _name_at(tokens: list[_Token], index: int, lex: Lexicon, allowed: dict[int, int]) -> int:
    """The index after the last token of a name starting at `index`, or `index` if none."""
    if index in allowed:
        return index
    token = tokens[index]
    text_between = _Between(tokens)
    if token.initials:
        end = _surname_after(tokens, index + 1, lex, allowed, text_between)
        return end if end > index + 1 else index
    previous = tokens[index - 1] if index else None
    if previous is not None and not token.sentence_start and (
        previous.key in _DETERMINERS
        or (token.key in _LANGUAGES and previous.key in _LANGUAGE_CUES)
    ):
        return index
    if token.key in lex.ambiguous_places and previous is not None and (
        previous.key in _PLACE_PREPOSITIONS
    ):
        # "woont in Axel", "de weg naar Wessel": the village, not the person.
        return index
    if _is_first_name(token, lex):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.sentence_start and token.key in lex.common and following is not None and (
            following.key in _OBJECTS and text_between(index, index + 1)
        ):
            # "Hang het op een vaste plek": a verb that is also a name starts an instruction.
            return index
        if token.sentence_start and token.key in lex.everyday:
            end = _surname_after(tokens, index + 1, lex, allowed, text_between)
            return end if end > index + 1 else index
        return _rest_of_name(tokens, index + 1, lex, allowed, text_between)
    if (token.capitalised or token.key == "'t") and token.key in CAPITAL_INTERFIXES:
        # "Van Dam belde", "De Vries komt": a capital interfix and a listed surname.
        size = _interfix_at(tokens, index, lex)
        after = index + size
        # A place may be a surname after an interfix ("belde Van Dam"), but not where a
        # sentence starts with a preposition: "Van de Dam naar het station".
        place = after in allowed and (
            (token.sentence_start and token.key == "van") or allowed[after] > 1
        )
        if size and after < len(tokens) and not place and text_between(
            after - 1, after
        ) and tokens[after].capitalised and not _compound(tokens[after]) and (
            tokens[after].key.split("-")[0] in lex.interfix_surnames
        ) and tokens[after].key not in lex.everyday:
            return after + 1
        return index
    possessive = _possessive(token, lex)
    if possessive:
        return index + 1
    if not token.capitalised or token.key in lex.words or _compound(token):
        return index
    if previous is not None and previous.key in RELATIONS and not token.sentence_start and (
        len(token.key) > 1
    ) and text_between.relation(index - 1, index):
        # "zoon Shurendy", "De zoon, Mohammed, komt".
        return _rest_of_name(tokens, index + 1, lex, allowed, text_between)
    if not token.sentence_start and token.key in lex.surnames and "-" not in token.key and (
        token.key not in lex.common or _follows_name_cue(tokens, index)
    ):
        return index + 1
    # "Tesfay Ghebremedhin", "Budi Santoso": two capitalised words no list knows.
    following = index + 1
    if following < len(tokens) and following not in allowed and text_between(index, following) and (
        # Given names are short; "Vrijwilligerscentrale Merwezicht" is an organisation.
        2 < len(token.key) <= _LONGEST_GIVEN_NAME and _unknown(tokens[following], lex)
        and (token.key not in lex.common or token.key in lex.first_names)
        and not tokens[following].sentence_start
    ):
        return following + 1
    return index


def is_place(text: str, allow: Allowlist | None = None) -> bool:
    """Whether a phrase is a place or a thing: "familie in Nederland", "mevrouw in Axel"."""
    key = phrase_key(text)
    lex = lexicon()
    return key in lex.not_personal or (allow is not None and key in allow) or (
        len(key) == 1 and key[0] in lex.ambiguous_places
    )


def _follows_name_cue(tokens: list[_Token], index: int) -> bool:
    return index > 0 and tokens[index - 1].key in _NAME_CUES


def is_street_name(key: str, lex: Lexicon | None = None) -> bool:
    """Whether folded words are a street's name: by its ending or by the street list."""
    return key.endswith(STREET_SUFFIXES) or is_street(lex or lexicon(), key)


def _unknown(token: _Token, lex: Lexicon) -> bool:
    """A capitalised word that is no common word, name or listed thing: maybe a surname."""
    return (
        token.capitalised and len(token.key) > 2 and not _compound(token)
        and token.key.split("-")[0] not in lex.common and token.key not in lex.words
    )


def _possessive(token: _Token, lex: Lexicon) -> bool:
    """'Ahmeds moeder', "Anna's zoon": a first name with a genitive s."""
    if not token.capitalised or len(token.key) < 4:
        return False
    if token.key.endswith(("'s", "'")):
        return token.key.rstrip("s").rstrip("'") in lex.first_names
    # A short name and an s are often a word: "Hui" and "huis".
    return token.key.endswith("s") and len(token.key) > 4 and (
        token.key[:-1] in lex.first_names and token.key not in lex.words
    )


class _Between:
    """What stands between two tokens: one space joins the words of one name."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens

    def __call__(self, left: int, right: int) -> bool:
        return self.tokens[right].start - self.tokens[left].end == 1

    def relation(self, left: int, right: int) -> bool:
        gap = self.tokens[right].start - self.tokens[left].end
        return 1 <= gap <= 2


def _rest_of_name(tokens, index, lex, allowed, between) -> int:
    """Extend a name through more first names, interfixes and a surname."""
    end = index
    limit = min(len(tokens), index + _MAX_NAME_WORDS)
    while end < limit and end not in allowed and between(end - 1, end):
        token = tokens[end]
        if _is_first_name(token, lex):
            end += 1
            continue
        closed = _surname_after(tokens, end, lex, allowed, between)
        return closed if closed > end else end
    return end


def _surname_after(tokens, index, lex, allowed, between) -> int:
    """The end of an (interfix and) surname starting at `index`, or `index` if none."""
    if index >= len(tokens) or index in allowed or not between(index - 1, index):
        return index
    size = _interfix_at(tokens, index, lex)
    # An interfix written with a capital inside a name ("Anke Van der Meer") counts too.
    after = index + size
    # After an interfix a place may be a surname: "van Rijn", "van Gent".
    if after >= len(tokens) or (after in allowed and (not size or allowed[after] > 1)) or (
        size and not between(after - 1, after)
    ):
        return index
    if tokens[after].sentence_start or not _is_surname(tokens[after], lex, bool(size)):
        return index
    # "Dr. Schaepmanstraat 4": a street with its house number, an address and not a name
    # ("Truus Bakker 3 keer" is a name with a count).
    if tokens[after].number_after and is_street_name(tokens[after].key, lex):
        return index
    end = after + 1
    # "van der Meer-de Jong": a double name whose second part stands after the hyphen.
    if tokens[after].text.endswith(("-de", "-van", "-van der", "-ter", "-ten")) and (
        end < len(tokens) and tokens[end].capitalised and between(end - 1, end)
    ):
        end += 1
    return end
