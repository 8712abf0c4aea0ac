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
        _event(AuditAction.created, author, case, audit.CASE, at)
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
    _event(AuditAction.created, author, lesson, audit.LESSON, at)
    if spec.status is LessonStatus.draft:
        return

    submitted = at + timedelta(days=2)
    lesson.status, lesson.submitted_at = LessonStatus.submitted, submitted
    _event(AuditAction.submitted, author, lesson, audit.LESSON, submitted)
    if spec.status is LessonStatus.submitted:
        return

    reviewer = next(u for u in pilot.programme.facilitators)
    decided = submitted + timedelta(days=3)
    if spec.status is LessonStatus.returned:
        lesson.status = LessonStatus.returned
        lesson.reviews.append(LessonReview(decision=ReviewDecision.returned,
                                           feedback=spec.feedback, reviewer=reviewer,
                                           created_at=decided))
        _event(AuditAction.returned, reviewer, lesson, audit.LESSON, decided)
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
    lesson.status = LessonStatus.published
    lesson.public_revision = revision
    lesson.first_published_at = decided
    search.index_lesson(lesson)
    lesson.reviews.append(LessonReview(decision=ReviewDecision.published, feedback=spec.feedback,
                                       reviewer=reviewer, created_at=decided))
    _event(AuditAction.published, reviewer, lesson, audit.LESSON, decided)
    if spec.pending_edit:
        field, text = spec.pending_edit
        edited = decided + timedelta(days=30)
        setattr(lesson, field, text)
        lesson.status = LessonStatus.draft
        lesson.updated_at = edited
        _event(AuditAction.changed, author, lesson, audit.LESSON, edited)
    db.session.flush()


def _event(action: AuditAction, user: User, record, record_type: str, at: datetime) -> None:
    audit.log(action, user, record, record_type, occurred_at=at)
