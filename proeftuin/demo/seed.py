"""Fictional demo data for `make run`: two programmes, pilots in every status, and accounts.

Every person here is invented. E-mail addresses use the reserved `.example` domain and phone
numbers are obvious placeholders. Pilots sit in real municipalities (places, not people);
their organisations are made up. Dates are relative to the day of seeding, so the demo
always looks current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
import sqlalchemy as sa

from proeftuin.auth.passwords import hash_password
from proeftuin.demo import work as demo_work
from proeftuin.demo.assessment import seed_demo_assessment
from proeftuin.demo.calls import seed_demo_calls
from proeftuin.demo.cohort import seed_demo_cohort
from proeftuin.demo.library_use import seed_demo_library_use
from proeftuin.demo.measures import seed_demo_measures
from proeftuin.demo.reuse import seed_demo_reuse
from proeftuin.extensions import db
from proeftuin.following import digests, services
from proeftuin.following.selection import Followed
from proeftuin.models import (
    Agreement,
    CarerQuestion,
    Discipline,
    Frequency,
    MemberRole,
    Membership,
    OrganisationKind,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    PilotScale,
    PilotStatus,
    Programme,
    Region,
    Role,
    SolutionDirection,
    TargetGroup,
    User,
    utcnow,
)
from proeftuin.pilots import lifecycle
from proeftuin.slugs import unique_slug

#: the one password of every demo account (printed by `make run`, so never use it for real)
DEMO_PASSWORD = "proeftuin-demo-2026"  # noqa: S105 - a published demo password

FAKE_PHONE = "0612345678"


class DemoDataError(click.ClickException):
    """The demo data cannot be loaded into this database.

    A ClickException, so that `flask seed-demo` reports it as a plain message.
    """


@dataclass(frozen=True)
class DemoProgramme:
    """A demo programme."""

    key: str
    slug: str
    name: str
    description: str
    #: the facilitator who moves this programme's pilots unless a step says otherwise
    lead: str


@dataclass(frozen=True)
class DemoAccount:
    """A demo account; every one signs in with DEMO_PASSWORD."""

    key: str
    role: Role
    name: str
    email: str
    #: programme keys, for facilitators
    programmes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One status change in a pilot's history, `days_ago` before seeding."""

    status: PilotStatus
    days_ago: int
    reason: str = ""
    #: account key of the facilitator who made the change; the programme's lead by default
    by: str | None = None


@dataclass(frozen=True)
class DemoPilot:
    """A demo pilot, from its application to its current status."""

    name: str
    municipality: str
    region: str
    programme: str
    scale: PilotScale
    theme: str
    ambition: str
    #: the first step is always the application itself
    history: tuple[Step, ...]
    #: planned start relative to the day of seeding (negative: in the past), and length
    start_in_days: int
    duration_days: int
    questions: tuple[int, ...]
    #: (direction number, task, desired outcome)
    directions: tuple[tuple[int, str, str], ...]
    disciplines: tuple[str, ...]
    target_groups: tuple[str, ...]
    organisations: tuple[tuple[str, OrganisationKind], ...]
    agreements: tuple[tuple[str, str], ...] = ()
    #: (account key, role in this pilot); the coordinator is also the contact
    members: tuple[tuple[str, MemberRole], ...] = ()
    #: contact of an application without accounts: (name, e-mail, phone)
    contact: tuple[str, str, str] | None = None
    actions: str = ""
    results: str = ""

    @property
    def status(self) -> PilotStatus:
        return self.history[-1].status


IVM = "ivm"
LTHE = "lthe"

PROGRAMMES = (
    DemoProgramme(
        key=IVM,
        slug="in-voor-mantelzorg-thuis",
        name="In voor mantelzorg – thuis",
        description=(
            "Een landelijk programma waarin lerende praktijken twee jaar lang werken aan "
            "de samenwerking tussen mantelzorgers en beroepskrachten rond ouderen die thuis "
            "wonen.\n\nElke praktijk kiest uit het kader de vragen van de mantelzorger en de "
            "oplossingsrichtingen die bij de eigen situatie passen, probeert dingen uit met "
            "echte casussen en deelt wat werkt met andere gemeenten."
        ),
        lead="marloes",
    ),
    DemoProgramme(
        key=LTHE,
        slug="proeftuinen-leven-tot-het-einde",
        name="Proeftuinen Leven tot het Einde",
        description=(
            "Proeftuinen van één jaar voor mensen die thuis hun laatste levensfase doormaken, "
            "door ouderdom of door een ziekte die niet meer te genezen is, en voor hun "
            "naasten.\n\nHuisarts, wijkverpleegkundige, Wmo-consulent en sociaal werker "
            "bespreken samen casussen en zoeken waar ze eerder of beter hadden kunnen "
            "schakelen, zodat iemand thuis kan leven zoals hij of zij dat wil."
        ),
        lead="jeroen",
    ),
)

A, F, P = Role.admin, Role.facilitator, Role.participant

