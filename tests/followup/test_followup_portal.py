"""Follow-up in the partner portal and by the coordinator: tvilsmelding, final evaluation,
meetings and proposals to change dates; and what a partner of another organisation gets."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.placements.models import (
    ChangeProposal,
    Concern,
    FinalEvaluation,
    Meeting,
    PlacementStatus,
    ProposalStatus,
    Signature,
    SignedAction,
)
from tests.followup.followup_support import (
    SUPERVISOR,
    last_log_id,
    link_path,
    log_rows_since,
    mail_to,
    sign_form,
)

S = PlacementStatus
PORTAL_PAGES = ("svar", "timer", "sluttvurdering", "tvilsmelding", "mote", "endring")


def date_text(day) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.mark.parametrize("page", PORTAL_PAGES)
def test_a_partner_of_another_organisation_finds_nothing(placement_scene, make_user, login, page):
    scene = placement_scene(S.ACTIVE)
    outsider = login(make_user(Role.PARTNER))
    before = last_log_id()
    url = f"/portal/praksis/{scene.placement.id}/{page}"
    assert outsider.get(url).status_code == 404
    assert outsider.submit(url, {"typed_name": "X"}, page="/").status_code == 404
    assert log_rows_since(before) == []


def test_access_ends_some_time_after_the_placement_ended(placement_scene, login):
    start = today() - timedelta(weeks=20)
    scene = placement_scene(S.ACTIVE, start=start, end=today() - timedelta(days=41))
    partner = login(scene.partner)
    assert partner.get(f"/portal/praksis/{scene.placement.id}/mote").status_code == 404


def test_a_tvilsmelding_reaches_the_trainee_and_the_coordinator_at_once(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    partner = login(scene.partner)
    url = f"/portal/praksis/{scene.placement.id}/tvilsmelding"
    text = "Møter ofte for sent og har gått glipp av avtalte vakter. Vi har avtalt ny plan."
    before = last_log_id()

    response = sign_form(partner, url, {"text": text, "typed_name": "Per Partner"})

    assert response.status_code == 302
    concern = db.session.scalar(select(Concern))
    assert concern.text == text
    assert concern.signature.action is SignedAction.RAISE_CONCERN
    assert concern.signature.content["text"] == text
    assert [row.object_type for row in log_rows_since(before)] == [
        "placement",
        "placement_concern",
    ]
    [trainee_mail] = mail_to(scene.enrolment.person.email)
    assert trainee_mail.subject == "Tvilsmelding i praksis"
    assert text not in trainee_mail.body  # read it logged in, not in the inbox
    [coordinator_mail] = mail_to(scene.coordinator.email)
    assert "Sendte tvilsmelding" in coordinator_mail.body

    coordinator = login(scene.coordinator)
    detail = coordinator.get(f"/praksis/{scene.placement.id}").get_data(as_text=True)
    assert "Tvilsmelding: det er tvil om praksisen blir bestått" in detail and text in detail
    cohort_id = scene.enrolment.cohort_id
    overview = coordinator.get(f"/kurs/{cohort_id}").get_data(as_text=True)
    assert "Tvilsmeldinger fra praksis (1)" in overview
    assert f'href="/praksis/{scene.placement.id}"' in overview
    mine = login(scene.trainee).get("/min-praksis").get_data(as_text=True)
    assert text in mine


def test_an_instructor_does_not_see_tvilsmeldinger_on_the_cohort_overview(
    placement_scene, login, make_user
):
    scene = placement_scene(S.ACTIVE)
    sign_form(
        login(scene.partner),
        f"/portal/praksis/{scene.placement.id}/tvilsmelding",
        {"text": "Tvil om oppmøtet.", "typed_name": "Per Partner"},
    )
    instructor = make_user(Role.INSTRUCTOR)
    cohort = scene.enrolment.cohort
    cohort.instructors.append(instructor)
    db.session.commit()
    overview = login(instructor).get(f"/kurs/{cohort.id}").get_data(as_text=True)
    assert "Tvilsmeldinger fra praksis" not in overview


def test_the_final_evaluation_is_signed_once_and_then_the_placement_can_be_completed(
    placement_scene, login
):
    scene = placement_scene(S.ACTIVE)
    partner = login(scene.partner)
    url = f"/portal/praksis/{scene.placement.id}/sluttvurdering"
    data = {"passed": "yes", "text": "Stabil, god på relasjoner.", "typed_name": "Per Partner"}
    assert sign_form(partner, url, data).status_code == 302
    evaluation = db.session.scalar(select(FinalEvaluation))
    assert evaluation.passed is True
    assert evaluation.signature.content["passed"] is True
    page = partner.get(url).get_data(as_text=True)
    assert "Sluttvurderingen er signert" in page and "Signer sluttvurderingen" not in page
    response = partner.submit(url, data, page="/")  # a form kept open from before
    assert response.status_code in (400, 409)
    assert len(db.session.scalars(select(FinalEvaluation)).all()) == 1

    [notice] = mail_to(scene.enrolment.person.email)
    assert notice.subject == "Sluttvurderingen av praksisen er klar"
    mine = login(scene.trainee).get("/min-praksis").get_data(as_text=True)
    assert "Bestått" in mine and "Stabil, god på relasjoner." in mine

    coordinator = login(scene.coordinator)
    response = coordinator.submit(
        f"/praksis/{scene.placement.id}/status",
        {"status": "COMPLETED", "version": str(scene.reload().version)},
        page=f"/praksis/{scene.placement.id}",
    )
    assert response.status_code == 302
    assert scene.reload().status is S.COMPLETED


def test_a_not_passed_evaluation_needs_a_text(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    partner = login(scene.partner)
    url = f"/portal/praksis/{scene.placement.id}/sluttvurdering"
    response = sign_form(partner, url, {"passed": "no", "text": "", "typed_name": "Per Partner"})
    assert response.status_code == 400
    assert db.session.scalar(select(FinalEvaluation)) is None
    data = {"passed": "no", "text": "Under 80 % oppmøte.", "typed_name": "Per Partner"}
    assert sign_form(partner, url, data).status_code == 302
    assert db.session.scalar(select(FinalEvaluation)).passed is False


def test_the_final_evaluation_by_link(placement_scene, login, client):
    scene = placement_scene(S.ACTIVE)
    coordinator = login(scene.coordinator)
    coordinator.submit(f"/praksis/{scene.placement.id}/lenke/sluttvurdering", page="/")
    path = link_path(mail_to(SUPERVISOR)[-1].body)
    assert "Sluttvurdering av praksis" in client.get(path).get_data(as_text=True)
    data = {"passed": "yes", "text": "Bestått med god margin.", "typed_name": "Kari Veileder"}
    assert client.submit(path, data).status_code == 302
    signature = db.session.scalar(select(Signature))
    assert (signature.action, signature.user_id) == (SignedAction.FINAL_EVALUATION, None)
    assert client.get(path).status_code == 410


@pytest.mark.parametrize("who", ["partner", "coordinator"])
def test_meetings_are_recorded_by_the_partner_or_the_coordinator(placement_scene, login, who):
    scene = placement_scene(S.ACTIVE)
    client = login(getattr(scene, who))
    base = "/portal/praksis" if who == "partner" else "/praksis"
    url = f"{base}/{scene.placement.id}/mote"
    page = client.get(url).get_data(as_text=True)
    assert "Ikke skriv helseopplysninger" in page
    data = {
        "kind": "OPPSTART",
        "held_on": date_text(scene.placement.start_date),
        "participants": "Deltaker, praksisveileder, koordinator",
        "summary": "Gikk gjennom arbeidsoppgaver og turnus.",
    }
    first = sign_form(client, url, data)
    assert first.status_code == 302
    [meeting] = db.session.scalars(select(Meeting)).all()
    assert meeting.recorded_by_id == getattr(scene, who).id
    assert meeting.kind.label == "Oppstartsmøte"


def test_a_meeting_cannot_be_recorded_before_it_is_held(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    partner = login(scene.partner)
    url = f"/portal/praksis/{scene.placement.id}/mote"
    data = {
        "kind": "MIDTVEIS",
        "held_on": date_text(today() + timedelta(days=3)),
        "participants": "Deltaker, veileder",
    }
    response = sign_form(partner, url, data)
    assert response.status_code == 400
    assert "Registrer møtet etter at det er holdt." in response.get_data(as_text=True)
    assert db.session.scalar(select(Meeting)) is None


def test_a_meeting_sent_twice_is_recorded_once(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    partner = login(scene.partner)
    url = f"/portal/praksis/{scene.placement.id}/mote"
    page = partner.get(url).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    key = page.split('name="submission_key" type="hidden" value="')[1].split('"')[0]
    data = {
        "csrf_token": token,
        "submission_key": key,
        "kind": "EKSTRA",
        "held_on": date_text(today()),
        "participants": "Deltaker, veileder",
    }
    assert partner.post(url, data=data).status_code == 302
    assert partner.post(url, data=data).status_code == 302
    assert len(db.session.scalars(select(Meeting)).all()) == 1


def propose(partner, scene, **data):
    url = f"/portal/praksis/{scene.placement.id}/endring"
    return sign_form(partner, url, data)


def test_a_newer_proposal_supersedes_the_open_one_and_can_be_withdrawn(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    partner = login(scene.partner)
    end = scene.placement.end_date
    assert (
        propose(
            partner,
            scene,
            kind="END_EARLY",
            new_end_date=date_text(end - timedelta(weeks=2)),
            reason="Avdelingen stenger i sommer.",
        ).status_code
        == 302
    )
    assert (
        propose(
            partner,
            scene,
            kind="END_EARLY",
            new_end_date=date_text(end - timedelta(weeks=1)),
            reason="Avdelingen stenger en uke før sommerferien.",
        ).status_code
        == 302
    )
    first, second = db.session.scalars(select(ChangeProposal).order_by(ChangeProposal.id)).all()
    assert (first.status, second.status) == (ProposalStatus.SUPERSEDED, ProposalStatus.PROPOSED)
    assert len(mail_to(scene.coordinator.email)) == 2

    url = f"/portal/praksis/{scene.placement.id}/endring/{second.id}/trekk"
    assert partner.submit(url, page=f"/portal/praksis/{scene.placement.id}").status_code == 302
    assert db.session.get(ChangeProposal, second.id).status is ProposalStatus.WITHDRAWN


def test_the_coordinator_approves_a_proposal_through_the_core_rules(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    partner = login(scene.partner)
    new_end = scene.placement.end_date - timedelta(weeks=2)
    propose(
        partner,
        scene,
        kind="END_EARLY",
        new_end_date=date_text(new_end),
        reason="Veilederen slutter.",
    )
    proposal = db.session.scalar(select(ChangeProposal))
    coordinator = login(scene.coordinator)
    url = f"/praksis/{scene.placement.id}/endring/{proposal.id}"
    assert "Veilederen slutter." in coordinator.get(url).get_data(as_text=True)

    response = sign_form(coordinator, url, {"decision": "approve"})

    assert response.status_code == 302
    assert scene.reload().end_date == new_end
    proposal = db.session.get(ChangeProposal, proposal.id)
    assert proposal.status is ProposalStatus.APPROVED
    assert proposal.decided_by_id == scene.coordinator.id


def test_new_dates_that_break_the_core_rules_are_not_approved(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    cohort_end = scene.enrolment.cohort.end_date
    partner = login(scene.partner)
    propose(
        partner,
        scene,
        kind="CHANGE_DATES",
        new_start_date=date_text(scene.placement.start_date),
        new_end_date=date_text(cohort_end + timedelta(days=7)),
        reason="Vi kan ta imot lenger.",
    )
    proposal = db.session.scalar(select(ChangeProposal))
    coordinator = login(scene.coordinator)
    url = f"/praksis/{scene.placement.id}/endring/{proposal.id}"
    response = sign_form(coordinator, url, {"decision": "approve"})
    assert response.status_code == 400
    assert "Datoen må ligge innenfor" in response.get_data(as_text=True)
    assert db.session.get(ChangeProposal, proposal.id).status is ProposalStatus.PROPOSED
    assert scene.reload().end_date != cohort_end + timedelta(days=7)


def test_a_rejection_needs_a_reason(placement_scene, login):
    scene = placement_scene(S.ACTIVE)
    propose(
        login(scene.partner),
        scene,
        kind="END_EARLY",
        new_end_date=date_text(scene.placement.end_date - timedelta(weeks=1)),
        reason="Ferie.",
    )
    proposal = db.session.scalar(select(ChangeProposal))
    coordinator = login(scene.coordinator)
    url = f"/praksis/{scene.placement.id}/endring/{proposal.id}"
    response = sign_form(coordinator, url, {"decision": "reject"})
    assert response.status_code == 400
    assert "Skriv hvorfor forslaget avvises." in response.get_data(as_text=True)
    reason = "Deltakeren trenger hele perioden for å nå 80 %."
    assert sign_form(coordinator, url, {"decision": "reject", "reason": reason}).status_code == 302
    proposal = db.session.get(ChangeProposal, proposal.id)
    assert (proposal.status, proposal.decision_reason) == (ProposalStatus.REJECTED, reason)
    portal = login(scene.partner).get(f"/portal/praksis/{scene.placement.id}")
    assert reason in portal.get_data(as_text=True)
