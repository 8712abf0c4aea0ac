"""Plan-do-study-act experiments: logging them, who may, and lessons that cite them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.lessons import services as lesson_services
from proeftuin.measures import services
from proeftuin.models import (
    ActDecision,
    AuditAction,
    AuditEvent,
    Experiment,
    Lesson,
    LessonStatus,
    PilotStatus,
    PrivacyConfirmation,
    RecordType,
    TargetGroup,
)
from proeftuin.personal_data import guard
from proeftuin.personal_data.detection import fingerprint, scan
from tests.test_measures import add_experiment, add_measure, html_of, last_months, world


def experiment_form(**overrides) -> dict:
    data = {
        "title": "Mantelzorgcheck bij elk eerste huisbezoek",
        "started_on": "2026-03-02",
        "ended_on": "",
        "plan": "We stellen vijf vragen. **Verwachting:** meer steunplannen.",
        "do": "",
        "study": "",
        "act_decision": "",
        "act": "",
        "measures": [],
        "directions": [],
    }
    data.update(overrides)
    return data


def lesson_form(**overrides) -> dict:
    group = db.session.scalar(sa.select(TargetGroup).where(TargetGroup.key == "dementia"))
    data = {
        "title": "Een vaste vraag aan de mantelzorger",
        "summary": "Eén vaste vraag brengt overbelasting eerder in beeld.",
        "context": "", "body": "Vraag het bij elk huisbezoek.", "advice": "",
        "kind": "success_factor", "level": "professional", "evidence": "measured",
        "questions": ["1"], "directions": ["1"], "target_groups": [str(group.id)],
        "source_cases": [], "experiments": [],
    }
    data.update(overrides)
    return data


def is_checked(html: str, name: str, value) -> bool | None:
    """Whether the box `name` with this value is ticked; None when the page has no such box."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return re.search(r"\schecked[\s>]", tag) is not None
    return None


def the_experiment() -> Experiment:
    db.session.expire_all()
    return db.session.scalars(sa.select(Experiment)).one()


# Logging an experiment -------------------------------------------------------------------------


def test_member_logs_an_experiment_linked_to_own_measures_and_directions(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/experimenten/nieuw", data=experiment_form(
        measures=[str(measure.id)], directions=["2"]))
    experiment = the_experiment()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/experimenten/{experiment.id}")
    assert experiment.title == "Mantelzorgcheck bij elk eerste huisbezoek"
    assert experiment.started_on == date(2026, 3, 2)
    assert experiment.act_decision is None and experiment.is_running(date(2026, 3, 3))
    assert [m.id for m in experiment.measures] == [measure.id]
    assert [d.number for d in experiment.directions] == [2]
    assert experiment.created_by_id == w.member.id
    events = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.record_type == RecordType.experiment)).all()
    assert [e.value for e in events] == ["created"]

    page = html_of(client.get(response.headers["Location"]))
    assert "<strong>Verwachting:</strong>" in page
    assert "Nog geen besluit: het experiment loopt" in page
    assert "Mantelzorgers met een steunplan" in page


def test_the_new_experiment_form_offers_only_the_pilots_measures_and_directions(
        client, make, login):
    w = world(make)
    own = add_measure(w.pilot, name="Eigen meting")
    add_measure(w.other_pilot, name="Meting elders")
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/experimenten/nieuw?meting={own.id}"))
    assert "Eigen meting" in html and "Meting elders" not in html
    assert is_checked(html, "directions", 1) is False
    assert is_checked(html, "directions", 3) is None  # not one of the pilot's directions
    assert is_checked(html, "measures", own.id) is True


@pytest.mark.parametrize(("overrides", "message"), [
    ({"title": ""}, "Geef het experiment een titel."),
    ({"plan": "  "}, "Beschrijf wat u gaat proberen en wat u verwacht."),
    ({"started_on": ""}, "Vul de startdatum in."),
    ({"started_on": "2026-02-31"}, "Vul een geldige datum in, bijvoorbeeld 2026-03-10."),
    ({"ended_on": "2026-03-01"}, "De einddatum ligt vóór de startdatum."),
    ({"act_decision": "adopt"}, "Licht het besluit toe"),
    ({"act_decision": "forever"}, "Kies overnemen, aanpassen of stoppen"),
    ({"directions": ["3"]}, "Kies alleen oplossingsrichtingen van deze proeftuin."),
])
def test_an_incomplete_experiment_is_refused_and_the_input_kept(client, make, login,
                                                                overrides, message):
    w = world(make)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/experimenten/nieuw",
                           data=experiment_form(study="Wat we zagen", **overrides))
    html = html_of(response)
    assert response.status_code == 200
    assert message in html
    assert "Wat we zagen</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Experiment)) == 0