ACCOUNTS = (
    DemoAccount("wim", A, "Wim Beheerder", "beheer@proeftuin.example"),
    DemoAccount("marloes", F, "Marloes Voorbeeld", "begeleider.mantelzorg@proeftuin.example",
                (IVM,)),
    DemoAccount("jeroen", F, "Jeroen Bedacht", "begeleider.levenseinde@proeftuin.example",
                (LTHE,)),
    DemoAccount("fatima", F, "Fatima Verzonnen", "begeleider@proeftuin.example", (IVM, LTHE)),
    DemoAccount("hilde", P, "Hilde Fictief", "coordinator.groningen@proeftuin.example"),
    DemoAccount("bram", P, "Bram Denkbeeld", "wijkverpleging.groningen@proeftuin.example"),
    DemoAccount("daan", P, "Daan Steekproef", "onderzoeker@proeftuin.example"),
    DemoAccount("evert", P, "Evert Proefhof", "coordinator.ede@proeftuin.example"),
    DemoAccount("lotte", P, "Lotte Schetsma", "huisarts.ede@proeftuin.example"),
    DemoAccount("yara", P, "Yara Verdicht", "coordinator.dordrecht@proeftuin.example"),
    DemoAccount("sem", P, "Sem Bedenker", "sociaalwerk.dordrecht@proeftuin.example"),
    DemoAccount("lieve", P, "Lieve Verzinsel", "coordinator.gent@proeftuin.example"),
    DemoAccount("pieterjan", P, "Pieter-Jan Droomers", "thuisverpleging.gent@proeftuin.example"),
    DemoAccount("mieke", P, "Mieke Ontwerp", "coordinator.venlo@proeftuin.example"),
    DemoAccount("luuk", P, "Luuk Schijnbeeld", "casemanager.venlo@proeftuin.example"),
    DemoAccount("karin", P, "Karin Probeer", "coordinator.tilburg@proeftuin.example"),
    DemoAccount("thijs", P, "Thijs Gissing", "steunpunt.tilburg@proeftuin.example"),
    DemoAccount("sjoerd", P, "Sjoerd Gedachte", "coordinator.leeuwarden@proeftuin.example"),
    DemoAccount("anke", P, "Anke Droombeeld", "inloophuis.leeuwarden@proeftuin.example"),
    # An external assessor of the open round of "In voor mantelzorg"; no pilot of her own.
    DemoAccount("ilse", P, "Ilse Weegschaal", "beoordelaar@proeftuin.example"),
)

S = PilotStatus
K = OrganisationKind
COORDINATOR, MEMBER = MemberRole.coordinator, MemberRole.member

