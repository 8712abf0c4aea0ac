"""Dutch sentences about care at home, put together at random for synthetic data.

The vocabulary is the field's own (mantelzorger, wijkverpleegkundige, respijtzorg …), so
searches in a benchmark meet the stemming, ranking and facet counts real text would give:
a few words are common to most lessons, many are rare. Every sentence is invented; no person,
organisation or place in it is real.
"""

from __future__ import annotations

import random

SUBJECTS = (
    "De mantelzorger", "De wijkverpleegkundige", "De huisarts", "De praktijkondersteuner",
    "De casemanager dementie", "De consulent van de gemeente", "De sociaal werker",
    "De vrijwilliger", "Het wijkteam", "De specialist ouderengeneeskunde", "De fysiotherapeut",
    "De mantelzorgconsulent", "De dochter", "De buurvrouw", "De zorgverzekeraar",
    "De apotheker", "De ergotherapeut", "Het team thuiszorg", "De respijtcoördinator",
    "De welzijnsorganisatie",
)
VERBS = (
    "bespreekt", "signaleert", "organiseert", "regelt", "verbetert", "ondersteunt",
    "coördineert", "plant", "evalueert", "deelt", "bewaakt", "versterkt", "onderzoekt",
    "verlicht", "maakt bespreekbaar", "neemt mee in", "legt vast", "stemt af",
)
OBJECTS = (
    "de overbelasting van de mantelzorger", "een gezamenlijk zorgplan", "de respijtzorg",
    "het keukentafelgesprek", "de dagbesteding", "de logeeropvang", "de eigen regie",
    "de samenwerking in de wijk", "de vroegsignalering", "een vast aanspreekpunt",
    "de nachtelijke onrust", "de medicatieveiligheid", "het netwerk rond de cliënt",
    "de wachtlijst voor opname", "de ondersteuningsvraag", "de belasting thuis",
    "het levenseinde", "de mantelzorgwaardering", "de inzet van vrijwilligers",
    "de indicatie voor wijkverpleging", "het multidisciplinair overleg", "de valpreventie",
    "de eenzaamheid", "de dementie", "de zorg op afstand", "de informatievoorziening",
    "een crisisplan", "de thuisbegeleiding", "de huishoudelijke hulp", "de woningaanpassing",
)
ADVERBIALS = (
    "bij het eerste huisbezoek", "in het wekelijkse overleg", "samen met de familie",
    "zonder dubbel werk", "na een opname in het ziekenhuis", "voordat het misgaat",
    "in de avonduren", "binnen twee weken", "met korte lijnen", "in overleg met de cliënt",
    "op de vaste spreekuren", "via de gemeente", "met steun van de wijkverpleging",
    "in een rustige week", "tijdens de casusbespreking", "met een vast contactmoment",
)
REASONS = (
    "omdat de mantelzorger anders te laat hulp vraagt",
    "zodat niemand langs elkaar heen werkt",
    "want de zorgvraag verandert snel",
    "omdat de huisarts het overzicht mist",
    "zodat de cliënt langer thuis kan wonen",
    "want wachtlijsten lopen op",
    "omdat vrijwilligers laagdrempelig contact hebben",
    "zodat de belasting eerlijk verdeeld wordt",
)
TITLE_OPENINGS = (
    "Vaste contactpersoon voor", "Eerder praten over", "Samen beslissen over",
    "Ruimte voor", "Kleine stappen naar", "Een plan voor", "Betere afstemming rond",
    "Niet wachten met", "Oog voor", "Vrijwilligers en",
)
TITLE_TOPICS = (
    "respijtzorg", "dementie thuis", "de mantelzorger", "het keukentafelgesprek",
    "overbelasting", "dagbesteding", "medicatie", "de wijkverpleging", "logeeropvang",
    "eenzaamheid", "het levenseinde", "jonge mantelzorgers", "werkende mantelzorgers",
    "de huisartsenpraktijk", "valpreventie", "de nacht", "zorg op afstand",
    "het netwerk", "crisissituaties", "informatie delen",
)
CASE_TITLES = (
    "Casus zorg in de nacht", "Casus overbelaste partner", "Casus na ontslag uit ziekenhuis",
    "Casus werkende dochter", "Casus dementie en wachtlijst", "Casus eenzame mantelzorger",
    "Casus mantelzorg op afstand", "Casus weigert hulp", "Casus crisis in het weekend",
    "Casus jonge mantelzorger",
)
FOLLOW_UP_OWNERS = ("de wijkverpleegkundige", "de huisarts", "de casemanager",
                    "de mantelzorgconsulent", "de sociaal werker")
PLACE_HEADS = ("Noord", "Zuid", "Oost", "West", "Oud", "Nieuw", "Groot", "Klein", "Hoog",
               "Laag", "Ter", "Sint")
PLACE_ROOTS = ("lin", "maar", "wold", "hem", "dor", "bre", "vel", "sten", "kor", "mer",
               "ros", "tal", "wer", "zan", "bol", "gra", "hes", "lom", "nij", "pel")
PLACE_TAILS = ("dam", "veld", "hoven", "dijk", "broek", "horst", "wijk", "stad", "berg",
               "lo", "drecht", "mond")


#: distinct sentences a writer draws from: putting each sentence together anew made writing
#: 300,000 case discussions take minutes, and a pool this large reads just as varied
POOL_SIZE = 20_000


class Writer:
    """Makes Dutch text from a seeded random generator, so a data set can be rebuilt alike."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pool = [self._compose() for _ in range(POOL_SIZE)]

    def _compose(self) -> str:
        choice = self.rng.choice
        parts = [choice(SUBJECTS), choice(VERBS), choice(OBJECTS), choice(ADVERBIALS)]
        if self.rng.random() < 0.4:
            parts.append(choice(REASONS))
        return " ".join(parts) + "."

    def sentence(self) -> str:
        return self.rng.choice(self.pool)

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.rng.choices(self.pool, k=sentences))

    def question(self) -> str:
        choice = self.rng.choice
        return f"Hoe {choice(VERBS).split()[0]} {choice(SUBJECTS).lower()} {choice(OBJECTS)}?"

    def lesson_title(self) -> str:
        return f"{self.rng.choice(TITLE_OPENINGS)} {self.rng.choice(TITLE_TOPICS)}"

    def case_title(self, number: int) -> str:
        return f"{self.rng.choice(CASE_TITLES)} {number}"

    def place(self) -> str:
        """An invented municipality name such as "Oud Linveld"."""
        choice = self.rng.choice
        name = (choice(PLACE_ROOTS) + choice(PLACE_TAILS)).capitalize()
        return f"{choice(PLACE_HEADS)} {name}" if self.rng.random() < 0.4 else name

    def owner(self) -> str:
        return self.rng.choice(FOLLOW_UP_OWNERS)