def test_a_measure_of_another_pilot_cannot_be_linked(client, make, login):
    w = world(make)
    elsewhere = add_measure(w.other_pilot)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/experimenten/nieuw",
                           data=experiment_form(measures=[str(elsewhere.id)]))
    assert response.status_code == 200
    assert "Kies alleen metingen van deze proeftuin." in html_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Experiment)) == 0


def test_the_service_refuses_a_measure_of_another_pilot(make):
    w = world(make)
    elsewhere = add_measure(w.other_pilot)
    content = services.ExperimentContent(title="Check", started_on=date(2026, 3, 1),
                                         plan="Proberen", measure_ids=[elsewhere.id])
    with pytest.raises(services.MeasureError) as refused:
        services.create_experiment(w.pilot, content, by=w.member)
    assert refused.value.field == "measures"


def test_member_completes_the_cycle_with_a_decision(client, make, login):
    w = world(make)
    experiment = add_experiment(w.pilot, started_on=date(2026, 3, 2))
    experiment.directions = []
    db.session.commit()
    login(w.member)
    url = f"/werkplaats/{w.slug}/experimenten/{experiment.id}/bewerken"
    assert "We proberen de check." in html_of(client.get(url))
    response = client.post(url, data=experiment_form(
        title="Mantelzorgcheck", plan="We proberen de check.", do="Drie maanden gedaan.",
        study="Meer steunplannen.", act_decision="adapt", act="Korter maken.",
        ended_on="2026-06-01"))
    assert response.status_code == 302
    experiment = the_experiment()
    assert experiment.act_decision is ActDecision.adapt
    assert (experiment.do, experiment.study, experiment.act) == (
        "Drie maanden gedaan.", "Meer steunplannen.", "Korter maken.")
    assert experiment.ended_on == date(2026, 6, 1)
    assert not experiment.is_running(date(2026, 5, 1))
    assert experiment.updated_by_id == w.member.id


def test_personal_data_blocks_the_experiment_and_keeps_what_was_typed(client, make, login):
    w = world(make)
    login(w.member)
    study = "Mevrouw Jansen (06-12345678) vulde de check twee keer in."
    response = client.post(f"/werkplaats/{w.slug}/experimenten/nieuw",
                           data=experiment_form(study=study))
    assert response.status_code == 200
    html = html_of(response)
    assert "Mogelijk persoonsgegevens" in html
    assert "privacy-mark" in html and 'name="not_personal"' in html
    assert re.search(r'<textarea[^>]*name="study"[^>]*>\s*Mevrouw Jansen \(06-12345678\)', html)
    assert "Mantelzorgcheck bij elk eerste huisbezoek" in html
    assert db.session.scalar(sa.select(sa.func.count(Experiment.id))) == 0


def test_a_confirmed_finding_is_saved_with_the_experiment_and_not_asked_again(client, make,
                                                                              login):
    w = world(make)
    login(w.member)
    plan = "We vragen het Meneer De Vries van de thuiszorg, die de check bedacht."
    (finding,) = scan(plan)
    with client.application.test_request_context():
        print_ = fingerprint(finding, key=guard.fingerprint_key())
    response = client.post(f"/werkplaats/{w.slug}/experimenten/nieuw",
                           data=experiment_form(plan=plan, not_personal=[print_]))
    assert response.status_code == 302
    experiment = the_experiment()
    (row,) = db.session.scalars(sa.select(PrivacyConfirmation)).all()
    assert (row.record_type, row.record_id, row.fingerprint) == (
        RecordType.experiment, experiment.id, print_)

    # The next step of the cycle keeps the confirmed text; nobody is asked about it again.
    response = client.post(f"/werkplaats/{w.slug}/experimenten/{experiment.id}/bewerken",
                           data=experiment_form(plan=plan, do="Twintig huisbezoeken."))
    assert response.status_code == 302
    assert the_experiment().do == "Twintig huisbezoeken."