PILOTS = (
    DemoPilot(
        name="Samen Sterk Thuis Groningen",
        municipality="Groningen",
        region="Groningen",
        programme=IVM,
        scale=PilotScale.neighbourhood,
        theme=(
            "Mantelzorgers van thuiswonende ouderen in onze wijk raken overbelast voordat "
            "iemand het merkt. Huisarts, wijkverpleging en mantelzorgconsulent zien elk een "
            "stukje van het verhaal, maar leggen die stukjes zelden naast elkaar."
        ),
        ambition=(
            "Over twee jaar vraagt elke betrokken beroepskracht vanzelf hoe het met de "
            "mantelzorger gaat, en is binnen een week duidelijk wie iets oppakt als het niet "
            "goed gaat."
        ),
        history=(
            Step(S.applied, 330),
            Step(S.selected, 300, "Breed samengestelde groep: huisarts, wijkverpleging, "
                 "Wmo-consulent en mantelzorgondersteuning doen alle vier mee."),
            Step(S.active, 270, "Startbijeenkomst gehouden; de eerste casusbespreking staat "
                 "gepland."),
        ),
        start_in_days=-270,
        duration_days=730,
        questions=(1, 2),
        directions=(
            (5,
             "Mantelzorgers weten vaak niet welke steun er is, of vinden het moeilijk om "
             "erom te vragen.",
             "Mantelzorgers in de wijk kennen de mantelzorgconsulent bij naam en weten het "
             "wekelijkse inloopuur te vinden."),
            (7,
             "Signalen van overbelasting worden per discipline opgemerkt en blijven daar "
             "hangen. We spreken af welke vragen iedereen stelt bij een huisbezoek en waar "
             "de signalen samenkomen.",
             "- Elke mantelzorger in onze casussen is minstens één keer per kwartaal "
             "gevraagd hoe het met hem of haar gaat.\n"
             "- Een signaal ligt binnen een week bij de mantelzorgconsulent."),
            (1,
             "Bij het opstellen van het zorgplan wordt de mantelzorger weinig betrokken.",
             "Bij elk nieuw zorgplan zit de mantelzorger aan tafel en staat zijn of haar "
             "inbreng er zichtbaar in."),
        ),
        disciplines=("gp", "district_nurse", "wmo_consultant", "social_worker",
                     "practice_nurse", "carer_consultant"),
        target_groups=("frail_elderly", "informal_carers"),
        organisations=(
            ("Thuiszorg Noorderzon", K.care),
            ("Huisartsenpraktijk De Linde", K.general_practice),
            ("Welzijn Stad en Ommeland", K.welfare),
            ("Steunpunt Mantelzorg Noorderzon", K.carer_support),
            ("Gemeente Groningen", K.municipality),
        ),
        agreements=(
            ("Wijkverpleegkundige",
             "Stelt bij elk eerste huisbezoek de vijf vragen van de **mantelzorgcheck** en "
             "legt de uitkomst vast."),
            ("Mantelzorgconsulent",
             "Neemt binnen vijf werkdagen contact op met de mantelzorger na een signaal van "
             "overbelasting."),
            ("Huisartsenpraktijk De Linde",
             "De praktijkondersteuner zet mantelzorgers van kwetsbare ouderen op de agenda "
             "van het maandelijkse wijkoverleg."),
            ("Gemeente Groningen",
             "De Wmo-consulent schuift aan bij het wijkoverleg en regelt respijt zonder "
             "nieuwe aanvraag als de casus daar besproken is."),
        ),
        members=(("hilde", COORDINATOR), ("bram", MEMBER), ("daan", MEMBER)),
        actions=(
            "- Elke maand een casusbespreking in het wijkcentrum met huisarts, "
            "wijkverpleging, Wmo-consulent en mantelzorgconsulent.\n"
            "- Een korte mantelzorgcheck van vijf vragen die alle disciplines gebruiken.\n"
            "- Een wekelijks inloopuur voor mantelzorgers in de huisartsenpraktijk."
        ),
        results=(
            "In de eerste negen maanden zijn veertien casussen besproken. In de helft "
            "daarvan bleek de mantelzorger al langer overbelast zonder dat iemand dat had "
            "doorgegeven.\n\nAlle wijkverpleegkundigen van het team gebruiken nu de "
            "mantelzorgcheck."
        ),
    ),
    DemoPilot(
        name="Palliatief Netwerk Ede",
        municipality="Ede",
        region="Gelderland",
        programme=LTHE,
        scale=PilotScale.local,
        theme=(
            "Huisartsen en wijkverpleegkundigen overleggen over patiënten in de palliatieve "
            "fase vooral telefonisch en op het laatste moment. Het sociaal domein komt pas in "
            "beeld als het thuis al niet meer gaat."
        ),
        ambition=(
            "Voor iedere patiënt in de palliatieve fase is er een vast overlegmoment tussen "
            "huisarts en wijkverpleegkundige, en zij weten wanneer ze de sociaal werker of "
            "de Wmo-consulent erbij halen."
        ),
        history=(
            Step(S.applied, 400),
            Step(S.selected, 370, "Duidelijke vraag en drie huisartsenpraktijken die "
                 "toezeggen mee te doen."),
            Step(S.active, 340, by="fatima"),
        ),
        start_in_days=-340,
        duration_days=365,
        questions=(1, 3),
        directions=(
            (2,
             "Huisarts en wijkverpleegkundige hebben geen vast moment om samen naar "
             "palliatieve patiënten te kijken; afstemming gebeurt als er iets misgaat.",
             "Elke twee weken een palliatief overleg van een half uur per "
             "huisartsenpraktijk, met één gedeelde lijst van patiënten."),
            (3,
             "Zorg en welzijn verwijzen elk langs hun eigen route; de sociaal werker hoort "
             "pas laat van iemand in de laatste levensfase.",
             "Een afgesproken route waarmee de wijkverpleegkundige binnen twee werkdagen een "
             "sociaal werker inschakelt."),
            (10,
             "Vragen over doorbehandelen, of over thuis sterven, blijven vaak liggen tot er "
             "een crisis is.",
             "Beroepskrachten voeren het gesprek over wensen en grenzen op tijd, samen met "
             "de naaste, en leggen de uitkomst vast in een gedeeld plan."),
        ),
        # The Wmo-consultant is missing: the facilitators' overview should flag it.
        disciplines=("gp", "district_nurse", "social_worker", "elderly_care_physician",
                     "spiritual_carer", "volunteer"),
        target_groups=("palliative", "chronic_illness", "informal_carers"),
        organisations=(
            ("Huisartsengroep Heidezoom", K.general_practice),
            ("Thuiszorg Heidezoom", K.care),
            ("Welzijn Ede-Zuid", K.welfare),
            ("Stichting Waken en Zorgen", K.volunteers),
        ),
        agreements=(
            ("Huisarts",
             "Plant elke twee weken het palliatief overleg en nodigt de wijkverpleegkundige "
             "uit."),
            ("Wijkverpleegkundige",
             "Houdt de lijst van palliatieve patiënten bij en meldt nieuwe patiënten binnen "
             "een week aan."),
            ("Welzijn Ede-Zuid",
             "Levert een vaste sociaal werker die binnen twee werkdagen op huisbezoek gaat."),
            ("Stichting Waken en Zorgen",
             "Zorgt op verzoek voor een vrijwilliger die 's nachts waakt, zodat de naaste "
             "kan slapen."),
        ),
        members=(("evert", COORDINATOR), ("lotte", MEMBER)),
        actions=(
            "- Om de twee weken een palliatief overleg in drie huisartsenpraktijken.\n"
            "- Gezamenlijke scholing over het gesprek over wensen en grenzen.\n"
            "- Elke zes weken een casusbespreking waar ook sociaal werkers bij zijn."
        ),
        results=(
            "Het palliatief overleg loopt in alle drie de praktijken. In bijna alle "
            "besproken casussen was de sociaal werker betrokken vóór de laatste weken.\n\n"
            "De Wmo-consulent zit nog niet aan tafel; dat is het doel voor de laatste "
            "maanden."
        ),
    ),
    DemoPilot(
        name="Digitaal Samen Zorgen Dordrecht",
        municipality="Dordrecht",
        region="Zuid-Holland",
        programme=IVM,
        scale=PilotScale.local,
        theme=(
            "Mantelzorgers vertellen hetzelfde verhaal steeds opnieuw aan wisselende "
            "beroepskrachten. Afspraken staan in een schrift op de keukentafel dat niet "
            "iedereen leest."
        ),
        ambition=(
            "Mantelzorger en beroepskrachten delen één digitaal overzicht van afspraken en "
            "taken, en de zorg rust niet langer op één persoon."
        ),
        history=(
            Step(S.applied, 250),
            Step(S.selected, 220, "Goed uitgewerkt plan voor digitale hulpmiddelen, met "
                 "aandacht voor mantelzorgers die minder digitaal vaardig zijn.", by="fatima"),
            Step(S.active, 180),
        ),
        start_in_days=-180,
        duration_days=730,
        questions=(1, 2),
        directions=(
            (1,
             "Mantelzorgers voelen zich geen gelijkwaardige partner van de beroepskrachten.",
             "Mantelzorgers zeggen dat ze hun verhaal niet meer steeds opnieuw hoeven te "
             "vertellen."),
            (4,
             "We proberen een eenvoudige gedeelde app uit waarin mantelzorger, "
             "wijkverpleging en huishoudelijke hulp afspraken en bijzonderheden zien. Niet "
             "iedere mantelzorger kan daar zomaar mee overweg.",
             "- Minstens twintig gezinnen gebruiken de app.\n"
             "- Wie dat wil, krijgt thuis uitleg van een vrijwilliger."),
            (6,
             "De zorg rust vaak op één persoon. Buren, kleinkinderen of kennissen willen "
             "best helpen, maar weten niet hoe.",
             "In de helft van de deelnemende gezinnen hebben minstens twee mensen uit het "
             "netwerk een vaste taak, zichtbaar in de app."),
        ),
        # No general practitioner yet.
        disciplines=("district_nurse", "wmo_consultant", "social_worker", "care_worker",
                     "home_help", "volunteer", "informal_carer"),
        target_groups=("frail_elderly", "dementia", "informal_carers"),
        organisations=(
            ("Thuiszorg Drechtstroom", K.care),
            ("Gemeente Dordrecht", K.municipality),
            ("Vrijwilligerscentrale Merwezicht", K.volunteers),
            ("Mantelzorgpunt Merwezicht", K.carer_support),
            ("Hogeschool Zuidwaard, lectoraat zorgtechnologie", K.knowledge),
        ),
        agreements=(
            ("Thuiszorg Drechtstroom",
             "Zet de gedeelde app klaar voor nieuwe gezinnen en leert de eigen medewerkers "
             "ermee werken."),
            ("Vrijwilligerscentrale Merwezicht",
             "Leidt *digimaatjes* op die mantelzorgers thuis op weg helpen met de app."),
            ("Mantelzorgpunt Merwezicht",
             "Voert met elke mantelzorger een netwerkgesprek: wie kan er nog meer helpen?"),
            ("Gemeente Dordrecht",
             "Betaalt de licentie van de app zolang de proeftuin loopt."),
        ),
        members=(("yara", COORDINATOR), ("sem", MEMBER), ("daan", MEMBER)),
        actions=(
            "- Een gedeelde app voor afspraken, met uitleg aan huis door digimaatjes.\n"
            "- Netwerkgesprekken met mantelzorger en naaste.\n"
            "- Elke zes weken een casusbespreking over wat de app wel en niet oplost."
        ),
        results=(
            "Twaalf gezinnen gebruiken de app. De grootste winst zit niet in de techniek "
            "maar in het netwerkgesprek dat eraan voorafgaat: daarin komen buren en familie "
            "in beeld die eerder nooit gevraagd waren.\n\nDe huisarts is nog niet "
            "aangesloten."
        ),
    ),
    DemoPilot(
        name="Thuis tot het Einde Gent",
        municipality="Gent",
        region="Oost-Vlaanderen",
        programme=LTHE,
        scale=PilotScale.local,
        theme=(
            "Mensen in de palliatieve fase willen vaak thuis sterven, maar hun naasten voelen "
            "zich onzeker bij de verzorging en bij onrust in de laatste dagen. Dan volgt een "
            "nachtelijk telefoontje naar de wachtpost, of toch een opname."
        ),
        ambition=(
            "Naasten voelen zich toegerust om thuis te zorgen tot het einde, en weten wie ze "
            "dag en nacht kunnen bellen."
        ),
        history=(
            Step(S.applied, 560),
            Step(S.selected, 530, "Sterke samenwerking tussen thuisverpleging, huisartsen "
                 "en het palliatief netwerk."),
            Step(S.active, 500),
            Step(S.completed, 40, "Slotbijeenkomst gehouden; de aanpak is overgedragen aan "
                 "de eerstelijnszone."),
        ),
        start_in_days=-500,
        duration_days=450,
        questions=(2, 3),
        directions=(
            (7,
             "In de laatste weken gaat alle aandacht naar de patiënt; hoe het met de naaste "
             "gaat, vraagt bijna niemand.",
             "Bij elk huisbezoek in de laatste levensfase wordt ook naar de naaste gevraagd, "
             "en het palliatief netwerk volgt signalen op."),
            (8,
             "Naasten krijgen weinig uitleg over verzorging, zoals mondzorg, wisselligging "
             "of het herkennen van pijn.",
             "Iedere naaste krijgt instructie aan bed van de thuisverpleegkundige, en een "
             "zakkaart met de belangrijkste handelingen."),
            (10,
             "Naasten worstelen met vragen als: mag ik stoppen met eten geven? Wanneer "
             "bellen we de dokter?",
             "Beroepskrachten bespreken zulke vragen vooraf met de naaste, en de afspraken "
             "staan in het zorgplan dat thuis ligt."),
        ),
        # Flanders has no Wmo-consultant; the Flemish pilot works without one.
        disciplines=("gp", "district_nurse", "social_worker", "pharmacist",
                     "spiritual_carer", "volunteer", "informal_carer"),
        target_groups=("palliative", "informal_carers"),
        organisations=(
            ("Thuisverpleging Leiedal", K.care),
            ("Palliatief Netwerk Scheldeland", K.care),
            ("Huisartsenkring Gent-Zuid", K.general_practice),
            ("Vrijwilligerswerking Wakend Huis", K.volunteers),
            ("Stad Gent", K.municipality),
        ),
        agreements=(
            ("Thuisverpleging Leiedal",
             "Geeft elke naaste in de eerste week instructie aan bed."),
            ("Huisartsenkring Gent-Zuid",
             "Zorgt dat de wachtpost het zorgplan van palliatieve patiënten kan inzien."),
            ("Palliatief Netwerk Scheldeland",
             "Volgt de naaste op na een signaal van de thuisverpleging, en ook na het "
             "overlijden."),
            ("Vrijwilligerswerking Wakend Huis",
             "Regelt op vraag een vrijwilliger voor de nachtwake."),
        ),
        members=(("lieve", COORDINATOR), ("pieterjan", MEMBER)),
        actions=(
            "- Instructie aan bed voor naasten, met een zakkaart met de belangrijkste "
            "verzorgingshandelingen.\n"
            "- Een vast moment in elk huisbezoek voor de vraag: en hoe gaat het met u?\n"
            "- Maandelijkse casusbesprekingen met huisartsen, thuisverpleging en het "
            "palliatief netwerk."
        ),
        results=(
            "Tijdens de proeftuin zijn 23 casussen besproken. Naasten die instructie aan bed "
            "kregen, belden 's nachts minder vaak de wachtpost.\n\nDe zakkaart wordt nu door "
            "de hele thuisverpleging in de regio gebruikt, en de eerstelijnszone zet de "
            "casusbesprekingen voort."
        ),
    ),
    DemoPilot(
        name="Dementie en Mantelzorg Venlo",
        municipality="Venlo",
        region="Limburg",
        programme=IVM,
        scale=PilotScale.local,
        theme=(
            "Mantelzorgers van mensen met dementie lopen vast op veranderend gedrag: onrust, "
            "achterdocht, 's nachts opstaan. De adviezen die ze krijgen, werken thuis vaak "
            "niet."
        ),
        ambition=(
            "Mantelzorgers en beroepskrachten leren van elkaar hoe ze met veranderend gedrag "
            "omgaan, zodat de mantelzorger het langer volhoudt."
        ),
        history=(
            Step(S.applied, 60),
            Step(S.selected, 20, "Sterke rol voor de casemanagers dementie; een sociaal "
                 "werker wordt nog gezocht."),
        ),
        start_in_days=25,
        duration_days=730,
        questions=(2, 3),
        directions=(
            (5,
             "Mantelzorgers zeggen dat ze geen moment meer voor zichzelf hebben.",
             "Elke deelnemende mantelzorger heeft een vast moment per week voor zichzelf, "
             "bijvoorbeeld via dagbesteding of een vrijwilliger."),
            (9,
             "Adviezen over omgaan met gedrag komen nu vooral van de casemanager. Wat de "
             "mantelzorger zelf al heeft uitgeprobeerd, wordt weinig gebruikt.",
             "Per casus een gedeeld overzicht van *wat werkt bij deze persoon*, gemaakt door "
             "mantelzorger en casemanager samen."),
        ),
        # No social worker yet: the application says one is still being sought.
        disciplines=("gp", "district_nurse", "wmo_consultant", "case_manager",
                     "elderly_care_physician", "informal_carer"),
        target_groups=("dementia", "informal_carers"),
        organisations=(
            ("Dementienetwerk Maasgouw", K.care),
            ("Huisartsenpraktijk Maaspoort", K.general_practice),
            ("Ontmoetingscentrum De Wissel", K.welfare),
            ("Gemeente Venlo", K.municipality),
        ),
        agreements=(
            ("Casemanager dementie",
             "Maakt samen met de mantelzorger een overzicht van wat helpt bij onrust."),
            ("Gemeente Venlo",
             "De Wmo-consulent kijkt in elke besproken casus naar mogelijkheden voor "
             "respijt."),
        ),
        members=(("mieke", COORDINATOR), ("luuk", MEMBER)),
    ),
    DemoPilot(
        name="Respijt op Maat Tilburg",
        municipality="Tilburg",
        region="Noord-Brabant",
        programme=IVM,
        scale=PilotScale.local,
        theme=(
            "Respijtzorg is er wel, maar mantelzorgers vinden het lastig om aan te vragen en "
            "het aanbod past niet bij hun ritme."
        ),
        ambition="Mantelzorgers regelen respijt met één telefoontje, op tijden die hen passen.",
        history=(
            Step(S.applied, 420),
            Step(S.selected, 390),
            Step(S.active, 350),
            Step(S.stopped, 70,
                 "De deelnemende huisartsenpraktijken konden door personeelstekort geen tijd "
                 "meer vrijmaken, en de coördinerende organisatie trok zich terug. Het "
                 "mantelzorgsteunpunt zet het ene telefoonnummer voort.", by="fatima"),
        ),
        start_in_days=-350,
        duration_days=730,
        questions=(2,),
        directions=(
            (3,
             "Aanbieders van dagbesteding, logeeropvang en vrijwillige oppas werken elk met "
             "een eigen aanmelding.",
             "Eén aanmeldpunt voor alle vormen van respijt in de gemeente."),
            (6,
             "Respijt wordt pas gevraagd als de mantelzorger al op is.",
             "Respijt is binnen een week geregeld, ook als het maar om een paar uur gaat."),
        ),
        # No district nurse at the table.
        disciplines=("gp", "wmo_consultant", "social_worker", "carer_consultant",
                     "volunteer"),
        target_groups=("frail_elderly", "informal_carers"),
        organisations=(
            ("Mantelzorgsteunpunt Tilburg-Noord", K.carer_support),
            ("Gemeente Tilburg", K.municipality),
            ("Dagbesteding De Boomgaard", K.care),
            ("Vrijwillige Oppas Midden-Brabant", K.volunteers),
            ("Huisartsenpraktijk Het Wilgenhof", K.general_practice),
        ),
        agreements=(
            ("Mantelzorgsteunpunt Tilburg-Noord",
             "Is het ene telefoonnummer voor alle vragen over respijt."),
            ("Gemeente Tilburg",
             "Geeft tot acht uur respijt per week vrij zonder nieuwe Wmo-aanvraag."),
            ("Vrijwillige Oppas Midden-Brabant",
             "Regelt oppas binnen een week, ook in het weekend."),
        ),
        members=(("karin", COORDINATOR), ("thijs", MEMBER)),
        actions=(
            "- Eén telefoonnummer voor respijt bij het mantelzorgsteunpunt.\n"
            "- Casusbesprekingen over mantelzorgers die respijt afsloegen."
        ),
        results=(
            "Het telefoonnummer werd vanaf het begin goed gebruikt. Uit de "
            "casusbesprekingen bleek dat mantelzorgers respijt eerder aannemen als de "
            "huisarts het voorstelt dan als zij er zelf om moeten vragen.\n\nDe proeftuin is "
            "voortijdig gestopt; zie de reden in de geschiedenis."
        ),
    ),
    DemoPilot(
        name="Zorgzaam Leeuwarden",
        municipality="Leeuwarden",
        region="Fryslân",
        programme=LTHE,
        scale=PilotScale.neighbourhood,
        theme="Een inloophuis in de wijk waar mantelzorgers en ouderen elkaar ontmoeten.",
        ambition="Een nieuw inloophuis dat vijf dagen per week open is.",
        history=(
            Step(S.applied, 150),
            Step(S.declined, 120,
                 "De aanmelding gaat vooral over het opzetten van een nieuw inloophuis; "
                 "huisartsen en wijkverpleging doen (nog) niet mee. We nodigen de groep uit "
                 "zich opnieuw aan te melden als die partners aansluiten."),
        ),
        start_in_days=-90,
        duration_days=365,
        questions=(2,),
        directions=(
            (6,
             "Ouderen in de wijk zijn eenzaam en hun mantelzorgers staan er alleen voor.",
             "Een plek waar mantelzorgers en ouderen elkaar ontmoeten en hulp van "
             "vrijwilligers vinden."),
        ),
        disciplines=("social_worker", "volunteer", "informal_carer"),
        target_groups=("frail_elderly", "informal_carers"),
        organisations=(
            ("Buurtvereniging De Terp", K.volunteers),
            ("Welzijn Westergo", K.welfare),
        ),
        agreements=(
            ("Buurtvereniging De Terp", "Zoekt vrijwilligers voor de openingsuren."),
        ),
        members=(("sjoerd", COORDINATOR), ("anke", MEMBER)),
    ),
    DemoPilot(
        name="Samen rond het Levenseinde Zwolle",
        municipality="Zwolle",
        region="Overijssel",
        programme=LTHE,
        scale=PilotScale.local,
        theme=(
            "Huisartsen, wijkverpleging en het sociaal team in onze gemeente kennen elkaar "
            "nauwelijks. Bij mensen die ongeneeslijk ziek zijn, komt hulp uit het sociaal "
            "domein vaak te laat."
        ),
        ambition=(
            "Binnen een jaar een vaste casustafel voor de laatste levensfase, waar alle vier "
            "de essentiële disciplines aanschuiven."
        ),
        history=(Step(S.applied, 5),),
        start_in_days=60,
        duration_days=365,
        questions=(1,),
        directions=((2, "", ""), (3, "", "")),
        disciplines=("gp", "district_nurse", "wmo_consultant", "social_worker"),
        target_groups=("palliative", "frail_elderly"),
        organisations=(
            ("Huisartsen Zwolle-Zuid", K.general_practice),
            ("Wijkzorg IJsseldelta", K.care),
            ("Welzijn IJsselland", K.welfare),
            ("Gemeente Zwolle", K.municipality),
        ),
        contact=("Ria Aanvraag", "contact.zwolle@proeftuin.example", FAKE_PHONE),
    ),
    DemoPilot(
        name="Werkende Mantelzorgers Amersfoort",
        municipality="Amersfoort",
        region="Utrecht",
        programme=IVM,
        scale=PilotScale.neighbourhood,
        theme=(
            "Veel mantelzorgers in onze wijk werken en zorgen daarnaast voor een ouder. Ze "
            "zijn overdag niet bereikbaar als de wijkverpleging langskomt en missen zo "
            "belangrijke informatie."
        ),
        ambition=(
            "Werkende mantelzorgers blijven op de hoogte via digitaal contact met de "
            "wijkverpleging, en beroepskrachten letten op tekenen van overbelasting."
        ),
        history=(Step(S.applied, 12),),
        start_in_days=90,
        duration_days=730,
        questions=(1, 2),
        directions=((4, "", ""), (7, "", "")),
        disciplines=("district_nurse", "gp", "carer_consultant"),
        target_groups=("frail_elderly", "informal_carers"),
        organisations=(
            ("Wijkverpleging Eemland Thuis", K.care),
            ("Mantelzorgsteunpunt Eemkwartier", K.carer_support),
        ),
        contact=("Joris Inzending", "contact.amersfoort@proeftuin.example", ""),
    ),
)


