"""Confirmation without an account: a single-use link bound to one placement, one action and
one address; what it shows, what it records, and every way it refuses."""

from datetime import timedelta

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from mbtrain.accounts.models import ActionToken, Role, TokenPurpose
from mbtrain.audit.models import AccessAction
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.partner.signing import content_sha256
from mbtrain.placements import services
from mbtrain.placements.models import (
    FinalEvaluation,
    PlacementStatus,
    Signature,
    SignedAction,
    SignedVia,
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
USED = "Lenken er allerede brukt. Hver lenke kan bare brukes én gang."
EXPIRED = "Lenken er utløpt. Be om en ny."
INVALID = "Lenken er ugyldig. Kontroller at du har kopiert hele lenken."
CHANGED = "Opplysningene om praksisplassen er endret etter at lenken ble sendt."
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Testleser/1.0 " + "x" * 400


@pytest.fixture
def send_link(login):
    """The coordinator sends the supervisor a link; returns the path in the e-mail."""

    def send(scene, kind: str = "bekreftelse") -> str:
        coordinator = login(scene.coordinator)
        response = coordinator.submit(f"/praksis/{scene.placement.id}/lenke/{kind}", page="/")
        assert response.status_code == 302, response.get_data(as_text=True)
        return link_path(mail_to(SUPERVISOR)[-1].body)

    return send


def confirm(client, path: str, **data):
    data = {"decision": "confirm", "typed_name": "Kari Veileder", **data}
    return client.submit(path, data, headers={"User-Agent": BROWSER})


def test_the_link_shows_exactly_what_is_confirmed(placement_scene, send_link, client):
    scene = placement_scene()
    path = send_link(scene)
    [mail] = mail_to(SUPERVISOR)
    assert mail.subject == "Bekreft praksisplass for MB-opplæringen"
    assert "virker i 14 dager" in mail.body

    page = client.get(path).get_data(as_text=True)

    person = scene.enrolment.person
    for shown in (
        person.name,
        person.email,
        person.phone,
        scene.organisation.name,
        "Kari Veileder",
        SUPERVISOR,
        scene.placement.start_date.strftime("%d.%m.%Y"),
        scene.placement.end_date.strftime("%d.%m.%Y"),
        "Dette deles med dere",
        "Deltakerens navn",
    ):
        assert shown in page, shown
    assert person.date_of_birth.strftime("%d.%m.%Y") not in page


def test_confirming_records_who_what_when_from_where_and_sends_receipts(
    placement_scene, send_link, client
):
    scene = placement_scene()
    path = send_link(scene)
    before = last_log_id()

    response = confirm(client, path, typed_name="  Kari   Veileder ")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/praksislenke-kvittering")
    assert scene.reload().status is S.CONFIRMED
    signature = db.session.scalar(select(Signature))
    assert (signature.action, signature.via) == (SignedAction.CONFIRM_PLACEMENT, SignedVia.LINK)
    assert (signature.typed_name, signature.signer_email) == ("Kari Veileder", SUPERVISOR)
    assert signature.user_id is None
    assert signature.ip == "127.0.0.1"
    assert signature.user_agent == BROWSER[:300]
    assert signature.content["placement"]["trainee"]["name"] == scene.enrolment.person.name
    assert signature.content_sha256 == content_sha256(signature.content)
    event = scene.reload().events[-1]
    assert (event.status, event.by_email) == (S.CONFIRMED, SUPERVISOR)

    receipt = mail_to(SUPERVISOR)[-1]
    assert receipt.subject == "Kvittering: Bekreftet praksisplassen"
    assert signature.content_sha256 in receipt.body
    [notice] = mail_to(scene.coordinator.email)
    assert scene.enrolment.person.name not in notice.body  # staff read it after logging in
    assert f"/praksis/{scene.placement.id}" in notice.body

    # Opening the page and signing: one row each, by the address the link was sent to.
    opened, signed = log_rows_since(before)
    for row in (opened, signed):
        assert (row.actor_user_id, row.actor_role, row.actor_scope) == (
            None,
            "PARTNER_LINK",
            SUPERVISOR,
        )
        assert row.subject_person_id == scene.enrolment.person_id
    assert (opened.action, signed.action) == (AccessAction.VIEW, AccessAction.UPDATE)


def test_opening_the_link_is_logged_once_as_the_address_it_went_to(
    placement_scene, send_link, client
):
    scene = placement_scene()
    path = send_link(scene)
    before = last_log_id()
    client.get(path)
    [row] = log_rows_since(before)
    assert (row.actor_role, row.actor_scope, row.action) == (
        "PARTNER_LINK",
        SUPERVISOR,
        AccessAction.VIEW,
    )
    assert row.subject_user_id == scene.trainee.id


def test_declining_needs_a_reason(placement_scene, send_link, client, db_snapshot):
    scene = placement_scene()
    path = send_link(scene)
    before = db_snapshot(reads=True)

    response = confirm(client, path, decision="decline")
    assert response.status_code == 400
    assert "Skriv hvorfor dere takker nei." in response.get_data(as_text=True)
    assert db_snapshot(reads=True) == before  # and the link still works

    response = confirm(client, path, decision="decline", reason="Ingen veileder i perioden.")
    assert response.status_code == 302
    assert scene.reload().status is S.DECLINED
    signature = db.session.scalar(select(Signature))
    assert signature.action is SignedAction.DECLINE_PLACEMENT
    assert signature.content["reason"] == "Ingen veileder i perioden."


def test_a_link_works_once(placement_scene, send_link, client, db_snapshot):
    scene = placement_scene()
    path = send_link(scene)
    assert confirm(client, path).status_code == 302
    before = db_snapshot()

    for response in (client.get(path), confirm(client, path)):
        assert response.status_code == 410
        assert USED in response.get_data(as_text=True)
    assert db_snapshot() == before
    assert len(db.session.scalars(select(Signature)).all()) == 1


def test_an_expired_link_changes_nothing(placement_scene, send_link, client, db_snapshot):
    scene = placement_scene()
    path = send_link(scene)
    before = db_snapshot()
    with time_machine.travel(utcnow() + timedelta(days=14, minutes=1)):
        for response in (client.get(path), confirm(client, path)):
            assert response.status_code == 410
            assert EXPIRED in response.get_data(as_text=True)
    assert db_snapshot() == before
    assert scene.reload().status is S.PROPOSED


@pytest.mark.parametrize("app_config", [{"PLACEMENT_LINK_LIFETIME": timedelta(hours=2)}])
def test_the_lifetime_is_a_setting(placement_scene, send_link, client):
    path = send_link(placement_scene())
    with time_machine.travel(utcnow() + timedelta(hours=2, minutes=1)):
        assert client.get(path).status_code == 410


@pytest.mark.parametrize(
    "alter",
    [
        lambda path: path[:-1] + ("A" if path[-1] != "A" else "B"),
        lambda path: path[:-5],
        lambda path: path + "x",
    ],
    ids=["one character changed", "cut short", "one character added"],
)
def test_an_altered_link_is_unknown(placement_scene, send_link, client, db_snapshot, alter):
    path = send_link(placement_scene())
    before = db_snapshot()
    for response in (client.get(alter(path)), confirm(client, alter(path))):
        assert response.status_code == 404
        assert INVALID in response.get_data(as_text=True)
    assert db_snapshot() == before


def test_a_link_is_bound_to_its_placement(placement_scene, send_link, client, db_snapshot):
    first, second = placement_scene(), placement_scene()  # the same supervisor at both
    path = send_link(first)
    db.session.execute(update(ActionToken).values(object_id=second.placement.id))
    db.session.commit()
    before = db_snapshot()

    for response in (client.get(path), confirm(client, path)):
        assert response.status_code == 410
        assert CHANGED in response.get_data(as_text=True)
    assert db_snapshot() == before
    assert second.reload().status is S.PROPOSED


def test_a_link_is_bound_to_the_address_it_was_sent_to(placement_scene, send_link, client):
    scene = placement_scene()
    path = send_link(scene)
    db.session.execute(update(ActionToken).values(email="noen.andre@example.org"))
    db.session.commit()
    response = confirm(client, path)
    assert response.status_code == 404
    assert scene.reload().status is S.PROPOSED


def test_a_link_sent_before_the_placement_changed_must_be_sent_again(
    placement_scene, send_link, client, db_snapshot
):
    scene = placement_scene()
    path = send_link(scene)
    placement = scene.reload()
    placement.weekly_hours = 15  # the coordinator changed the hours after sending
    db.session.commit()
    before = db_snapshot()

    for response in (client.get(path), confirm(client, path)):
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert CHANGED in page
        assert "Be koordinatoren sende en ny lenke." in page
    assert db_snapshot() == before

    assert confirm(client, send_link(scene)).status_code == 302  # a new link works


def test_a_new_link_replaces_the_old_one(placement_scene, send_link, client):
    scene = placement_scene()
    old, new = send_link(scene), send_link(scene)
    assert client.get(old).status_code == 410
    assert confirm(client, new).status_code == 302


def test_a_confirmation_link_cannot_sign_the_final_evaluation(
    placement_scene, send_link, client, db_snapshot
):
    scene = placement_scene(S.ACTIVE)
    path = send_link(scene, "sluttvurdering")
    evaluation = {"passed": "yes", "text": "Har fungert godt i miljøet."}

    # The link's purpose decides the action, whatever the form says.
    assert confirm(client, path, **evaluation).status_code == 302
    assert scene.reload().status is S.ACTIVE
    [signature] = db.session.scalars(select(Signature)).all()
    assert signature.action is SignedAction.FINAL_EVALUATION

    other = placement_scene()
    confirm_path = send_link(other)
    before = db_snapshot(reads=True)
    response = client.submit(confirm_path, {"typed_name": "Kari Veileder", **evaluation})
    assert response.status_code == 400  # the confirmation form: no answer chosen
    assert db_snapshot(reads=True) == before
    assert (
        db.session.scalar(
            select(FinalEvaluation).where(FinalEvaluation.placement_id == other.placement.id)
        )
        is None
    )


def test_a_link_whose_job_was_done_in_the_portal_is_spent(
    placement_scene, send_link, client, login
):
    scene = placement_scene()
    path = send_link(scene)
    partner = login(scene.partner)
    portal = f"/portal/praksis/{scene.placement.id}/svar"
    response = sign_form(partner, portal, {"decision": "confirm", "typed_name": "Per Partner"})
    assert response.status_code == 302
    assert client.get(path).status_code == 410
    assert scene.reload().status is S.CONFIRMED


def test_a_protected_trainee_is_shown_without_identity(placement_scene, send_link, client):
    scene = placement_scene(protected=True)
    path = send_link(scene)
    person = scene.enrolment.person
    page = client.get(path).get_data(as_text=True)
    assert "Deltaker (navnet holdes skjult)" in page
    assert confirm(client, path).status_code == 302
    mails = " ".join(m.body for m in mail_to(SUPERVISOR))
    signature = db.session.scalar(select(Signature))
    for hidden in (person.name, person.email, person.phone):
        assert hidden not in page
        assert hidden not in mails
        assert hidden not in str(signature.content)


def test_only_the_coordinator_of_the_county_sends_links(
    placement_scene, make_user, login, other_county
):
    scene = placement_scene()
    outsider = login(make_user(Role.COORDINATOR, counties=[other_county]))
    response = outsider.submit(f"/praksis/{scene.placement.id}/lenke/bekreftelse", page="/")
    assert response.status_code == 404
    assert mail_to(SUPERVISOR) == []


def test_a_confirmation_link_is_only_sent_for_a_proposal(placement_scene, login):
    scene = placement_scene(S.CONFIRMED)
    coordinator = login(scene.coordinator)
    response = coordinator.submit(
        f"/praksis/{scene.placement.id}/lenke/bekreftelse", page="/", follow_redirects=True
    )
    assert "Praksisplassen er allerede bekreftet." in response.get_data(as_text=True)
    assert mail_to(SUPERVISOR) == []


def test_links_are_made_only_for_placement_purposes(placement_scene, send_link, client):
    """An invitation token is not a placement link, even if someone pastes it there."""
    scene = placement_scene()
    path = send_link(scene)
    db.session.execute(update(ActionToken).values(purpose=TokenPurpose.INVITATION))
    db.session.commit()
    assert client.get(path).status_code == 404
    assert services.PlacementStatus.PROPOSED is scene.reload().status


@pytest.mark.parametrize(
    ("app_config", "recorded"),
    [({}, "127.0.0.1"), ({"PROXY_HOPS": 1}, "203.0.113.7")],
    ids=["no proxy configured", "behind one proxy"],
)
def test_the_address_is_taken_from_a_proxy_only_when_configured(
    placement_scene, send_link, client, recorded
):
    path = send_link(placement_scene())
    headers = {"X-Forwarded-For": "203.0.113.7", "User-Agent": BROWSER}
    data = {"decision": "confirm", "typed_name": "Kari Veileder"}
    assert client.submit(path, data, headers=headers).status_code == 302
    assert db.session.scalar(select(Signature)).ip == recorded


def test_the_trainee_sees_that_the_supervisor_opened_the_link(
    placement_scene, send_link, client, login
):
    scene = placement_scene()
    path = send_link(scene)
    client.get(path)
    page = login(scene.trainee).get("/meg/innsyn").get_data(as_text=True)
    assert "Praksisveileder (engangslenke)" in page
    assert SUPERVISOR in page


def test_a_link_page_is_never_cached(placement_scene, send_link, client):
    path = send_link(placement_scene())
    client.get(path)  # the first visit also sets the CSRF cookie
    assert client.get(path).headers["Cache-Control"] == "no-store"


HOSTILE_TEXT = st.sampled_from(
    [
        "x" * 10_000,
        "Kari\x00Veileder",
        "\u202eredlieV iraK",
        "<script>alert(1)</script>",
        "{{7*7}} ${7*7}",
        "",
        " ",
        '=HYPERLINK("http://example.invalid")',
    ]
) | st.text(max_size=300)


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
def test_hostile_answers_to_a_link_are_refused_in_norwegian_or_signed_once(
    placement_scene, send_link, client
):
    """The link page is open to anyone who holds the address: whatever is posted to it, the
    answer is a signature, a Norwegian refusal on the form, or «already used» — never a 500,
    never two signatures."""
    scene = placement_scene()
    path = send_link(scene)
    seen: set[int] = set()

    @settings(max_examples=30, derandomize=True, deadline=None, database=None)
    @given(
        decision=st.sampled_from(["confirm", "decline", "", "approve", "x" * 5000]),
        reason=HOSTILE_TEXT,
        typed_name=HOSTILE_TEXT,
        twice=st.booleans(),
    )
    def post(decision: str, reason: str, typed_name: str, twice: bool) -> None:
        data = MultiDict({"decision": decision, "reason": reason, "typed_name": typed_name})
        if twice:
            data.add("typed_name", "Annen Person")
        data.add("csrf_token", client.csrf_token(path))
        response = client.post(path, data=data, headers={"User-Agent": BROWSER})
        page = response.get_data(as_text=True)
        seen.add(response.status_code)
        assert response.status_code in (302, 400, 410), response.status_code
        if response.status_code == 400:
            assert "This field is required" not in page and "Not a valid choice" not in page
            # The form again with the message on its field, or (for a NUL, which no one
            # types) the Norwegian page for a malformed request.
            assert "aksel-error-message" in page or "Ugyldig forespørsel" in page
        assert "<script>alert(1)</script>" not in page
        assert len(db.session.scalars(select(Signature)).all()) <= 1

    post()
    assert 400 in seen and seen & {302, 410}, seen  # both refusals and an answer were tried