def test_an_experiment_of_another_pilot_is_not_found(client, make, login):
    w = world(make)
    elsewhere = add_experiment(w.other_pilot)
    login(w.member)
    assert client.get(f"/werkplaats/{w.slug}/experimenten/{elsewhere.id}").status_code == 404
    assert client.get(
        f"/werkplaats/{w.slug}/experimenten/{elsewhere.id}/bewerken").status_code == 404


# Who may do what -------------------------------------------------------------------------------

READ = {"anonymous": 302, "outsider": 403, "member": 200, "coordinator": 200,
        "other_facilitator": 403, "facilitator": 200, "admin": 200}
WRITE = {**READ, "facilitator": 403, "admin": 403}


@pytest.mark.parametrize("who", list(READ))
def test_who_may_read_experiments(client, make, login, who):
    w = world(make)
    experiment = add_experiment(w.pilot)
    if getattr(w, who) is not None:
        login(getattr(w, who))
    assert client.get(f"/werkplaats/{w.slug}/experimenten").status_code == READ[who]
    assert client.get(
        f"/werkplaats/{w.slug}/experimenten/{experiment.id}").status_code == READ[who]


@pytest.mark.parametrize("who", list(WRITE))
def test_only_members_log_and_change_experiments(client, make, login, who):
    w = world(make)
    experiment = add_experiment(w.pilot)
    if getattr(w, who) is not None:
        login(getattr(w, who))
    assert client.get(f"/werkplaats/{w.slug}/experimenten/nieuw").status_code == WRITE[who]
    response = client.post(f"/werkplaats/{w.slug}/experimenten/{experiment.id}/bewerken",
                           data=experiment_form(title="Anders"))
    member = who in ("member", "coordinator")
    assert response.status_code == (302 if member else WRITE[who])
    assert (the_experiment().title == "Anders") is member


def test_a_completed_pilot_still_logs_but_a_stopped_one_only_reads(client, make, login):
    completed = world(make, status=PilotStatus.completed)
    login(completed.member)
    assert client.get(f"/werkplaats/{completed.slug}/experimenten/nieuw").status_code == 200
    client.post("/logout")
    stopped = make.pilot(programme=completed.programme, status=PilotStatus.stopped)
    member = make.member(stopped)
    experiment = add_experiment(stopped)
    login(member)
    assert client.get(f"/werkplaats/{stopped.slug}/experimenten/nieuw").status_code == 403
    page = html_of(client.get(f"/werkplaats/{stopped.slug}/experimenten/{experiment.id}"))
    assert "Bewerken" not in page


# Lists and run charts ----------------------------------------------------------------------------


def test_the_list_shows_decisions_and_links(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot, name="Steunplannen")
    add_experiment(w.pilot, title="Oude proef", measures=[measure], ended_on=date(2026, 5, 1),
                   act_decision=ActDecision.abandon, act="Werkte niet.")
    add_experiment(w.pilot, title="Verse proef", started_on=date(2026, 6, 1))
    login(w.facilitator)
    html = html_of(client.get(f"/werkplaats/{w.slug}/experimenten"))
    assert html.index("Verse proef") < html.index("Oude proef")  # newest first
    assert "Stoppen" in html and "nog geen besluit" in html and "Steunplannen" in html
    assert "Nieuw experiment" not in html


def test_the_experiments_list_costs_the_same_queries_for_more_data(client, make, login,
                                                                   count_queries):
    w = world(make)
    login(w.member)
    measure = add_measure(w.pilot)
    url = f"/werkplaats/{w.slug}/experimenten"

    def add(n):
        for i in range(n):
            experiment = add_experiment(w.pilot, title=f"Experiment {n}-{i}", measures=[measure])
            experiment.directions = [make.direction(1), make.direction(2)]
        db.session.commit()

    add(1)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(5)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many() == few()


def test_an_experiment_started_in_a_month_shows_in_that_row_of_the_table(client, make, login):
    w = world(make)
    months = last_months(3)
    measure = add_measure(w.pilot, values={months[0]: 1.0, months[2]: 3.0})
    add_experiment(w.pilot, title="Check bij huisbezoek",
                   started_on=months[1] + timedelta(days=4), measures=[measure],
                   ended_on=months[2] + timedelta(days=1))
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/metingen"))
    rows = html.split('<tr class="utrecht-table__row">')
    middle = next(row for row in rows if "geen waarde" in row)
    assert "Check bij huisbezoek" in middle
    last = rows[-1]
    assert "Check bij huisbezoek" in last  # ended that month