def _accounts_by_key() -> dict[str, DemoAccount]:
    return {account.key: account for account in ACCOUNTS}


def _programme_names() -> dict[str, str]:
    return {programme.key: programme.name for programme in PROGRAMMES}


def _refuse_if_present() -> None:
    emails = [account.email for account in ACCOUNTS]
    taken = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(sa.func.lower(User.email).in_(emails))
    )
    programmes = db.session.scalar(
        sa.select(sa.func.count()).select_from(Programme).where(
            sa.or_(Programme.slug.in_([p.slug for p in PROGRAMMES]),
                   Programme.name.in_([p.name for p in PROGRAMMES]))
        )
    )
    if taken or programmes:
        raise DemoDataError(
            "Demo data is already present (demo accounts or programmes exist); "
            "it can only be loaded once, into an empty database."
        )


def _lookup(model, column, values) -> dict:
    rows = db.session.scalars(sa.select(model).where(column.in_(values)))
    found = {getattr(row, column.key): row for row in rows}
    missing = set(values) - set(found)
    if missing:
        raise DemoDataError(f"Reference data missing ({model.__name__}: {sorted(missing)}); "
                            "run `flask --app wsgi db upgrade` first.")
    return found


def seed_demo() -> None:
    """Add the demo programmes, accounts and pilots; the caller commits."""
    _refuse_if_present()
    now = utcnow()

    def ago(days: int) -> datetime:
        return now - timedelta(days=days)

    regions = _lookup(Region, Region.name, {p.region for p in PILOTS})
    questions = _lookup(CarerQuestion, CarerQuestion.number,
                        {n for p in PILOTS for n in p.questions})
    directions = _lookup(SolutionDirection, SolutionDirection.number,
                         {d[0] for p in PILOTS for d in p.directions})
    disciplines = _lookup(Discipline, Discipline.key, {k for p in PILOTS for k in p.disciplines})
    target_groups = _lookup(TargetGroup, TargetGroup.key,
                            {k for p in PILOTS for k in p.target_groups})

    programmes = {}
    for spec in PROGRAMMES:
        programme = Programme(slug=spec.slug, name=spec.name, description=spec.description,
                              created_at=ago(720))
        db.session.add(programme)
        programmes[spec.key] = programme

    # Argon2 is deliberately slow: hash the shared password once.
    password_hash = hash_password(DEMO_PASSWORD)
    users = {}
    for spec in ACCOUNTS:
        user = User(email=spec.email, name=spec.name, password_hash=password_hash,
                    role=spec.role, created_at=ago(700))
        for key in spec.programmes:
            programmes[key].facilitators.append(user)
        db.session.add(user)
        users[spec.key] = user
    db.session.flush()

    by_programme = {spec.key: users[spec.lead] for spec in PROGRAMMES}
    accounts = _accounts_by_key()
    pilots = {}
    for spec in PILOTS:
        applied = spec.history[0]
        if applied.status is not PilotStatus.applied:
            raise DemoDataError(f"{spec.name}: history must start with the application")
        if spec.members:
            coordinator = accounts[next(k for k, r in spec.members if r is COORDINATOR)]
            contact = (coordinator.name, coordinator.email, FAKE_PHONE)
        else:
            contact = spec.contact
        start = now.date() + timedelta(days=spec.start_in_days)
        pilot = Pilot(
            slug=unique_slug(Pilot, spec.name),
            name=spec.name,
            municipality=spec.municipality,
            region=regions[spec.region],
            programme=programmes[spec.programme],
            scale=spec.scale,
            status=PilotStatus.applied,
            theme=spec.theme,
            ambition=spec.ambition,
            planned_start=start,
            planned_end=start + timedelta(days=spec.duration_days),
            contact_name=contact[0],
            contact_email=contact[1],
            contact_phone=contact[2],
            created_at=ago(applied.days_ago),
        )
        pilot.questions = [questions[n] for n in spec.questions]
        pilot.directions = [
            PilotDirection(direction=directions[n], direction_number=n, task=task,
                           desired_outcome=outcome)
            for n, task, outcome in spec.directions
        ]
        pilot.disciplines = [disciplines[k] for k in spec.disciplines]
        pilot.target_groups = [target_groups[k] for k in spec.target_groups]
        pilot.organisations = [
            PilotOrganisation(name=name, kind=kind, position=i)
            for i, (name, kind) in enumerate(spec.organisations)
        ]
        db.session.add(pilot)
        lifecycle.record_application(pilot).created_at = ago(applied.days_ago)
        db.session.flush()

        # Walk the real lifecycle, so the history holds only allowed steps; then date them.
        for step in spec.history[1:]:
            by = users[step.by] if step.by else by_programme[spec.programme]
            change = lifecycle.move_pilot(pilot, step.status, by=by, reason=step.reason)
            change.created_at = ago(step.days_ago)

        joined = ago(spec.history[1].days_ago) if len(spec.history) > 1 else now
        for key, role in spec.members:
            db.session.add(Membership(pilot=pilot, user=users[key], role=role,
                                      created_at=joined))
        pilot.agreements = [
            Agreement(party=party, commitment=commitment, position=i, updated_at=joined)
            for i, (party, commitment) in enumerate(spec.agreements)
        ]
        pilot.actions = spec.actions
        pilot.results = spec.results
        pilot.updated_at = ago(spec.history[-1].days_ago)
        db.session.flush()
        pilots[spec.name] = pilot

    calls = seed_demo_calls(programmes, list(pilots.values()), now)
    seed_demo_assessment(calls, users, now)
    seed_demo_cohort(calls, now)
    demo_work.seed_work(pilots, users, now)
    seed_demo_reuse(now)
    seed_demo_measures(now)
    seed_demo_library_use(now)
    _seed_notifications(pilots.values(), users)
    _seed_subscription()


