"""Demo case discussions and lessons: the work of the demo pilots, fictional and anonymised.

Loaded by `seed_demo` after the pilots. Lessons go through their real states (submitted,
returned with feedback, published, edited after publication) so every page has something to
show, and the audit trail records each step as the services would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from proeftuin import audit, search
from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    CarerQuestion,
    CaseDiscussion,
    CaseFollowUp,
    CaseStatus,
    Discipline,
    EvidenceBasis,
    Lesson,
    LessonKind,
    LessonLevel,
    LessonReview,
    LessonRevision,
    LessonStatus,
    Pilot,
    RecordType,
    ReviewDecision,
    SolutionDirection,
    TargetGroup,
    User,
)


@dataclass(frozen=True)
class DemoCase:
    """A case discussion of a demo pilot, `days_ago` before seeding."""

    key: str
    pilot: str
    by: str
    days_ago: int
    title: str
    presenter_question: str
    situation: str
    carer_perspective: str
    went_well: str
    group_advice: str
    could_do_better: str
    disciplines: tuple[str, ...]
    questions: tuple[int, ...]
    directions: tuple[int, ...]
    #: (action, owner, due in days from the discussion, done)
    follow_ups: tuple[tuple[str, str, int, bool], ...] = ()
    status: CaseStatus = CaseStatus.final


@dataclass(frozen=True)
class DemoLesson:
    """A lesson of a demo pilot and where it stands."""

    pilot: str
    by: str
    days_ago: int
    title: str
    summary: str
    context: str
    body: str
    advice: str
    kind: LessonKind
    level: LessonLevel
    evidence: EvidenceBasis
    questions: tuple[int, ...]
    directions: tuple[int, ...]
    target_groups: tuple[str, ...]
    sources: tuple[str, ...]
    status: LessonStatus
    #: the facilitator's feedback when returned, or their note when published
    feedback: str = ""
    #: an edit made after publication, still waiting to be submitted: (field, new text)
    pending_edit: tuple[str, str] | None = None


GRONINGEN = "Samen Sterk Thuis Groningen"
EDE = "Palliatief Netwerk Ede"
DORDRECHT = "Digitaal Samen Zorgen Dordrecht"
GENT = "Thuis tot het Einde Gent"
TILBURG = "Respijt op Maat Tilburg"

CASES = (
    DemoCase(
        "gr-dochter", GRONINGEN, "bram", 240,
        "Dochter op afstand, vader met beginnende dementie",
        "Hoe houden we de dochter betrokken als zij twee uur rijden verderop woont?",
        "Meneer B. (82) woont alleen sinds zijn vrouw is overleden. De wijkverpleging komt "
        "twee keer per dag voor medicatie. Zijn dochter belt elke avond en komt om het "
        "weekend. Zij merkt dat hij afspraken vergeet en maakt zich zorgen over de nachten.",
        "De dochter voelt zich schuldig dat ze niet vaker kan komen en hoort pas achteraf "
        "wat er is gebeurd. Ze wil meedenken, maar weet niet bij wie ze terecht kan.",
        "De wijkverpleegkundige had een goed beeld van de situatie thuis en de huisarts kende "
        "de voorgeschiedenis. Iedereen zag dat de dochter veel doet.",
        "Maak één vast aanspreekpunt voor de dochter en plan een gezamenlijk gesprek met "
        "haar, de wijkverpleging en de casemanager dementie.",
        "We hadden de dochter al bij de eerste signalen van vergeetachtigheid moeten vragen "
        "hoe het met háár gaat. Nu kwam dat pas ter sprake toen zij zelf aan de bel trok.",
        ("gp", "district_nurse", "carer_consultant", "practice_nurse"),
        (1, 2), (5, 7),
        (("Gezamenlijk gesprek met de dochter plannen", "Wijkverpleegkundige", 14, True),
         ("Dochter informeren over het inloopuur van de mantelzorgconsulent",
          "Mantelzorgconsulent", 7, True)),
    ),
    DemoCase(
        "gr-partner", GRONINGEN, "hilde", 180,
        "Partner die alles zelf wil doen",
        "Hoe bespreek je overbelasting met iemand die zegt dat het prima gaat?",
        "Mevrouw K. (79) zorgt dag en nacht voor haar man met COPD. Ze slaapt slecht en heeft "
        "zelf een hartaandoening. Hulp van buiten houdt ze af: 'dat hebben we altijd samen "
        "gedaan'.",
        "Zij ziet de zorg als vanzelfsprekend en is bang de regie kwijt te raken als er "
        "anderen over de vloer komen.",
        "De praktijkondersteuner had een vertrouwensband en kon het gesprek openen.",
        "Begin klein: één dagdeel per week een vrijwilliger die met haar man een wandeling "
        "maakt, zodat zij kan ervaren hoe het is om even niet te zorgen.",
        "Signalen van haar eigen gezondheid kwamen bij verschillende disciplines binnen, maar "
        "niemand legde ze naast elkaar. De mantelzorgcheck had dit eerder kunnen vangen.",
        ("gp", "district_nurse", "practice_nurse", "wmo_consultant", "carer_consultant"),
        (2,), (7, 1),
        (("Vrijwilliger voor de wandeling zoeken", "Mantelzorgconsulent", 21, True),
         ("Over zes weken evalueren met mevrouw", "Praktijkondersteuner", 42, False)),
    ),
    DemoCase(
        "gr-respijt", GRONINGEN, "daan", 90,
        "Respijt dat te laat kwam",
        "Waarom duurde het zes weken voordat er respijtzorg was?",
        "Een zoon (58) zorgt naast zijn werk voor zijn moeder (88) die na een val niet meer "
        "alleen de trap op kan. Hij vroeg om logeeropvang voor een week vakantie.",
        "Hij had het gevoel dat hij bij elke instantie opnieuw zijn verhaal moest doen.",
        "Toen het wijkoverleg de casus besprak, was het binnen een week geregeld.",
        "Bespreek respijtvragen altijd in het wijkoverleg; de Wmo-consulent kan dan zonder "
        "nieuwe aanvraag beslissen.",
        "De aanvraag liep via drie loketten. We hadden de vraag direct in het wijkoverleg "
        "moeten leggen in plaats van de gebruikelijke route te volgen.",
        ("wmo_consultant", "social_worker", "district_nurse"),
        (2,), (1, 5),
        (("Afspraak over respijt zonder nieuwe aanvraag vastleggen", "Wmo-consulent", 30,
          False),),
    ),
    DemoCase(
        "gr-concept", GRONINGEN, "bram", 6,
        "Buurvrouw als mantelzorger",
        "Welke steun kunnen we een buurvrouw bieden die geen familie is?",
        "Een buurvrouw doet boodschappen en kookt voor een alleenstaande man van 91. Zij is "
        "zelf ook op leeftijd.",
        "", "", "", "",
        ("district_nurse", "social_worker"),
        (1,), (5,),
        status=CaseStatus.draft,
    ),
    DemoCase(
        "ede-thuis-sterven", EDE, "lotte", 200,
        "Wens om thuis te sterven, familie verdeeld",
        "Hoe ondersteunen we de familie als niet iedereen achter de wens staat?",
        "Een man van 76 met uitgezaaide kanker wil thuis sterven. Zijn vrouw wil dat ook, zijn "
        "kinderen vinden het te zwaar voor haar.",
        "Zijn vrouw is bang dat ze het niet volhoudt, maar wil zijn wens niet breken.",
        "Het gezamenlijke familiegesprek met de huisarts en de geestelijk verzorger gaf rust.",
        "Leg de afspraken over inzet van vrijwilligers voor de nachten vroeg vast.",
        "We begonnen pas over de nachten toen de vrouw al uitgeput was. Dat had een maand "
        "eerder gekund.",
        ("gp", "district_nurse", "spiritual_carer", "volunteer"),
        (1, 3), (2, 10),
        (("Nachtzorg door vrijwilligers inplannen", "Coördinator vrijwilligers", 7, True),),
    ),
    DemoCase(
        "ede-rouw", EDE, "evert", 60,
        "Nazorg na overlijden",
        "Wie houdt contact met de mantelzorger na het overlijden?",
        "Na het overlijden van haar moeder viel een dochter in een gat: alle hulpverleners "
        "waren ineens weg.",
        "Zij miste de mensen die maandenlang over de vloer kwamen.",
        "De wijkverpleegkundige belde spontaan na twee weken.",
        "Maak nazorg een vaste stap: één belmoment na twee weken en één na drie maanden.",
        "Niemand had nazorg als taak. Het hing af van wie er toevallig aan dacht.",
        ("district_nurse", "social_worker", "spiritual_carer"),
        (3,), (3,),
    ),
    DemoCase(
        "dor-app", DORDRECHT, "sem", 120,
        "Gedeelde zorgapp met de familie",
        "Hoe zorgen we dat de familie de zorgapp ook echt gebruikt?",
        "Drie kinderen verdelen de zorg voor hun moeder (85). De thuiszorg werkt met een "
        "app waarin de familie kan meelezen, maar alleen de oudste dochter gebruikt hem.",
        "De andere kinderen vinden de app ingewikkeld en voelen zich buitengesloten.",
        "De verzorgende liet bij een bezoek zien hoe de app werkt; daarna deden twee "
        "kinderen mee.",
        "Bied bij de start een korte uitleg aan huis aan voor iedereen die meeleest.",
        "We gingen ervan uit dat iedereen digitaal vaardig is. Vraag het eerst.",
        ("care_worker", "district_nurse", "informal_carer"),
        (1,), (4, 6),
    ),
    DemoCase(
        "gent-apotheek", GENT, "pieterjan", 300,
        "Medicatie in de laatste weken",
        "Hoe voorkomen we dat de mantelzorger 's avonds zonder medicatie zit?",
        "Een vrouw (70) verzorgt haar man in de laatste levensfase. Op een vrijdagavond was "
        "de pijnmedicatie op en de apotheek gesloten.",
        "Zij voelde zich machteloos en alleen.",
        "De huisartsenwachtpost was snel ter plaatse.",
        "Spreek met de apotheker een vaste voorraad en een avondnummer af zodra iemand "
        "palliatief thuis is.",
        "De apotheker zat niet aan tafel bij het palliatief overleg. Betrek hem vanaf het "
        "begin.",
        ("gp", "pharmacist", "district_nurse", "informal_carer"),
        (2, 3), (8, 10),
    ),
    DemoCase(
        "tilburg-vrijwilliger", TILBURG, "thijs", 150,
        "Vrijwillige oppas die afhaakte",
        "Waarom haakte de vrijwilliger na twee keer af?",
        "Een vrijwilliger zou wekelijks bij een man met Parkinson blijven zodat zijn vrouw "
        "kon sporten. Na twee keer stopte hij.",
        "Zijn vrouw had net weer wat ruimte gevonden en was teleurgesteld.",
        "Het steunpunt vond binnen een week een nieuwe vrijwilliger.",
        "Bereid vrijwilligers beter voor op de ziekte en houd na de eerste keer contact.",
        "De vrijwilliger kreeg geen uitleg over Parkinson en schrok van de situatie.",
        ("social_worker", "volunteer", "carer_consultant"),
        (2,), (3, 6),
    ),
    DemoCase(
        "gr-zorghandelingen", GRONINGEN, "bram", 215,
        "Zoon die de steunkousen niet durfde aan te trekken",
        "Hoe leren we een mantelzorger een zorghandeling zonder dat hij zich overvallen voelt?",
        "Een man van 87 met hartfalen krijgt elke ochtend steunkousen van de thuiszorg. Zijn "
        "zoon woont in en wil het in het weekend zelf doen, zodat zijn vader niet tot tien "
        "uur hoeft te wachten.",
        "De zoon wil graag helpen, maar is bang zijn vader pijn te doen en durft het niet te "
        "zeggen als iets hem niet lukt.",
        "De wijkverpleegkundige deed het twee ochtenden samen met de zoon en liet hem daarna "
        "zelf oefenen terwijl zij meekeek.",
        "Oefen een zorghandeling altijd eerst samen, en spreek een moment af waarop de "
        "mantelzorger kan zeggen dat het nog niet gaat.",
        "We gaven eerst alleen een folder mee. Voordoen en samen oefenen had direct gemoeten.",
        ("district_nurse", "care_worker", "informal_carer"),
        (3,), (8,),
        (("Twee ochtenden samen oefenen met de zoon", "Wijkverpleegkundige", 10, True),),
    ),
    DemoCase(
        "gr-achterdocht", GRONINGEN, "hilde", 125,
        "Moeder die haar dochter van diefstal beschuldigt",
        "Hoe ondersteunen we een dochter als haar moeder met dementie haar wantrouwt?",
        "Een vrouw van 84 met beginnende dementie legt spullen weg en denkt daarna dat haar "
        "dochter ze heeft meegenomen. Het wantrouwen groeit en de ruzies worden heftiger.",
        "De dochter is gekwetst en twijfelt of ze nog wel langs moet gaan. Ze schaamt zich "
        "om het aan de huisarts te vertellen.",
        "De casemanager dementie legde uit waar de achterdocht vandaan komt en gaf de "
        "dochter een paar zinnen om de ruzie te voorkomen.",
        "Bespreek veranderend gedrag vroeg met de mantelzorger en geef concrete woorden in "
        "plaats van algemene uitleg over dementie.",
        "De wijkverpleging had de spanning al weken gezien, maar wachtte tot de dochter er "
        "zelf over begon.",
        ("gp", "district_nurse", "case_manager", "carer_consultant"),
        (1, 3), (9,),
    ),
    DemoCase(
        "ede-overdracht", EDE, "lotte", 338,
        "Nachtelijke opname bij een palliatieve patiënt",
        "Waarom belandde een man die thuis wilde sterven 's nachts toch op de spoedeisende "
        "hulp?",
        "Een man van 81 met longkanker kreeg 's nachts ernstige benauwdheid. Zijn vrouw "
        "belde de huisartsenpost. De dienstdoende arts kende hem niet en kon het zorgplan "
        "niet inzien.",
        "Zijn vrouw had afgesproken dat hij thuis zou blijven, maar durfde dat midden in de "
        "nacht niet tegen een onbekende arts te zeggen.",
        "De eigen huisarts belde de volgende ochtend direct en regelde dat hij weer naar "
        "huis kon.",
        "Stuur bij elke palliatieve patiënt een overdracht naar de huisartsenpost, met de "
        "afspraken over opname en medicatie.",
        "De drie huisartsenpraktijken werkten elk op een eigen manier. Eén vaste werkwijze "
        "voor de overdracht had deze nacht voorkomen.",
        ("gp", "district_nurse", "informal_carer"),
        (1, 3), (2,),
        (("Werkwijze voor de overdracht naar de huisartsenpost opstellen", "Huisarts", 30,
          True),),
    ),
    DemoCase(
        "ede-vrijwilligers", EDE, "evert", 160,
        "Vrijwilliger in de nacht, maar de familie hield de deur dicht",
        "Waarom wilde de familie de vrijwilliger voor de nachtwake niet binnenlaten?",
        "Een vrouw van 90 was in haar laatste levensweek. Haar twee dochters waakten om de "
        "beurt en raakten uitgeput. Er was een vrijwilliger beschikbaar voor de nacht.",
        "De dochters vonden het vreemd om een onbekende bij hun moeder te laten en voelden "
        "zich schuldig als ze zouden gaan slapen.",
        "Na een kennismaking overdag met de coördinator en de vrijwilliger durfden ze het "
        "wel.",
        "Laat vrijwilligers voor de nachtzorg altijd eerst overdag kennismaken met de "
        "familie.",
        "We boden de vrijwilliger pas aan toen de dochters al op waren. Eerder voorstellen, "
        "als optie, had ze rust gegeven.",
        ("district_nurse", "volunteer", "spiritual_carer"),
        (2,), (6,),
    ),
    DemoCase(
        "dor-beeldbellen", DORDRECHT, "sem", 170,
        "Beeldbellen in plaats van een huisbezoek",
        "Kan een eerste gesprek met een nieuwe cliënt en zijn mantelzorger via beeldbellen?",
        "Een man van 79 kwam net uit het ziekenhuis na een heupoperatie. Om tijd te winnen "
        "deed de wijkverpleegkundige het eerste gesprek via beeldbellen met hem en zijn "
        "vrouw.",
        "Zijn vrouw kon tijdens het gesprek niet vertellen hoe moeilijk de trap en de "
        "douche thuis waren; dat zag niemand in beeld.",
        "Beeldbellen werkte goed voor de controles daarna.",
        "Doe het eerste gesprek altijd aan huis en gebruik beeldbellen voor de vervolgcontacten.",
        "We kozen beeldbellen om tijd te besparen, maar misten zo wat er in huis speelde.",
        ("district_nurse", "informal_carer", "physiotherapist"),
        (1,), (4,),
    ),
    DemoCase(
        "gent-nacht", GENT, "pieterjan", 470,
        "Onrust in de nacht, een naaste die niet weet wat te doen",
        "Hoe helpen we een naaste die 's nachts alleen staat bij onrust van haar partner?",
        "Een man van 80 met dementie en een ongeneeslijke ziekte werd 's nachts onrustig en "
        "wilde uit bed. Zijn vrouw belde drie nachten na elkaar de wachtpost.",
        "Zij voelde zich tekortschieten en was bang dat hij zou vallen.",
        "De thuisverpleegkundige maakte samen met haar een plan voor de nacht: wat zij zelf "
        "kan doen, en wanneer zij belt.",
        "Geef naasten een eenvoudig plan voor de nacht en oefen het overdag.",
        "Het gesprek over de nachten kwam pas na het derde telefoontje naar de wachtpost.",
        ("gp", "district_nurse", "informal_carer"),
        (2, 3), (8, 9),
    ),
    DemoCase(
        "gent-regie", GENT, "lieve", 440,
        "Wie heeft de regie: de huisarts of de thuisverpleging?",
        "Hoe voorkomen we dat de naaste tussen huisarts en thuisverpleging heen en weer "
        "belt?",
        "Bij een vrouw van 77 in de palliatieve fase kwamen twee huisartsen van dezelfde "
        "praktijk en drie thuisverpleegkundigen over de vloer. Haar zoon kreeg van elk een "
        "ander advies over de pijnstilling.",
        "De zoon wist niet wie hij moest geloven en voelde zich niet gehoord toen hij "
        "vroeg wie nu beslist.",
        "In het overleg met huisartsen en thuisverpleging werd snel duidelijk waar het "
        "misliep.",
        "Spreek per patiënt af wie de regie heeft en zet dat bovenaan in het zorgplan dat "
        "thuis ligt.",
        "We overlegden wel over de patiënt, maar zonder de zoon. Hij had aan tafel moeten "
        "zitten.",
        ("gp", "district_nurse", "social_worker", "informal_carer"),
        (1,), (1, 2, 3),
    ),
    DemoCase(
        "gent-beeld", GENT, "pieterjan", 395,
        "Kinderen in het buitenland bij het zorgoverleg",
        "Hoe betrekken we kinderen die ver weg wonen bij het overleg over hun vader?",
        "Een man van 83 in de laatste levensfase wordt verzorgd door zijn vrouw. Hun twee "
        "kinderen wonen in het buitenland en hoorden alles via hun moeder.",
        "Zijn vrouw moest alles doorvertellen en voelde zich verantwoordelijk voor de "
        "beslissingen van het hele gezin.",
        "Het overleg via beeldbellen, met de kinderen erbij, nam veel druk weg.",
        "Nodig familie op afstand standaard uit voor het zorgoverleg via beeldbellen.",
        "We hadden eerder moeten vragen wie er nog meebeslist in het gezin.",
        ("gp", "district_nurse", "informal_carer"),
        (1,), (1, 4),
    ),
    DemoCase(
        "tilburg-dagbesteding", TILBURG, "karin", 346,
        "Dagbesteding afgewezen na één keer kijken",
        "Waarom weigerde de mantelzorger de dagbesteding voor haar man?",
        "Een vrouw van 76 zorgt voor haar man met dementie. Na één bezoek aan de "
        "dagbesteding wilde ze er niets meer van weten: 'hij hoort daar niet'.",
        "Zij zag vooral mensen die verder in de ziekte waren en voelde zich schuldig dat ze "
        "haar man weg zou brengen.",
        "De mantelzorgconsulent ging een tweede keer met beiden mee, op een ochtend met "
        "een activiteit die bij hem paste.",
        "Ga de eerste keer samen kijken, kies een activiteit die bij de persoon past en "
        "noem het niet 'opvang'.",
        "We stuurden haar alleen met een folder. Een begeleide eerste kennismaking was "
        "nodig geweest.",
        ("social_worker", "carer_consultant", "wmo_consultant"),
        (2,), (5, 6),
    ),
    DemoCase(
        "tilburg-werkend", TILBURG, "thijs", 240,
        "Werkende dochter die nooit op het inloopuur kon komen",
        "Hoe bereiken we mantelzorgers die overdag werken?",
        "Een dochter van 52 werkt fulltime en zorgt 's avonds en in het weekend voor haar "
        "vader. Het steunpunt had alleen een inloopuur op dinsdagochtend.",
        "Zij had het gevoel dat de ondersteuning er niet voor haar was.",
        "Toen de mantelzorgconsulent een avondafspraak aanbood, kwam ze direct.",
        "Bied ook gesprekken in de avond en via de telefoon aan, en vraag werkgevers om "
        "het aanbod te delen.",
        "Ons aanbod ging ervan uit dat mantelzorgers overdag tijd hebben.",
        ("social_worker", "carer_consultant", "gp"),
        (2,), (3, 5),
    ),
)

LESSONS = (
    DemoLesson(
        GRONINGEN, "hilde", 150,
        "Vraag bij elk huisbezoek hoe het met de mantelzorger gaat",
        "Een korte, vaste vraag aan de mantelzorger bij elk huisbezoek brengt overbelasting "
        "maanden eerder in beeld.",
        "In onze wijk zagen huisarts, wijkverpleging en mantelzorgconsulent elk een stukje "
        "van de belasting van mantelzorgers, maar niemand had het hele beeld.",
        "Overbelasting wordt pas laat zichtbaar als niemand er gericht naar vraagt. Toen alle "
        "disciplines dezelfde vijf vragen gingen stellen, kwamen signalen binnen een week bij "
        "de mantelzorgconsulent terecht.",
        "- Spreek met alle disciplines dezelfde vragen af.\n"
        "- Leg vast waar signalen samenkomen en wie binnen een week contact opneemt.",
        LessonKind.success_factor, LessonLevel.professional, EvidenceBasis.several_cases,
        (2,), (7,), ("informal_carers", "frail_elderly"), ("gr-dochter", "gr-partner"),
        LessonStatus.published, feedback="Helder en goed onderbouwd met twee casussen.",
        pending_edit=("advice",
                      "- Spreek met alle disciplines dezelfde vragen af.\n"
                      "- Leg vast waar signalen samenkomen en wie binnen een week contact "
                      "opneemt.\n- Evalueer elk kwartaal of de vragen nog werken."),
    ),
    DemoLesson(
        GRONINGEN, "daan", 40,
        "Respijt regelen via het wijkoverleg gaat sneller",
        "Als de Wmo-consulent aan het wijkoverleg deelneemt, is respijtzorg binnen een week "
        "geregeld in plaats van na zes weken.",
        "Mantelzorgers moesten hun verhaal bij meerdere loketten doen.",
        "De gewone aanvraagroute voor respijtzorg is te traag voor een mantelzorger die nu "
        "lucht nodig heeft. In het wijkoverleg kan de Wmo-consulent direct beslissen.",
        "Nodig de Wmo-consulent vast uit voor het wijkoverleg en spreek af dat een besproken "
        "casus geen nieuwe aanvraag nodig heeft.",
        LessonKind.precondition, LessonLevel.local_regional, EvidenceBasis.single_case,
        (2,), (1, 5), ("informal_carers",), ("gr-respijt",),
        LessonStatus.submitted,
    ),
    DemoLesson(
        GRONINGEN, "bram", 70,
        "Begin klein bij een partner die hulp afhoudt",
        "Een partner die alle zorg zelf wil doen, accepteert eerder een kleine, concrete vorm "
        "van hulp.",
        "", "Een wekelijkse wandeling met een vrijwilliger opende de deur voor meer hulp.",
        "",
        LessonKind.point_of_attention, LessonLevel.professional, EvidenceBasis.single_case,
        (2,), (7,), ("informal_carers",), ("gr-partner",),
        LessonStatus.returned,
        feedback="Mooie les. Kunt u de context aanvullen en een advies voor andere "
                 "proeftuinen toevoegen? Dan publiceren we hem graag.",
    ),
    DemoLesson(
        EDE, "evert", 100,
        "Maak nazorg voor de mantelzorger een vaste stap",
        "Na een overlijden valt de mantelzorger vaak in een gat; twee vaste belmomenten "
        "helpen.",
        "In het palliatief netwerk hing nazorg af van wie eraan dacht.",
        "Door nazorg als vaste stap in het zorgpad op te nemen, krijgt elke mantelzorger na "
        "twee weken en na drie maanden een telefoontje.",
        "Wijs per casus één persoon aan die de nazorg doet, bij voorkeur degene die het "
        "meest betrokken was.",
        LessonKind.success_factor, LessonLevel.professional, EvidenceBasis.several_cases,
        (3,), (3,), ("palliative", "informal_carers"), ("ede-rouw", "ede-thuis-sterven"),
        LessonStatus.published,
    ),
    DemoLesson(
        EDE, "lotte", 20,
        "Bespreek de nachten op tijd",
        "Begin het gesprek over nachtzorg voordat de mantelzorger uitgeput is.",
        "Een familie wilde thuis sterven mogelijk maken.",
        "Nachtzorg kwam pas ter sprake toen het al te laat was.",
        "Zet nachtzorg op de agenda van het eerste familiegesprek.",
        LessonKind.point_of_attention, LessonLevel.professional, EvidenceBasis.single_case,
        (1, 3), (10,), ("palliative",), ("ede-thuis-sterven",),
        LessonStatus.submitted,
    ),
    DemoLesson(
        DORDRECHT, "yara", 60,
        "Leg een zorgapp uit aan huis",
        "Familie gebruikt een gedeelde zorgapp pas als iemand hem aan huis heeft uitgelegd.",
        "Drie kinderen deelden de zorg voor hun moeder, maar niet de informatie.",
        "Een korte uitleg aan huis door de verzorgende bracht twee van de drie kinderen in de "
        "app.",
        "Vraag bij de start wie digitaal meeleest en bied iedereen een uitleg aan.",
        LessonKind.success_factor, LessonLevel.professional, EvidenceBasis.single_case,
        (1,), (4, 6), ("informal_carers",), ("dor-app",),
        LessonStatus.published,
    ),
    DemoLesson(
        GENT, "lieve", 200,
        "Betrek de apotheker vanaf de start van de palliatieve fase",
        "Een vaste voorraad en een avondnummer van de apotheek voorkomen paniek in het "
        "weekend.",
        "Een mantelzorger stond op vrijdagavond zonder pijnmedicatie.",
        "Als de apotheker vanaf het begin aan het palliatief overleg deelneemt, zijn "
        "voorraad en bereikbaarheid geregeld voordat het misgaat.",
        "Nodig de apotheker uit voor het eerste overleg en leg een avondnummer vast in het "
        "zorgdossier.",
        LessonKind.precondition, LessonLevel.local_regional, EvidenceBasis.single_case,
        (2, 3), (8, 10), ("palliative",), ("gent-apotheek",),
        LessonStatus.published,
    ),
    DemoLesson(
        TILBURG, "karin", 120,
        "Bereid vrijwilligers voor op de ziekte",
        "Vrijwilligers haken af als ze niet weten wat ze aantreffen.",
        "Een vrijwillige oppas stopte na twee keer.",
        "Uitleg over het ziektebeeld en een belmoment na de eerste keer houden vrijwilligers "
        "aan boord.",
        "Geef elke vrijwilliger een korte introductie over de ziekte en bel na de eerste "
        "keer.",
        LessonKind.barrier, LessonLevel.local_regional, EvidenceBasis.single_case,
        (2,), (3, 6), ("chronic_illness", "informal_carers"), ("tilburg-vrijwilliger",),
        LessonStatus.published,
    ),
    # The library's published lessons, spread over pilots, regions, programmes and years.
    DemoLesson(
        GENT, "pieterjan", 465,
        "Geef de naaste een plan voor de nacht",
        "Een eenvoudig plan voor onrust in de nacht, overdag samen geoefend, voorkomt "
        "telefoontjes naar de wachtpost en geeft de naaste houvast.",
        "Naasten van mensen in de laatste levensfase stonden 's nachts alleen bij onrust en "
        "belden dan de wachtpost, omdat ze niet wisten wat ze zelf konden doen.",
        "Met een plan voor de nacht weet de naaste wat hij of zij zelf kan doen, wanneer de "
        "thuisverpleging gebeld wordt en wanneer de huisarts. Het plan oefenen overdag maakt "
        "het verschil: in de nacht denkt niemand helder.\n\nIn de casussen waarin we dit "
        "deden, belden naasten minder vaak de wachtpost.",
        "- Maak het plan samen met de naaste, in eigen woorden.\n"
        "- Hang het op een vaste plek, bijvoorbeeld naast het bed.\n"
        "- Bespreek na elke onrustige nacht wat werkte.",
        LessonKind.success_factor, LessonLevel.professional, EvidenceBasis.several_cases,
        (2, 3), (8, 9), ("palliative", "dementia"), ("gent-nacht", "gent-apotheek"),
        LessonStatus.published,
    ),
    DemoLesson(
        GENT, "lieve", 425,
        "Spreek af wie de regie heeft, en zet het bovenaan in het zorgplan",
        "Als huisartsen en thuisverpleegkundigen per patiënt afspreken wie de regie heeft, "
        "hoeft de naaste niet meer heen en weer te bellen.",
        "In de palliatieve thuiszorg kwamen meerdere huisartsen en thuisverpleegkundigen "
        "over de vloer, elk met een eigen advies.",
        "Onduidelijke regie kost de naaste veel energie. Sinds we per patiënt één "
        "regiehouder afspreken en die bovenaan het zorgplan zetten, weten naasten wie ze "
        "bellen. Na een half jaar vroegen naasten in onze casussen veel minder vaak wie er "
        "nu beslist.",
        "Leg de regie vast bij de start van de palliatieve fase en bespreek het opnieuw als "
        "de situatie verandert.",
        LessonKind.precondition, LessonLevel.local_regional, EvidenceBasis.measured,
        (1,), (2, 3), ("palliative", "frail_elderly"), ("gent-regie",),
        LessonStatus.published,
    ),
    DemoLesson(
        GENT, "lieve", 335,
        "Een zorgoverleg zonder de naaste werkte niet",
        "We probeerden het zorgoverleg eerst alleen met beroepskrachten te houden. Afspraken "
        "bleven dan op papier, omdat de naaste ze niet herkende.",
        "Het overleg tussen huisartsen, thuisverpleging en het palliatief netwerk vond "
        "plaats zonder familie, om het kort te houden.",
        "Afspraken die zonder de naaste gemaakt worden, sluiten niet aan bij wat er thuis "
        "gebeurt. De naaste weet vaak als eerste wat er wel en niet lukt. Sinds de naaste "
        "aanschuift, duurt het overleg iets langer maar hoeven we minder vaak terug te komen "
        "op afspraken.",
        "Nodig de naaste uit voor elk zorgoverleg, ook als dat via de telefoon moet.",
        LessonKind.did_not_work, LessonLevel.professional, EvidenceBasis.single_case,
        (1,), (1, 10), ("palliative", "informal_carers"), ("gent-regie",),
        LessonStatus.published,
    ),
    DemoLesson(
        GENT, "pieterjan", 380,
        "Familie op afstand doet mee via beeldbellen",
        "Kinderen die ver weg wonen, kunnen via beeldbellen aan het zorgoverleg deelnemen; "
        "dat ontlast de partner die thuis zorgt.",
        "Een partner zorgde thuis en moest alles aan de kinderen in het buitenland "
        "doorvertellen.",
        "Met de kinderen via beeldbellen aan tafel werden beslissingen samen genomen. De "
        "partner hoefde niet meer alles alleen te dragen en te herhalen.",
        "Vraag bij de start wie er in de familie meebeslist en plan het overleg op een "
        "tijdstip dat voor iedereen kan.",
        LessonKind.success_factor, LessonLevel.professional, EvidenceBasis.single_case,
        (1,), (1, 4), ("informal_carers", "palliative"), ("gent-beeld",),
        LessonStatus.published,
    ),
    DemoLesson(
        GENT, "lieve", 75,
        "Leg de werkwijze vast voordat de proeftuin stopt",
        "Een korte beschrijving van wie wat doet, met de zakkaart en het plan voor de nacht, "
        "maakte het mogelijk de aanpak over te dragen aan de eerstelijnszone.",
        "Na anderhalf jaar proeftuin wilden huisartsen en thuisverpleging de aanpak "
        "voortzetten, maar zonder de trekkers van de proeftuin.",
        "Wat in een proeftuin werkt, hangt vaak aan een paar mensen. Door de werkwijze vast "
        "te leggen en te laten toetsen door wie het overneemt, bleef de aanpak overeind. Uit "
        "de evaluatie bleek dat de zakkaart en het vaste moment voor de vraag aan de naaste "
        "het meest gebruikt werden.",
        "Begin een half jaar voor het einde met de overdracht, en laat de organisatie die het "
        "overneemt meeschrijven.",
        LessonKind.precondition, LessonLevel.national, EvidenceBasis.evaluated,
        (2, 3), (3,), ("palliative", "informal_carers"), ("gent-regie", "gent-apotheek"),
        LessonStatus.published,
    ),
    DemoLesson(
        EDE, "lotte", 334,
        "Een vaste overdracht naar de huisartsenpost voorkomt onnodige opnames",
        "Sinds de huisartsen van het netwerk bij elke palliatieve patiënt een overdracht "
        "sturen, belandt niemand meer ongewild 's nachts in het ziekenhuis.",
        "Drie huisartsenpraktijken werkten elk op een eigen manier met de huisartsenpost.",
        "Een dienstdoende huisarts die de patiënt niet kent, kiest bij twijfel voor opname. "
        "Met een vaste overdracht, met de afspraken over opname en medicatie, kan de "
        "huisarts op de post de wens van de patiënt volgen. We telden in het halfjaar na de "
        "start geen ongewenste nachtelijke opname meer.",
        "Maak één sjabloon voor alle praktijken en vraag de huisartsenpost mee te kijken of "
        "het bruikbaar is.",
        LessonKind.success_factor, LessonLevel.local_regional, EvidenceBasis.measured,
        (1, 3), (2,), ("palliative", "frail_elderly"), ("ede-overdracht",),
        LessonStatus.published,
    ),
    DemoLesson(
        EDE, "evert", 145,
        "Laat vrijwilligers voor de nacht eerst overdag kennismaken",
        "Familie laat een vrijwilliger voor de nachtwake pas toe als ze elkaar overdag "
        "hebben leren kennen.",
        "Mantelzorgers die om de beurt waakten, raakten uitgeput terwijl er vrijwilligers "
        "beschikbaar waren.",
        "Een onbekende in de nacht voelt voor familie als uit handen geven. Een "
        "kennismaking overdag, met de coördinator erbij, maakt de vrijwilliger een bekende. "
        "Stel de vrijwilliger vroeg voor, als mogelijkheid, niet pas als de familie al op "
        "is.",
        "Noem de nachtwake in het eerste gesprek met de familie en plan de kennismaking "
        "ruim voordat die nodig is.",
        LessonKind.point_of_attention, LessonLevel.professional, EvidenceBasis.several_cases,
        (2,), (6,), ("palliative", "informal_carers"), ("ede-vrijwilligers", "ede-thuis-sterven"),
        LessonStatus.published,
    ),
    DemoLesson(
        EDE, "lotte", 28,
        "Bespreek morele dilemma's voordat het een crisis is",
        "Vragen als 'mag ik stoppen met eten geven?' zijn voor mantelzorgers zwaar. Wie ze "
        "vooraf bespreekt, voorkomt schuldgevoel achteraf.",
        "Mantelzorgers in de laatste levensfase kwamen met vragen waar geen goed of fout "
        "antwoord op is, vaak midden in de nacht.",
        "Huisarts, wijkverpleegkundige en geestelijk verzorger bespreken zulke dilemma's nu "
        "in een rustig moment met de mantelzorger. Die weet dan wat de naaste wilde en wat "
        "de afspraken zijn, en hoeft niet alleen te beslissen.",
        "Plan een gesprek over dilemma's zodra de palliatieve fase begint, en leg de "
        "uitkomst vast in het zorgplan dat thuis ligt.",
        LessonKind.point_of_attention, LessonLevel.professional, EvidenceBasis.several_cases,
        (3,), (10,), ("palliative",), ("ede-thuis-sterven", "ede-overdracht"),
        LessonStatus.published,
    ),
    DemoLesson(
        TILBURG, "karin", 340,
        "Ga de eerste keer samen naar de dagbesteding",
        "Mantelzorgers nemen dagbesteding als respijt eerder aan als iemand de eerste keer "
        "meegaat en een activiteit kiest die bij hun naaste past.",
        "Een mantelzorger wees dagbesteding af na één bezoek op eigen houtje.",
        "De eerste indruk bepaalt of respijt een kans krijgt. Een begeleide kennismaking, "
        "op een dag met een passende activiteit, maakte van 'opvang' iets waar de naaste "
        "zelf naartoe wilde.",
        "Laat de mantelzorgconsulent of de Wmo-consulent de eerste keer meegaan en spreek "
        "van meedoen, niet van opvang.",
        LessonKind.success_factor, LessonLevel.professional, EvidenceBasis.single_case,
        (2,), (5, 6), ("dementia", "informal_carers"), ("tilburg-dagbesteding",),
        LessonStatus.published,
    ),
    DemoLesson(
        TILBURG, "thijs", 215,
        "Werkende mantelzorgers bereik je niet met een inloopuur overdag",
        "Ondersteuning die alleen overdag te vinden is, gaat voorbij aan mantelzorgers met "
        "een baan.",
        "Het mantelzorgsteunpunt had alleen een inloopuur op een doordeweekse ochtend.",
        "Werkende mantelzorgers vragen minder snel om ondersteuning en passen niet in de "
        "openingstijden. Zij kwamen wel zodra er avondafspraken en telefonische gesprekken "
        "waren. Via werkgevers bereikten we mantelzorgers die het steunpunt niet kenden.",
        "Bied ondersteuning ook 's avonds en telefonisch aan, en maak afspraken met grote "
        "werkgevers in de gemeente.",
        LessonKind.barrier, LessonLevel.local_regional, EvidenceBasis.several_cases,
        (2,), (3, 5), ("informal_carers",), ("tilburg-werkend", "tilburg-vrijwilliger"),
        LessonStatus.published,
    ),
    DemoLesson(
        TILBURG, "karin", 80,
        "Zonder vaste tijd van huisartsen houdt respijt op maat geen stand",
        "Ons ene telefoonnummer voor respijt werkte, maar de proeftuin stopte toen de "
        "huisartsenpraktijken geen tijd meer konden vrijmaken.",
        "Respijt op maat draaide op de inzet van huisartsen, het steunpunt en de gemeente.",
        "Mantelzorgers namen respijt vooral aan als de huisarts het voorstelde. Toen "
        "huisartsen door personeelstekort moesten afhaken, viel die schakel weg. Een "
        "proeftuin die op de extra inzet van huisartsen rust, heeft vaste, betaalde tijd "
        "nodig; anders stopt hij bij de eerste tegenslag.",
        "Regel bij de start hoe de tijd van huisartsen en praktijkondersteuners betaald "
        "wordt, en leg vast wie het overneemt als een partner wegvalt.",
        LessonKind.barrier, LessonLevel.national, EvidenceBasis.evaluated,
        (2,), (3,), ("informal_carers", "frail_elderly"),
        ("tilburg-dagbesteding", "tilburg-werkend"),
        LessonStatus.published,
    ),
    DemoLesson(
        GRONINGEN, "bram", 195,
        "Oefen zorghandelingen samen met de mantelzorger",
        "Voordoen en samen oefenen werkt beter dan een folder: de mantelzorger durft het "
        "daarna zelf.",
        "Een mantelzorger wilde steunkousen aantrekken, maar was bang zijn vader pijn te "
        "doen.",
        "Mantelzorgers die een zorghandeling overnemen, hebben meer nodig dan uitleg. Twee "
        "keer samen doen en een afgesproken moment om te zeggen dat het nog niet lukt, gaf "
        "de zoon vertrouwen. De wijkverpleegkundigen in onze wijk doen dit nu bij elke "
        "handeling die een mantelzorger wil leren.",
        "Plan de eerste keren samen in, en vraag na een week hoe het gaat.",
        LessonKind.success_factor, LessonLevel.professional, EvidenceBasis.several_cases,
        (3,), (8,), ("frail_elderly", "informal_carers"), ("gr-zorghandelingen",),
        LessonStatus.published,
    ),
    DemoLesson(
        GRONINGEN, "hilde", 115,
        "Geef de mantelzorger woorden bij achterdocht",
        "Een dochter die door haar moeder met dementie van diefstal beschuldigd werd, had "
        "meer aan een paar concrete zinnen dan aan algemene uitleg.",
        "Achterdocht bij dementie zette de band tussen moeder en dochter onder druk.",
        "Uitleg over dementie helpt mantelzorgers te begrijpen wat er gebeurt, maar niet "
        "wat ze op het moment zelf kunnen zeggen. Met een paar zinnen die de casemanager "
        "aanreikte, liep de ruzie minder vaak hoog op.",
        "Bespreek veranderend gedrag zodra de wijkverpleging of de huisarts spanning "
        "opmerkt, en wacht niet tot de mantelzorger er zelf over begint.",
        LessonKind.point_of_attention, LessonLevel.professional, EvidenceBasis.single_case,
        (1, 3), (9,), ("dementia", "informal_carers"), ("gr-achterdocht",),
        LessonStatus.published,
    ),
    DemoLesson(
        GRONINGEN, "daan", 17,
        "Eén plek voor signalen maakt de mantelzorgcheck pas nuttig",
        "Dezelfde vragen stellen is niet genoeg: pas toen alle signalen bij de "
        "mantelzorgconsulent samenkwamen, kregen overbelaste mantelzorgers binnen een week "
        "ondersteuning.",
        "Huisartsen, wijkverpleegkundigen en de mantelzorgconsulent stelden sinds een half "
        "jaar dezelfde vragen aan mantelzorgers.",
        "In de eerste maanden bleven signalen hangen bij wie ze opving. Nadat we afspraken "
        "dat elk signaal bij de mantelzorgconsulent terechtkomt, werd de tijd tot het "
        "eerste contact gemeten: die daalde van enkele weken naar minder dan een week.",
        "Spreek af waar signalen samenkomen voordat je met de vragen begint, en meet hoe "
        "lang het duurt voordat een mantelzorger ondersteund wordt.",
        LessonKind.precondition, LessonLevel.local_regional, EvidenceBasis.measured,
        (2,), (7, 2), ("informal_carers", "frail_elderly"), ("gr-dochter", "gr-partner"),
        LessonStatus.published,
    ),
    DemoLesson(
        DORDRECHT, "sem", 155,
        "Beeldbellen als eerste kennismaking werkte niet",
        "Het eerste gesprek met een nieuwe cliënt en zijn mantelzorger via beeldbellen miste "
        "wat er in huis speelde.",
        "Na een ziekenhuisopname wilde de wijkverpleging tijd winnen met beeldbellen.",
        "Op een scherm zie je niet hoe de trap, de douche en de slaapkamer erbij staan, en "
        "de mantelzorger vertelt minder als de cliënt meekijkt. Voor vervolgcontacten werkte "
        "beeldbellen wel goed.",
        "Doe het eerste gesprek aan huis en gebruik beeldbellen daarna.",
        LessonKind.did_not_work, LessonLevel.professional, EvidenceBasis.single_case,
        (1,), (4,), ("frail_elderly",), ("dor-beeldbellen",),
        LessonStatus.published,
    ),
    DemoLesson(
        DORDRECHT, "yara", 65,
        "Mantelzorgers ondersteunen bij digitale zorg vraagt een vaste vraagbaak",
        "Een zorgapp en beeldbellen helpen mantelzorgers pas als ze weten bij wie ze terecht "
        "kunnen met vragen over de techniek.",
        "Familie en wijkverpleegkundigen gebruikten een zorgapp en beeldbellen, maar "
        "vragen over de techniek kwamen overal en nergens terecht.",
        "Een vaste vraagbaak in het team, bekend bij alle mantelzorgers, voorkwam dat "
        "mantelzorgers afhaakten. De ondersteuning hoeft niet technisch te zijn: vaak gaat "
        "het om inloggen of meldingen.",
        "Wijs in elk team één vraagbaak aan en noem die naam bij de start aan alle "
        "mantelzorgers.",
        LessonKind.precondition, LessonLevel.local_regional, EvidenceBasis.several_cases,
        (1, 2), (4, 6), ("informal_carers",), ("dor-app", "dor-beeldbellen"),
        LessonStatus.published,
    ),
)


def _by_key(model, column, values) -> dict:
    return {getattr(row, column.key): row
            for row in db.session.scalars(sa.select(model).where(column.in_(set(values))))}


def seed_work(pilots: dict[str, Pilot], users: dict[str, User], now: datetime) -> None:
    """Add the demo case discussions and lessons; the caller commits."""
    disciplines = _by_key(Discipline, Discipline.key, [k for c in CASES for k in c.disciplines])
    questions = _by_key(CarerQuestion, CarerQuestion.number,
                        [n for s in (*CASES, *LESSONS) for n in s.questions])
    directions = _by_key(SolutionDirection, SolutionDirection.number,
                         [n for s in (*CASES, *LESSONS) for n in s.directions])
    groups = _by_key(TargetGroup, TargetGroup.key, [k for s in LESSONS for k in s.target_groups])

    cases = {}
    for spec in CASES:
        at = now - timedelta(days=spec.days_ago)
        author = users[spec.by]
        case = CaseDiscussion(
            pilot=pilots[spec.pilot], held_on=at.date(), title=spec.title, status=spec.status,
            presenter_question=spec.presenter_question, situation=spec.situation,
            carer_perspective=spec.carer_perspective, went_well=spec.went_well,
            group_advice=spec.group_advice, could_do_better=spec.could_do_better,
            created_by=author, updated_by=author, created_at=at, updated_at=at,
        )
        case.disciplines = [disciplines[k] for k in spec.disciplines]
        case.questions = [questions[n] for n in spec.questions]
        case.directions = [directions[n] for n in spec.directions]
        case.follow_ups = [
            CaseFollowUp(action=action, owner=owner, due_on=at.date() + timedelta(days=due),
                         done=done, position=i)
            for i, (action, owner, due, done) in enumerate(spec.follow_ups)
        ]
        db.session.add(case)
        db.session.flush()
        _event(AuditAction.created, author, case, RecordType.case, at)
        cases[spec.key] = case

    for spec in LESSONS:
        _seed_lesson(spec, pilots[spec.pilot], users, cases, questions, directions, groups, now)


def _seed_lesson(spec: DemoLesson, pilot: Pilot, users, cases, questions, directions, groups,
                 now: datetime) -> None:
    at = now - timedelta(days=spec.days_ago)
    author = users[spec.by]
    lesson = Lesson(
        pilot=pilot, title=spec.title, summary=spec.summary, context=spec.context,
        body=spec.body, advice=spec.advice, kind=spec.kind, level=spec.level,
        evidence=spec.evidence, status=LessonStatus.draft, created_by=author,
        updated_by=author, created_at=at, updated_at=at,
    )
    lesson.questions = [questions[n] for n in spec.questions]
    lesson.directions = [directions[n] for n in spec.directions]
    lesson.target_groups = [groups[k] for k in spec.target_groups]
    lesson.source_cases = [cases[key] for key in spec.sources]
    db.session.add(lesson)
    db.session.flush()
    _event(AuditAction.created, author, lesson, RecordType.lesson, at)
    if spec.status is LessonStatus.draft:
        return

    submitted = at + timedelta(days=2)
    # Each step dates the row itself, or the flush would stamp it with today (onupdate).
    lesson.status, lesson.submitted_at = LessonStatus.submitted, submitted
    lesson.updated_at = submitted
    _event(AuditAction.submitted, author, lesson, RecordType.lesson, submitted)
    if spec.status is LessonStatus.submitted:
        return

    reviewer = next(u for u in pilot.programme.facilitators)
    decided = submitted + timedelta(days=3)
    if spec.status is LessonStatus.returned:
        lesson.status, lesson.updated_at = LessonStatus.returned, decided
        lesson.reviews.append(LessonReview(decision=ReviewDecision.returned,
                                           feedback=spec.feedback, reviewer=reviewer,
                                           created_at=decided))
        _event(AuditAction.returned, reviewer, lesson, RecordType.lesson, decided)
        return

    revision = LessonRevision(
        lesson=lesson, number=1, published_at=decided, published_by=reviewer,
        title=lesson.title, summary=lesson.summary, context=lesson.context, body=lesson.body,
        advice=lesson.advice, kind=lesson.kind, level=lesson.level, evidence=lesson.evidence,
        source_case_count=len(lesson.source_cases),
    )
    revision.questions = list(lesson.questions)
    revision.directions = list(lesson.directions)
    revision.target_groups = list(lesson.target_groups)
    db.session.add(revision)
    db.session.flush()
    lesson.status, lesson.updated_at = LessonStatus.published, decided
    lesson.public_revision = revision
    lesson.first_published_at = decided
    search.index_lesson(lesson)
    lesson.reviews.append(LessonReview(decision=ReviewDecision.published, feedback=spec.feedback,
                                       reviewer=reviewer, created_at=decided))
    _event(AuditAction.published, reviewer, lesson, RecordType.lesson, decided)
    if spec.pending_edit:
        field, text = spec.pending_edit
        edited = decided + timedelta(days=30)
        setattr(lesson, field, text)
        lesson.status = LessonStatus.draft
        lesson.updated_at = edited
        _event(AuditAction.changed, author, lesson, RecordType.lesson, edited)
    db.session.flush()


def _event(action: AuditAction, user: User, record, record_type: str, at: datetime) -> None:
    audit.log(action, user, record, record_type, occurred_at=at)