# Lessons citing experiments --------------------------------------------------------------------


def test_a_lesson_cites_an_experiment_of_its_own_pilot(client, make, login):
    w = world(make)
    own = add_experiment(w.pilot, title="Eigen experiment")
    add_experiment(w.other_pilot, title="Experiment elders")
    login(w.member)
    form = html_of(client.get(f"/werkplaats/{w.slug}/lessen/nieuw"))
    assert "Eigen experiment" in form and "Experiment elders" not in form

    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(experiments=[str(own.id)]))
    assert response.status_code == 302
    lesson = db.session.scalars(sa.select(Lesson)).one()
    assert [e.id for e in lesson.experiments] == [own.id]
    page = html_of(client.get(response.headers["Location"]))
    assert "Experimenten waarop de les steunt" in page
    assert f'/werkplaats/{w.slug}/experimenten/{own.id}"' in page
    cited = html_of(client.get(f"/werkplaats/{w.slug}/experimenten/{own.id}"))
    assert "Een vaste vraag aan de mantelzorger" in cited


def test_a_lesson_cannot_cite_an_experiment_of_another_pilot(client, make, login):
    w = world(make)
    elsewhere = add_experiment(w.other_pilot, title="Experiment elders")
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(experiments=[str(elsewhere.id)]))
    assert response.status_code == 200
    assert "Kies alleen experimenten van deze proeftuin." in html_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0


def test_the_lesson_services_refuse_another_pilots_experiment(make):
    w = world(make)
    elsewhere = add_experiment(w.other_pilot)
    content = lesson_services.LessonContent(
        title="Les", kind="success_factor", level="professional", evidence="measured",
        experiment_ids=[elsewhere.id])
    with pytest.raises(lesson_services.LessonError) as refused:
        lesson_services.create_lesson(w.pilot, content, by=w.member)
    assert refused.value.field == "experiments"


def test_citing_an_experiment_is_an_edit_that_keeps_the_others(client, make, login):
    w = world(make)
    first = add_experiment(w.pilot, title="Eerste")
    second = add_experiment(w.pilot, title="Tweede", started_on=date(2026, 4, 1))
    lesson = make.lesson(w.pilot, w.member)
    lesson.experiments = [first]
    db.session.commit()
    login(w.member)
    url = f"/werkplaats/{w.slug}/lessen/{lesson.id}/bewerken"
    form = html_of(client.get(url))
    assert is_checked(form, "experiments", first.id) is True
    assert is_checked(form, "experiments", second.id) is False
    data = lesson_form(title=lesson.title, summary=lesson.summary, body=lesson.body,
                       kind="success_factor", evidence="several_cases",
                       target_groups=[], experiments=[str(first.id), str(second.id)])
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert [e.title for e in db.session.get(Lesson, lesson.id).experiments] == ["Eerste", "Tweede"]


def test_the_public_lesson_never_shows_its_experiments(client, make, login):
    w = world(make)
    experiment = add_experiment(w.pilot, title="Intern experiment")
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    lesson.experiments = [experiment]
    db.session.commit()
    public = client.get(f"/bibliotheek/{lesson.id}", follow_redirects=True)
    assert public.status_code == 200
    assert "Intern experiment" not in html_of(public)
    login(w.facilitator)
    assert "Intern experiment" in html_of(
        client.get(f"/werkplaats/{w.slug}/lessen/{lesson.id}"))


# Personal data ---------------------------------------------------------------------------------


def test_the_personal_data_download_holds_the_experiments_one_logged(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot, name="Steunplannen")
    own = add_experiment(w.pilot, title="Eigen experiment", measures=[measure],
                         created_by=w.member)
    add_experiment(w.pilot, title="Van een ander", created_by=w.coordinator)
    login(w.member)
    response = client.get("/account/mijn-gegevens.json")
    document = response.get_json()
    assert [e["title"] for e in document["experiments"]] == ["Eigen experiment"]
    assert document["experiments"][0]["measures"] == ["Steunplannen"]
    assert document["experiments"][0]["plan"] == "We proberen de check."
    exported = db.session.scalars(sa.select(AuditEvent.record_id).where(
        AuditEvent.record_type == RecordType.experiment,
        AuditEvent.action == AuditAction.exported)).all()
    assert exported == [own.id]
    assert "1 experiment dat u heeft vastgelegd" in html_of(client.get("/account/mijn-gegevens"))