def _seed_notifications(pilots, users: dict[str, User]) -> None:
    """A few notifications, with their mail in the development mailbox: the first account
    hears that someone joined its pilot, a facilitator of a waiting application."""
    from proeftuin.messaging.compose import site_path
    from proeftuin.notifications import notify

    groningen = next(p for p in pilots if "groningen" in p.slug)
    notify([users["hilde"]], "member_joined", site_path("workspace.members", slug=groningen.slug),
           name=users["bram"].name, pilot=groningen.name)
    applied = next(p for p in pilots if p.status is PilotStatus.applied)
    notify(applied.programme.facilitators, "application_received",
           site_path("dashboard.pilot", slug=applied.slug),
           pilot=applied.name, programme=applied.programme.name)


#: a policy officer of a municipality without an account follows a direction by e-mail
FOLLOWER = "beleid@gemeente-voorbeeld.example"
FOLLOWED_DIRECTION = 3


def _seed_subscription() -> None:
    """One confirmed subscription without an account, and its first digest in the mailbox:
    it was confirmed before the demo's lessons were published, so they are all new to it."""
    subscription = services.follow(Followed({"richting": str(FOLLOWED_DIRECTION)}), FOLLOWER,
                                   Frequency.weekly, "nl")
    services.confirm(subscription, Frequency.weekly)
    subscription.covered_until = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.flush()
    digests.send_digests(utcnow(), Frequency.weekly)


