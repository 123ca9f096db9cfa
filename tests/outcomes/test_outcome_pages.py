"""The due-list and the follow-up form, as the county coordinator uses them."""

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessLog
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.outcomes.models import OutcomeFollowUp, Situation


def test_due_list_shows_overdue_and_coming_follow_ups_of_own_counties_only(
    make_ended, make_user, login, other_county
):
    overdue = make_ended(120)  # 3 months: about a month ago
    coming = make_ended(80, EnrolmentStatus.AVBRUTT)  # 3 months: in about ten days
    make_ended(20)  # nothing due yet
    elsewhere = make_ended(120, county=other_county)
    client = login(make_user(Role.COORDINATOR))

    page = client.get("/oppfolging").get_data(as_text=True)

    assert overdue.person.name in page and "Forfalt" in page
    assert coming.person.name in page
    assert elsewhere.person.name not in page
    assert page.count("Etter 3 måneder") == 2
    logged = db.session.scalar(select(AccessLog).where(AccessLog.object_type == "outcome_due_list"))
    assert logged is not None


def test_coordinator_records_a_follow_up_and_it_leaves_the_due_list(make_ended, login_as):
    enrolment = make_ended(120)
    client = login_as(Role.COORDINATOR)
    url = f"/deltakere/{enrolment.id}/etter-kurset/3"

    response = client.submit(
        url,
        {
            "situation": "ARBEID_MB",
            "employer_type": "KOMMUNE",
            "position_percent": "60",
            "version": "0",
        },
    )

    assert response.status_code == 302
    saved = db.session.scalar(select(OutcomeFollowUp))
    assert (saved.situation, saved.employer_type.value, saved.position_percent) == (
        Situation.ARBEID_MB,
        "KOMMUNE",
        60,
    )
    # Where the save leads: the trainee's follow-up, with a message that names them.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Oppfølgingen av {enrolment.person.name} er lagret." in page
    assert "I arbeid som MB" in page and "60 %" in page
    assert enrolment.person.name not in client.get("/oppfolging").get_data(as_text=True)
    actions = db.session.scalars(
        select(AccessLog.action).where(AccessLog.object_type == "outcome_followup")
    ).all()
    assert "CREATE" in {a.value for a in actions}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"situation": "ARBEID_MB"}, "Velg hva slags arbeidsgiver"),
        (
            {"situation": "UTDANNING", "position_percent": "50"},
            "fylles bare ut når personen er i arbeid",
        ),
        (
            {"situation": "ANNET_ARBEID", "employer_type": "PRIVAT", "position_percent": "mye"},
            "Skriv et helt tall fra 1 til 100",
        ),
        (
            {"situation": "ANNET_ARBEID", "employer_type": "PRIVAT", "position_percent": "150"},
            "Skriv et helt tall fra 1 til 100",
        ),
    ],
)
def test_bad_input_gets_a_norwegian_message_and_saves_nothing(make_ended, login_as, data, message):
    enrolment = make_ended(120)
    client = login_as(Role.COORDINATOR)

    response = client.submit(f"/deltakere/{enrolment.id}/etter-kurset/3", {**data, "version": "0"})

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(OutcomeFollowUp)) is None


def test_a_follow_up_cannot_be_recorded_long_before_it_is_due(make_ended, login_as):
    enrolment = make_ended(20)
    client = login_as(Role.COORDINATOR)

    response = client.submit(
        f"/deltakere/{enrolment.id}/etter-kurset/12", {"situation": "UKJENT", "version": "0"}
    )

    assert "kan registreres fra" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutcomeFollowUp)) is None


def test_a_stale_form_is_refused_with_409(make_ended, login_as):
    enrolment = make_ended(120)
    client = login_as(Role.COORDINATOR)
    url = f"/deltakere/{enrolment.id}/etter-kurset/3"
    client.submit(url, {"situation": "UKJENT", "version": "0"})

    response = client.submit(url, {"situation": "IKKE_I_ARBEID", "version": "0"})

    assert response.status_code == 409
    assert db.session.scalar(select(OutcomeFollowUp.situation)) is Situation.UKJENT


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.TRAINEE, Role.PARTNER])
def test_other_roles_cannot_open_the_follow_up(make_ended, login_as, role):
    enrolment = make_ended(120)
    client = login_as(role)
    assert client.get("/oppfolging").status_code == 403
    assert client.get(f"/deltakere/{enrolment.id}/etter-kurset/3").status_code == 403


def test_a_trainee_in_another_county_or_still_taking_part_is_not_found(
    make_ended, make_cohort, make_enrolment, login_as, other_county
):
    elsewhere = make_ended(120, county=other_county)
    running = make_enrolment(make_cohort(), EnrolmentStatus.DELTAR)
    client = login_as(Role.COORDINATOR)

    assert client.get(f"/deltakere/{elsewhere.id}/etter-kurset/3").status_code == 404
    assert client.get(f"/deltakere/{running.id}/etter-kurset").status_code == 404
    assert client.get(f"/deltakere/{elsewhere.id}/etter-kurset/4").status_code == 404
