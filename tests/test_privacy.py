"""The personal-data guard: measured on the corpus, and checked per kind of personal data."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proeftuin.personal_data import detection, names
from proeftuin.personal_data.detection import (
    Finding,
    Kind,
    fingerprint,
    scan,
    scan_fields,
    unconfirmed,
)
from tests import privacy_measure
from tests.measurements import report
from tests.privacy_corpus import NEGATIVES, POSITIVES, unmark

#: the key a caller derives from the site's secret key
KEY = b"test-fingerprint-key"

#: asserted for every kind, on both corpora (issue 17)
MIN_RECALL = 0.97
MAX_FALSE_ALARM_RATE = 0.03
TODAY = dt.date(2026, 3, 20)

#: what the guard is known to miss in the held-out corpus, and why
KNOWN_MISSES = {
    "heldout": {
        "named_person": {
            # deduce lists "Cor" as a first name that is too often something else
            "Cor",
            # a name typed in lowercase cannot be told from a word
            "gerda",
            # a name no list holds, alone: at the start of a sentence, and after "op"
            "Małgorzata", "Semhar",
            # "Staf" is a word (staff) and not in the first-name list; "Dewulf" alone is unknown
            "Staf Dewulf",
        },
    },
    "existing": {},
}


def _scan(text):
    return [(f.kind.value, f.start, f.end) for f in scan(text, today=TODAY)]


@pytest.fixture(scope="module")
def corpus_results():
    results = {
        "existing": privacy_measure.measure(privacy_measure.existing_samples(), _scan),
        "heldout": privacy_measure.measure(privacy_measure.heldout_samples(), _scan),
    }
    report(*results["existing"].lines("privacy corpus (written with the first scanner)"))
    report(*results["heldout"].lines("privacy corpus (held out, written without the scanner)"))
    # Written after the scanner was finished and never tuned to: printed, not asserted, as
    # the estimate of how the guard does on text nobody has seen (docs/privacy.md).
    unseen = privacy_measure.measure(privacy_measure.unseen_samples(), _scan)
    report(*unseen.lines("privacy corpus (unseen, written after the scanner)"))
    return results


def test_corpora_are_big_enough_and_marked():
    assert len(POSITIVES) >= 220
    assert len(NEGATIVES) >= 220
    assert {kind for kind, _ in POSITIVES} == {k.value for k in Kind}
    assert len(set(NEGATIVES)) == len(NEGATIVES)
    for _kind, snippet in POSITIVES:
        unmark(snippet)
    heldout = privacy_measure.heldout_samples()
    marks = Counter(kind for sample in heldout for kind, _s, _e in sample.marks)
    assert sum(1 for sample in heldout if sample.marks) >= 300
    assert sum(1 for sample in heldout if not sample.marks) >= 200
    assert set(marks) == {k.value for k in Kind}
    assert marks["named_person"] >= 150


@pytest.mark.parametrize("corpus", ["existing", "heldout"])
@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_recall_and_false_alarms_per_kind(corpus_results, corpus, kind):
    result = corpus_results[corpus]
    known = KNOWN_MISSES[corpus].get(kind, set())
    misses = set(result.misses[kind])
    assert misses <= known, f"new misses: {sorted(misses - known)}"
    assert known <= misses, f"found now, take out of KNOWN_MISSES: {sorted(known - misses)}"
    assert result.recall(kind) >= MIN_RECALL
    assert result.false_alarm_rate(kind) <= MAX_FALSE_ALARM_RATE, result.false_alarms[kind]


# --- citizen service numbers and national register numbers ---


@pytest.mark.parametrize("digits", ["123456782", "111222333", "725763863"])
def test_bsn_passing_the_11_check_is_valid(digits):
    assert detection.bsn_is_valid(digits)


@pytest.mark.parametrize("digits", ["123456789", "447712782", "000000000", "12345678", "１２３４５６７８２"])
def test_bsn_failing_the_11_check_or_length_is_invalid(digits):
    assert not detection.bsn_is_valid(digits)


@pytest.mark.parametrize("written", ["123456782", "123 456 782", "1234.56.782", "123-456-782"])
def test_bsn_is_found_with_or_without_separators(written):
    (finding,) = scan(f"Het nummer {written} stond op de brief.")
    assert finding.kind is Kind.bsn
    assert finding.text == written


def test_bsn_inside_a_longer_number_is_not_found():
    assert scan("Referentie 1234567820 en 9123456782.") == []


def test_bsn_cue_wins_over_a_belgian_landline_reading():
    (finding,) = scan("BSN 012345672")
    assert finding.kind is Kind.bsn
    (finding,) = scan("bel 012345672")
    assert finding.kind is Kind.phone


@pytest.mark.parametrize(
    "written", ["41.04.23-620.64", "41042362064", "410423 620 64", "04.01.05-605.44"]
)
def test_national_number_with_mod_97_is_found_before_and_after_2000(written):
    (finding,) = scan(f"Rijksregisternummer {written}.")
    assert finding.kind is Kind.national_number


def test_national_number_check_digits_are_checked():
    assert detection.national_number_is_valid("41042362064")
    assert detection.national_number_is_valid("04010560544")  # born in 2004: the '2' prefix
    assert not detection.national_number_is_valid("41042362065")
    assert not detection.national_number_is_valid("41142362064")  # month 14


# --- phone numbers ---


@pytest.mark.parametrize(
    "written",
    [
        "06-12345678", "0612345678", "06 12 34 56 78", "020-1234567", "(020) 123 45 67",
        "+31 6 12345678", "+31 (0)6 12345678", "0031 6 12345678", "0031 (0)20 1234567",
        "+31201234567", "0470 12 34 56", "0476/12.34.56", "09 123 45 67", "02/345.67.89",
        "+32 470 12 34 56", "+32 (0)9 234 56 78", "0032 477 65 43 21", "+32478123456",
    ],
)
def test_dutch_and_belgian_phone_numbers_are_found(written):
    (finding,) = scan(f"Bereikbaar op {written} na vijf uur.")
    assert finding.kind is Kind.phone
    assert finding.text == written


@pytest.mark.parametrize(
    "text",
    ["Bel 112.", "Gratis: 0800-1234.", "Op 01-03-2026 9 uur.", "Gemeente: 14 020.",
     "Premium 0900 123 45 67 niet bellen.", "Totaal 12345678 minuten."],
)
def test_service_numbers_dates_and_counts_are_not_phone_numbers(text):
    assert [f for f in scan(text, today=TODAY) if f.kind is Kind.phone] == []


def test_a_phone_number_followed_by_a_count_is_still_found():
    (finding,) = scan("Bel 06 12345678 2 keer per dag.")
    assert finding.text == "06 12345678"


# --- e-mail addresses ---


def test_email_address_is_found_whole():
    (finding,) = scan("Mail naar j.de-vries+zorg@example.nl, dan lezen we mee.")
    assert finding.kind is Kind.email
    assert finding.text == "j.de-vries+zorg@example.nl"


def test_at_signs_without_an_address_are_not_found():
    assert scan("Tag @wijkteam in de app, of mail naar info@ de gemeente.") == []


# --- postcodes and addresses ---


@pytest.mark.parametrize(
    "written",
    ["1234 AB 12", "1234AB 12a", "1234 AB, 12", "1234 AB nr. 12", "Kerkstraat 12, 9000 Gent",
     "Lindenlaan 23, 3742 AB", "Grote Markt 1", "Stationsstraat 88 bus 3, 2800 Mechelen"],
)
def test_postcode_with_house_number_and_street_addresses_are_found(written):
    (finding,) = scan(f"Ze woont op {written}.")
    assert finding.kind is Kind.postcode_address
    assert written in finding.text


@pytest.mark.parametrize(
    "text",
    ["Mevrouw woont in 3511.", "In 9000 Gent werkt de thuisverpleging samen.",
     "Ze woont in de Kerkstraat.", "De postcode 1234 AB hoort bij het buurthuis.",
     "In 2019 EU-breed onderzocht.", "De Arbeidsmarkt 2026 is krap."],
)
def test_areas_bare_postcodes_and_streets_without_number_are_not_found(text):
    assert scan(text, today=TODAY) == []


# --- dates of birth ---


@pytest.mark.parametrize(
    "text",
    ["geboren op 3 maart 1941", "geb. 3 mrt. 1941", "geboortedatum 1941-03-03",
     "° 03/03/1941", "DOB 3/3/41", "geboren 12-05-2012", "Mevrouw, 03-03-1941, woont alleen."],
)
def test_full_dates_with_a_birth_cue_or_long_ago_are_dates_of_birth(text):
    (finding,) = scan(text, today=TODAY)
    assert finding.kind is Kind.birth_date


@pytest.mark.parametrize(
    "text",
    ["Overleg op 12-03-2026.", "Opname 3 januari 2025.", "geboren in 1941", "Mevrouw van 87.",
     "Indicatie sinds 1-1-2015.", "Op 03-03-41 was er iets.", "geboren op 31-02-1941",
     "geboren op 1 januari 2030"],
)
def test_recent_dates_years_ages_and_impossible_dates_are_not_dates_of_birth(text):
    assert scan(text, today=TODAY) == []


@pytest.mark.parametrize(("years_back", "is_birth"), [(59, False), (60, True), (61, True)])
def test_a_date_without_a_cue_is_a_date_of_birth_from_sixty_years_back(years_back, is_birth):
    # Sixty years: old enough to be nobody's meeting, young enough for a carer's parent.
    year = TODAY.year - years_back
    found = scan(f"Mevrouw, 03-03-{year}, woont alleen.", today=TODAY)
    assert [finding.kind for finding in found] == ([Kind.birth_date] if is_birth else [])


# --- titles with surnames ---


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mevrouw Jansen belde.", "Mevrouw Jansen"),
        ("Ik sprak dhr. De Vries.", "dhr. De Vries"),
        ("Volgens mevrouw van den Berg gaat het goed.", "mevrouw van den Berg"),
        ("Mw. Van der Meer-de Jong viel.", "Mw. Van der Meer-de Jong"),
        ("De zoon van meneer 't Hart belde.", "meneer 't Hart"),
        ("Het was de heer Smit.", "de heer Smit"),
        ("Dr. Claes stelde de diagnose.", "Dr. Claes"),
        ("Mevrouw J. de Graaf is bekend.", "Mevrouw J. de Graaf"),
        ("Bij mevrouw Öztürk was een tolk.", "mevrouw Öztürk"),
        ("Juffrouw Visser woont alleen.", "Juffrouw Visser"),
    ],
)
def test_a_title_with_a_surname_is_a_named_person(text, name):
    (finding,) = scan(text)
    assert finding.kind is Kind.named_person
    assert finding.text == name


@pytest.mark.parametrize(
    "text",
    ["Mevrouw en haar dochter kwamen.", "De heer des huizes zette koffie.", "Meneer zelf wil.",
     "Mevrouw belt elke dag.", "Mevrouw de casemanager zat voor.", "We noemen haar mevrouw J.",
     "Het ging slecht met meneer. Zijn zoon belde.",
     "Mw. Daarna gingen we verder.", "Mevrouw heeft COPD.", "Dhr. wil niet.",
     "Mevrouw van de thuiszorg kwam.", "Meneer De casemanager belde."],
)
def test_a_title_without_a_surname_is_not_a_named_person(text):
    assert scan(text) == []


# --- names without a title (issue 17) ---


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Jan de Vries belde gisteren over zijn moeder.", ["Jan de Vries"]),
        ("De zoon, Mohammed, komt elke dinsdag.", ["Mohammed"]),
        ("Piet en Truus Bakker kregen respijtzorg.", ["Piet", "Truus Bakker"]),
        ("Haar dochter Fatima el Amrani zorgt voor haar.", ["Fatima el Amrani"]),
        ("Cliënt K. de Groot is opgenomen na een val.", ["K. de Groot"]),
        ("Mama en opa Henk kwamen langs.", ["Henk"]),
        ("Buurvrouw Ayşe Yılmaz brengt eten.", ["Ayşe Yılmaz"]),
        ("Volgens Agnieszka Kowalska gaat het beter.", ["Agnieszka Kowalska"]),
        ("Zijn zoon Shurendy belt elke week.", ["Shurendy"]),
        ("Ahmeds moeder wil geen hulp.", ["Ahmeds"]),
        ("Gisteren sprak J.P. Vermeulen met de huisarts.", ["J.P. Vermeulen"]),
        ("Gisteren belde Van Dam over de sleutel.", ["Van Dam"]),
        ("Het netwerk van Truus Bakker is klein.", ["Truus Bakker"]),
        ("Hans de Wit belt het wijkteam.", ["Hans de Wit"]),
        # A village that is also a first name is a place only after "in", "naar" …
        ("Dries woont in Axel, zijn broer Axel in Lisse.", ["Dries", "Axel"]),
        ("De Vries komt morgen.", ["De Vries"]),
    ],
)
def test_names_without_a_title_are_found(text, names):
    found = [f.text for f in scan(text, today=TODAY) if f.kind is Kind.named_person]
    assert found == names


@pytest.mark.parametrize(
    "text",
    [
        "In Apeldoorn, Leuven en Kanaleneiland werken de wijkteams samen.",
        "Alzheimer Nederland, het Leger des Heils, Zorgbelang en CZ denken mee.",
        "Meneer heeft de ziekte van Parkinson, mevrouw het syndroom van Korsakov.",
        "Op maandag 3 maart en in juni is er overleg met de POH.",
        "We werken met Methode Jonas en Positieve Gezondheid.",
        "De Raad van State en de Tweede Kamer spraken over de Wlz.",
        "Mevrouw spreekt Turks en wat Frans; haar zoon leest het Nederlands voor.",
        "Het Roosje is de naam van de dagbesteding aan de Maas.",
        "De casusbespreking in Overvecht liep goed, zei de wijkverpleegkundige.",
        "- Maak het plan samen.\n- Hang het op een vaste plek, naast het bed.",
        "Zorgcentrum De Linde en Proeftuin Dorhorst werken met Huisartsenpraktijk Wessels.",
    ],
)
def test_places_organisations_diseases_and_methods_are_not_names(text):
    assert scan(text, today=TODAY) == []


def test_a_pilot_s_own_organisations_are_allowed_in_its_texts():
    text = "Noor Haddad Thuiszorg en Tesfay Ghebre Zorg werken samen."
    assert [f.text for f in scan(text, today=TODAY)] == ["Noor Haddad", "Tesfay Ghebre"]
    allow = names.Allowlist.of(["Noor Haddad Thuiszorg", "Tesfay Ghebre Zorg"])
    assert scan(text, today=TODAY, allow=allow) == []


@pytest.mark.parametrize(
    "written",
    ["Kerkweg 4", "Prinsengracht 263-1", "Achter de Kerk 7", "Steenweg op Gierle 44",
     "3511AB12"],
)
def test_streets_with_a_house_number_and_no_postcode_are_addresses(written):
    (finding,) = scan(f"Ze woont op {written} in Giethoorn.", today=TODAY)
    assert finding.kind is Kind.postcode_address
    assert finding.text == written


@pytest.mark.parametrize(
    "written",
    ["+32 470 12 34 56", "0470/12.34.56", "0470 12 34 56", "0470/123.456", "04 70 12 34 56",
     "+32 (0)470 12 34 56", "0032 470 123 456", "+32470123456", "09/233.44.55", "02 123 45 67",
     "06 – 12345678", "(0578) 61 24 35", "+599 9 736 2418", "043 367 21 90"],
)
def test_belgian_numbers_in_every_usual_grouping_and_family_abroad_are_phone_numbers(written):
    # Also Dutch area codes that begin like a Belgian mobile: 040 Eindhoven, 043 Maastricht.
    (finding,) = scan(f"Bereikbaar op {written} na vijf uur.", today=TODAY)
    assert finding.kind is Kind.phone
    assert finding.text == written


@pytest.mark.parametrize(
    ("text", "is_birth"),
    [
        ("Geb. 3 maart '41, woont alleen.", True),
        ("Geboortedatum: 03 03 1941.", True),
        ("Sinds de watersnood van 1 februari 1953 is ze bang.", False),
        ("Meneer vertelt over 5 mei 1945, toen zijn dorp werd bevrijd.", False),
        ("Haar moeder overleed op 5 december 1958.", False),
        ("Cliënt, 15 augustus 1938, weduwnaar.", True),
    ],
)
def test_an_old_date_is_a_birth_unless_it_is_another_event(text, is_birth):
    kinds = [f.kind for f in scan(text, today=TODAY)]
    assert (Kind.birth_date in kinds) is is_birth


@pytest.mark.parametrize("written", ["51 01 30 199 76", "61.02.11/150-39", "510130 199 76"])
def test_national_numbers_written_with_spaces_or_slashes_are_found(written):
    digits = re.sub(r"\D", "", written)
    assert detection.national_number_is_valid(digits)
    (finding,) = scan(f"Rijksregisternummer {written} staat op de kaart.", today=TODAY)
    assert finding.kind is Kind.national_number and finding.text == written


def test_a_belgian_enterprise_number_is_no_phone_number():
    assert scan("Ondernemingsnummer 0412.345.678 staat op de factuur.", today=TODAY) == []


def test_a_street_with_a_title_in_its_name_is_an_address_not_a_name():
    (finding,) = scan("Ze woont op Dr. Schaepmanstraat 4 in Zwolle.", today=TODAY)
    assert finding.kind is Kind.postcode_address and finding.text == "Schaepmanstraat 4"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Het gaat om mevrouw Bakker 2 keer per week.", "mevrouw Bakker"),
        ("Jan de Vries 84 jaar woont alleen.", "Jan de Vries"),
        ("Cliënt K. de Groot 91 jaar is opgenomen.", "K. de Groot"),
        ("'t Hoen belde gisteren.", "'t Hoen"),
    ],
)
def test_a_number_after_a_name_leaves_the_name_whole(text, name):
    assert [f.text for f in scan(text, today=TODAY)] == [name]


@pytest.mark.parametrize("text", ["Ze woont op Brink 5 met haar zoon.",
                                  "Hij woont Achter de Kerk 7 met zijn vrouw."])
def test_a_word_after_a_house_number_that_starts_like_a_unit_is_no_unit(text):
    (finding,) = scan(text, today=TODAY)
    assert finding.kind is Kind.postcode_address


def test_a_village_named_like_a_person_after_a_title_and_in_is_a_place():
    assert scan("De familie in Axel belde.", today=TODAY) == []


def test_an_organisation_that_reads_as_a_person_s_name_is_not_allowed():
    allow = names.Allowlist.of(["Truus Bakker", "Noor Haddad Thuiszorg"])
    assert [f.text for f in scan("Truus Bakker belde.", today=TODAY, allow=allow)] == [
        "Truus Bakker"]
    assert scan("Noor Haddad Thuiszorg belde.", today=TODAY, allow=allow) == []


# --- the API around findings ---


def test_findings_are_sorted_and_explained():
    text = "Mevrouw Jansen (geb. 3-3-1941) is bereikbaar op 06-12345678 of a.jansen@example.nl."
    findings = scan(text, today=TODAY)
    assert [f.kind for f in findings] == [
        Kind.named_person, Kind.birth_date, Kind.phone, Kind.email,
    ]
    for finding in findings:
        assert text[finding.start:finding.end] == finding.text
        assert str(finding.explanation)
        assert str(finding.label)


def test_scan_fields_reports_only_fields_with_findings():
    found = scan_fields({"situation": "Bel 06-12345678.", "advice": "Niets.", "other": None})
    assert list(found) == ["situation"]
    assert found["situation"][0].kind is Kind.phone


def test_fingerprint_is_stable_over_spelling_and_position():
    (a,) = scan("Bel 06-12345678.")
    (b,) = scan("Later: bel 06 12 34 56 78 of niet.")
    (c,) = scan("Bel +31 6 12345678.")
    assert fingerprint(a, key=KEY) == fingerprint(b, key=KEY) == fingerprint(c, key=KEY)
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(a, key=KEY))
    assert "12345678" not in fingerprint(a, key=KEY)
    (d,) = scan("Mevrouw  Jansen")
    (e,) = scan("mevrouw Jansen")
    assert fingerprint(d, key=KEY) == fingerprint(e, key=KEY)
    assert fingerprint(Finding(Kind.email, 0, 3, "a@b"), key=KEY) != fingerprint(
        Finding(Kind.named_person, 0, 3, "a@b"), key=KEY
    )
    assert fingerprint(a, key=b"another key") != fingerprint(a, key=KEY)
    with pytest.raises(ValueError):
        fingerprint(a, key=b"")


def test_unconfirmed_leaves_out_only_what_the_writer_confirmed():
    findings = scan("Mevrouw Zorgvuldigheid belde vanaf 06-12345678.")
    name, phone = findings
    assert unconfirmed(findings, {fingerprint(name, key=KEY)}, key=KEY) == [phone]
    assert unconfirmed(findings, set(), key=KEY) == findings
    assert unconfirmed(findings, [fingerprint(name, key=KEY), fingerprint(phone, key=KEY)], key=KEY) == []


# --- robustness ---


HOSTILE_PIECES = ["a", "a.", "a@", "@a.", "0", "0 ", "1-", "mevrouw ", "Mevrouw van ",
                  "1234 AB ", "Kerkstraat ", "+31 ", "12-", "° ", "x" * 63 + "@",
                  # the name finder: names, initials, interfixes, organisations, articles
                  "Anna ", "K. ", "Van De ", "Stichting Aa ", "'s ", "Anna en ", "Aa Bb ",
                  "zoon Aa, ", "J.P. van der "]
#: an allowlist of long phrases of one repeated word, as a writer could type them
HOSTILE_ALLOW = names.Allowlist.of(["a " * n for n in range(1, 80)] + ["Aa Bb " * 6])


def _scan_work(length: int) -> float:
    """The most CPU seconds this process spends scanning one hostile piece, repeated to
    `length`, with and without an allowlist of long phrases."""
    most = 0.0
    for piece in HOSTILE_PIECES:
        for allow in (None, HOSTILE_ALLOW):
            began = time.process_time()
            assert isinstance(scan(piece * (length // len(piece)), allow=allow), list)
            most = max(most, time.process_time() - began)
    return most


def test_hostile_input_costs_work_in_proportion_to_its_length():
    # Each piece would take quadratic or exponential time in a careless pattern. Ten times the
    # text may cost about ten times the work (thirty allows for noise), never a hundred: the
    # bound is on the growth of the costliest piece, so a busy machine cannot fail it.
    small, large = _scan_work(10_000), _scan_work(100_000)
    assert large <= 30 * max(small, 0.005), (small, large)


_ALPHABET = st.sampled_from(list("0123456789 .-/+()@,°'’aAbBeEmMrRvVdDhHjJ\n\x00é€") + [
    "mevrouw ", "dhr. ", "De ", "van ", "geboren ", "06-", "+31 ", "+32 ", "straat ", "1234 AB ",
    "@example.nl", "maart ", "1941", "(0)", "Anna ", "K. ", "'t ", "Stichting ", "zoon ",
    "İ", "ǅ", "\u200b", "Van ",
])


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(), st.lists(_ALPHABET, max_size=40).map("".join)))
def test_scan_never_raises_and_findings_are_in_bounds_and_apart(text):
    findings = scan(text)
    last_end = 0
    for finding in findings:
        assert last_end <= finding.start < finding.end <= len(text)
        assert text[finding.start:finding.end] == finding.text
        last_end = finding.end
    assert all(isinstance(fingerprint(f, key=KEY), str) for f in findings)