#: the account a newcomer signs in with first: the demo's fullest workspace
FIRST_ACCOUNT = "coordinator.groningen@proeftuin.example"


def accounts_text() -> str:
    """Return a plain-text table of the demo accounts, for `make run` to print."""
    programme_names = _programme_names()
    places: dict[str, list[str]] = {}
    for spec in PILOTS:
        for key, role in spec.members:
            places.setdefault(key, []).append(f"{spec.name} ({role.value})")
    places.setdefault("ilse", []).append("assessor of Ronde 2026 (In voor mantelzorg – thuis)")
    rows = [("Role", "Name", "E-mail", "Password", "Pilot (role) / programme")]
    for account in ACCOUNTS:
        if account.role is Role.participant:
            where = "; ".join(places.get(account.key, []))
        else:
            where = "; ".join(programme_names[key] for key in account.programmes)
        rows.append((account.role.value, account.name, account.email, DEMO_PASSWORD,
                     where or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if n == 0:
            lines.append("  ".join("-" * len(cell) for cell in [*cells, row[-1]]))
    return ("Demo accounts (fictional; the same password for all):\n\n" + "\n".join(lines)
            + f"\n\nTry first: {FIRST_ACCOUNT}, a coordinator whose workspace holds case"
            " discussions, lessons, measures and experiments.")
